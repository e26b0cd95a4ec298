/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * lib/iommufd against the real kernel: VFIO cdevs of e1000e NICs behind an
 * emulated Intel VT-d. Runs as root inside the test VM.
 *
 * Usage: test_vm_vfio [--aw-bits 48|39] [BDF [BDF2]]
 * --aw-bits names the guest's IOMMU address width; the tests check the
 * IOMMU reports it and, with 39, that a map at IOVA = VA is refused.
 *
 * The same program runs on every guest kernel (7.3 and 6.12): a case that
 * uses a feature some kernels lack (PASID attach and ALLOC_PASID, 6.15;
 * IOMMU_IOAS_MAP_FILE, 6.13) asks the library whether the kernel has it and,
 * where it does not, asserts the library's exact refusal (errno and the
 * message naming the kernel) instead of skipping. Whatever fails, teardown
 * closes every device the case opened, so the next case finds them free.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iommufd_uapi.h"
#include "rte_iommufd.h"
#include "mock_dev.h"
#include "test.h"

#define SZ_2M (2ull << 20)

static const char *bdf = "0000:00:02.0";
static const char *bdf2 = "0000:00:03.0";
static int aw_bits = 48;

static struct rte_iommufd *ctx;
static struct rte_iommufd_device *dev;
static struct rte_iommufd_device *nic2;	/* the second NIC, when a case opens it */
static struct rte_iommufd_ioas *ioas;

#define KERNEL_NO_PASID_ATTACH \
	"kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)"

static int
setup_ctx(void)
{
	int ret = rte_iommufd_open(&ctx);

	if (ret < 0) {
		printf("# %s\n", rte_iommufd_last_error());
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static int
setup_dev(void)
{
	if (setup_ctx() != TEST_SUCCESS)
		return TEST_FAILED;
	if (rte_iommufd_device_open(ctx, bdf, NULL, &dev) < 0 ||
	    rte_iommufd_ioas_alloc(ctx, &ioas) < 0) {
		printf("# %s\n", rte_iommufd_last_error());
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static void
teardown(void)
{
	rte_iommufd_device_close(nic2);
	nic2 = NULL;
	rte_iommufd_device_close(dev);
	dev = NULL;
	if (ioas != NULL && rte_iommufd_ioas_free(ioas) < 0)
		printf("# teardown: %s\n", rte_iommufd_last_error());
	ioas = NULL;
	rte_iommufd_close(ctx);
	ctx = NULL;
}

/* Read a sysfs file of hexadecimal digits. */
static int
read_hex(const char *path, uint64_t *val)
{
	FILE *f = fopen(path, "r");
	unsigned long long v;
	int n;

	if (f == NULL)
		return -errno;
	n = fscanf(f, "%llx", &v);
	fclose(f);
	if (n != 1)
		return -EINVAL;
	*val = v;
	return 0;
}

static bool
kernel_has(uint64_t feature)
{
	return (rte_iommufd_features(ctx) & feature) != 0;
}

/*
 * A PASID-capable HWPT where the kernel has them; otherwise the library's
 * refusal is asserted and a plain HWPT is returned in its place.
 */
static int
pasid_hwpt_or_refusal(struct rte_iommufd_device *d, struct rte_iommufd_hwpt **hwpt)
{
	int ret = rte_iommufd_hwpt_alloc(d, rte_iommufd_ioas_id(ioas),
					 RTE_IOMMUFD_HWPT_ALLOC_PASID, hwpt);

	if (kernel_has(RTE_IOMMUFD_FEAT_PASID)) {
		TEST_ASSERT_SUCCESS(ret, "%s", rte_iommufd_last_error());
		return TEST_SUCCESS;
	}
	TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "ALLOC_PASID on a kernel without PASID attach");
	TEST_ASSERT(*hwpt == NULL, "no handle");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "IOMMU_HWPT_ALLOC");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "EOPNOTSUPP (" KERNEL_NO_PASID_ATTACH ")");
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(d, rte_iommufd_ioas_id(ioas), 0, hwpt),
			    "%s", rte_iommufd_last_error());
	return TEST_SUCCESS;
}

