/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * PASID for real on PCI devices: two PASID test devices (buildtools/testdev,
 * vfio-user models behind QEMU 11.1's vfio-user-pci) with different PASID
 * capabilities on one emulated VT-d (20 PASID bits), driven through
 * lib/iommufd's VFIO cdev path on the guest's Linux 7.x. Runs inside the
 * test VM (run-vm.sh --qemu sid --pasid-dev ... --pasid-dev ...), which
 * names the devices in DPDK_IOMMUFD_PASID_DEVS="BDF,WIDTH,EXEC,PRIV ...".
 *
 * Usage: test_vm_pasid_dev [PATH_TO_dpdk-iommufd-info]
 */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/klog.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "iommufd_uapi.h"
#include "pasid_testdev.h"
#include "rte_iommufd.h"
#include "rte_iommufd_pasid.h"
#include "rte_pasid.h"
#include "test.h"

#define NDEV 2
#define IOMMU_PASID_BITS 20      /* run-vm.sh --qemu sid: pasid-bits=20 */
#define SZ_64K 0x10000u
#define IOVA_RING 0x100000ull    /* ring at +0, completion records at +0x8000 */
#define IOVA_SRC 0x200000ull
#define IOVA_DST 0x300000ull
#define RING_N 64

struct pdev {
	char bdf[16];
	unsigned int width;
	bool exec, priv;
	struct rte_iommufd_device *dev;
	off_t bar0, cfg;        /* region offsets in the device fd */
	uint32_t tail;
};

static const char *info_tool;
static struct pdev pd[NDEV];
static struct rte_iommufd *ctx;
static struct rte_iommufd_ioas *ioas;
static struct rte_iommufd_hwpt *hwpt[NDEV];
static uint8_t *mem;            /* ring, src, dst: 3 x 64 KiB */

static int
parse_devs(void)
{
	const char *env = getenv("DPDK_IOMMUFD_PASID_DEVS");
	const char *p = env;
	int i, n;

	for (i = 0; p != NULL && i < NDEV; i++) {
		unsigned int x, v;

		if (sscanf(p, "%15[^,],%u,%u,%u%n", pd[i].bdf, &pd[i].width, &x, &v, &n) != 4)
			break;
		pd[i].exec = x != 0;
		pd[i].priv = v != 0;
		p += n;
		while (*p == ' ')
			p++;
	}
	if (i != NDEV) {
		printf("# DPDK_IOMMUFD_PASID_DEVS='%s': want %d devices BDF,WIDTH,EXEC,PRIV\n",
		       env ? env : "", NDEV);
		return -1;
	}
	return 0;
}

static int
region_offset(struct pdev *p, unsigned int index, off_t *off)
{
	struct vfio_region_info ri = { .argsz = sizeof(ri), .index = index };

	if (ioctl(rte_iommufd_device_fd(p->dev), VFIO_DEVICE_GET_REGION_INFO, &ri) < 0)
		return -errno;
	*off = (off_t)ri.offset;
	return 0;
}

static uint32_t
rd(struct pdev *p, unsigned int reg)
{
	uint32_t v = 0xffffffff;

	if (pread(rte_iommufd_device_fd(p->dev), &v, 4, p->bar0 + reg) != 4)
		printf("# BAR0 read 0x%x of %s: %s\n", reg, p->bdf, strerror(errno));
	return v;
}

static void
wr(struct pdev *p, unsigned int reg, uint32_t v)
{
	if (pwrite(rte_iommufd_device_fd(p->dev), &v, 4, p->bar0 + reg) != 4)
		printf("# BAR0 write 0x%x of %s: %s\n", reg, p->bdf, strerror(errno));
}

static uint16_t
cfg16(struct pdev *p, unsigned int off)
{
	uint16_t v = 0xffff;

	if (pread(rte_iommufd_device_fd(p->dev), &v, 2, p->cfg + off) != 2)
		printf("# config read 0x%x of %s: %s\n", off, p->bdf, strerror(errno));
	return v;
}

static int
setup(void)
{
	int i;

	if (parse_devs() < 0)
		return TEST_FAILED;
	if (rte_iommufd_open(&ctx) < 0 || rte_iommufd_ioas_alloc(ctx, &ioas) < 0)
		goto fail;
	for (i = 0; i < NDEV; i++) {
		if (rte_iommufd_device_open(ctx, pd[i].bdf, NULL, &pd[i].dev) < 0)
			goto fail;
		if (region_offset(&pd[i], VFIO_PCI_BAR0_REGION_INDEX, &pd[i].bar0) < 0 ||
		    region_offset(&pd[i], VFIO_PCI_CONFIG_REGION_INDEX, &pd[i].cfg) < 0) {
			printf("# region info of %s: %s\n", pd[i].bdf, strerror(errno));
			return TEST_FAILED;
		}
		pd[i].tail = 0;
	}
	return TEST_SUCCESS;
fail:
	printf("# setup: %s\n", rte_iommufd_last_error());
	return TEST_FAILED;
}

static void
teardown(void)
{
	int i;

	for (i = 0; i < NDEV; i++) {
		rte_iommufd_device_close(pd[i].dev);
		pd[i].dev = NULL;
		if (hwpt[i] != NULL && rte_iommufd_hwpt_free(hwpt[i]) < 0)
			printf("# teardown: %s\n", rte_iommufd_last_error());
		hwpt[i] = NULL;
	}
	if (ioas != NULL && rte_iommufd_ioas_free(ioas) < 0)
		printf("# teardown: %s\n", rte_iommufd_last_error());
	ioas = NULL;
	rte_iommufd_close(ctx);
	ctx = NULL;
	if (mem != NULL)
		munmap(mem, 3 * SZ_64K);
	mem = NULL;
}

/* The IOMMU's PASID width from VT-d ECAP.PSS (bits 39:35, width - 1). */
static int
iommu_pasid_bits(unsigned int *bits)
{
	unsigned long long ecap;
	glob_t g;
	FILE *f;
	int n;

	if (glob("/sys/class/iommu/*/intel-iommu/ecap", 0, NULL, &g) != 0)
		return -ENOENT;
	f = fopen(g.gl_pathv[0], "r");
	globfree(&g);
	if (f == NULL)
		return -errno;
	n = fscanf(f, "%llx", &ecap);
	fclose(f);
	if (n != 1)
		return -EINVAL;
	*bits = (unsigned int)((ecap >> 35) & 0x1f) + 1;
	return 0;
}

/* Per device: the kernel's width is min(device, IOMMU), EXEC/PRIV are the
 * device's, and the two devices differ. */
static int
hw_info_per_device(void)
{
	struct rte_iommufd_pasid_caps caps[NDEV];
	unsigned int bits = 0, i;

	TEST_ASSERT_SUCCESS(iommu_pasid_bits(&bits), "VT-d ecap in sysfs");
	TEST_ASSERT_EQUAL(bits, IOMMU_PASID_BITS, "the vIOMMU's PASID width (ECAP.PSS + 1)");
	for (i = 0; i < NDEV; i++) {
		struct rte_iommufd_hw_info info;
		unsigned int want = pd[i].width < bits ? pd[i].width : bits;
		uint16_t ctl = cfg16(&pd[i], PTD_CFG_PASID + 6);

		TEST_ASSERT_SUCCESS(rte_iommufd_device_hw_info(pd[i].dev, &info), "%s",
				    rte_iommufd_last_error());
		printf("# %s: out_max_pasid_log2 %u, capabilities 0x%llx, PASID control 0x%x\n",
		       pd[i].bdf, info.max_pasid_log2, (unsigned long long)info.capabilities, ctl);
		TEST_ASSERT_EQUAL(info.type, IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD, "VT-d");
		TEST_ASSERT_EQUAL(info.max_pasid_log2, want, "%s: min(device %u, IOMMU %u)",
				  pd[i].bdf, pd[i].width, bits);
		TEST_ASSERT_EQUAL(!!(info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC),
				  pd[i].exec, "%s EXEC", pd[i].bdf);
		TEST_ASSERT_EQUAL(!!(info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV),
				  pd[i].priv, "%s PRIV", pd[i].bdf);
		/* ATS capability + device-iotlb=on: ATS usable. */
		TEST_ASSERT(!(info.capabilities & RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED),
			    "%s: ATS usable", pd[i].bdf);
		/* The guest enabled PASID with exactly the supported modes. */
		TEST_ASSERT_EQUAL(ctl, 1u | (pd[i].exec ? 2u : 0) | (pd[i].priv ? 4u : 0),
				  "%s PASID control", pd[i].bdf);
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_caps(pd[i].dev, &caps[i]), "caps");
		TEST_ASSERT_EQUAL(caps[i].max_pasid, (1u << want) - 1, "max PASID");
	}
	TEST_ASSERT(caps[0].width != caps[1].width || caps[0].exec != caps[1].exec ||
		    caps[0].priv != caps[1].priv, "the two devices differ on one IOMMU");
	return TEST_SUCCESS;
}

