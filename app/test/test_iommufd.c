/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * lib/iommufd without a kernel: argument checks and their messages, the
 * interpretation of GET_HW_INFO answers of every struct size, sysfs
 * discovery on a fake sysfs tree, fault record parsing, the PASID refusals
 * of the device calls.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommufd_private.h"
#include "test.h"

static char fake_root[64];

static int
null_arguments(void)
{
	struct rte_iommufd_ioas *ioas = NULL;
	struct rte_iommufd_iova_range *r;
	uint64_t iova = 0;
	uint32_t n;

	TEST_ASSERT_EQUAL(rte_iommufd_open(NULL), -EINVAL, "open(NULL)");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "iommufd open: EINVAL");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_alloc(NULL, &ioas), -EINVAL, "ioas_alloc");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "IOMMU_IOAS_ALLOC: EINVAL (NULL argument)");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_map(NULL, &iova, 4096, &iova, RTE_IOMMUFD_MAP_RW),
			  -EINVAL, "map");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_iova_ranges(NULL, &r, &n, NULL), -EINVAL, "ranges");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_unmap(NULL, 0, 4096, NULL), -EINVAL, "unmap");
	TEST_ASSERT_EQUAL(rte_iommufd_device_attach(NULL, 1, NULL), -EINVAL, "attach");
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(NULL, 1, 1, NULL), -EINVAL, "pasid");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_alloc(NULL, NULL), -EINVAL, "fault");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_free(NULL), 0, "free(NULL) is a no-op");
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_free(NULL), 0, "free(NULL) is a no-op");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_id(NULL), 0, "id of NULL");
	TEST_ASSERT_EQUAL(rte_iommufd_fd(NULL), -EINVAL, "fd of NULL");
	rte_iommufd_close(NULL);
	rte_iommufd_device_close(NULL);
	return TEST_SUCCESS;
}

static int
open_missing_device(void)
{
	int ret;

	setenv("RTE_IOMMUFD_DEV", "/nonexistent/iommu", 1);
	{
		struct rte_iommufd *ctx = NULL;

		ret = rte_iommufd_open(&ctx);
		TEST_ASSERT_EQUAL(ret, -ENOENT, "missing /dev/iommu");
		TEST_ASSERT(ctx == NULL, "no context on failure");
	}
	unsetenv("RTE_IOMMUFD_DEV");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "open /nonexistent/iommu: ENOENT");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "CONFIG_IOMMUFD");
	return TEST_SUCCESS;
}

static int
open_not_an_iommufd(void)
{
	struct rte_iommufd *ctx = NULL;
	int ret;

	setenv("RTE_IOMMUFD_DEV", "/dev/null", 1);
	ret = rte_iommufd_open(&ctx);
	unsetenv("RTE_IOMMUFD_DEV");
	TEST_ASSERT_EQUAL(ret, -ENOTTY, "/dev/null is no iommufd");
	TEST_ASSERT(ctx == NULL, "no context on failure");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "does not answer iommufd ioctls");
	return TEST_SUCCESS;
}

static int
errno_names(void)
{
	TEST_ASSERT(strcmp(rte_iommufd_errno_name(EINVAL), "EINVAL") == 0, "EINVAL");
	TEST_ASSERT(strcmp(rte_iommufd_errno_name(-EOPNOTSUPP), "EOPNOTSUPP") == 0, "negative");
	TEST_ASSERT(strcmp(rte_iommufd_errno_name(EMSGSIZE), "EMSGSIZE") == 0, "EMSGSIZE");
	TEST_ASSERT(strcmp(rte_iommufd_errno_name(4321), "errno 4321") == 0, "unnamed");
	return TEST_SUCCESS;
}