static int
features(void)
{
	struct ifd_iommu_hwpt_alloc cmd = {
		.size = sizeof(cmd), .flags = IFD_IOMMU_HWPT_ALLOC_PASID,
		.dev_id = rte_iommufd_device_id(dev), .pt_id = rte_iommufd_ioas_id(ioas),
	};
	uint64_t f = rte_iommufd_features(ctx);
	bool raw_pasid;
	int i;

	printf("# features 0x%llx:", (unsigned long long)f);
	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++)
		if (f & (1ull << i))
			printf(" %s", rte_iommufd_feature_name(1ull << i));
	printf("\n");
	/* What the library needs from every guest kernel (6.12 and later). */
	TEST_ASSERT(f & RTE_IOMMUFD_FEAT_IOAS, "ioas");
	TEST_ASSERT(f & RTE_IOMMUFD_FEAT_HW_INFO, "hw_info");
	TEST_ASSERT(f & RTE_IOMMUFD_FEAT_HWPT_ALLOC, "hwpt_alloc");
	TEST_ASSERT(f & RTE_IOMMUFD_FEAT_FAULT_QUEUE, "fault queue");
	TEST_ASSERT(mock_iommu_present(rte_iommufd_fd(ctx)), "the guest kernel has CONFIG_IOMMUFD_TEST");
	/*
	 * The PASID probe (decided when the device was opened) against the
	 * kernel itself: a raw IOMMU_HWPT_ALLOC with ALLOC_PASID on the
	 * e1000e succeeds where PASID attach exists (the VT-d is in scalable
	 * mode) and is EOPNOTSUPP where it does not.
	 */
	raw_pasid = ioctl(rte_iommufd_fd(ctx), IFD_IOMMU_HWPT_ALLOC, &cmd) == 0;
	printf("# raw IOMMU_HWPT_ALLOC_PASID: %s\n", raw_pasid ? "ok" : strerror(errno));
	if (raw_pasid)
		TEST_ASSERT_SUCCESS(rte_iommufd_destroy(ctx, cmd.out_hwpt_id), "destroy");
	else
		TEST_ASSERT_EQUAL(errno, EOPNOTSUPP, "the kernel's answer without PASID attach");
	TEST_ASSERT_EQUAL(!!(f & RTE_IOMMUFD_FEAT_PASID), raw_pasid,
			  "the library's pasid probe agrees with the kernel");
	/* A kernel with PASID attach reports PASID widths too. */
	if (raw_pasid)
		TEST_ASSERT(f & RTE_IOMMUFD_FEAT_HW_INFO_PASID, "hw_info_pasid");
	return TEST_SUCCESS;
}

static int
cdev_discovery(void)
{
	char name[32], path[256], link[512];
	glob_t g;
	int n;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_find_cdev(bdf, NULL, name, sizeof(name)),
			    "%s", rte_iommufd_last_error());
	/* The same name as sysfs' class view and a character device node. */
	snprintf(path, sizeof(path), "/sys/class/vfio-dev/%s/device", name);
	n = (int)readlink(path, link, sizeof(link) - 1);
	TEST_ASSERT(n > 0, "%s is a link", path);
	link[n] = '\0';
	TEST_ASSERT_CONTAINS(link, bdf);
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	TEST_ASSERT(access(path, R_OK | W_OK) == 0, "%s exists", path);
	TEST_ASSERT(glob("/dev/vfio/devices/vfio*", 0, NULL, &g) == 0, "cdevs");
	TEST_ASSERT(g.gl_pathc >= 2, "two NICs on vfio-pci, %zu cdevs", g.gl_pathc);
	globfree(&g);
	return TEST_SUCCESS;
}

static int
ioctl_before_bind_fails(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	char name[32], path[64];
	int fd, ret;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_find_cdev(bdf, NULL, name, sizeof(name)), "find");
	snprintf(path, sizeof(path), "/dev/vfio/devices/%s", name);
	fd = open(path, O_RDWR);
	TEST_ASSERT(fd >= 0, "open %s: %s", path, strerror(errno));
	ret = ioctl(fd, VFIO_DEVICE_GET_INFO, &info);
	TEST_ASSERT(ret < 0 && errno == EINVAL, "GET_INFO before bind: ret %d errno %d", ret, errno);
	close(fd);
	return TEST_SUCCESS;
}