/* The RID on a PASID-capable HWPT; PASID attach, replace, detach. */
static int
rid_and_pasid_attach_replace_detach(void)
{
	struct rte_iommufd_hwpt *b = NULL;
	unsigned int i;
	uint32_t got;

	for (i = 0; i < NDEV; i++) {
		uint32_t top = (1u << pd[i].width) - 1;

		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(pd[i].dev, rte_iommufd_ioas_id(ioas),
							   RTE_IOMMUFD_HWPT_ALLOC_PASID, &hwpt[i]),
				    "%s", rte_iommufd_last_error());
		TEST_ASSERT(rte_iommufd_hwpt_flags(hwpt[i]) & RTE_IOMMUFD_HWPT_ALLOC_PASID, "flag");
		TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(pd[i].dev, rte_iommufd_hwpt_id(hwpt[i]),
							      &got), "%s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(got, rte_iommufd_hwpt_id(hwpt[i]), "RID on the PASID-capable HWPT");
		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(pd[i].dev, rte_iommufd_ioas_id(ioas),
							   RTE_IOMMUFD_HWPT_ALLOC_PASID, &b),
				    "%s", rte_iommufd_last_error());
		/* PASID 1 and the device's largest PASID. */
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_attach(pd[i].dev, 1,
				    rte_iommufd_hwpt_id(hwpt[i]), &got), "%s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(got, rte_iommufd_hwpt_id(hwpt[i]), "attached");
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_attach(pd[i].dev, top,
				    rte_iommufd_hwpt_id(hwpt[i]), NULL), "%s", rte_iommufd_last_error());
		/* Replace: the same call with another HWPT. */
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_attach(pd[i].dev, 1,
				    rte_iommufd_hwpt_id(b), &got), "%s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(got, rte_iommufd_hwpt_id(b), "replaced");
		/* A HWPT a PASID uses cannot be freed. */
		TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, rte_iommufd_hwpt_id(b)), -EBUSY, "busy");
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(pd[i].dev, 1), "%s",
				    rte_iommufd_last_error());
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(pd[i].dev, top), "%s",
				    rte_iommufd_last_error());
		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(b), "%s", rte_iommufd_last_error());
		b = NULL;
		TEST_ASSERT_SUCCESS(rte_iommufd_device_detach(pd[i].dev), "%s",
				    rte_iommufd_last_error());
	}
	return TEST_SUCCESS;
}

