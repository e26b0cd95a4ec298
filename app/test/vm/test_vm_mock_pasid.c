/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * PASID semantics of lib/iommufd against the real kernel, through the
 * kernel's mock IOMMU (CONFIG_IOMMUFD_TEST). Runs as root inside the test
 * VM. Emulated hardware has no PCIe function with a PASID capability, so
 * PASID attach, replace and detach are exercised on a PASID-capable mock
 * device, driven by a device backend (struct rte_iommufd_device_ops) that
 * issues the mock's IOMMU_TEST_CMD operations. Every state change is
 * checked against the kernel with the mock's PASID_CHECK_HWPT operation,
 * which reads the domain the iommu core really has on a PASID (or on the
 * RID, PASID 0).
 *
 * Usage: test_vm_mock_pasid
 */

#include <errno.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iommufd_test_uapi.h"
#include "iommufd_uapi.h"
#include "rte_iommufd.h"
#include "rte_iommufd_pasid.h"
#include "rte_pasid.h"
#include "mock_dev.h"
#include "test.h"

/*
 * PASID width of a mock device created with MOCK_FLAGS_DEVICE_PASID: the
 * device's "pasid-num-bits" property and the mock IOMMU's max_pasids are
 * both MOCK_PASID_WIDTH (drivers/iommu/iommufd/iommufd_test.h), and
 * IOMMU_GET_HW_INFO reports ilog2(min of the two).
 */
#define MOCK_WIDTH 20
_Static_assert(IFD_MOCK_PASID_WIDTH == MOCK_WIDTH, "mock PASID width");
#define MOCK_MAX_PASID ((1u << MOCK_WIDTH) - 1)

static struct rte_iommufd *ctx;
static struct rte_iommufd_ioas *ioas;
static struct rte_iommufd_device *dev;
static struct mock_dev *md;

/* @expr succeeds; else print the library's message. */
#define OK(expr) TEST_ASSERT_SUCCESS(expr, "%s", rte_iommufd_last_error())
/* The library's last message contains @s. */
#define LAST_ERROR_HAS(s) TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), s)

/* HWPTs of the running case, freed by the teardown if the case did not. */
#define MAX_HWPTS 8
static struct rte_iommufd_hwpt *hwpts[MAX_HWPTS];

/* ---------------------------------------------------------------- */
/* IOMMU_TEST_CMD                                                    */
/* ---------------------------------------------------------------- */

/*
 * What the kernel has on @pasid of the mock device (PASID 0: the RID):
 * 0 if it is the domain of @hwpt_id (hwpt_id 0: nothing attached),
 * -EINVAL if it is something else.
 */
static int
pasid_check(uint32_t pasid, uint32_t hwpt_id)
{
	return mock_pasid_check(md, pasid, hwpt_id);
}

/* ---------------------------------------------------------------- */
/* Fixture                                                           */
/* ---------------------------------------------------------------- */

static void
quiet_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static int
setup(void)
{
	if (rte_iommufd_open(&ctx) < 0 || rte_iommufd_ioas_alloc(ctx, &ioas) < 0) {
		printf("# %s\n", rte_iommufd_last_error());
		return TEST_FAILED;
	}
	if (!mock_iommu_present(rte_iommufd_fd(ctx))) {
		printf("# the kernel has no mock IOMMU (CONFIG_IOMMUFD_TEST)\n");
		return TEST_FAILED;
	}
	if (mock_device_create(ctx, "mock0", rte_iommufd_ioas_id(ioas),
			       IFD_MOCK_FLAGS_DEVICE_PASID, false, &md, &dev) < 0)
		return TEST_FAILED;
	return TEST_SUCCESS;
}

static void
teardown(void)
{
	unsigned int fails = mock_close_failures;
	int i;

	/* Closing the device destroys its mock (and frees md). */
	rte_iommufd_device_close(dev);
	if (mock_close_failures != fails)
		printf("# teardown: the kernel refused a PASID detach or a destroy of the mock device\n");
	dev = NULL;
	md = NULL;
	for (i = MAX_HWPTS - 1; i >= 0; i--) {
		if (hwpts[i] != NULL && rte_iommufd_hwpt_free(hwpts[i]) < 0)
			printf("# teardown: %s\n", rte_iommufd_last_error());
		hwpts[i] = NULL;
	}
	if (ioas != NULL && rte_iommufd_ioas_free(ioas) < 0)
		printf("# teardown: %s\n", rte_iommufd_last_error());
	ioas = NULL;
	rte_iommufd_close(ctx);
	ctx = NULL;
}

/* Allocate a HWPT over the IOAS for the mock device; 0 or the errno. */
static int
hwpt_new_ex(const struct rte_iommufd_hwpt_params *params, struct rte_iommufd_hwpt **hp)
{
	int i, ret;

	for (i = 0; i < MAX_HWPTS && hwpts[i] != NULL; i++)
		;
	if (i == MAX_HWPTS)
		return -ENOSPC;
	ret = rte_iommufd_hwpt_alloc_ex(dev, rte_iommufd_ioas_id(ioas), params, &hwpts[i]);
	if (ret == 0)
		*hp = hwpts[i];
	return ret;
}

static int
hwpt_new(uint32_t flags, struct rte_iommufd_hwpt **hp)
{
	struct rte_iommufd_hwpt_params params = { .flags = flags };

	return hwpt_new_ex(&params, hp);
}