static int
bind_attach_replace_detach(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct ifd_vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	struct rte_iommufd_hwpt *hwpt = NULL;
	uint32_t got = 0;

	TEST_ASSERT(rte_iommufd_device_id(dev) != 0, "dev id");
	TEST_ASSERT(strcmp(rte_iommufd_device_name(dev), bdf) == 0, "name");
	/* A second bind of the same fd is refused. */
	bind.iommufd = rte_iommufd_fd(ctx);
	TEST_ASSERT(ioctl(rte_iommufd_device_fd(dev), IFD_VFIO_DEVICE_BIND_IOMMUFD, &bind) < 0 &&
		    errno == EINVAL, "second bind: errno %d", errno);
	/* After bind the fd is a normal VFIO device fd. */
	TEST_ASSERT(ioctl(rte_iommufd_device_fd(dev), VFIO_DEVICE_GET_INFO, &info) == 0,
		    "GET_INFO after bind: %s", strerror(errno));
	TEST_ASSERT(info.flags & VFIO_DEVICE_FLAGS_PCI, "PCI device");
	TEST_ASSERT(info.num_regions > VFIO_PCI_CONFIG_REGION_INDEX, "regions");

	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), &got),
			    "%s", rte_iommufd_last_error());
	TEST_ASSERT(got != 0 && got != rte_iommufd_ioas_id(ioas), "auto domain hwpt %u", got);
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(dev), got, "tracked");
	/* The IOAS is busy while a device uses it. */
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, rte_iommufd_ioas_id(ioas)), -EBUSY, "busy");

	/* Replace with a user HWPT, PASID-capable where the kernel has them. */
	TEST_ASSERT_SUCCESS(pasid_hwpt_or_refusal(dev, &hwpt), "HWPT");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(hwpt), &got),
			    "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(got, rte_iommufd_hwpt_id(hwpt), "replaced");
	/* An attached HWPT cannot be freed; the handle survives. */
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_free(hwpt), -EBUSY, "attached");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "detach first");

	TEST_ASSERT_SUCCESS(rte_iommufd_device_detach(dev), "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(dev), 0, "detached");
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "%s", rte_iommufd_last_error());
	/* Bad page table ids are refused with a message. */
	TEST_ASSERT_EQUAL(rte_iommufd_device_attach(dev, 0xfffff, NULL), -ENOENT, "bad pt");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "no IOAS or HWPT with this id");
	return TEST_SUCCESS;
}

static int
second_context_is_refused(void)
{
	struct rte_iommufd *ctx2 = NULL;
	struct rte_iommufd_device *other = NULL;
	int ret;

	TEST_ASSERT_SUCCESS(rte_iommufd_open(&ctx2), "%s", rte_iommufd_last_error());
	ret = rte_iommufd_device_open(ctx2, bdf, NULL, &other);
	if (other != NULL)	/* a wrong success must not leave the device bound */
		rte_iommufd_device_close(other);
	rte_iommufd_close(ctx2);
	TEST_ASSERT_EQUAL(ret, -EBUSY, "a device bound to one iommufd cannot be bound to another");
	TEST_ASSERT(other == NULL, "no handle");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), bdf);
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "in use by another process or iommufd");
	return TEST_SUCCESS;
}

static int
hw_info_matches_sysfs(void)
{
	struct rte_iommufd_pasid_caps pc;
	struct rte_iommufd_hw_info info;
	uint64_t cap = 0, ecap = 0;
	glob_t g;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_hw_info(dev, &info), "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(info.type, IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD, "VT-d");
	TEST_ASSERT_EQUAL(info.data_len, sizeof(struct ifd_iommu_hw_info_vtd), "payload size");
	TEST_ASSERT(glob("/sys/class/iommu/*/intel-iommu/cap", 0, NULL, &g) == 0, "sysfs cap");
	TEST_ASSERT_SUCCESS(read_hex(g.gl_pathv[0], &cap), "read %s", g.gl_pathv[0]);
	globfree(&g);
	TEST_ASSERT(glob("/sys/class/iommu/*/intel-iommu/ecap", 0, NULL, &g) == 0, "sysfs ecap");
	TEST_ASSERT_SUCCESS(read_hex(g.gl_pathv[0], &ecap), "read %s", g.gl_pathv[0]);
	globfree(&g);
	TEST_ASSERT_EQUAL(info.data[1], cap, "cap_reg equals sysfs");
	TEST_ASSERT_EQUAL(info.data[2], ecap, "ecap_reg equals sysfs");
	/* MGAW (cap bits 21:16) is the address width minus one. */
	TEST_ASSERT_EQUAL(((cap >> 16) & 0x3f) + 1, aw_bits, "IOMMU address width");
	/* e1000e has no PASID capability: width 0, EXEC/PRIV clear. */
	TEST_ASSERT(info.capabilities_valid, "capabilities reported");
	TEST_ASSERT_EQUAL(info.max_pasid_log2, 0, "no PASID on e1000e");
	/* The kernel's lack comes first: it holds whatever the device is. */
	if (!kernel_has(RTE_IOMMUFD_FEAT_HW_INFO_PASID)) {
		TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_KERNEL_TOO_OLD, "reason");
		TEST_ASSERT_CONTAINS(rte_iommufd_pasid_reason_str(info.pasid_reason),
				     "kernel: no PASID reporting in IOMMU_GET_HW_INFO");
	} else if (!kernel_has(RTE_IOMMUFD_FEAT_PASID)) {
		TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH, "reason");
		TEST_ASSERT_CONTAINS(rte_iommufd_pasid_reason_str(info.pasid_reason),
				     KERNEL_NO_PASID_ATTACH);
	} else {
		TEST_ASSERT_EQUAL(info.pasid_reason, RTE_IOMMUFD_PASID_NOT_SUPPORTED, "reason");
	}
	TEST_ASSERT(!(info.capabilities & (RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC |
					   RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV)), "no EXEC/PRIV");
	/*
	 * QEMU's VT-d has no device-TLB (ECAP.DT 0): no ATS for e1000e. A
	 * kernel with the ATS report says so (PCI_ATS_NOT_SUPPORTED); one
	 * without it (6.12) does not, and the library then reads ECAP.DT.
	 */
	TEST_ASSERT(!(ecap & (1ull << 2)), "the rig's VT-d has no device TLB");
	TEST_ASSERT_SUCCESS(rte_iommufd_pasid_caps_from_hw_info(&info, &pc), "caps");
	TEST_ASSERT(!pc.ats, "no ATS on e1000e behind a VT-d without device TLB");
	printf("# the kernel %s PCI_ATS_NOT_SUPPORTED\n",
	       info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED ? "reports" :
	       "does not report");
	return TEST_SUCCESS;
}

