/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The setup sequences test_vm_fail_nth runs under injected failures: each
 * step a library call that must succeed or fail by the rules (fail_nth.h).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "fail_nth.h"

const void *const no_out = NULL;

static int
do_open_ioas(struct seq_state *s)
{
	LIB(s, "rte_iommufd_open", rte_iommufd_open(&s->ctx), s->ctx);
	LIB(s, "rte_iommufd_ioas_alloc", rte_iommufd_ioas_alloc(s->ctx, &s->ioas), s->ioas);
	return 0;
}

static int
do_map_unmap(struct seq_state *s, struct rte_iommufd_ioas *ioas)
{
	struct rte_iommufd_iova_range *r = NULL;
	uint64_t unmapped = 0;
	uint32_t nr = 0;

	LIB(s, "rte_iommufd_ioas_iova_ranges", rte_iommufd_ioas_iova_ranges(ioas, &r, &nr, NULL), r);
	free(r);
	LIB(s, "rte_iommufd_ioas_map", rte_iommufd_ioas_map(ioas, buf, BUF_LEN, &s->iova,
							    RTE_IOMMUFD_MAP_RW), no_out);
	LIB(s, "rte_iommufd_ioas_unmap", rte_iommufd_ioas_unmap(ioas, s->iova, BUF_LEN, &unmapped),
	    no_out);
	if (unmapped != BUF_LEN)
		PROBLEM(s, "unmap reported 0x%" PRIx64 " bytes, not 0x%lx", unmapped, BUF_LEN);
	return 0;
}

static int
do_mock_dev(struct seq_state *s, uint32_t pt_id)
{
	OWN(s, "mock device (IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)",
	    mock_new(rte_iommufd_fd(s->ctx), pt_id, IFD_MOCK_FLAGS_DEVICE_PASID, true, &s->mock));
	LIB(s, "rte_iommufd_device_create",
	    rte_iommufd_device_create(s->ctx, "mock0", s->mock->idev_id, &mock_ops, s->mock,
				      &s->dev), s->dev);
	return 0;
}

/* (a) context, IOAS, ranges, map, unmap. */
int
seq_ioas(struct seq_state *s)
{
	int ret = do_open_ioas(s);

	return ret != 0 ? ret : do_map_unmap(s, s->ioas);
}

/* (b) + VFIO device open and bind, RID attach to the IOAS. */
int
seq_vfio(struct seq_state *s)
{
	int ret = do_open_ioas(s);

	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_device_open", rte_iommufd_device_open(s->ctx, bdf, NULL, &s->dev),
	    s->dev);
	LIB(s, "rte_iommufd_device_attach",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_ioas_id(s->ioas), NULL), no_out);
	return do_map_unmap(s, s->ioas);
}

/* (c) + a PASID-capable HWPT and a RID replace onto it. */
int
seq_vfio_hwpt(struct seq_state *s)
{
	int ret = seq_vfio(s);

	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_hwpt_alloc",
	    rte_iommufd_hwpt_alloc(s->dev, rte_iommufd_ioas_id(s->ioas),
				   RTE_IOMMUFD_HWPT_ALLOC_PASID, &s->hwpt), s->hwpt);
	LIB(s, "rte_iommufd_device_attach (replace)",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_hwpt_id(s->hwpt), NULL), no_out);
	return do_map_unmap(s, s->ioas);
}

/* (d) fault queue, HWPT delivering to it, RID replace onto it (mock device). */
int
seq_fault(struct seq_state *s)
{
	struct rte_iommufd_hwpt_params params = { .flags = RTE_IOMMUFD_HWPT_ALLOC_PASID };
	int ret = do_open_ioas(s);

	if (ret != 0)
		return ret;
	ret = do_mock_dev(s, rte_iommufd_ioas_id(s->ioas));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_fault_alloc", rte_iommufd_fault_alloc(s->ctx, &s->fault), s->fault);
	params.fault = s->fault;
	LIB(s, "rte_iommufd_hwpt_alloc_ex (fault)",
	    rte_iommufd_hwpt_alloc_ex(s->dev, rte_iommufd_ioas_id(s->ioas), &params, &s->hwpt),
	    s->hwpt);
	LIB(s, "rte_iommufd_device_attach (fault HWPT)",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_hwpt_id(s->hwpt), NULL), no_out);
	return do_map_unmap(s, s->ioas);
}

/* (e) PASID attach, map, unmap, PASID detach on a PASID-capable mock device. */
int
seq_pasid(struct seq_state *s)
{
	int ret = do_open_ioas(s);

	if (ret != 0)
		return ret;
	ret = do_mock_dev(s, rte_iommufd_ioas_id(s->ioas));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_hwpt_alloc",
	    rte_iommufd_hwpt_alloc(s->dev, rte_iommufd_ioas_id(s->ioas),
				   RTE_IOMMUFD_HWPT_ALLOC_PASID, &s->hwpt), s->hwpt);
	LIB(s, "rte_iommufd_device_attach (replace)",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_hwpt_id(s->hwpt), NULL), no_out);
	LIB(s, "rte_iommufd_device_pasid_attach",
	    rte_iommufd_device_pasid_attach(s->dev, TEST_PASID, rte_iommufd_hwpt_id(s->hwpt),
					    NULL), no_out);
	s->pasid_hwpt = rte_iommufd_hwpt_id(s->hwpt);
	ret = do_map_unmap(s, s->ioas);
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_device_pasid_detach",
	    rte_iommufd_device_pasid_detach(s->dev, TEST_PASID), no_out);
	s->pasid_hwpt = 0;
	return 0;
}