/* Free a HWPT of hwpt_new(); the slot is released only if the kernel agreed. */
static int
hwpt_release(struct rte_iommufd_hwpt **hp)
{
	int i, ret;

	ret = rte_iommufd_hwpt_free(*hp);
	if (ret < 0)
		return ret;
	for (i = 0; i < MAX_HWPTS; i++)
		if (hwpts[i] == *hp)
			hwpts[i] = NULL;
	*hp = NULL;
	return 0;
}

#define HWPT_NEW(flags, hp) \
	TEST_ASSERT_SUCCESS(hwpt_new(flags, hp), "HWPT alloc: %s", rte_iommufd_last_error())

#define ID(h) rte_iommufd_hwpt_id(h)

/* ---------------------------------------------------------------- */
/* Cases                                                             */
/* ---------------------------------------------------------------- */

static int
mock_hw_info_pasid_width(void)
{
	struct rte_iommufd_device *plain = NULL;
	struct rte_iommufd_pasid_caps caps;
	struct rte_iommufd_hw_info info;
	struct ifd_iommu_test_hw_info payload;
	struct rte_iommufd_hwpt *h = NULL;
	struct mock_dev *pm = NULL;
	uint64_t f = rte_iommufd_features(ctx);
	uint32_t plain_stdev;

	TEST_ASSERT(f & RTE_IOMMUFD_FEAT_PASID, "the kernel reports PASID support (6.15+)");
	TEST_ASSERT(f & RTE_IOMMUFD_FEAT_FAULT_QUEUE, "fault queues");
	TEST_ASSERT(md->idev_id != 0 && md->stdev_id != 0 && md->auto_hwpt_id != 0, "mock ids");
	TEST_ASSERT_EQUAL(rte_iommufd_device_id(dev), md->idev_id, "dev_id");
	TEST_ASSERT_EQUAL(rte_iommufd_device_fd(dev), -1, "no VFIO fd for a mock device");
	TEST_ASSERT(strcmp(rte_iommufd_device_name(dev), "mock0") == 0, "name");
	/* The kernel attached the RID to an automatic page table of the IOAS. */
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, md->auto_hwpt_id),
			    "RID on the automatic page table");

	OK(rte_iommufd_device_hw_info(dev, &info));
	TEST_ASSERT_EQUAL(info.max_pasid_log2, MOCK_WIDTH, "the mock's PASID width");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_USABLE, "reason");
	TEST_ASSERT_EQUAL(info.type, IFD_IOMMU_HW_INFO_TYPE_SELFTEST, "mock IOMMU type");
	TEST_ASSERT_EQUAL(info.data_len, sizeof(payload), "payload length");
	memcpy(&payload, info.data, sizeof(payload));
	TEST_ASSERT_EQUAL(payload.test_reg, IFD_IOMMU_HW_INFO_SELFTEST_REGVAL, "payload register");
	TEST_ASSERT(info.capabilities_valid, "capabilities reported");
	/* The mock does dirty tracking and no ATS; it is no PCI device: no EXEC/PRIV. */
	TEST_ASSERT_EQUAL(info.capabilities, RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING |
			  RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED, "capabilities");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_caps(dev, &caps), "caps");
	TEST_ASSERT_EQUAL(caps.width, MOCK_WIDTH, "caps width");
	TEST_ASSERT_EQUAL(caps.max_pasid, MOCK_MAX_PASID, "largest PASID");
	TEST_ASSERT(!caps.exec && !caps.priv, "no EXEC/PRIV");

	/* A mock device without the PASID flag: width 0, PASID refused by us. */
	TEST_ASSERT_SUCCESS(mock_device_create(ctx, "mock-nopasid", rte_iommufd_ioas_id(ioas), 0,
					       false, &pm, &plain), "second mock device");
	TEST_ASSERT(pm->idev_id != md->idev_id, "distinct devices");
	plain_stdev = pm->stdev_id;
	OK(rte_iommufd_device_hw_info(plain, &info));
	TEST_ASSERT_EQUAL(info.max_pasid_log2, 0, "no PASID");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_NOT_SUPPORTED, "reason");
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h);
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(plain, 1, ID(h), NULL), -EOPNOTSUPP,
			  "PASID on a device without PASID width");
	LAST_ERROR_HAS("PASID attach mock-nopasid pasid 1: EOPNOTSUPP");
	LAST_ERROR_HAS("out_max_pasid_log2 = 0");
	rte_iommufd_device_close(plain);
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, plain_stdev), -ENOENT, "device gone");
	OK(hwpt_release(&h));
	return TEST_SUCCESS;
}