static int
pasid_refused_without_width(void)
{
	struct rte_iommufd_hwpt *hwpt = NULL;
	int ret;

	TEST_ASSERT_SUCCESS(pasid_hwpt_or_refusal(dev, &hwpt), "HWPT");
	ret = rte_iommufd_device_pasid_attach(dev, 1, rte_iommufd_hwpt_id(hwpt), NULL);
	TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "PASID attach on e1000e");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "PASID attach 0000:00:02.0 pasid 1: EOPNOTSUPP");
	/* Without PASID attach in the kernel, the kernel is named, not the device. */
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), kernel_has(RTE_IOMMUFD_FEAT_PASID) ?
			     "out_max_pasid_log2 = 0" : KERNEL_NO_PASID_ATTACH);
	TEST_ASSERT_EQUAL(rte_iommufd_device_pasid_attach(dev, 0, rte_iommufd_hwpt_id(hwpt), NULL),
			  -EINVAL, "PASID 0");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "PASID 0 is the RID");
	/* The kernel agrees: with an IOAS id the attach is EINVAL. */
	{
		struct ifd_vfio_device_attach_iommufd_pt at = {
			.argsz = sizeof(at), .flags = IFD_VFIO_DEVICE_ATTACH_PASID,
			.pt_id = rte_iommufd_ioas_id(ioas), .pasid = 1,
		};

		TEST_ASSERT(ioctl(rte_iommufd_device_fd(dev), IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT,
				  &at) < 0, "kernel refuses PASID attach to an IOAS");
	}
	/* The RID takes the PASID-capable HWPT. */
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(hwpt), NULL),
			    "%s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_device_detach(dev), "detach");
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "free");
	return TEST_SUCCESS;
}

static int
hwpt_flags_as_hardware_says(void)
{
	struct rte_iommufd_hw_info info;
	struct rte_iommufd_hwpt *hwpt = NULL;
	int ret;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_hw_info(dev, &info), "hw_info");
	ret = rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas),
				     RTE_IOMMUFD_HWPT_DIRTY_TRACKING, &hwpt);
	if (info.capabilities & RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING) {
		TEST_ASSERT_SUCCESS(ret, "dirty tracking advertised: %s", rte_iommufd_last_error());
		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_set_dirty_tracking(hwpt, true), "on");
		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_set_dirty_tracking(hwpt, false), "off");
		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "free");
	} else {
		TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "no dirty tracking on this IOMMU");
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "no dirty tracking");
		TEST_ASSERT(hwpt == NULL, "no handle");
	}
	/* Plain and NEST_PARENT paging HWPTs. */
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas), 0, &hwpt),
			    "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_flags(hwpt), 0, "flags");
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "free");
	ret = rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas), RTE_IOMMUFD_HWPT_NEST_PARENT,
				     &hwpt);
	if (ret == 0)
		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "free");
	else
		TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "nest parent: %s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas),
						 RTE_IOMMUFD_HWPT_FAULT_ID_VALID, &hwpt),
			  -EINVAL, "FAULT_ID_VALID needs a queue");
	return TEST_SUCCESS;
}