static int
feature_names(void)
{
	uint64_t bit;
	int i, j;

	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++) {
		const char *a = rte_iommufd_feature_name(1ull << i);

		TEST_ASSERT(a != NULL && a[0] != '\0', "bit %d has a name", i);
		for (j = 0; j < i; j++)
			TEST_ASSERT(strcmp(a, rte_iommufd_feature_name(1ull << j)) != 0,
				    "names of bits %d and %d differ", i, j);
	}
	TEST_ASSERT(strcmp(rte_iommufd_feature_name(RTE_IOMMUFD_FEAT_PASID), "pasid") == 0, "pasid");
	bit = 1ull << RTE_IOMMUFD_FEAT_COUNT;
	TEST_ASSERT(rte_iommufd_feature_name(bit) == NULL, "unknown bit");
	TEST_ASSERT(rte_iommufd_feature_name(0) == NULL, "zero");
	TEST_ASSERT(rte_iommufd_feature_name(3) == NULL, "two bits");
	return TEST_SUCCESS;
}

static int
log_levels(void)
{
	TEST_ASSERT_EQUAL(rte_iommufd_log_set_level(0), -EINVAL, "level 0");
	TEST_ASSERT_EQUAL(rte_iommufd_log_set_level(5), -EINVAL, "level 5");
	TEST_ASSERT_SUCCESS(rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_DEBUG), "debug");
	TEST_ASSERT_SUCCESS(rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR), "err");
	return TEST_SUCCESS;
}

static int captured_count;
static char captured[512];

static void
capture(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level == RTE_IOMMUFD_LOG_ERR) {
		captured_count++;
		snprintf(captured, sizeof(captured), "%s", msg);
	}
}

static int
log_handler_gets_errors(void)
{
	rte_iommufd_log_set_handler(capture, NULL);
	captured_count = 0;
	rte_iommufd_ioas_unmap(NULL, 0, 1, NULL);
	rte_iommufd_log_set_handler(NULL, NULL);
	TEST_ASSERT_EQUAL(captured_count, 1, "one error logged");
	TEST_ASSERT(strcmp(captured, rte_iommufd_last_error()) == 0,
		    "logged \"%s\" == last error \"%s\"", captured, rte_iommufd_last_error());
	TEST_ASSERT(strchr(captured, '\n') == NULL, "no newline in messages");
	return TEST_SUCCESS;
}