static int
mock_hwpt_alloc_with_and_without_pasid(void)
{
	struct rte_iommufd_hwpt *hp = NULL, *hn = NULL, *hx = NULL;
	size_t len = 4 * 4096;
	uint64_t iova = 0;
	char *buf;

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &hp);
	HWPT_NEW(0, &hn);
	TEST_ASSERT(ID(hp) != 0 && ID(hn) != 0 && ID(hp) != ID(hn), "ids %u %u", ID(hp), ID(hn));
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_flags(hp), RTE_IOMMUFD_HWPT_ALLOC_PASID, "flags");
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_flags(hn), 0, "flags");
	/* The mock accepts a PASID-capable nesting parent and dirty tracking too. */
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID | RTE_IOMMUFD_HWPT_DIRTY_TRACKING, &hx);
	OK(hwpt_release(&hx));
	TEST_ASSERT_EQUAL(hwpt_new(0x100, &hx), -EINVAL, "unknown flag");
	LAST_ERROR_HAS("unknown HWPT flags");

	/* Both are real mock domains over the IOAS: a mapping reaches both. */
	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED, "mmap");
	memset(buf, 0xa5, len);
	OK(rte_iommufd_ioas_map(ioas, buf, len, &iova, RTE_IOMMUFD_MAP_RW));
	TEST_ASSERT(iova >= IFD_MOCK_APERTURE_START && iova + len - 1 <= IFD_MOCK_APERTURE_LAST,
		    "IOVA 0x%llx inside the mock aperture", (unsigned long long)iova);
	TEST_ASSERT_SUCCESS(mock_check_map(md, ID(hp), iova, buf, len), "PASID HWPT translates the map");
	TEST_ASSERT_SUCCESS(mock_check_map(md, ID(hn), iova, buf, len), "plain HWPT translates the map");
	TEST_ASSERT_SUCCESS(mock_check_map(md, md->auto_hwpt_id, iova, buf, len), "auto domain too");
	TEST_ASSERT_SUCCESS(mock_check_refs(rte_iommufd_fd(ctx), buf, len, 1), "pages pinned once for all domains");
	OK(rte_iommufd_ioas_unmap(ioas, iova, len, NULL));
	/* After the unmap the domains no longer translate it and nothing stays pinned. */
	TEST_ASSERT_EQUAL(mock_check_map(md, ID(hp), iova, buf, len), -EINVAL, "unmapped in the PASID HWPT");
	TEST_ASSERT_SUCCESS(mock_check_refs(rte_iommufd_fd(ctx), buf, len, 0), "unpinned");
	munmap(buf, len);
	OK(hwpt_release(&hp));
	OK(hwpt_release(&hn));
	return TEST_SUCCESS;
}

static int
mock_pasid_attach_replace_detach(void)
{
	struct rte_iommufd_hwpt *rid = NULL, *h1 = NULL, *h2 = NULL;
	uint32_t got = 0;

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &rid);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h1);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h2);

	/* RID onto a PASID-capable HWPT (replace of the automatic one). */
	OK(rte_iommufd_device_attach(dev, ID(rid), &got));
	TEST_ASSERT_EQUAL(got, ID(rid), "RID hwpt");
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(dev), ID(rid), "tracked");
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(rid)), "kernel: RID on it");
	/* The automatic page table went away with its last user. */
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, md->auto_hwpt_id), -ENOENT, "auto domain freed");

	/* Nothing on the PASIDs yet. */
	TEST_ASSERT_SUCCESS(pasid_check(1, 0), "PASID 1 empty");
	TEST_ASSERT_SUCCESS(pasid_check(5, 0), "PASID 5 empty");

	OK(rte_iommufd_device_pasid_attach(dev, 1, ID(h1), &got));
	TEST_ASSERT_EQUAL(got, ID(h1), "out hwpt");
	OK(rte_iommufd_device_pasid_attach(dev, 5, ID(h2), &got));
	TEST_ASSERT_EQUAL(got, ID(h2), "out hwpt");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_attach(dev, MOCK_MAX_PASID, ID(h1), NULL),
			    "largest PASID: %s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(pasid_check(1, ID(h1)), "kernel: PASID 1 -> h1");
	TEST_ASSERT_SUCCESS(pasid_check(5, ID(h2)), "kernel: PASID 5 -> h2");
	TEST_ASSERT_SUCCESS(pasid_check(MOCK_MAX_PASID, ID(h1)), "kernel: max PASID -> h1");
	/* The check tells domains apart. */
	TEST_ASSERT_EQUAL(pasid_check(1, ID(h2)), -EINVAL, "PASID 1 is not on h2");
	TEST_ASSERT_EQUAL(pasid_check(2, ID(h1)), -EINVAL, "PASID 2 has nothing");
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(rid)), "RID unchanged");

	/* Attach again = atomic replace. */
	OK(rte_iommufd_device_pasid_attach(dev, 1, ID(h2), &got));
	TEST_ASSERT_EQUAL(got, ID(h2), "replaced");
	TEST_ASSERT_SUCCESS(pasid_check(1, ID(h2)), "kernel: PASID 1 -> h2");
	TEST_ASSERT_EQUAL(pasid_check(1, ID(h1)), -EINVAL, "no longer h1");
	/* Replacing with the same HWPT is a no-op. */
	OK(rte_iommufd_device_pasid_attach(dev, 1, ID(h2), NULL));
	TEST_ASSERT_SUCCESS(pasid_check(1, ID(h2)), "still h2");

	/* Detach per PASID: the others stay. */
	OK(rte_iommufd_device_pasid_detach(dev, 1));
	TEST_ASSERT_SUCCESS(pasid_check(1, 0), "kernel: PASID 1 empty");
	TEST_ASSERT_SUCCESS(pasid_check(5, ID(h2)), "PASID 5 kept");
	TEST_ASSERT_SUCCESS(pasid_check(MOCK_MAX_PASID, ID(h1)), "max PASID kept");
	/* Detaching a PASID that is not attached succeeds and changes nothing. */
	OK(rte_iommufd_device_pasid_detach(dev, 1));
	OK(rte_iommufd_device_pasid_detach(dev, 7));
	TEST_ASSERT_SUCCESS(pasid_check(5, ID(h2)), "PASID 5 kept");
	/* Attach after detach is a fresh attach. */
	OK(rte_iommufd_device_pasid_attach(dev, 1, ID(h1), NULL));
	TEST_ASSERT_SUCCESS(pasid_check(1, ID(h1)), "kernel: PASID 1 -> h1 again");

	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, 1), "detach 1");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, 5), "detach 5");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, MOCK_MAX_PASID), "detach max");
	TEST_ASSERT_SUCCESS(pasid_check(5, 0), "PASID 5 empty");
	TEST_ASSERT_SUCCESS(pasid_check(MOCK_MAX_PASID, 0), "max PASID empty");
	TEST_ASSERT_EQUAL(md->nr_pasids, 0, "backend tracks no PASID");
	OK(hwpt_release(&h1));
	OK(hwpt_release(&h2));
	return TEST_SUCCESS;
}