/* A PASID above the device's width: refused by the library with its
 * message, and by the kernel when asked anyway. */
static int
pasid_above_width(void)
{
	unsigned int i;

	for (i = 0; i < NDEV; i++) {
		struct ifd_vfio_device_attach_iommufd_pt at = { .argsz = sizeof(at) };
		uint32_t over = 1u << pd[i].width;
		char want[256];
		int ret;

		TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(pd[i].dev, rte_iommufd_ioas_id(ioas),
							   RTE_IOMMUFD_HWPT_ALLOC_PASID, &hwpt[i]),
				    "%s", rte_iommufd_last_error());
		ret = rte_iommufd_device_pasid_attach(pd[i].dev, over, rte_iommufd_hwpt_id(hwpt[i]),
						      NULL);
		TEST_ASSERT_EQUAL(ret, -ERANGE, "library refuses PASID %u on %s", over, pd[i].bdf);
		printf("# library: %s\n", rte_iommufd_last_error());
		snprintf(want, sizeof(want), "%s pasid %u", pd[i].bdf, over);
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), want);
		snprintf(want, sizeof(want), "usable 1..%u (out_max_pasid_log2 %u)", over - 1,
			 pd[i].width);
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), want);
		/* The kernel, asked directly. */
		at.flags = IFD_VFIO_DEVICE_ATTACH_PASID;
		at.pt_id = rte_iommufd_hwpt_id(hwpt[i]);
		at.pasid = over;
		ret = ioctl(rte_iommufd_device_fd(pd[i].dev), IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at);
		printf("# kernel: VFIO_DEVICE_ATTACH_IOMMUFD_PT %s pasid %u: ret %d errno %d (%s)\n",
		       pd[i].bdf, over, ret, ret < 0 ? errno : 0, ret < 0 ? strerror(errno) : "-");
		TEST_ASSERT(ret < 0 && errno == EINVAL, "kernel refuses PASID %u with EINVAL", over);
		/* One below is accepted by the kernel directly too. */
		at.pasid = over - 1;
		TEST_ASSERT_SUCCESS(ioctl(rte_iommufd_device_fd(pd[i].dev),
					  IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &at),
				    "kernel accepts PASID %u: %s", over - 1, strerror(errno));
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(pd[i].dev, over - 1), "%s",
				    rte_iommufd_last_error());
	}
	return TEST_SUCCESS;
}