/* GET_HW_INFO answers as kernels of each generation fill them. */
static int
hw_info_struct_sizes(void)
{
	struct ifd_iommu_hw_info cmd;
	struct rte_iommufd_hw_info info;
	/* As the kernel fills it: the library's 128-byte vendor buffer. */
	uint64_t data[16] = { 0, 0xd2008c222f0686ull, 0x490080f00f4aull };
	uint64_t all = RTE_IOMMUFD_FEAT_HW_INFO | RTE_IOMMUFD_FEAT_DIRTY_TRACKING |
		       RTE_IOMMUFD_FEAT_HW_INFO_PASID | RTE_IOMMUFD_FEAT_PASID;

	/* 6.15+: width and PASID capabilities reported. */
	memset(&cmd, 0, sizeof(cmd));
	cmd.out_data_type = IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD;
	cmd.data_len = 24;
	cmd.out_max_pasid_log2 = 20;
	cmd.out_capabilities = RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC | RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING;
	ifd_hw_info_decode(&cmd, all, data, &info);
	TEST_ASSERT_EQUAL(info.type, 1, "VT-d");
	TEST_ASSERT_EQUAL(info.max_pasid_log2, 20, "width");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_USABLE, "usable");
	TEST_ASSERT(info.capabilities_valid, "caps valid");
	TEST_ASSERT_EQUAL(info.capabilities, RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC |
			  RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING, "caps");
	TEST_ASSERT_EQUAL(info.data[1], 0xd2008c222f0686ull, "cap_reg copied");

	/* 6.15+, device without PASID: EXEC/PRIV are meaningless and dropped. */
	cmd.out_max_pasid_log2 = 0;
	cmd.out_capabilities = RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV |
			       RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED;
	ifd_hw_info_decode(&cmd, all, data, &info);
	TEST_ASSERT_EQUAL(info.max_pasid_log2, 0, "no width");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_NOT_SUPPORTED, "reason");
	TEST_ASSERT_EQUAL(info.capabilities, RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED, "PRIV dropped");

	/* Debian's 6.12: widths reported (backport), no PASID attach: none usable. */
	cmd.out_max_pasid_log2 = 20;
	cmd.out_capabilities = RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC;
	ifd_hw_info_decode(&cmd, all & ~RTE_IOMMUFD_FEAT_PASID, data, &info);
	TEST_ASSERT_EQUAL(info.max_pasid_log2, 0, "no usable width");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH, "reason");
	TEST_ASSERT_EQUAL(info.capabilities, 0, "EXEC dropped");
	TEST_ASSERT_CONTAINS(rte_iommufd_pasid_reason_str(info.pasid_reason),
			     "kernel: no PASID attach");

	/* 6.7..6.14: 40-byte struct, byte 28 reserved: width 0, reason old kernel. */
	cmd.out_max_pasid_log2 = 0;
	ifd_hw_info_decode(&cmd, all & ~(RTE_IOMMUFD_FEAT_PASID | RTE_IOMMUFD_FEAT_HW_INFO_PASID),
			   data, &info);
	TEST_ASSERT_EQUAL(info.max_pasid_log2, 0, "no width");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_KERNEL_TOO_OLD, "reason");
	TEST_ASSERT(info.capabilities_valid, "caps still valid");
	TEST_ASSERT_CONTAINS(rte_iommufd_pasid_reason_str(info.pasid_reason), "6.15");

	/* 6.6: 32-byte struct, no capabilities: whatever is in the tail is ignored. */
	cmd.out_capabilities = 0xffff;
	ifd_hw_info_decode(&cmd, RTE_IOMMUFD_FEAT_HW_INFO, data, &info);
	TEST_ASSERT(!info.capabilities_valid, "no caps on 6.6");
	TEST_ASSERT_EQUAL(info.capabilities, 0, "caps zero");
	TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_KERNEL_TOO_OLD, "reason");

	/* A vendor blob longer than our buffer is cut, not overrun. */
	cmd.data_len = 4096;
	ifd_hw_info_decode(&cmd, all, data, &info);
	TEST_ASSERT_EQUAL(info.data_len, 4096, "full length reported");
	return TEST_SUCCESS;
}

static int
pci_addresses(void)
{
	char out[16];

	TEST_ASSERT_SUCCESS(rte_iommufd_pci_addr_parse("00:02.0", out, sizeof(out)), "short");
	TEST_ASSERT(strcmp(out, "0000:00:02.0") == 0, "normalised: %s", out);
	TEST_ASSERT_SUCCESS(rte_iommufd_pci_addr_parse("abcd:EF:1f.7", out, sizeof(out)), "long");
	TEST_ASSERT(strcmp(out, "abcd:ef:1f.7") == 0, "normalised: %s", out);
	TEST_ASSERT_EQUAL(rte_iommufd_pci_addr_parse("00:20.0", out, sizeof(out)), -EINVAL, "dev 0x20");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "out of range");
	TEST_ASSERT_EQUAL(rte_iommufd_pci_addr_parse("00:02.8", out, sizeof(out)), -EINVAL, "fn 8");
	TEST_ASSERT_EQUAL(rte_iommufd_pci_addr_parse("eth0", out, sizeof(out)), -EINVAL, "name");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "PCI address \"eth0\"");
	TEST_ASSERT_EQUAL(rte_iommufd_pci_addr_parse("0000:00:02.0x", out, sizeof(out)), -EINVAL,
			  "trailing junk");
	TEST_ASSERT_EQUAL(rte_iommufd_pci_addr_parse("00:02.0", out, 8), -ENAMETOOLONG, "short buf");
	return TEST_SUCCESS;
}

/* mkdir -p <fake_root>/<rel> */
static int
mkpath(const char *rel)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s/%s'", fake_root, rel);
	return system(cmd);
}

