/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Real DMA through lib/iommufd mappings: an e1000e NIC on vfio-pci behind
 * the guest's emulated IOMMU (Intel VT-d, AMD-Vi or Arm SMMUv3) transmits
 * one frame from a TX descriptor ring in mapped memory. The NIC DMA-reads
 * the descriptor and the frame and DMA-writes the descriptor's DD status
 * bit back into our memory. Without a
 * mapping of the ring (never made, removed, or the RID switched to a page
 * table without it) the write-back must not arrive and the guest kernel
 * logs a DMAR fault for the ring's IOVA; with a read-only mapping the NIC
 * reads the ring and sends the frame but cannot write DD back. Runs as root
 * inside the test VM.
 *
 * Usage: test_vm_dma [--break-mapping] [BDF]
 * BDF defaults to 0000:00:03.0. --break-mapping (or DMA_TEST_BREAK_MAPPING=1
 * in the environment) leaves the ring unmapped in the positive case on
 * purpose: that case must then fail.
 */

#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <linux/pci_regs.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include "rte_iommufd.h"
#include "test.h"

/* e1000e (82574L) registers, offsets in BAR0. */
#define E1000_CTRL	0x00000
#define E1000_CTRL_RST	(1u << 26)
#define E1000_IMC	0x000d8
#define E1000_TCTL	0x00400
#define E1000_TCTL_EN	(1u << 1)
#define E1000_TCTL_PSP	(1u << 3)
#define E1000_TDBAL	0x03800
#define E1000_TDBAH	0x03804
#define E1000_TDLEN	0x03808
#define E1000_TDH	0x03810
#define E1000_TDT	0x03818
#define E1000_TARC0	0x03840
#define E1000_TARC_ENABLE (1u << 10)
#define E1000_GPTC	0x04080	/* good packets transmitted, clear on read */
#define E1000_TPT	0x040d4	/* total packets transmitted, clear on read */

/* Legacy TX descriptor. */
struct tx_desc {
	uint64_t addr;
	uint16_t length;
	uint8_t cso;
	uint8_t cmd;
	uint8_t status;
	uint8_t css;
	uint16_t special;
};
_Static_assert(sizeof(struct tx_desc) == 16, "descriptor size");

#define TXD_CMD_EOP	0x01
#define TXD_CMD_IFCS	0x02
#define TXD_CMD_RS	0x08	/* report status: write DD back */
#define TXD_STAT_DD	0x01

#define RING_DESCS	8	/* TDLEN must be a multiple of 128 bytes */
#define FRAME_LEN	60
#define PAGE_SZ		4096

/* IOVAs of the ring and the frame (inside the allowed ranges on 39 and 48 bits). */
#define IOVA_BASE	0x40000000ull
#define RING_IOVA	IOVA_BASE
#define FRAME_IOVA	(IOVA_BASE + 0x10000)

/* Poll times: generous, the guest runs under TCG. */
#define WAIT_DD_MS	10000
#define WAIT_NO_DD_MS	3000
#define WAIT_KMSG_MS	5000

/* @expr succeeds; else print the library's message. */
#define OK(expr) TEST_ASSERT_SUCCESS(expr, "%s", rte_iommufd_last_error())

static const char *bdf = "0000:00:03.0";
static bool break_mapping;

static struct rte_iommufd *ctx;
static struct rte_iommufd_device *dev;
static struct rte_iommufd_ioas *ioas;
static volatile uint8_t *bar0;
static size_t bar0_len;
static struct tx_desc *ring;	/* one page */
static uint8_t *frame;		/* one page */
static int kmsg = -1;

/* ---------------------------------------------------------------- */
/* Helpers                                                           */
/* ---------------------------------------------------------------- */

static uint64_t
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

static uint32_t
rd32(uint32_t reg)
{
	return *(volatile uint32_t *)(bar0 + reg);
}

static void
wr32(uint32_t reg, uint32_t val)
{
	*(volatile uint32_t *)(bar0 + reg) = val;
	__sync_synchronize();
}