/* One lib/pasid namespace shared by both devices, narrowed to the smaller
 * width; its PASIDs attached on both through an address space. */
static int
shared_namespace_narrowed(void)
{
	struct rte_iommufd_device *devs[NDEV] = { pd[0].dev, pd[1].dev };
	struct rte_iommufd_pasid_caps caps[NDEV];
	struct rte_iommufd_space *sp = NULL;
	struct rte_pasid_space *ns = NULL;
	unsigned int widths[NDEV], common, i;
	uint32_t p1 = 0, p2 = 0;
	int ret;

	for (i = 0; i < NDEV; i++) {
		TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_caps(pd[i].dev, &caps[i]), "caps");
		widths[i] = caps[i].width;
	}
	ret = rte_pasid_shared_width(widths, NDEV);
	TEST_ASSERT_EQUAL(ret, pd[0].width < pd[1].width ? pd[0].width : pd[1].width,
			  "common width of %u and %u: %s", widths[0], widths[1],
			  ret < 0 ? rte_pasid_last_error() : "the narrowest?");
	common = (unsigned int)ret;
	TEST_ASSERT_SUCCESS(rte_pasid_space_create(IOMMU_PASID_BITS, 0, &ns), "namespace");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, ioas, NULL, &sp), "%s",
			    rte_iommufd_last_error());
	/* Too wide for the narrower device: refused before the kernel. */
	ret = rte_iommufd_space_pasid_bind(sp, ns, RTE_PASID_OWNER_NONE, devs, NDEV, &p1);
	TEST_ASSERT_EQUAL(ret, -ERANGE, "a 20-bit namespace on a %u-bit device", common);
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "narrow it");
	TEST_ASSERT_EQUAL(rte_pasid_space_narrow(ns, common), (int)common, "narrowed");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_pasid_bind(sp, ns, RTE_PASID_OWNER_NONE, devs,
							 NDEV, &p1), "%s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_space_pasid_bind(sp, ns, RTE_PASID_OWNER_NONE, devs,
							 NDEV, &p2), "%s", rte_iommufd_last_error());
	printf("# shared namespace, width %u: PASIDs %u and %u on both devices\n", common, p1, p2);
	TEST_ASSERT(p1 >= 1 && p2 >= 1 && p1 != p2 && p1 < (1u << common) && p2 < (1u << common),
		    "PASIDs within the common width");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp), 2 * NDEV, "attachments");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_pasid_unbind(sp, ns, RTE_PASID_OWNER_NONE, devs, NDEV, p1), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_space_pasid_unbind(sp, ns, RTE_PASID_OWNER_NONE, devs, NDEV, p2), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), 0, "all freed");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(sp), "%s", rte_iommufd_last_error());
	rte_pasid_space_free(ns);
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* The copy engine                                                     */
/* ------------------------------------------------------------------ */

/* Memory space and bus mastering on, as any driver does: QEMU drops the
 * DMA of a device whose Bus Master Enable is clear (ENODEV). */
static int
bus_master_on(struct pdev *p)
{
	uint16_t cmd = cfg16(p, 0x04) | 0x0006;

	if (pwrite(rte_iommufd_device_fd(p->dev), &cmd, 2, p->cfg + 0x04) != 2)
		return -errno;
	return cfg16(p, 0x04) == cmd ? 0 : -EIO;
}