static int
fake_sysfs_setup(void)
{
	char link[PATH_MAX], target[PATH_MAX];

	snprintf(fake_root, sizeof(fake_root), "/tmp/iommufd-sysfs-XXXXXX");
	if (mkdtemp(fake_root) == NULL)
		return TEST_FAILED;
	/* 02.0: vfio-pci with cdev; 03.0: e1000e; 04.0: vfio-pci, no cdev; 05.0: unbound */
	if (mkpath("bus/pci/devices/0000:00:02.0/vfio-dev/vfio3") ||
	    mkpath("bus/pci/devices/0000:00:03.0") ||
	    mkpath("bus/pci/devices/0000:00:04.0") ||
	    mkpath("bus/pci/devices/0000:00:05.0") ||
	    mkpath("bus/pci/drivers/vfio-pci") ||
	    mkpath("bus/pci/drivers/e1000e"))
		return TEST_FAILED;
	snprintf(target, sizeof(target), "%s/bus/pci/drivers/vfio-pci", fake_root);
	snprintf(link, sizeof(link), "%s/bus/pci/devices/0000:00:02.0/driver", fake_root);
	if (symlink(target, link) != 0)
		return TEST_FAILED;
	snprintf(link, sizeof(link), "%s/bus/pci/devices/0000:00:04.0/driver", fake_root);
	if (symlink(target, link) != 0)
		return TEST_FAILED;
	snprintf(target, sizeof(target), "%s/bus/pci/drivers/e1000e", fake_root);
	snprintf(link, sizeof(link), "%s/bus/pci/devices/0000:00:03.0/driver", fake_root);
	if (symlink(target, link) != 0)
		return TEST_FAILED;
	return TEST_SUCCESS;
}

static void
fake_sysfs_teardown(void)
{
	char cmd[PATH_MAX + 16];

	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", fake_root);
	if (system(cmd) != 0)
		printf("# could not remove %s\n", fake_root);
}

static int
sysfs_discovery(void)
{
	char name[32];

	TEST_ASSERT_SUCCESS(rte_iommufd_device_find_cdev("00:02.0", fake_root, name, sizeof(name)),
			    "vfio-pci device: %s", rte_iommufd_last_error());
	TEST_ASSERT(strcmp(name, "vfio3") == 0, "cdev name %s", name);

	TEST_ASSERT_EQUAL(rte_iommufd_device_find_cdev("0000:00:03.0", fake_root, name, sizeof(name)),
			  -ENXIO, "bound to e1000e");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "bound to e1000e, not vfio-pci");

	TEST_ASSERT_EQUAL(rte_iommufd_device_find_cdev("0000:00:04.0", fake_root, name, sizeof(name)),
			  -ENOTSUP, "vfio-pci without cdev");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "CONFIG_VFIO_DEVICE_CDEV");

	TEST_ASSERT_EQUAL(rte_iommufd_device_find_cdev("0000:00:05.0", fake_root, name, sizeof(name)),
			  -ENXIO, "no driver");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "no driver bound");

	TEST_ASSERT_EQUAL(rte_iommufd_device_find_cdev("0000:00:09.0", fake_root, name, sizeof(name)),
			  -ENODEV, "absent device");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "VFIO cdev lookup 0000:00:09.0: ENODEV");

	TEST_ASSERT_EQUAL(rte_iommufd_device_find_cdev("0000:00:02.0", fake_root, name, 4),
			  -ENAMETOOLONG, "small buffer");
	TEST_ASSERT_EQUAL(rte_iommufd_device_find_cdev(NULL, fake_root, name, sizeof(name)),
			  -EINVAL, "NULL address");
	return TEST_SUCCESS;
}

