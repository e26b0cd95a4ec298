/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>

#include "iommufd_uapi.h"
#include "mock_dev.h"

unsigned int mock_close_failures;

int
mock_test_cmd(int fd, uint32_t op, uint32_t id, struct ifd_iommu_test_cmd *cmd)
{
	cmd->size = sizeof(*cmd);
	cmd->op = op;
	cmd->id = id;
	return ioctl(fd, IFD_IOMMU_TEST_CMD, cmd) == 0 ? 0 : -errno;
}

int
mock_destroy_id(int fd, uint32_t id)
{
	struct ifd_iommu_destroy d = { .size = sizeof(d), .id = id };

	return ioctl(fd, IFD_IOMMU_DESTROY, &d) == 0 ? 0 : -errno;
}

static int
mock_pasid_index(const struct mock_dev *m, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < m->nr_pasids; i++)
		if (m->pasids[i] == pasid)
			return (int)i;
	return -1;
}

bool
mock_has_pasid(const struct mock_dev *m, uint32_t pasid)
{
	return mock_pasid_index(m, pasid) >= 0;
}

/*
 * The RID is attached from the device's creation on, so a RID attach is
 * always a replace. A PASID that is attached already is replaced
 * (PASID_ATTACH refuses it with EBUSY, as iommufd_device_attach() does).
 */
static int
mock_attach(struct rte_iommufd_device *d, uint32_t pasid, uint32_t *pt_id)
{
	struct mock_dev *m = rte_iommufd_device_priv(d);
	struct ifd_iommu_test_cmd cmd;
	bool attached;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	if (pasid == RTE_IOMMUFD_NO_PASID) {
		cmd.mock_domain_replace.pt_id = *pt_id;
		ret = mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m->stdev_id,
				    &cmd);
		if (ret == 0)
			*pt_id = cmd.mock_domain_replace.pt_id;
		return ret;
	}
	attached = mock_has_pasid(m, pasid);
	if (!attached && m->nr_pasids == MOCK_MAX_ATTACHED)
		return -ENOSPC;
	if (attached) {
		cmd.pasid_replace.pasid = pasid;
		cmd.pasid_replace.pt_id = *pt_id;
		ret = mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_PASID_REPLACE, m->stdev_id, &cmd);
		if (ret == 0)
			*pt_id = cmd.pasid_replace.pt_id;
		return ret;
	}
	cmd.pasid_attach.pasid = pasid;
	cmd.pasid_attach.pt_id = *pt_id;
	ret = mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_PASID_ATTACH, m->stdev_id, &cmd);
	if (ret < 0)
		return ret;
	*pt_id = cmd.pasid_attach.pt_id;
	m->pasids[m->nr_pasids++] = pasid;
	return 0;
}

/* Detach @p pasid; the backend stops tracking it once the kernel agreed. */
static int
mock_pasid_detach(struct mock_dev *m, uint32_t pasid)
{
	struct ifd_iommu_test_cmd cmd;
	int i, ret;

	memset(&cmd, 0, sizeof(cmd));
	cmd.pasid_detach.pasid = pasid;
	ret = mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_PASID_DETACH, m->stdev_id, &cmd);
	if (ret < 0)
		return ret;
	i = mock_pasid_index(m, pasid);
	if (i >= 0)
		m->pasids[i] = m->pasids[--m->nr_pasids];
	return 0;
}

static int
mock_detach(struct rte_iommufd_device *d, uint32_t pasid)
{
	struct mock_dev *m = rte_iommufd_device_priv(d);
	struct ifd_iommu_test_cmd cmd;

	if (pasid != RTE_IOMMUFD_NO_PASID)
		return mock_pasid_detach(m, pasid);
	if (m->blk_ioas_id == 0)
		return -EOPNOTSUPP;
	memset(&cmd, 0, sizeof(cmd));
	cmd.mock_domain_replace.pt_id = m->blk_ioas_id;
	return mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE, m->stdev_id, &cmd);
}

bool
mock_destroy(struct mock_dev *m)
{
	bool ok = true;

	/* A PASID the kernel refuses to detach is dropped from the list all the same. */
	while (m->stdev_id != 0 && m->nr_pasids > 0) {
		if (mock_pasid_detach(m, m->pasids[m->nr_pasids - 1]) < 0) {
			ok = false;
			m->nr_pasids--;
		}
	}
	if (m->stdev_id != 0)
		ok &= mock_destroy_id(m->fd, m->stdev_id) == 0;
	if (m->blk_ioas_id != 0)
		ok &= mock_destroy_id(m->fd, m->blk_ioas_id) == 0;
	free(m);
	return ok;
}

static void
mock_close(struct rte_iommufd_device *d)
{
	if (!mock_destroy(rte_iommufd_device_priv(d)))
		mock_close_failures++;
}