static int
ranges_narrow_after_attach(void)
{
	struct rte_iommufd_iova_range *before = NULL, *after = NULL;
	uint32_t nb = 0, na = 0, i;
	uint64_t align = 0;
	int msi_reserved = 1;

	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_iova_ranges(ioas, &before, &nb, &align), "before");
	TEST_ASSERT_EQUAL(nb, 1, "an empty IOAS allows everything");
	TEST_ASSERT_EQUAL(before[0].start, 0, "from 0");
	TEST_ASSERT_EQUAL(before[0].last, UINT64_MAX, "to the end");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL), "attach");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_iova_ranges(ioas, &after, &na, &align), "after");
	TEST_ASSERT(na >= 2, "the MSI window splits the space: %u ranges", na);
	TEST_ASSERT(align >= 4096 && (align & (align - 1)) == 0, "alignment 0x%llx",
		    (unsigned long long)align);
	for (i = 0; i < na; i++) {
		printf("# range %u: 0x%llx-0x%llx\n", i, (unsigned long long)after[i].start,
		       (unsigned long long)after[i].last);
		if (after[i].start <= 0xfee00000ull && after[i].last >= 0xfeefffffull)
			msi_reserved = 0;
	}
	TEST_ASSERT(msi_reserved, "0xfee00000-0xfeefffff (x86 MSI) is not usable");
	TEST_ASSERT_EQUAL(after[na - 1].last, (1ull << aw_bits) - 1, "aperture ends at 2^%d - 1",
			  aw_bits);
	free(before);
	free(after);
	return TEST_SUCCESS;
}

static void *
alloc_pages(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

static int
map_iova_va(void)
{
	size_t len = 4 * 4096;
	char *buf = alloc_pages(len);
	uint64_t iova = (uintptr_t)buf, unmapped = 0;
	int ret;

	TEST_ASSERT(buf != NULL, "mmap");
	memset(buf, 0x5a, len);
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL), "attach");
	ret = rte_iommufd_ioas_map(ioas, buf, len, &iova,
				   RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
	/* User VAs (0x7f...) lie beyond a 39-bit aperture (under valgrind,
	 * mmap may place the buffer lower: then the map must work). */
	if ((uintptr_t)buf + len - 1 > (1ull << aw_bits) - 1) {
		TEST_ASSERT_EQUAL(ret, -EINVAL, "IOVA = VA beyond the aperture");
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "beyond the IOMMU's address width");
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "usable IOVAs end at 0x7fffffffff");
		printf("# refused as expected: %s\n", rte_iommufd_last_error());
	} else {
		TEST_ASSERT_SUCCESS(ret, "%s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(iova, (uintptr_t)buf, "IOVA = VA");
		/* The same range again is refused. */
		TEST_ASSERT_EQUAL(rte_iommufd_ioas_map(ioas, buf, len, &iova,
						       RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW),
				  -EEXIST, "already mapped");
		/* A cut through the mapping is refused: iommufd never splits. */
		TEST_ASSERT_EQUAL(rte_iommufd_ioas_unmap(ioas, (uintptr_t)buf, 4096, NULL),
				  -ENOENT, "partial unmap");
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "never splits");
		TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap(ioas, (uintptr_t)buf, len, &unmapped),
				    "%s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(unmapped, len, "exact unmap");
	}
	/* The kernel-chosen IOVA works on both widths. */
	iova = 0;
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_map(ioas, buf, len, &iova, RTE_IOMMUFD_MAP_RW),
			    "%s", rte_iommufd_last_error());
	TEST_ASSERT(iova + len - 1 < (1ull << aw_bits), "chosen IOVA 0x%llx inside the aperture",
		    (unsigned long long)iova);
	TEST_ASSERT(iova % 4096 == 0, "aligned");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap(ioas, iova, len, &unmapped), "unmap");
	TEST_ASSERT_EQUAL(unmapped, len, "exact");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_unmap(ioas, iova, len, NULL), -ENOENT, "twice");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_map(ioas, buf, 0, &iova, RTE_IOMMUFD_MAP_RW), -EINVAL,
			  "zero length");
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_map(ioas, buf + 1, 4096, &iova, RTE_IOMMUFD_MAP_RW),
			  -EINVAL, "misaligned");
	munmap(buf, len);
	return TEST_SUCCESS;
}