static int
region_info(uint32_t index, struct vfio_region_info *ri)
{
	memset(ri, 0, sizeof(*ri));
	ri->argsz = sizeof(*ri);
	ri->index = index;
	return ioctl(rte_iommufd_device_fd(dev), VFIO_DEVICE_GET_REGION_INFO, ri) == 0 ? 0 : -errno;
}

/* Map BAR0 and enable memory decoding and bus mastering through the config region. */
static int
nic_map_bar0(void)
{
	struct vfio_region_info cfg, bar;
	int fd = rte_iommufd_device_fd(dev);
	uint32_t id = 0;
	uint16_t cmd = 0;
	void *p;

	if (region_info(VFIO_PCI_CONFIG_REGION_INDEX, &cfg) < 0 ||
	    region_info(VFIO_PCI_BAR0_REGION_INDEX, &bar) < 0) {
		printf("# VFIO_DEVICE_GET_REGION_INFO: %s\n", strerror(errno));
		return -1;
	}
	if (pread(fd, &id, sizeof(id), (off_t)cfg.offset + PCI_VENDOR_ID) != sizeof(id) ||
	    id != 0x10d38086) {
		printf("# %s is not an e1000e (8086:10d3): id 0x%08x\n", bdf, id);
		return -1;
	}
	if (!(bar.flags & VFIO_REGION_INFO_FLAG_MMAP) || bar.size < E1000_TPT + 4) {
		printf("# BAR0 cannot be mapped (flags 0x%x size 0x%llx)\n", bar.flags,
		       (unsigned long long)bar.size);
		return -1;
	}
	p = mmap(NULL, bar.size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, (off_t)bar.offset);
	if (p == MAP_FAILED) {
		printf("# mmap BAR0: %s\n", strerror(errno));
		return -1;
	}
	bar0 = p;
	bar0_len = bar.size;
	if (pread(fd, &cmd, sizeof(cmd), (off_t)cfg.offset + PCI_COMMAND) != sizeof(cmd))
		return -1;
	cmd |= PCI_COMMAND_MEMORY | PCI_COMMAND_MASTER;
	if (pwrite(fd, &cmd, sizeof(cmd), (off_t)cfg.offset + PCI_COMMAND) != sizeof(cmd))
		return -1;
	cmd = 0;
	if (pread(fd, &cmd, sizeof(cmd), (off_t)cfg.offset + PCI_COMMAND) != sizeof(cmd) ||
	    !(cmd & PCI_COMMAND_MASTER)) {
		printf("# bus mastering did not stick: command 0x%04x\n", cmd);
		return -1;
	}
	return 0;
}

/* Software reset; interrupts masked, transmit off, counters cleared. */
static int
nic_reset(void)
{
	uint64_t t0 = now_ms();

	wr32(E1000_CTRL, rd32(E1000_CTRL) | E1000_CTRL_RST);
	usleep(10000);
	while (rd32(E1000_CTRL) & E1000_CTRL_RST) {
		if (now_ms() - t0 > 2000) {
			printf("# CTRL.RST does not clear\n");
			return -1;
		}
		usleep(1000);
	}
	wr32(E1000_IMC, 0xffffffff);
	wr32(E1000_TCTL, 0);
	(void)rd32(E1000_GPTC);
	(void)rd32(E1000_TPT);
	return 0;
}

/*
 * Reset the NIC (clean transmit state, counters zero), fill the ring with
 * one frame descriptor and start the transmit unit on it.
 */