/*
 * Whether the kernel has PASID attach: the mock's PASID_ATTACH operation
 * came with it (6.15). For object id 0 an older mock answers EOPNOTSUPP
 * (an unknown operation), a newer one ENOENT.
 */
static int
mock_probe_pasid(struct rte_iommufd_device *d)
{
	struct mock_dev *m = rte_iommufd_device_priv(d);
	struct ifd_iommu_test_cmd cmd;
	int ret;

	memset(&cmd, 0, sizeof(cmd));
	ret = mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_PASID_ATTACH, 0, &cmd);
	if (ret == -EOPNOTSUPP)
		return 0;
	return ret == -ENOENT ? 1 : -1;
}

const struct rte_iommufd_device_ops mock_ops = {
	.name = "iommufd-mock",
	.attach = mock_attach,
	.detach = mock_detach,
	.close = mock_close,
	.probe_pasid = mock_probe_pasid,
};

int
mock_new(int fd, uint32_t pt_id, uint32_t dev_flags, bool rid_detach, struct mock_dev **mp)
{
	struct ifd_iommu_test_cmd cmd;
	struct mock_dev *m;
	int ret;

	m = calloc(1, sizeof(*m));
	if (m == NULL)
		return -ENOMEM;
	m->fd = fd;
	if (rid_detach) {
		struct ifd_iommu_ioas_alloc ia = { .size = sizeof(ia) };

		if (ioctl(fd, IFD_IOMMU_IOAS_ALLOC, &ia) != 0) {
			ret = -errno;
			free(m);
			return ret;
		}
		m->blk_ioas_id = ia.out_ioas_id;
	}
	memset(&cmd, 0, sizeof(cmd));
	cmd.mock_domain_flags.dev_flags = dev_flags;
	ret = mock_test_cmd(fd, IFD_IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, pt_id, &cmd);
	if (ret < 0) {
		mock_destroy(m);
		return ret;
	}
	m->stdev_id = cmd.mock_domain_flags.out_stdev_id;
	m->idev_id = cmd.mock_domain_flags.out_idev_id;
	m->auto_hwpt_id = cmd.mock_domain_flags.out_hwpt_id;
	*mp = m;
	return 0;
}

int
mock_pasid_check(const struct mock_dev *m, uint32_t pasid, uint32_t hwpt_id)
{
	struct ifd_iommu_test_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.pasid_check.pasid = pasid;
	cmd.pasid_check.hwpt_id = hwpt_id;
	return mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_PASID_CHECK_HWPT, m->stdev_id, &cmd);
}

int
mock_device_create(struct rte_iommufd *ctx, const char *name, uint32_t pt_id,
		   uint32_t dev_flags, bool rid_detach, struct mock_dev **mp,
		   struct rte_iommufd_device **dp)
{
	struct mock_dev *m;
	int ret;

	ret = mock_new(rte_iommufd_fd(ctx), pt_id, dev_flags, rid_detach, &m);
	if (ret < 0) {
		printf("# IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS: %s\n", strerror(-ret));
		return ret;
	}
	ret = rte_iommufd_device_create(ctx, name, m->idev_id, &mock_ops, m, dp);
	if (ret < 0) {
		printf("# %s\n", rte_iommufd_last_error());
		mock_destroy(m);
		return ret;
	}
	*mp = m;
	return 0;
}

int
mock_check_map(const struct mock_dev *m, uint32_t hwpt_id, uint64_t iova, const void *buf,
	       uint64_t len)
{
	struct ifd_iommu_test_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.check_map.iova = iova;
	cmd.check_map.length = len;
	cmd.check_map.uptr = (uintptr_t)buf;
	return mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_MD_CHECK_MAP, hwpt_id, &cmd);
}

int
mock_check_refs(int iommufd, const void *buf, uint64_t len, uint32_t refs)
{
	struct ifd_iommu_test_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.check_refs.length = len;
	cmd.check_refs.uptr = (uintptr_t)buf;
	cmd.check_refs.refs = refs;
	return mock_test_cmd(iommufd, IFD_IOMMU_TEST_OP_MD_CHECK_REFS, 0, &cmd);
}

int
mock_trigger_iopf(const struct mock_dev *m, uint32_t pasid, uint32_t grpid, uint32_t perm,
		  uint64_t addr)
{
	struct ifd_iommu_test_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.trigger_iopf.dev_id = m->idev_id;
	cmd.trigger_iopf.pasid = pasid;
	cmd.trigger_iopf.grpid = grpid;
	cmd.trigger_iopf.perm = perm;
	cmd.trigger_iopf.addr = addr;
	return mock_test_cmd(m->fd, IFD_IOMMU_TEST_OP_TRIGGER_IOPF, 0, &cmd);
}