static int
map_file_memfd_and_hugetlbfs(void)
{
	uint64_t iova = 0, unmapped = 0;
	char path[] = "/dev/hugepages/iommufd-test-XXXXXX";
	int fd, hfd;

	fd = memfd_create("iommufd-test", MFD_CLOEXEC);
	TEST_ASSERT(fd >= 0, "memfd");
	TEST_ASSERT(ftruncate(fd, 64 * 1024) == 0, "truncate");
	if (!kernel_has(RTE_IOMMUFD_FEAT_IOAS_MAP_FILE)) {
		/* Refused by the library, naming the kernel; nothing mapped. */
		int ret = rte_iommufd_ioas_map_file(ioas, fd, 0, 64 * 1024, &iova,
						    RTE_IOMMUFD_MAP_RW);

		close(fd);
		TEST_ASSERT_EQUAL(ret, -EOPNOTSUPP, "MAP_FILE on a kernel without it");
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(),
				     "EOPNOTSUPP (the kernel has no IOMMU_IOAS_MAP_FILE (Linux 6.13+))");
		TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap_all(ioas, &unmapped), "unmap all");
		TEST_ASSERT_EQUAL(unmapped, 0, "nothing was mapped");
		return TEST_SUCCESS;
	}
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_map_file(ioas, fd, 0, 64 * 1024, &iova,
						      RTE_IOMMUFD_MAP_RW),
			    "memfd: %s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap(ioas, iova, 64 * 1024, &unmapped), "unmap");
	TEST_ASSERT_EQUAL(unmapped, 64 * 1024, "exact");
	/* The kernel checks the descriptor (no memory is checked before pinning). */
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_map_file(ioas, 999, 0, 4096, &iova,
						    RTE_IOMMUFD_MAP_RW), -EBADF, "closed fd");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "EBADF (not an open file)");
	close(fd);
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_map_file(ioas, -1, 0, 4096, &iova, RTE_IOMMUFD_MAP_RW),
			  -EBADF, "bad fd");

	hfd = mkstemp(path);
	TEST_ASSERT(hfd >= 0, "hugetlbfs file %s: %s", path, strerror(errno));
	unlink(path);
	TEST_ASSERT(ftruncate(hfd, 2 * SZ_2M) == 0, "truncate hugetlbfs");
	iova = 0;
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_map_file(ioas, hfd, 0, 2 * SZ_2M, &iova,
						      RTE_IOMMUFD_MAP_RW),
			    "hugetlbfs: %s", rte_iommufd_last_error());
	TEST_ASSERT(iova % 4096 == 0, "aligned");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap_all(ioas, &unmapped), "unmap all");
	TEST_ASSERT_EQUAL(unmapped, 2 * SZ_2M, "everything");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap_all(ioas, &unmapped), "empty unmap all");
	TEST_ASSERT_EQUAL(unmapped, 0, "nothing left");
	close(hfd);
	return TEST_SUCCESS;
}

static int
copy_between_ioas(void)
{
	struct rte_iommufd_ioas *ioas2 = NULL;
	size_t len = 8 * 4096;
	char *buf = alloc_pages(len);
	uint64_t iova = 0, iova2 = 0, iova3 = 0, part = 0, unmapped = 0;

	TEST_ASSERT(buf != NULL, "mmap");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_alloc(ctx, &ioas2), "alloc");
	TEST_ASSERT(rte_iommufd_ioas_id(ioas2) != rte_iommufd_ioas_id(ioas), "distinct ids");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_map(ioas, buf, len, &iova, RTE_IOMMUFD_MAP_RW), "map");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_copy(ioas2, ioas, iova, len, &iova2,
						  RTE_IOMMUFD_MAP_RW),
			    "%s", rte_iommufd_last_error());
	/* Linux 7.3 copies a part of a mapping too; a range nothing maps is refused. */
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_copy(ioas2, ioas, iova + 4096, 4096, &part,
						  RTE_IOMMUFD_MAP_RW), "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_copy(ioas2, ioas, iova + len, 4096, &iova3,
						RTE_IOMMUFD_MAP_RW), -ENOENT, "unmapped source");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "no mapping covers the source range");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap(ioas2, part, 4096, &unmapped), "unmap part");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap_all(ioas, &unmapped), "unmap src");
	/* The copy keeps the pages after the source is gone. */
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap(ioas2, iova2, len, &unmapped), "unmap copy");
	TEST_ASSERT_EQUAL(unmapped, len, "copy was whole");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_free(ioas2), "free");
	munmap(buf, len);
	return TEST_SUCCESS;
}