static int
dma_setup(void)
{
	uint64_t iova;
	unsigned int i;

	if (setup() != TEST_SUCCESS)
		return TEST_FAILED;
	mem = mmap(NULL, 3 * SZ_64K, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		mem = NULL;
		return TEST_FAILED;
	}
	memset(mem, 0, 3 * SZ_64K);
	for (i = 0; i < 3; i++) {
		iova = IOVA_RING + i * 0x100000ull;
		if (rte_iommufd_ioas_map(ioas, mem + i * SZ_64K, SZ_64K, &iova,
					 RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW) < 0)
			goto fail;
	}
	for (i = 0; i < NDEV; i++) {
		if (rte_iommufd_hwpt_alloc(pd[i].dev, rte_iommufd_ioas_id(ioas),
					   RTE_IOMMUFD_HWPT_ALLOC_PASID, &hwpt[i]) < 0 ||
		    rte_iommufd_device_attach(pd[i].dev, rte_iommufd_hwpt_id(hwpt[i]), NULL) < 0)
			goto fail;
		if (bus_master_on(&pd[i]) < 0) {
			printf("# %s: cannot set Bus Master Enable\n", pd[i].bdf);
			return TEST_FAILED;
		}
	}
	return TEST_SUCCESS;
fail:
	printf("# dma setup: %s\n", rte_iommufd_last_error());
	return TEST_FAILED;
}

static void
engine_init(struct pdev *p)
{
	wr(p, PTD_REG_CTRL, PTD_CTRL_RESET);
	wr(p, PTD_REG_RING_LO, (uint32_t)IOVA_RING);
	wr(p, PTD_REG_RING_HI, (uint32_t)(IOVA_RING >> 32));
	wr(p, PTD_REG_RING_SIZE, RING_N);
	wr(p, PTD_REG_CTRL, PTD_CTRL_ENABLE);
	p->tail = 0;
}

static struct ptd_compl *
compl_rec(unsigned int slot)
{
	return (struct ptd_compl *)(mem + 0x8000 + slot * sizeof(struct ptd_compl));
}

/* Queue one copy (offsets in the src and dst windows); completion in the
 * record of its ring slot. */
static void
queue_copy(struct pdev *p, uint32_t src_off, uint32_t dst_off, uint32_t len)
{
	unsigned int slot = p->tail % RING_N;
	struct ptd_desc *d = (struct ptd_desc *)mem + slot;

	memset(compl_rec(slot), 0, sizeof(struct ptd_compl));
	d->src = IOVA_SRC + src_off;
	d->dst = IOVA_DST + dst_off;
	d->len = len;
	d->flags = 0;
	d->compl = IOVA_RING + 0x8000 + slot * sizeof(struct ptd_compl);
	p->tail++;
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}

/* Ring the doorbell and wait until the engine consumed everything or
 * halted. Returns STATUS. */
static uint32_t
kick_and_wait(struct pdev *p)
{
	struct timespec t0, t;
	uint32_t st = 0;

	wr(p, PTD_REG_TAIL, p->tail);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(2000);
		st = rd(p, PTD_REG_STATUS);
		if ((st & PTD_STATUS_ERROR) || (rd(p, PTD_REG_HEAD) == p->tail &&
						!(st & PTD_STATUS_BUSY)))
			return st;
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (t.tv_sec - t0.tv_sec < 60);
	printf("# %s: engine still busy after 60 s (head %u tail %u)\n", p->bdf,
	       rd(p, PTD_REG_HEAD), p->tail);
	return st;
}

/* The model's log (run-vm.sh puts it in the shared run directory). */
static int
model_log_has(unsigned int i, const char *what)
{
	const char *out = getenv("DPDK_IOMMUFD_VM_OUT");
	char path[512], line[512];
	int found = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/pasid-dev%u.log", out ? out : ".", i);
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	while (!found && fgets(line, sizeof(line), f) != NULL)
		found = strstr(line, what) != NULL;
	fclose(f);
	return found;
}