static int
mock_pasid_range(void)
{
	struct rte_iommufd_hwpt *h = NULL;
	struct ifd_iommu_test_cmd cmd;
	char want[160];

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h);
	OK(rte_iommufd_device_attach(dev, ID(h), NULL));

	/* 2^width and beyond: refused by the library before the kernel. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, MOCK_MAX_PASID + 1, ID(h), NULL),
			  -ERANGE, "PASID 2^20");
	snprintf(want, sizeof(want), "PASID attach mock0 pasid %u: ERANGE", MOCK_MAX_PASID + 1);
	LAST_ERROR_HAS(want);
	snprintf(want, sizeof(want),
		 "beyond the device's PASID width: usable 1..%u (out_max_pasid_log2 %u)",
		 MOCK_MAX_PASID, MOCK_WIDTH);
	LAST_ERROR_HAS(want);
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, UINT32_MAX, ID(h), NULL), -ERANGE,
			  "PASID ~0");
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_detach(dev, MOCK_MAX_PASID + 1), -ERANGE,
			  "detach beyond the width");
	LAST_ERROR_HAS("PASID detach mock0");
	TEST_ASSERT_EQUAL(md->nr_pasids, 0, "the backend was not called");

	/* The kernel refuses it on its own (iommu_attach_device_pasid: pasid >= max_pasids). */
	memset(&cmd, 0, sizeof(cmd));
	cmd.pasid_attach.pasid = MOCK_MAX_PASID + 1;
	cmd.pasid_attach.pt_id = ID(h);
	TEST_ASSERT_EQUAL(mock_test_cmd(md->fd, IFD_IOMMU_TEST_OP_PASID_ATTACH, md->stdev_id, &cmd),
			  -EINVAL, "raw PASID_ATTACH of PASID 2^20");
	TEST_ASSERT_SUCCESS(pasid_check(MOCK_MAX_PASID + 1, 0), "nothing attached there");
	/* ... and takes the largest PASID of the width. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.pasid_attach.pasid = MOCK_MAX_PASID;
	cmd.pasid_attach.pt_id = ID(h);
	TEST_ASSERT_SUCCESS(mock_test_cmd(md->fd, IFD_IOMMU_TEST_OP_PASID_ATTACH, md->stdev_id, &cmd),
			    "raw PASID_ATTACH of 2^20 - 1");
	memset(&cmd, 0, sizeof(cmd));
	cmd.pasid_detach.pasid = MOCK_MAX_PASID;
	TEST_ASSERT_SUCCESS(mock_test_cmd(md->fd, IFD_IOMMU_TEST_OP_PASID_DETACH, md->stdev_id, &cmd),
			    "raw detach");
	TEST_ASSERT_SUCCESS(pasid_check(MOCK_MAX_PASID, 0), "detached");

	/* PASID 0 is the RID. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 0, ID(h), NULL), -EINVAL, "PASID 0");
	LAST_ERROR_HAS("PASID attach mock0 pasid 0: EINVAL");
	LAST_ERROR_HAS("PASID 0 is the RID");
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_detach(dev, 0), -EINVAL, "detach PASID 0");
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(h)), "RID untouched");
	return TEST_SUCCESS;
}

static int
mock_pasid_needs_pasid_hwpt(void)
{
	struct rte_iommufd_hwpt *rid = NULL, *plain = NULL, *h = NULL;
	char want[128];

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &rid);
	HWPT_NEW(0, &plain);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h);
	OK(rte_iommufd_device_attach(dev, ID(rid), NULL));

	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 3, ID(plain), NULL), -EINVAL,
			  "non-PASID HWPT on a PASID");
	snprintf(want, sizeof(want), "PASID attach mock0 pasid 3 -> hwpt %u: EINVAL", ID(plain));
	LAST_ERROR_HAS(want);
	LAST_ERROR_HAS("page table was not allocated for PASID use");
	TEST_ASSERT_SUCCESS(pasid_check(3, 0), "nothing attached");
	/* An IOAS id gets an automatic page table, never PASID-capable. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 3, rte_iommufd_ioas_id(ioas), NULL),
			  -EINVAL, "IOAS on a PASID");
	LAST_ERROR_HAS("an IOAS id gets a page table without PASID support");
	TEST_ASSERT_SUCCESS(pasid_check(3, 0), "nothing attached");
	/* A replace to a non-PASID HWPT is refused and keeps the old one. */
	OK(rte_iommufd_device_pasid_attach(dev, 3, ID(h), NULL));
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 3, ID(plain), NULL), -EINVAL,
			  "replace to non-PASID HWPT");
	LAST_ERROR_HAS("page table was not allocated for PASID use");
	TEST_ASSERT_SUCCESS(pasid_check(3, ID(h)), "old HWPT kept");
	/* No such page table. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 4, 0xfffff, NULL), -ENOENT,
			  "bad id");
	LAST_ERROR_HAS("no HWPT with this id");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, 3), "detach");
	OK(hwpt_release(&plain));
	OK(hwpt_release(&h));
	return TEST_SUCCESS;
}

/* Section 2.3: a RID and the PASIDs of one device must agree on PASID compatibility. */
static int
mock_rid_pasid_compat(void)
{
	struct rte_iommufd_hwpt *pas = NULL, *plain = NULL, *h = NULL;
	uint32_t got = 0;

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &pas);
	HWPT_NEW(0, &plain);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h);

	/* Fresh device: the RID is on the automatic (non-PASID) page table. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 9, ID(h), NULL), -EINVAL,
			  "PASID with the RID on the automatic page table");
	LAST_ERROR_HAS("PASID attach mock0 pasid 9 -> hwpt");
	TEST_ASSERT_SUCCESS(pasid_check(9, 0), "nothing attached");

	/* RID on a non-PASID HWPT: PASID attach refused. */
	OK(rte_iommufd_device_attach(dev, ID(plain), &got));
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(plain)), "kernel: RID on plain");
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 9, ID(h), NULL), -EINVAL,
			  "PASID with the RID on a non-PASID HWPT");
	LAST_ERROR_HAS("the RID is attached to a page table not allocated for PASID use");
	TEST_ASSERT_SUCCESS(pasid_check(9, 0), "nothing attached");

	/* RID on a PASID HWPT: PASID attach works ... */
	OK(rte_iommufd_device_attach(dev, ID(pas), NULL));
	OK(rte_iommufd_device_pasid_attach(dev, 9, ID(h), NULL));
	TEST_ASSERT_SUCCESS(pasid_check(9, ID(h)), "kernel: PASID 9 -> h");
	/* ... and the RID cannot go back to a non-PASID HWPT while it is attached. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_attach(dev, ID(plain), NULL), -EINVAL,
			  "RID replace to non-PASID HWPT with a PASID attached");
	LAST_ERROR_HAS("replace mock0");
	LAST_ERROR_HAS("if PASIDs are attached, the RID needs a HWPT allocated with ALLOC_PASID");
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(dev), ID(pas),
			  "RID unchanged (library)");
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(pas)), "RID unchanged (kernel)");
	TEST_ASSERT_SUCCESS(pasid_check(9, ID(h)), "PASID 9 unchanged");
	/* Nor to the IOAS (automatic, non-PASID page table). */
	TEST_ASSERT_EQUAL(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL), -EINVAL,
			  "RID replace to the IOAS with a PASID attached");
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(pas)), "RID unchanged");
	/* Another PASID-capable HWPT is fine. */
	OK(rte_iommufd_device_attach(dev, ID(h), NULL));
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(h)), "RID on h");

	/* With the PASID gone, the RID may use the non-PASID HWPT again. */
	OK(rte_iommufd_device_pasid_detach(dev, 9));
	OK(rte_iommufd_device_attach(dev, ID(plain), NULL));
	TEST_ASSERT_SUCCESS(pasid_check(RTE_IOMMUFD_NO_PASID, ID(plain)), "RID on plain");
	/* The RID cannot be detached on its own through the mock. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_detach(dev), -EOPNOTSUPP, "mock RID detach");
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(dev), ID(plain), "still tracked");
	return TEST_SUCCESS;
}

static int
mock_busy_hwpt_is_kept(void)
{
	struct rte_iommufd_hwpt *rid = NULL, *h = NULL;
	uint32_t hid;

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &rid);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h);
	hid = ID(h);
	OK(rte_iommufd_device_attach(dev, ID(rid), NULL));
	OK(rte_iommufd_device_pasid_attach(dev, 11, hid, NULL));

	/* Attached to a PASID: the kernel refuses, the handle stays usable. */
	TEST_ASSERT_EQUAL(hwpt_release(&h), -EBUSY, "attached HWPT");
	LAST_ERROR_HAS("detach first");
	TEST_ASSERT(h != NULL, "handle kept");
	TEST_ASSERT_EQUAL(ID(h), hid, "same id");
	TEST_ASSERT_SUCCESS(pasid_check(11, hid), "still attached in the kernel");
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, hid), -EBUSY, "raw destroy too");
	/* Same for the RID's HWPT and for the IOAS under both. */
	TEST_ASSERT_EQUAL(hwpt_release(&rid), -EBUSY, "RID HWPT");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_free(ioas), -EBUSY, "IOAS in use");
	LAST_ERROR_HAS("detach and free them first");

	OK(rte_iommufd_device_pasid_detach(dev, 11));
	OK(hwpt_release(&h));
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, hid), -ENOENT, "gone from the kernel");
	return TEST_SUCCESS;
}