static int
allow_iovas_and_options(void)
{
	struct rte_iommufd_iova_range keep = { .start = 0xfee00000ull, .last = 0xfee0ffffull };
	enum rte_iommufd_rlimit_mode mode;
	bool huge = false;

	/* Pin the MSI window as must-stay-usable: the attach must then fail. */
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_allow_iovas(ioas, &keep, 1), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL),
			  -EADDRINUSE, "attach reserving an allowed range");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "allow_iovas");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_allow_iovas(ioas, NULL, 0), "clear");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_get_huge_pages(ioas, &huge), "get");
	TEST_ASSERT(huge, "huge pages allowed by default");
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_set_huge_pages(ioas, false), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_get_huge_pages(ioas, &huge), "get");
	TEST_ASSERT(!huge, "now off");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL),
			    "%s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_get_rlimit_mode(ctx, &mode), "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(mode, RTE_IOMMUFD_RLIMIT_PER_USER, "default accounting");
	return TEST_SUCCESS;
}

static int
two_devices_share_a_hwpt(void)
{
	struct rte_iommufd_hwpt *hwpt = NULL;
	uint32_t got = 0;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_open(ctx, bdf2, NULL, &nic2), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT(rte_iommufd_device_id(nic2) != rte_iommufd_device_id(dev), "ids differ");
	TEST_ASSERT_SUCCESS(pasid_hwpt_or_refusal(dev, &hwpt), "alloc");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(hwpt), NULL), "a");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(nic2, rte_iommufd_hwpt_id(hwpt), &got), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(got, rte_iommufd_hwpt_id(hwpt), "same HWPT on both NICs");
	rte_iommufd_device_close(nic2);
	nic2 = NULL;
	TEST_ASSERT_SUCCESS(rte_iommufd_device_detach(dev), "detach");
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "%s", rte_iommufd_last_error());
	return TEST_SUCCESS;
}

static int
close_releases_everything(void)
{
	struct rte_iommufd_hwpt *hwpt = NULL;
	uint32_t hid, iid;

	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas), 0, &hwpt), "a");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(hwpt), NULL), "b");
	hid = rte_iommufd_hwpt_id(hwpt);
	iid = rte_iommufd_ioas_id(ioas);
	/* Closing the device detaches it: the HWPT and IOAS become free. */
	rte_iommufd_device_close(dev);
	dev = NULL;
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "%s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_free(ioas), "%s", rte_iommufd_last_error());
	ioas = NULL;
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, hid), -ENOENT, "hwpt gone");
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, iid), -ENOENT, "ioas gone");
	/* The device can be opened again at once. */
	TEST_ASSERT_SUCCESS(rte_iommufd_device_open(ctx, bdf, NULL, &dev), "%s",
			    rte_iommufd_last_error());
	return TEST_SUCCESS;
}

/* rte_iommufd_space_foreach() callback: count the RIDs of the two NICs, stop after w->stop. */
struct walk { const struct rte_iommufd_device *a, *b; unsigned int rids, stop; };

static int
walk_rids(const struct rte_iommufd_device *d, uint32_t pasid, void *arg)
{
	struct walk *w = arg;

	if (pasid == RTE_IOMMUFD_NO_PASID && (d == w->a || d == w->b))
		w->rids++;
	return w->rids == w->stop ? 7 : 0;
}

static int
space_shares_hwpts(void)
{
	struct rte_iommufd_space *sp = NULL;
	uint32_t h1 = 0, h2 = 0;
	struct rte_iommufd_device *d2;
	struct walk w;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_open(ctx, bdf2, NULL, &nic2), "%s",
			    rte_iommufd_last_error());
	d2 = nic2;
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, ioas, NULL, &sp), "create");
	TEST_ASSERT(rte_iommufd_space_ioas(sp) == ioas, "shared IOAS");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp, dev, RTE_IOMMUFD_NO_PASID, &h1), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp, d2, RTE_IOMMUFD_NO_PASID, &h2), "%s",
			    rte_iommufd_last_error());
	/* Both NICs sit behind one IOMMU: one HWPT serves both. */
	TEST_ASSERT_EQUAL(h1, h2, "shared HWPT");
	TEST_ASSERT_EQUAL(rte_iommufd_space_hwpts(sp), 1, "one HWPT");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp), 2, "two RIDs");
	w = (struct walk){ .a = dev, .b = d2 };
	TEST_ASSERT_SUCCESS(rte_iommufd_space_foreach(sp, walk_rids, &w), "walk");
	TEST_ASSERT_EQUAL(w.rids, 2, "the walk visits both RIDs");
	w = (struct walk){ .a = dev, .b = d2, .stop = 1 };
	TEST_ASSERT_EQUAL(rte_iommufd_space_foreach(sp, walk_rids, &w), 7, "stopped");
	TEST_ASSERT_EQUAL(w.rids, 1, "after the first");
	TEST_ASSERT_EQUAL(rte_iommufd_space_foreach(sp, NULL, &w), -EINVAL, "no callback");
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(d2), h1, "RID tracked");
	/* Attaching again is a no-op; PASIDs are refused on e1000e. */
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp, dev, RTE_IOMMUFD_NO_PASID, &h2), "again");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp), 2, "still two");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attach(sp, dev, 3, NULL), -EOPNOTSUPP, "PASID");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), kernel_has(RTE_IOMMUFD_FEAT_PASID) ?
			     "out_max_pasid_log2 = 0" : KERNEL_NO_PASID_ATTACH);
	TEST_ASSERT_EQUAL(rte_iommufd_space_free(sp), -EBUSY, "attached");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_detach(sp, dev, RTE_IOMMUFD_NO_PASID), "detach 1");
	TEST_ASSERT_EQUAL(rte_iommufd_space_hwpts(sp), 1, "still used by the second NIC");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_detach(sp, d2, RTE_IOMMUFD_NO_PASID), "detach 2");
	TEST_ASSERT_EQUAL(rte_iommufd_space_hwpts(sp), 0, "HWPT freed with its last user");
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, h1), -ENOENT, "gone from the kernel");
	TEST_ASSERT_EQUAL(rte_iommufd_space_detach(sp, dev, RTE_IOMMUFD_NO_PASID), -ENOENT, "twice");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(sp), "%s", rte_iommufd_last_error());
	rte_iommufd_device_close(nic2);
	nic2 = NULL;
	return TEST_SUCCESS;
}