/* The device copies through the IOMMU mappings. */
static int
dma_copy(void)
{
	static const uint32_t lens[][3] = { /* src off, dst off, len */
		{ 0, 0, 4096 }, { 4096 + 100, 8192 + 7, 5000 }, { 16384, 16384, 32768 },
	};
	unsigned int i, k;

	for (i = 0; i < NDEV; i++) {
		struct pdev *p = &pd[i];
		uint64_t bytes = 0;
		uint32_t st;

		TEST_ASSERT_EQUAL(rd(p, PTD_REG_ID), PTD_ID, "%s BAR0 id", p->bdf);
		TEST_ASSERT_EQUAL(rd(p, PTD_REG_CAPS) & PTD_CAPS_WIDTH_MASK, p->width, "caps reg");
		for (k = 0; k < SZ_64K; k++)
			mem[SZ_64K + k] = (uint8_t)(k * 7 + i * 13 + 1);
		memset(mem + 2 * SZ_64K, 0xee, SZ_64K);
		engine_init(p);
		for (k = 0; k < 3; k++) {
			queue_copy(p, lens[k][0], lens[k][1], lens[k][2]);
			bytes += lens[k][2];
		}
		st = kick_and_wait(p);
		TEST_ASSERT(!(st & PTD_STATUS_ERROR), "%s: engine error %u at iova 0x%x", p->bdf,
			    rd(p, PTD_REG_ERR_CODE), rd(p, PTD_REG_ERR_IOVA_LO));
		TEST_ASSERT_EQUAL(rd(p, PTD_REG_HEAD), 3, "%s: descriptors consumed", p->bdf);
		TEST_ASSERT_EQUAL(rd(p, PTD_REG_DONE), 3, "done");
		TEST_ASSERT_EQUAL(rd(p, PTD_REG_BYTES_LO), bytes, "bytes");
		for (k = 0; k < 3; k++) {
			const struct ptd_compl *c = compl_rec(k);

			TEST_ASSERT_EQUAL(c->status, PTD_COMPL_DONE, "completion %u of %s", k, p->bdf);
			TEST_ASSERT_EQUAL(c->bytes, lens[k][2], "completion bytes");
			TEST_ASSERT(memcmp(mem + 2 * SZ_64K + lens[k][1], mem + SZ_64K + lens[k][0],
					   lens[k][2]) == 0, "%s: copy %u landed", p->bdf, k);
		}
		TEST_ASSERT_EQUAL(mem[2 * SZ_64K + 4096], 0xee, "bytes outside the copies untouched");
		printf("# %s: 3 descriptors, %llu bytes copied by IOVA through the vIOMMU\n", p->bdf,
		       (unsigned long long)bytes);
		/* QEMU relayed the guest's IOMMU mapping to the model (caching mode). */
		TEST_ASSERT_EQUAL(model_log_has(i, "DMA_MAP iova 0x200000 "), 1,
				  "pasid-dev%u.log shows the DMA_MAP of the source window", i);
	}
	return TEST_SUCCESS;
}

/* Count the guest kernel's DMAR fault lines naming a device. */
static int
dmar_faults(const char *bdf)
{
	int len = klogctl(10 /* SYSLOG_ACTION_SIZE_BUFFER */, NULL, 0);
	char *buf, *s, needle[160];
	int n = 0;

	if (len <= 0)
		return -1;
	buf = calloc(1, (size_t)len + 1);
	if (buf == NULL)
		return -1;
	len = klogctl(3 /* SYSLOG_ACTION_READ_ALL */, buf, len);
	/* "DMAR: [DMA Read NO_PASID] Request device [0000:00:08.0] fault addr" */
	snprintf(needle, sizeof(needle), "Request device [%s] fault", bdf);
	for (s = buf; len > 0 && (s = strstr(s, needle)) != NULL; s++)
		n++;
	free(buf);
	return n;
}