static int
nic_tx_one(void)
{
	static const uint8_t hdr[14] = {
		0xff, 0xff, 0xff, 0xff, 0xff, 0xff,	/* broadcast */
		0x02, 0x00, 0x00, 0x00, 0x00, 0x01,	/* locally administered */
		0x88, 0xb5,				/* local experimental EtherType */
	};
	int i;

	if (nic_reset() < 0)
		return -1;
	memset(ring, 0, PAGE_SZ);
	memcpy(frame, hdr, sizeof(hdr));
	for (i = sizeof(hdr); i < FRAME_LEN; i++)
		frame[i] = (uint8_t)i;
	ring[0].addr = FRAME_IOVA;
	ring[0].length = FRAME_LEN;
	ring[0].cmd = TXD_CMD_EOP | TXD_CMD_IFCS | TXD_CMD_RS;
	ring[0].status = 0;
	__sync_synchronize();

	wr32(E1000_TCTL, 0);
	wr32(E1000_TDBAL, (uint32_t)RING_IOVA);
	wr32(E1000_TDBAH, (uint32_t)(RING_IOVA >> 32));
	wr32(E1000_TDLEN, RING_DESCS * sizeof(struct tx_desc));
	wr32(E1000_TDH, 0);
	wr32(E1000_TDT, 0);
	wr32(E1000_TARC0, rd32(E1000_TARC0) | E1000_TARC_ENABLE);
	wr32(E1000_TCTL, E1000_TCTL_EN | E1000_TCTL_PSP);
	wr32(E1000_TDT, 1);	/* the descriptor is the device's now */
	return 0;
}

/* Wait up to @ms for DD in descriptor 0; the time it took, or -1. */
static long
wait_dd(unsigned int ms)
{
	volatile struct tx_desc *d = ring;
	uint64_t t0 = now_ms();

	for (;;) {
		if (d->status & TXD_STAT_DD)
			return (long)(now_ms() - t0);
		if (now_ms() - t0 >= ms)
			return -1;
		usleep(1000);
	}
}

/* Start reading the kernel log from its current end. */
static int
kmsg_open(void)
{
	kmsg = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg < 0)
		return -errno;
	if (lseek(kmsg, 0, SEEK_END) < 0)
		return -errno;
	return 0;
}

/* Skip what the kernel logged so far. */
static void
kmsg_mark(void)
{
	lseek(kmsg, 0, SEEK_END);
}

/* Wait for a kernel log line containing @a and @b; copies it to @line. */
static bool
kmsg_find(const char *a, const char *b, char *line, size_t len, unsigned int ms)
{
	uint64_t t0 = now_ms();
	char rec[2048];
	ssize_t n;

	for (;;) {
		n = read(kmsg, rec, sizeof(rec) - 1);
		if (n > 0) {
			const char *msg;

			rec[n] = '\0';
			msg = strchr(rec, ';');
			msg = msg != NULL ? msg + 1 : rec;
			if (strstr(msg, a) != NULL && strstr(msg, b) != NULL) {
				snprintf(line, len, "%.*s", (int)strcspn(msg, "\n"), msg);
				return true;
			}
			continue;
		}
		if (n < 0 && errno == EPIPE)
			continue;	/* records were overwritten: go on */
		if (now_ms() - t0 >= ms)
			return false;
		usleep(10000);
	}
}

static int
map_page(void *va, uint64_t iova, uint32_t perm)
{
	uint64_t io = iova;
	int ret;

	ret = rte_iommufd_ioas_map(ioas, va, PAGE_SZ, &io, RTE_IOMMUFD_MAP_FIXED_IOVA | perm);
	if (ret == 0 && io != iova)
		return -EFAULT;
	return ret;
}