static int
space_replace_between_spaces(void)
{
	struct rte_iommufd_space *a = NULL, *b = NULL;
	uint32_t ha = 0, hb = 0, priv_ioas;

	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, ioas, NULL, &a), "shared");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, NULL, NULL, &b), "private");
	priv_ioas = rte_iommufd_ioas_id(rte_iommufd_space_ioas(b));
	TEST_ASSERT(priv_ioas != rte_iommufd_ioas_id(ioas), "own IOAS");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(a, dev, RTE_IOMMUFD_NO_PASID, &ha), "a");
	/* Moving the RID to b replaces atomically; a forgets it and its HWPT. */
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(b, dev, RTE_IOMMUFD_NO_PASID, &hb), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT(ha != hb, "different page tables");
	TEST_ASSERT_EQUAL(rte_iommufd_device_attached_hwpt(dev), hb, "now on b");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(a), 0, "a forgot");
	TEST_ASSERT_EQUAL(rte_iommufd_space_hwpts(a), 0, "a's HWPT freed");
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, ha), -ENOENT, "freed in the kernel");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(a), "free a");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_detach(b, dev, RTE_IOMMUFD_NO_PASID), "detach");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(b), "%s", rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, priv_ioas), -ENOENT, "private IOAS freed");
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE_ST(setup_dev, teardown, features),
	TEST_CASE(cdev_discovery),
	TEST_CASE(ioctl_before_bind_fails),
	TEST_CASE_ST(setup_dev, teardown, bind_attach_replace_detach),
	TEST_CASE_ST(setup_dev, teardown, second_context_is_refused),
	TEST_CASE_ST(setup_dev, teardown, hw_info_matches_sysfs),
	TEST_CASE_ST(setup_dev, teardown, pasid_refused_without_width),
	TEST_CASE_ST(setup_dev, teardown, hwpt_flags_as_hardware_says),
	TEST_CASE_ST(setup_dev, teardown, ranges_narrow_after_attach),
	TEST_CASE_ST(setup_dev, teardown, map_iova_va),
	TEST_CASE_ST(setup_dev, teardown, map_file_memfd_and_hugetlbfs),
	TEST_CASE_ST(setup_dev, teardown, copy_between_ioas),
	TEST_CASE_ST(setup_dev, teardown, allow_iovas_and_options),
	TEST_CASE_ST(setup_dev, teardown, two_devices_share_a_hwpt),
	TEST_CASE_ST(setup_dev, teardown, close_releases_everything),
	TEST_CASE_ST(setup_dev, teardown, space_shares_hwpts),
	TEST_CASE_ST(setup_dev, teardown, space_replace_between_spaces),
	TEST_CASES_END(),
};

int
main(int argc, char **argv)
{
	int i, pos = 0;

	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--aw-bits") == 0 && i + 1 < argc)
			aw_bits = atoi(argv[++i]);
		else if (pos++ == 0)
			bdf = argv[i];
		else
			bdf2 = argv[i];
	}
	/* Expected failures are checked through rte_iommufd_last_error(). */
	rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR);
	if (getenv("TEST_VERBOSE") == NULL)
		rte_iommufd_log_set_handler(NULL, NULL);
	return test_run("vm-vfio", cases);
}