/* Unmapping the source blocks the engine's read; remapping restores it. */
static int
dma_blocked_after_unmap(void)
{
	struct pdev *p = &pd[0];
	uint64_t iova = IOVA_SRC, unmapped = 0;
	int before = dmar_faults(p->bdf);
	const struct ptd_compl *c = compl_rec(0);
	uint32_t st, code;
	int i;

	memset(mem + 2 * SZ_64K, 0xee, SZ_64K);
	engine_init(p);
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap(ioas, IOVA_SRC, SZ_64K, &unmapped), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(unmapped, SZ_64K, "unmapped");
	queue_copy(p, 0, 0, 4096);
	st = kick_and_wait(p);
	code = rd(p, PTD_REG_ERR_CODE);
	for (i = 0; i < 20 && dmar_faults(p->bdf) <= before; i++)
		usleep(100000); /* the fault interrupt may come a little later */
	printf("# %s: source unmapped: STATUS 0x%x, ERR_CODE %u (%s), ERR_IOVA 0x%x, DMAR fault "
	       "lines %d -> %d\n", p->bdf, st, code, strerror((int)code),
	       rd(p, PTD_REG_ERR_IOVA_LO), before, dmar_faults(p->bdf));
	TEST_ASSERT(st & PTD_STATUS_ERROR, "the engine halted");
	TEST_ASSERT(code != 0, "QEMU answered the DMA_READ with an error");
	TEST_ASSERT_EQUAL(rd(p, PTD_REG_ERR_IOVA_LO), (uint32_t)IOVA_SRC, "failed at the source");
	TEST_ASSERT_EQUAL(rd(p, PTD_REG_HEAD), 0, "descriptor not consumed");
	TEST_ASSERT_EQUAL(c->status, PTD_COMPL_FAILED, "completion says failed");
	TEST_ASSERT_EQUAL(c->error, code, "with the same errno");
	TEST_ASSERT_EQUAL(mem[2 * SZ_64K], 0xee, "destination untouched");
	TEST_ASSERT(dmar_faults(p->bdf) > before, "the guest kernel logged a DMAR fault for %s",
		    p->bdf);
	TEST_ASSERT_EQUAL(model_log_has(0, "refused by the client"), 1, "model log");
	/* Map it again: the same copy goes through. */
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_map(ioas, mem + SZ_64K, SZ_64K, &iova,
						 RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW),
			    "%s", rte_iommufd_last_error());
	engine_init(p);
	queue_copy(p, 0, 0, 4096);
	st = kick_and_wait(p);
	TEST_ASSERT(!(st & PTD_STATUS_ERROR), "after remap: error %u", rd(p, PTD_REG_ERR_CODE));
	TEST_ASSERT(memcmp(mem + 2 * SZ_64K, mem + SZ_64K, 4096) == 0, "copied after remap");
	return TEST_SUCCESS;
}

/* With the RID detached (blocked) the engine cannot even read its ring,
 * and a PASID attached to the mappings does not help: the device's DMA
 * carries no PASID (vfio-user has none), so it is always the RID's. */
static int
dma_blocked_rid_detached_pasid_untagged(void)
{
	struct pdev *p = &pd[1];
	uint32_t st;

	TEST_ASSERT_SUCCESS(rte_iommufd_device_detach(p->dev), "%s", rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_attach(p->dev, 7, rte_iommufd_hwpt_id(hwpt[1]),
							    NULL), "%s", rte_iommufd_last_error());
	engine_init(p);
	queue_copy(p, 0, 0, 4096);
	st = kick_and_wait(p);
	printf("# %s: RID blocked, PASID 7 on the mappings: STATUS 0x%x ERR_CODE %u ERR_IOVA 0x%x\n",
	       p->bdf, st, rd(p, PTD_REG_ERR_CODE), rd(p, PTD_REG_ERR_IOVA_LO));
	TEST_ASSERT(st & PTD_STATUS_ERROR, "untagged DMA blocked with the RID detached");
	TEST_ASSERT_EQUAL(rd(p, PTD_REG_ERR_IOVA_LO), (uint32_t)IOVA_RING, "failed at the ring");
	/* The RID back on the mappings: the engine works again. */
	TEST_ASSERT_SUCCESS(rte_iommufd_device_attach(p->dev, rte_iommufd_hwpt_id(hwpt[1]), NULL),
			    "%s", rte_iommufd_last_error());
	engine_init(p);
	queue_copy(p, 0, 0, 4096);
	st = kick_and_wait(p);
	TEST_ASSERT(!(st & PTD_STATUS_ERROR), "after re-attach: error %u", rd(p, PTD_REG_ERR_CODE));
	TEST_ASSERT_SUCCESS(rte_iommufd_device_pasid_detach(p->dev, 7), "%s",
			    rte_iommufd_last_error());
	return TEST_SUCCESS;
}

/* BAR0 can be mapped, as a DPDK driver would: loads and stores reach the
 * model through QEMU. */