/*
 * The mock fails the second set_dev_pasid call on PASID 1024 on purpose:
 * a replace there must fail and leave the old page table in place.
 */
static int
mock_failed_replace_keeps_old(void)
{
	struct rte_iommufd_hwpt *rid = NULL, *h1 = NULL, *h2 = NULL;
	const uint32_t pasid = IFD_IOMMU_TEST_PASID_RESERVED;

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &rid);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h1);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h2);
	OK(rte_iommufd_device_attach(dev, ID(rid), NULL));
	OK(rte_iommufd_device_pasid_attach(dev, pasid, ID(h1), NULL));
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, pasid, ID(h2), NULL), -ENOMEM,
			  "the mock's injected failure");
	LAST_ERROR_HAS("PASID attach mock0 pasid 1024");
	TEST_ASSERT_SUCCESS(pasid_check(pasid, ID(h1)), "old HWPT still on the PASID");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, pasid), "detach");
	TEST_ASSERT_SUCCESS(pasid_check(pasid, 0), "detached");
	OK(hwpt_release(&h1));
	OK(hwpt_release(&h2));
	return TEST_SUCCESS;
}

static int
mock_fault_queue_on_pasid(void)
{
	struct rte_iommufd_hwpt_params params = { .flags = RTE_IOMMUFD_HWPT_ALLOC_PASID };
	struct rte_iommufd_fault_record rec[4];
	struct rte_iommufd_fault *fault = NULL;
	struct rte_iommufd_hwpt *rid = NULL, *hf = NULL, *h = NULL;
	const uint32_t pasid = 2048, perm = RTE_IOMMUFD_FAULT_PERM_READ |
		RTE_IOMMUFD_FAULT_PERM_WRITE;
	const uint64_t addr = 0x1234000;
	struct pollfd pfd;
	uint32_t fid;
	int n;

	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &rid);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h);
	OK(rte_iommufd_device_attach(dev, ID(rid), NULL));
	OK(rte_iommufd_fault_alloc(ctx, &fault));
	TEST_ASSERT(rte_iommufd_fault_id(fault) != 0 && rte_iommufd_fault_fd(fault) >= 0, "queue");
	params.fault = fault;
	OK(hwpt_new_ex(&params, &hf));
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_flags(hf), RTE_IOMMUFD_HWPT_ALLOC_PASID |
			  RTE_IOMMUFD_HWPT_FAULT_ID_VALID, "FAULT_ID_VALID implied by the queue");
	OK(rte_iommufd_device_pasid_attach(dev, pasid, ID(hf), NULL));
	TEST_ASSERT_SUCCESS(pasid_check(pasid, ID(hf)), "kernel: PASID 2048 -> fault HWPT");

	/* Nothing pending yet. */
	TEST_ASSERT_EQUAL(rte_iommufd_fault_read(fault, rec, 4), 0, "empty queue");

	TEST_ASSERT_SUCCESS(mock_trigger_iopf(md, pasid, 5, perm, addr), "TRIGGER_IOPF");
	pfd.fd = rte_iommufd_fault_fd(fault);
	pfd.events = POLLIN;
	pfd.revents = 0;
	TEST_ASSERT_EQUAL(poll(&pfd, 1, 5000), 1, "the queue fd is readable");
	TEST_ASSERT(pfd.revents & POLLIN, "POLLIN");
	n = rte_iommufd_fault_read(fault, rec, 4);
	TEST_ASSERT_EQUAL(n, 1, "one record: %s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rec[0].flags, RTE_IOMMUFD_FAULT_PASID_VALID | RTE_IOMMUFD_FAULT_LAST_PAGE,
			  "flags");
	TEST_ASSERT_EQUAL(rec[0].dev_id, md->idev_id, "device");
	TEST_ASSERT_EQUAL(rec[0].pasid, pasid, "PASID");
	TEST_ASSERT_EQUAL(rec[0].grpid, 5, "group");
	TEST_ASSERT_EQUAL(rec[0].perm, perm, "permissions");
	TEST_ASSERT_EQUAL(rec[0].addr, addr, "address");
	OK(rte_iommufd_fault_respond(fault, rec[0].cookie, RTE_IOMMUFD_FAULT_SUCCESS));
	TEST_ASSERT_EQUAL(rte_iommufd_fault_respond(fault, rec[0].cookie,
						    RTE_IOMMUFD_FAULT_SUCCESS),
			  -EINVAL, "a group is answered once");
	LAST_ERROR_HAS("no pending group with this cookie");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_read(fault, rec, 4), 0, "queue drained");

	/* A fault on a PASID without a fault-capable HWPT reaches no queue. */
	OK(rte_iommufd_device_pasid_attach(dev, pasid + 1, ID(h), NULL));
	TEST_ASSERT_SUCCESS(mock_trigger_iopf(md, pasid + 1, 6, perm, addr), "TRIGGER_IOPF");
	TEST_ASSERT_SUCCESS(mock_trigger_iopf(md, 7, 7, perm, addr), "TRIGGER_IOPF, PASID 7 unattached");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_read(fault, rec, 4), 0, "no record");

	/* Replace the fault HWPT away: faults on the PASID no longer arrive. */
	OK(rte_iommufd_device_pasid_attach(dev, pasid, ID(h), NULL));
	TEST_ASSERT_SUCCESS(mock_trigger_iopf(md, pasid, 8, perm, addr), "TRIGGER_IOPF");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_read(fault, rec, 4), 0, "no record after replace");
	/* ... and back: they do again. */
	OK(rte_iommufd_device_pasid_attach(dev, pasid, ID(hf), NULL));
	TEST_ASSERT_SUCCESS(mock_trigger_iopf(md, pasid, 9, RTE_IOMMUFD_FAULT_PERM_READ, addr + 0x1000),
			    "TRIGGER_IOPF");
	n = rte_iommufd_fault_read(fault, rec, 4);
	TEST_ASSERT_EQUAL(n, 1, "one record again");
	TEST_ASSERT_EQUAL(rec[0].grpid, 9, "group");
	TEST_ASSERT_EQUAL(rec[0].addr, addr + 0x1000, "address");
	TEST_ASSERT_EQUAL(rec[0].perm, RTE_IOMMUFD_FAULT_PERM_READ, "read only");
	OK(rte_iommufd_fault_respond(fault, rec[0].cookie, RTE_IOMMUFD_FAULT_INVALID));

	/* The queue is busy while a HWPT delivers to it. */
	TEST_ASSERT_EQUAL(rte_iommufd_fault_free(fault), -EBUSY, "queue in use");
	LAST_ERROR_HAS("free the HWPT first");
	TEST_ASSERT(rte_iommufd_fault_fd(fault) >= 0, "the handle stays usable");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, pasid), "detach");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(dev, pasid + 1), "detach");
	OK(hwpt_release(&hf));
	fid = rte_iommufd_fault_id(fault);
	OK(rte_iommufd_fault_free(fault));
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, fid), -ENOENT, "queue gone");
	return TEST_SUCCESS;
}