static int
device_open_unbound(void)
{
	struct rte_iommufd fake_ctx = { .fd = -1 };
	struct rte_iommufd_device_params p = { .sysfs_root = fake_root, .dev_root = fake_root };
	struct rte_iommufd_device *dev = NULL;

	/* The cdev node is absent under the fake /dev: open fails clearly. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_open(&fake_ctx, "00:02.0", &p, &dev), -ENOENT,
			  "missing node");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "/vfio/devices/vfio3 for 0000:00:02.0: ENOENT");
	TEST_ASSERT(dev == NULL, "no device on failure");
	TEST_ASSERT_EQUAL(rte_iommufd_device_open(&fake_ctx, "00:03.0", &p, &dev), -ENXIO,
			  "not vfio-pci");
	return TEST_SUCCESS;
}

static void
put_record(unsigned char *buf, uint32_t flags, uint32_t pasid, uint32_t perm, uint64_t addr,
		uint32_t cookie)
{
	struct ifd_iommu_hwpt_pgfault k;

	memset(&k, 0, sizeof(k));
	k.flags = flags;
	k.dev_id = 7;
	k.pasid = pasid;
	k.grpid = 3;
	k.perm = perm;
	k.addr = addr;
	k.cookie = cookie;
	memcpy(buf, &k, sizeof(k));
}

static int
fault_records(void)
{
	unsigned char buf[3 * RTE_IOMMUFD_FAULT_RECORD_SIZE];
	struct rte_iommufd_fault_record recs[3];

	put_record(buf, RTE_IOMMUFD_FAULT_PASID_VALID, 5, RTE_IOMMUFD_FAULT_PERM_READ,
		   0x7f0000001000ull, 11);
	put_record(buf + 40, RTE_IOMMUFD_FAULT_PASID_VALID | RTE_IOMMUFD_FAULT_LAST_PAGE, 5,
		   RTE_IOMMUFD_FAULT_PERM_WRITE, 0x7f0000002000ull, 12);
	TEST_ASSERT_EQUAL(rte_iommufd_fault_parse(buf, 80, recs, 3), 2, "two records");
	TEST_ASSERT_EQUAL(recs[0].pasid, 5, "pasid");
	TEST_ASSERT_EQUAL(recs[0].dev_id, 7, "dev");
	TEST_ASSERT_EQUAL(recs[1].addr, 0x7f0000002000ull, "addr");
	TEST_ASSERT_EQUAL(recs[1].cookie, 12, "cookie");
	TEST_ASSERT(recs[1].flags & RTE_IOMMUFD_FAULT_LAST_PAGE, "last page");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_parse(buf, 80, recs, 1), -EMSGSIZE, "room for one");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_parse(buf, 41, recs, 3), -EINVAL, "partial record");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "multiple of the 40-byte record");
	put_record(buf + 80, 1u << 7, 0, 0, 0, 0);
	TEST_ASSERT_EQUAL(rte_iommufd_fault_parse(buf, 120, recs, 3), -EINVAL, "unknown flag");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_parse(buf, 0, recs, 3), 0, "empty");
	TEST_ASSERT_EQUAL(rte_iommufd_fault_parse(NULL, 40, recs, 3), -EINVAL, "NULL");
	return TEST_SUCCESS;
}

/*
 * The PASID refusals of the device calls (ifd_pasid_refused()) on a device
 * record with a chosen hardware information: their errnos are the policy's
 * (rte_iommufd_policy_pasid_check()), their reasons give the values.
 */
static int
pasid_refusals(void)
{
	struct rte_iommufd ctx;
	struct rte_iommufd_device dev;
	struct rte_iommufd_pasid_caps caps;
	const uint32_t probes[] = { 1, 2, 255, 256, 0xffff, 0x10000, 0xfffff, 0x100000,
				    UINT32_MAX };
	const char *why;
	char buf[160];
	unsigned int w, i;
	int err;

	memset(&ctx, 0, sizeof(ctx));
	memset(&dev, 0, sizeof(dev));
	dev.ctx = &ctx;
	dev.fd = -1;
	snprintf(dev.name, sizeof(dev.name), "fake");

	why = ifd_pasid_refused(NULL, 1, &err, buf, sizeof(buf));
	TEST_ASSERT(why != NULL && err == -EINVAL, "NULL device: %d", err);
	why = ifd_pasid_refused(&dev, RTE_IOMMUFD_NO_PASID, &err, buf, sizeof(buf));
	TEST_ASSERT(why != NULL && err == -EINVAL, "PASID 0: %d", err);
	TEST_ASSERT_CONTAINS(why, "PASID 0 is the RID");
	why = ifd_pasid_refused(&dev, 1, &err, buf, sizeof(buf));
	TEST_ASSERT(why != NULL && err == -EOPNOTSUPP, "no PASID attach: %d", err);
	TEST_ASSERT_CONTAINS(why, "kernel: no PASID attach");
	ctx.features = RTE_IOMMUFD_FEAT_PASID;
	/* Without hardware information the kernel decides. */
	TEST_ASSERT(ifd_pasid_refused(&dev, 1, &err, buf, sizeof(buf)) == NULL, "no hw_info");
	dev.hw_info_valid = true;
	dev.hw_info.pasid_reason = RTE_IOMMUFD_PASID_NOT_SUPPORTED;
	why = ifd_pasid_refused(&dev, 1, &err, buf, sizeof(buf));
	TEST_ASSERT(why != NULL && err == -EOPNOTSUPP, "width 0: %d", err);
	TEST_ASSERT_CONTAINS(why, "no usable PASID, out_max_pasid_log2 = 0: ");
	TEST_ASSERT_CONTAINS(why, rte_iommufd_pasid_reason_str(RTE_IOMMUFD_PASID_NOT_SUPPORTED));
	dev.hw_info.pasid_reason = RTE_IOMMUFD_PASID_USABLE;
	for (w = 1; w <= RTE_IOMMUFD_PASID_MAX_LOG2; w++) {
		dev.hw_info.max_pasid_log2 = (uint8_t)w;
		TEST_ASSERT_SUCCESS(rte_iommufd_pasid_caps_from_hw_info(&dev.hw_info, &caps),
				    "caps, w %u", w);
		for (i = 0; i < sizeof(probes) / sizeof(probes[0]); i++) {
			why = ifd_pasid_refused(&dev, probes[i], &err, buf, sizeof(buf));
			TEST_ASSERT_EQUAL(why != NULL ? err : 0,
					  rte_iommufd_policy_pasid_check(&caps, probes[i]),
					  "w %u pasid %u: %s", w, probes[i], why != NULL ? why : "-");
			TEST_ASSERT_EQUAL(why != NULL, probes[i] >= (1u << w), "w %u pasid %u",
					  w, probes[i]);
		}
	}
	dev.hw_info.max_pasid_log2 = 8;
	why = ifd_pasid_refused(&dev, 256, &err, buf, sizeof(buf));
	TEST_ASSERT(why != NULL && err == -ERANGE, "past the width: %d", err);
	TEST_ASSERT_CONTAINS(why, "beyond the device's PASID width: usable 1..255 (out_max_pasid_log2 8)");
	/* A width no PASID has: refused, not trusted. */
	dev.hw_info.max_pasid_log2 = RTE_IOMMUFD_PASID_MAX_LOG2 + 1;
	why = ifd_pasid_refused(&dev, 1, &err, buf, sizeof(buf));
	TEST_ASSERT(why != NULL && err == -EOPNOTSUPP, "width 21: %d", err);
	TEST_ASSERT_CONTAINS(why, "out_max_pasid_log2 21, wider than a PASID (20 bits)");
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE(null_arguments),
	TEST_CASE(open_missing_device),
	TEST_CASE(open_not_an_iommufd),
	TEST_CASE(errno_names),
	TEST_CASE(feature_names),
	TEST_CASE(log_levels),
	TEST_CASE(log_handler_gets_errors),
	TEST_CASE(hw_info_struct_sizes),
	TEST_CASE(pci_addresses),
	TEST_CASE_ST(fake_sysfs_setup, fake_sysfs_teardown, sysfs_discovery),
	TEST_CASE_ST(fake_sysfs_setup, fake_sysfs_teardown, device_open_unbound),
	TEST_CASE(fault_records),
	TEST_CASE(pasid_refusals),
	TEST_CASES_END(),
};

int
main(void)
{
	/* Failures are expected here: keep stderr for real problems. */
	rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR);
	rte_iommufd_log_set_handler(NULL, NULL);
	if (getenv("TEST_VERBOSE") == NULL) {
		int fd = open("/dev/null", O_WRONLY);

		if (fd >= 0) {
			dup2(fd, STDERR_FILENO);
			close(fd);
		}
	}
	return test_run("iommufd", cases);
}