static int
bar0_mmap(void)
{
	unsigned int i;

	for (i = 0; i < NDEV; i++) {
		struct vfio_region_info ri = { .argsz = sizeof(ri),
					       .index = VFIO_PCI_BAR0_REGION_INDEX };
		int fd = rte_iommufd_device_fd(pd[i].dev);
		volatile uint32_t *bar;

		TEST_ASSERT_SUCCESS(ioctl(fd, VFIO_DEVICE_GET_REGION_INFO, &ri), "region info");
		TEST_ASSERT_EQUAL(ri.size, PTD_BAR0_SIZE, "BAR0 size");
		TEST_ASSERT(ri.flags & VFIO_REGION_INFO_FLAG_MMAP, "%s: BAR0 mmap-able", pd[i].bdf);
		bar = mmap(NULL, PTD_BAR0_SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
			   (off_t)ri.offset);
		TEST_ASSERT(bar != MAP_FAILED, "mmap BAR0 of %s: %s", pd[i].bdf, strerror(errno));
		TEST_ASSERT_EQUAL(bar[PTD_REG_ID / 4], PTD_ID, "ID through the mapping");
		bar[PTD_REG_RING_SIZE / 4] = 16;
		TEST_ASSERT_EQUAL(bar[PTD_REG_RING_SIZE / 4], 16, "store and load");
		TEST_ASSERT_EQUAL(rd(&pd[i], PTD_REG_RING_SIZE), 16, "the same register by pread");
		munmap((void *)(uintptr_t)bar, PTD_BAR0_SIZE);
	}
	return TEST_SUCCESS;
}

/* dpdk-iommufd-info shows each device's PASID capabilities. */
static int
info_tool_per_device(void)
{
	unsigned int i;

	TEST_ASSERT(info_tool != NULL, "path to dpdk-iommufd-info given");
	/* The tool opens the devices itself: release them first. */
	teardown();
	for (i = 0; i < NDEV; i++) {
		char cmd[512], out[16384], want[160], *w;
		size_t n;
		FILE *f;
		int rc;

		snprintf(cmd, sizeof(cmd), "%s --json --device %s", info_tool, pd[i].bdf);
		f = popen(cmd, "r");
		TEST_ASSERT(f != NULL, "run %s", cmd);
		n = fread(out, 1, sizeof(out) - 1, f);
		rc = pclose(f);
		out[n] = '\0';
		TEST_ASSERT_EQUAL(rc, 0, "%s", cmd);
		n = 0; /* drop whitespace */
		for (w = out; *w; w++)
			if (*w != ' ' && *w != '\n' && *w != '\t')
				out[n++] = *w;
		out[n] = '\0';
		snprintf(want, sizeof(want),
			 "\"pasid\":{\"width\":%u,\"max_pasid\":%u,\"exec\":%s,\"priv\":%s",
			 pd[i].width, (1u << pd[i].width) - 1, pd[i].exec ? "true" : "false",
			 pd[i].priv ? "true" : "false");
		TEST_ASSERT_CONTAINS(out, want);
		TEST_ASSERT_CONTAINS(out, "\"ats\":true");
		printf("# dpdk-iommufd-info %s: %s\n", pd[i].bdf, want);
	}
	return TEST_SUCCESS;
}

int
main(int argc, char **argv)
{
	static const struct test_case cases[] = {
		TEST_CASE_ST(setup, teardown, hw_info_per_device),
		TEST_CASE_ST(setup, teardown, rid_and_pasid_attach_replace_detach),
		TEST_CASE_ST(setup, teardown, pasid_above_width),
		TEST_CASE_ST(setup, teardown, shared_namespace_narrowed),
		TEST_CASE_ST(dma_setup, teardown, dma_copy),
		TEST_CASE_ST(dma_setup, teardown, dma_blocked_after_unmap),
		TEST_CASE_ST(dma_setup, teardown, dma_blocked_rid_detached_pasid_untagged),
		TEST_CASE_ST(dma_setup, teardown, bar0_mmap),
		TEST_CASE_ST(setup, teardown, info_tool_per_device),
		TEST_CASES_END(),
	};

	if (argc > 1)
		info_tool = argv[1];
	return test_run("vm-pasid-dev", cases);
}