/* Everything goes away; no id is left in the kernel and no page stays pinned. */
static int
mock_teardown_leaves_nothing(void)
{
	struct rte_iommufd_hwpt *rid = NULL, *h1 = NULL, *h2 = NULL;
	uint32_t ids[8], n = 0, i;
	size_t len = 8 * 4096;
	uint64_t iova = 0, unmapped = 0;
	char *buf;

	buf = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED, "mmap");
	memset(buf, 0x3c, len);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &rid);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h1);
	HWPT_NEW(RTE_IOMMUFD_HWPT_ALLOC_PASID, &h2);
	OK(rte_iommufd_ioas_map(ioas, buf, len, &iova, RTE_IOMMUFD_MAP_RW));
	OK(rte_iommufd_device_attach(dev, ID(rid), NULL));
	OK(rte_iommufd_device_pasid_attach(dev, 20, ID(h1), NULL));
	OK(rte_iommufd_device_pasid_attach(dev, 21, ID(h2), NULL));
	/* The PASID's page table translates the IOAS mapping. */
	TEST_ASSERT_SUCCESS(mock_check_map(md, ID(h1), iova, buf, len), "PASID 20 translates");
	TEST_ASSERT_SUCCESS(mock_check_refs(rte_iommufd_fd(ctx), buf, len, 1), "pinned");

	ids[n++] = md->stdev_id;
	ids[n++] = md->idev_id;
	ids[n++] = md->auto_hwpt_id;
	ids[n++] = ID(rid);
	ids[n++] = ID(h1);
	ids[n++] = ID(h2);
	ids[n++] = rte_iommufd_ioas_id(ioas);

	/* Closing the device detaches its PASIDs and RID and destroys it. */
	rte_iommufd_device_close(dev);
	dev = NULL;
	md = NULL;
	OK(hwpt_release(&h2));
	OK(hwpt_release(&h1));
	OK(hwpt_release(&rid));
	/*
	 * Without a page table the IOAS keeps the mapping but pins nothing
	 * (iommufd unpins with the last domain).
	 */
	TEST_ASSERT_SUCCESS(mock_check_refs(rte_iommufd_fd(ctx), buf, len, 0), "unpinned with the last domain");
	OK(rte_iommufd_ioas_unmap_all(ioas, &unmapped));
	TEST_ASSERT_EQUAL(unmapped, len, "the mapping was still there");
	OK(rte_iommufd_ioas_free(ioas));
	ioas = NULL;
	for (i = 0; i < n; i++)
		TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, ids[i]), -ENOENT, "id %u left over",
				  ids[i]);
	TEST_ASSERT_SUCCESS(mock_check_refs(rte_iommufd_fd(ctx), buf, len, 0), "nothing pinned");
	munmap(buf, len);
	return TEST_SUCCESS;
}