static void *
alloc_page(void)
{
	void *p = mmap(NULL, PAGE_SZ, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	if (p == MAP_FAILED)
		return NULL;
	memset(p, 0, PAGE_SZ);
	return p;
}

static void
quiet_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

/* ---------------------------------------------------------------- */
/* Fixture                                                           */
/* ---------------------------------------------------------------- */

static int
setup(void)
{
	struct rte_iommufd_iova_range *r = NULL;
	uint32_t nr = 0, i;
	bool ok = false;

	if (rte_iommufd_open(&ctx) < 0 ||
	    rte_iommufd_device_open(ctx, bdf, NULL, &dev) < 0 ||
	    rte_iommufd_ioas_alloc(ctx, &ioas) < 0 ||
	    rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL) < 0 ||
	    rte_iommufd_ioas_iova_ranges(ioas, &r, &nr, NULL) < 0) {
		printf("# %s\n", rte_iommufd_last_error());
		return TEST_FAILED;
	}
	for (i = 0; i < nr; i++)
		if (r[i].start <= IOVA_BASE && r[i].last >= FRAME_IOVA + PAGE_SZ - 1)
			ok = true;
	free(r);
	if (!ok) {
		printf("# IOVA 0x%llx is not usable on this IOMMU\n",
		       (unsigned long long)IOVA_BASE);
		return TEST_FAILED;
	}
	ring = alloc_page();
	frame = alloc_page();
	if (ring == NULL || frame == NULL) {
		printf("# out of memory\n");
		return TEST_FAILED;
	}
	if (nic_map_bar0() < 0 || nic_reset() < 0)
		return TEST_FAILED;
	if (kmsg_open() < 0) {
		printf("# /dev/kmsg: %s\n", strerror(errno));
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static void
teardown(void)
{
	if (bar0 != NULL) {
		wr32(E1000_TCTL, 0);
		munmap((void *)(uintptr_t)bar0, bar0_len);
	}
	bar0 = NULL;
	/* Closing the device resets it and stops its DMA before the memory goes. */
	rte_iommufd_device_close(dev);
	dev = NULL;
	if (ioas != NULL && rte_iommufd_ioas_free(ioas) < 0)
		printf("# teardown: %s\n", rte_iommufd_last_error());
	ioas = NULL;
	rte_iommufd_close(ctx);
	ctx = NULL;
	if (ring != NULL)
		munmap(ring, PAGE_SZ);
	if (frame != NULL)
		munmap(frame, PAGE_SZ);
	ring = NULL;
	frame = NULL;
	if (kmsg >= 0)
		close(kmsg);
	kmsg = -1;
}

#define KICK() TEST_ASSERT_SUCCESS(nic_tx_one(), "NIC reset")

#define MAP(va, iova, perm) \
	TEST_ASSERT_SUCCESS(map_page(va, iova, perm), "map 0x%llx: %s", \
			    (unsigned long long)(iova), rte_iommufd_last_error())

/* The NIC consumed descriptor 0 (its head moved on) but DD did not arrive. */
#define ASSERT_NO_WRITEBACK() do { \
	TEST_ASSERT_EQUAL(wait_dd(WAIT_NO_DD_MS), -1, "DD must not arrive"); \
	TEST_ASSERT_EQUAL(rd32(E1000_TDH), 1, "the NIC processed the descriptor"); \
	TEST_ASSERT_EQUAL(ring[0].status, 0, "status untouched"); \
} while (0)

/*
 * The kernel logged a DMA fault of the NIC at @iova: VT-d for a @kind
 * ("DMA Read"/"DMA Write"), AMD-Vi and SMMUv3 in their own words (their
 * fault lines carry no read/write word worth matching).
 */
static int
expect_dmar_fault(const char *kind, uint64_t iova)
{
	char addr[16], want[96], what[96], line[512];
	glob_t g;
	bool amd, smmu;

	TEST_ASSERT_SUCCESS(rte_iommufd_pci_addr_parse(bdf, addr, sizeof(addr)), "address");
	amd = glob("/sys/class/iommu/*/amd-iommu", 0, NULL, &g) == 0;
	if (amd)
		globfree(&g);
	smmu = !amd && glob("/sys/bus/platform/drivers/arm-smmu-v3/*", 0, NULL, &g) == 0;
	if (smmu)
		globfree(&g);
	if (amd) {
		/*
		 * Linux would log "vfio-pci 0000:00:03.0: Event logged
		 * [IO_PAGE_FAULT domain=... address=0x...", but QEMU's AMD-Vi
		 * (11.1) records no event for a DMA it blocks: its page-fault
		 * logger has no caller. The block itself is what the NIC shows
		 * (checked by the caller); a fault line appearing here means
		 * the emulator learnt to report them, and this test must then
		 * expect them.
		 */
		snprintf(want, sizeof(want), "%s: Event logged [IO_PAGE_FAULT", addr);
		snprintf(what, sizeof(what), "address=0x%llx ", (unsigned long long)iova);
		TEST_ASSERT(!kmsg_find(want, what, line, sizeof(line), 2000),
			    "QEMU's AMD-Vi now logs page faults (\"%s\"): expect them here", line);
		printf("# AMD-Vi: no IO_PAGE_FAULT event for the blocked DMA at 0x%llx: QEMU's "
		       "AMD-Vi records none (the NIC shows the block: no write-back)\n",
		       (unsigned long long)iova);
		return TEST_SUCCESS;
	} else if (smmu) {
		/* "arm-smmu-v3 ...: event: F_TRANSLATION client: 0000:00:03.0 sid: ... iova: 0x..." */
		snprintf(want, sizeof(want), "client: %s ", addr);
		snprintf(what, sizeof(what), "iova: 0x%llx ", (unsigned long long)iova);
	} else {
		/*
		 * "Request device [0000:00:03.0] fault addr ..." (7.x) or,
		 * before the PCI segment was printed, "[00:03.0] ..." (6.12):
		 * match from the bus number on (addr is DDDD:BB:DD.F).
		 */
		snprintf(want, sizeof(want), "%s] fault addr 0x%llx", addr + 5,
			 (unsigned long long)iova);
		snprintf(what, sizeof(what), "%s", kind);
	}
	TEST_ASSERT(kmsg_find(want, what, line, sizeof(line), WAIT_KMSG_MS),
		    "no kernel log line with \"%s\" and \"%s\"", want, what);
	printf("# kernel: %s\n", line);
	return TEST_SUCCESS;
}

/* ---------------------------------------------------------------- */
/* Cases                                                             */
/* ---------------------------------------------------------------- */

static int
dma_tx_writes_back_dd(void)
{
	long ms;

	if (break_mapping)
		printf("# --break-mapping: the descriptor ring is left unmapped on purpose\n");
	else
		MAP(ring, RING_IOVA, RTE_IOMMUFD_MAP_RW);
	MAP(frame, FRAME_IOVA, RTE_IOMMUFD_MAP_READ);
	TEST_ASSERT_EQUAL(ring[0].status, 0, "clean ring");
	KICK();
	ms = wait_dd(WAIT_DD_MS);
	TEST_ASSERT(ms >= 0, "DD did not arrive within %u ms (TDH %u)", WAIT_DD_MS,
		    rd32(E1000_TDH));
	printf("# DD written back by the NIC after %ld ms\n", ms);
	TEST_ASSERT_EQUAL(rd32(E1000_TDH), 1, "head moved past the descriptor");
	/* The frame itself was read through its mapping and sent. */
	TEST_ASSERT_EQUAL(rd32(E1000_GPTC), 1, "one good packet transmitted");
	return TEST_SUCCESS;
}

static int
dma_stops_when_ring_unmapped(void)
{
	uint64_t unmapped = 0;

	MAP(ring, RING_IOVA, RTE_IOMMUFD_MAP_RW);
	MAP(frame, FRAME_IOVA, RTE_IOMMUFD_MAP_READ);
	KICK();
	TEST_ASSERT(wait_dd(WAIT_DD_MS) >= 0, "mapped ring: DD arrives");

	/* Remove the ring's mapping: the device's next access must be blocked. */
	OK(rte_iommufd_ioas_unmap(ioas, RING_IOVA, PAGE_SZ, &unmapped));
	TEST_ASSERT_EQUAL(unmapped, PAGE_SZ, "unmapped");
	kmsg_mark();
	KICK();
	ASSERT_NO_WRITEBACK();
	TEST_ASSERT_EQUAL(rd32(E1000_GPTC), 0, "no frame went out");
	if (expect_dmar_fault("DMA Read", RING_IOVA) != TEST_SUCCESS)
		return TEST_FAILED;

	/* Map it again: the same NIC programming works at once. */
	MAP(ring, RING_IOVA, RTE_IOMMUFD_MAP_RW);
	KICK();
	TEST_ASSERT(wait_dd(WAIT_DD_MS) >= 0, "remapped ring: DD arrives again");
	TEST_ASSERT_EQUAL(rd32(E1000_GPTC), 1, "the frame went out");
	return TEST_SUCCESS;
}

static int
dma_read_only_ring_blocks_writeback(void)
{
	MAP(ring, RING_IOVA, RTE_IOMMUFD_MAP_READ);
	MAP(frame, FRAME_IOVA, RTE_IOMMUFD_MAP_READ);
	KICK();
	/* The descriptor and frame are read (the frame goes out), the write-back is refused. */
	ASSERT_NO_WRITEBACK();
	TEST_ASSERT_EQUAL(rd32(E1000_GPTC), 1, "the frame was read and sent");
	/*
	 * No DMAR fault is expected here: QEMU's VT-d model hands the
	 * read-only permission of the entry to the memory core, which drops
	 * the write without recording a fault (a missing entry is recorded).
	 */
	return TEST_SUCCESS;
}

static int
dma_follows_attached_page_table(void)
{
	struct rte_iommufd_hwpt *full = NULL, *empty = NULL;
	struct rte_iommufd_ioas *other = NULL;
	uint32_t got = 0;
	int ret = TEST_FAILED;

	MAP(ring, RING_IOVA, RTE_IOMMUFD_MAP_RW);
	MAP(frame, FRAME_IOVA, RTE_IOMMUFD_MAP_READ);
	OK(rte_iommufd_ioas_alloc(ctx, &other));
	OK(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas), 0, &full));
	OK(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(other), 0, &empty));

	/* A HWPT over the mapped IOAS: DMA works through it. */
	OK(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(full), &got));
	TEST_ASSERT_EQUAL(got, rte_iommufd_hwpt_id(full), "replaced");
	KICK();
	TEST_ASSERT(wait_dd(WAIT_DD_MS) >= 0, "DD through the user HWPT");

	/* A HWPT over an empty IOAS: the same programming faults. */
	OK(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(empty), NULL));
	kmsg_mark();
	KICK();
	ASSERT_NO_WRITEBACK();
	if (expect_dmar_fault("DMA Read", RING_IOVA) != TEST_SUCCESS)
		return TEST_FAILED;

	/* Back to the mapped page table. */
	OK(rte_iommufd_device_attach(dev, rte_iommufd_hwpt_id(full), NULL));
	KICK();
	TEST_ASSERT(wait_dd(WAIT_DD_MS) >= 0, "DD again after replacing back");

	OK(rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL));
	if (rte_iommufd_hwpt_free(full) == 0 && rte_iommufd_hwpt_free(empty) == 0 &&
	    rte_iommufd_ioas_free(other) == 0)
		ret = TEST_SUCCESS;
	else
		printf("# %s\n", rte_iommufd_last_error());
	return ret;
}

static const struct test_case cases[] = {
	TEST_CASE_ST(setup, teardown, dma_tx_writes_back_dd),
	TEST_CASE_ST(setup, teardown, dma_stops_when_ring_unmapped),
	TEST_CASE_ST(setup, teardown, dma_read_only_ring_blocks_writeback),
	TEST_CASE_ST(setup, teardown, dma_follows_attached_page_table),
	TEST_CASES_END(),
};

int
main(int argc, char **argv)
{
	const char *env = getenv("DMA_TEST_BREAK_MAPPING");
	int i;

	break_mapping = env != NULL && strcmp(env, "0") != 0;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--break-mapping") == 0)
			break_mapping = true;
		else if (argv[i][0] != '-')
			bdf = argv[i];
		else {
			fprintf(stderr, "usage: %s [--break-mapping] [BDF]\n", argv[0]);
			return 2;
		}
	}
	if (getenv("TEST_VERBOSE") == NULL)
		rte_iommufd_log_set_handler(quiet_log, NULL);
	return test_run("vm-dma", cases);
}