/* (f) address space: policy HWPTs for the RID and a PASID (mock device). */
int
seq_space(struct seq_state *s)
{
	struct rte_iommufd_ioas *ioas;
	int ret;

	LIB(s, "rte_iommufd_open", rte_iommufd_open(&s->ctx), s->ctx);
	LIB(s, "rte_iommufd_space_create", rte_iommufd_space_create(s->ctx, NULL, NULL, &s->space),
	    s->space);
	ioas = rte_iommufd_space_ioas(s->space);
	ret = do_mock_dev(s, rte_iommufd_ioas_id(ioas));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_space_attach (RID)",
	    rte_iommufd_space_attach(s->space, s->dev, RTE_IOMMUFD_NO_PASID, NULL), no_out);
	s->space_rid = true;
	LIB(s, "rte_iommufd_space_attach (PASID)",
	    rte_iommufd_space_attach(s->space, s->dev, TEST_PASID, NULL), no_out);
	s->space_pasid = true;
	ret = do_map_unmap(s, ioas);
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_space_detach (PASID)",
	    rte_iommufd_space_detach(s->space, s->dev, TEST_PASID), no_out);
	s->space_pasid = false;
	return 0;
}

/* Bind a PASID on both devices; a PASID kept allocated is remembered. */
static int
bind_both(struct seq_state *s)
{
	struct rte_iommufd_device *devs[2] = { s->dev, s->dev2 };
	uint32_t pasid = 0;
	int ret;

	ret = rte_iommufd_space_pasid_bind(s->space, s->ns, RTE_PASID_OWNER_NONE, devs, 2, &pasid);
	if (ret == 0 || ret == -EIO)
		s->bound = pasid;
	else if (pasid != 0)
		PROBLEM(s, "failed bind (%s) reported PASID %u", rte_iommufd_errno_name(ret), pasid);
	return ret;
}

int
unbind_both(struct seq_state *s)
{
	struct rte_iommufd_device *devs[2] = { s->dev, s->dev2 };
	int ret;

	ret = rte_iommufd_space_pasid_unbind(s->space, s->ns, RTE_PASID_OWNER_NONE, devs, 2, s->bound);
	if (ret == 0)
		s->bound = 0;
	return ret;
}

/* (g) a PASID from a namespace bound on two devices of one address space. */
int
seq_bind(struct seq_state *s)
{
	uint32_t ioas_id;
	int ret;

	LIB(s, "rte_iommufd_open", rte_iommufd_open(&s->ctx), s->ctx);
	LIB(s, "rte_iommufd_space_create", rte_iommufd_space_create(s->ctx, NULL, NULL, &s->space),
	    s->space);
	LIBQ(s, "rte_pasid_space_create", rte_pasid_space_create(IFD_MOCK_PASID_WIDTH, 0, &s->ns),
	     s->ns);
	ioas_id = rte_iommufd_ioas_id(rte_iommufd_space_ioas(s->space));
	ret = do_mock_dev(s, ioas_id);
	if (ret != 0)
		return ret;
	OWN(s, "mock device (IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)",
	    mock_new(rte_iommufd_fd(s->ctx), ioas_id, IFD_MOCK_FLAGS_DEVICE_PASID, true, &s->mock2));
	LIB(s, "rte_iommufd_device_create",
	    rte_iommufd_device_create(s->ctx, "mock1", s->mock2->idev_id, &mock_ops, s->mock2,
				      &s->dev2), s->dev2);
	LIB(s, "rte_iommufd_space_attach (RID)",
	    rte_iommufd_space_attach(s->space, s->dev, RTE_IOMMUFD_NO_PASID, NULL), no_out);
	s->space_rid = true;
	LIB(s, "rte_iommufd_space_attach (RID 2)",
	    rte_iommufd_space_attach(s->space, s->dev2, RTE_IOMMUFD_NO_PASID, NULL), no_out);
	s->space_rid2 = true;
	LIB(s, "rte_iommufd_space_pasid_bind", bind_both(s), no_out);
	ret = do_map_unmap(s, rte_iommufd_space_ioas(s->space));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_space_pasid_unbind", unbind_both(s), no_out);
	return 0;
}

/* What a completed sequence must have produced. */
void
verify_done(struct seq_state *s)
{
	struct rte_iommufd_pasid_caps caps;
	/* PASID attach is decided by the first device: none, no decision. */
	uint64_t want = expected_features & (s->dev != NULL ? ~UINT64_C(0) :
					     ~(uint64_t)RTE_IOMMUFD_FEAT_PASID);

	/* Features are probed once per context: a transient failure must not hide one. */
	if (s->ctx != NULL && rte_iommufd_features(s->ctx) != want)
		PROBLEM(s, "completed, but the context has features 0x%" PRIx64 ", not 0x%" PRIx64,
			rte_iommufd_features(s->ctx), want);
	if (s->dev == NULL)
		return;
	/* The device's capabilities are those of the device, not of a transient failure. */
	if (rte_iommufd_device_pasid_caps(s->dev, &caps) != 0)
		PROBLEM(s, "completed, but the device has no PASID capabilities: %.200s", last_msg);
	else if (s->mock != NULL && caps.width != IFD_MOCK_PASID_WIDTH)
		PROBLEM(s, "completed, but the mock device reports PASID width %u, not %u",
			caps.width, IFD_MOCK_PASID_WIDTH);
	else if (s->mock == NULL && caps.width != 0)
		PROBLEM(s, "completed, but the e1000e reports PASID width %u", caps.width);
	if (s->space != NULL && rte_iommufd_space_hwpts(s->space) != 1)
		PROBLEM(s, "completed, but the space holds %u HWPTs, not 1 shared",
			rte_iommufd_space_hwpts(s->space));
}