/*
 * The policy and the ownership rule on two PASID-capable devices: an
 * address space moves each RID to a PASID-ready HWPT (shared by both), a
 * PASID bound from a namespace is live on both devices with that HWPT, and
 * goes back to the namespace only after both detached.
 */
static int
mock_space_pasid_bind(void)
{
	struct rte_iommufd_device *dev2 = NULL, *plain = NULL, *devs[2];
	struct mock_dev *md2 = NULL, *mplain = NULL;
	struct rte_iommufd_space *sp = NULL;
	struct rte_pasid_space *ns = NULL;
	uint32_t rid_hwpt = 0, rid_hwpt2 = 0, p = 0, p2 = 0, h = 0;

	OK(mock_device_create(ctx, "mock1", rte_iommufd_ioas_id(ioas),
			      IFD_MOCK_FLAGS_DEVICE_PASID, false, &md2, &dev2));
	devs[0] = dev;
	devs[1] = dev2;
	OK(rte_iommufd_space_create(ctx, ioas, NULL, &sp));
	/* Before the policy, the RIDs sit on automatic non-PASID page tables. */
	OK(rte_iommufd_space_attach(sp, dev, RTE_IOMMUFD_NO_PASID, &rid_hwpt));
	OK(rte_iommufd_space_attach(sp, dev2, RTE_IOMMUFD_NO_PASID, &rid_hwpt2));
	TEST_ASSERT_EQUAL(rid_hwpt, rid_hwpt2, "one PASID-ready HWPT for both RIDs");
	TEST_ASSERT(rid_hwpt != md->auto_hwpt_id, "moved off the automatic page table");
	TEST_ASSERT_SUCCESS(mock_pasid_check(md, 0, rid_hwpt), "kernel: RID of mock0");
	TEST_ASSERT_SUCCESS(mock_pasid_check(md2, 0, rid_hwpt), "kernel: RID of mock1");

	OK(rte_pasid_space_create(MOCK_WIDTH, 0, &ns));
	OK(rte_iommufd_space_pasid_bind(sp, ns, RTE_PASID_OWNER_NONE, devs, 2, &p));
	TEST_ASSERT(p >= 1 && p <= MOCK_MAX_PASID, "PASID %u in range", p);
	OK(rte_iommufd_space_attach(sp, dev, p, &h));
	TEST_ASSERT_EQUAL(h, rid_hwpt, "PASID shares the RID's PASID-ready HWPT");
	TEST_ASSERT_SUCCESS(mock_pasid_check(md, p, h), "kernel: PASID on mock0");
	TEST_ASSERT_SUCCESS(mock_pasid_check(md2, p, h), "kernel: PASID on mock1");
	TEST_ASSERT_EQUAL(rte_iommufd_space_hwpts(sp), 1, "one HWPT for RIDs and PASIDs");
	TEST_ASSERT_EQUAL(rte_pasid_state(ns, p, NULL), RTE_PASID_STATE_ALLOCATED, "held");
	/* A second binding gets another value. */
	OK(rte_iommufd_space_pasid_bind(sp, ns, RTE_PASID_OWNER_NONE, devs, 2, &p2));
	TEST_ASSERT(p2 != p, "distinct PASIDs");
	OK(rte_iommufd_space_pasid_unbind(sp, ns, RTE_PASID_OWNER_NONE, devs, 2, p2));

	/* A set with a device without PASID is refused before anything is allocated. */
	OK(mock_device_create(ctx, "mock-nopasid", rte_iommufd_ioas_id(ioas), 0, false, &mplain,
			      &plain));
	devs[1] = plain;
	TEST_ASSERT_EQUAL(rte_iommufd_space_pasid_bind(sp, ns, 0, devs, 2, &p2), -EOPNOTSUPP,
			  "device without PASID");
	LAST_ERROR_HAS("PASID bind mock-nopasid");
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), 1, "only the first binding holds a PASID");
	devs[1] = dev2;
	rte_iommufd_device_close(plain);

	OK(rte_iommufd_space_pasid_unbind(sp, ns, RTE_PASID_OWNER_NONE, devs, 2, p));
	TEST_ASSERT_SUCCESS(mock_pasid_check(md, p, 0), "kernel: detached from mock0");
	TEST_ASSERT_SUCCESS(mock_pasid_check(md2, p, 0), "kernel: detached from mock1");
	TEST_ASSERT_EQUAL(rte_pasid_state(ns, p, NULL), RTE_PASID_STATE_FREE, "back in the namespace");
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), 0, "nothing held");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp), 2, "the two RIDs remain");
	/* Closing a device detaches it everywhere; the space forgets it. */
	rte_iommufd_device_close(dev2);
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp), 1, "mock1 forgotten");
	TEST_ASSERT_EQUAL(rte_iommufd_space_free(sp), -EBUSY, "mock0 still attached");
	rte_iommufd_device_close(dev);
	dev = NULL;
	md = NULL;
	TEST_ASSERT_EQUAL(rte_iommufd_space_hwpts(sp), 0, "HWPT freed with its last user");
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, rid_hwpt), -ENOENT, "gone from the kernel");
	OK(rte_iommufd_space_free(sp));
	rte_pasid_space_free(ns);
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE_ST(setup, teardown, mock_hw_info_pasid_width),
	TEST_CASE_ST(setup, teardown, mock_hwpt_alloc_with_and_without_pasid),
	TEST_CASE_ST(setup, teardown, mock_pasid_attach_replace_detach),
	TEST_CASE_ST(setup, teardown, mock_pasid_range),
	TEST_CASE_ST(setup, teardown, mock_pasid_needs_pasid_hwpt),
	TEST_CASE_ST(setup, teardown, mock_rid_pasid_compat),
	TEST_CASE_ST(setup, teardown, mock_busy_hwpt_is_kept),
	TEST_CASE_ST(setup, teardown, mock_failed_replace_keeps_old),
	TEST_CASE_ST(setup, teardown, mock_fault_queue_on_pasid),
	TEST_CASE_ST(setup, teardown, mock_teardown_leaves_nothing),
	TEST_CASE_ST(setup, teardown, mock_space_pasid_bind),
	TEST_CASES_END(),
};

int
main(void)
{
	/* Expected failures are checked through rte_iommufd_last_error(). */
	if (getenv("TEST_VERBOSE") == NULL)
		rte_iommufd_log_set_handler(quiet_log, NULL);
	return test_run("vm-mock-pasid", cases);
}
