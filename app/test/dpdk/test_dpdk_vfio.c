/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * DPDK 22.11's rte_vfio_* API served by the iommufd adapter, called the way
 * EAL, bus_pci, vhost and the vDPA drivers call it. Runs as root inside the
 * test guest (two e1000e at 0000:00:02.0 and 0000:00:03.0 on vfio-pci) with
 * the adapter preloaded:
 *
 *   run-vm.sh --env LD_PRELOAD=<build>/drivers/bus/iommufd/librte_bus_iommufd.so \
 *       -- <build>/app/test/dpdk/test_dpdk_vfio
 *
 * EAL is initialised with --no-pci, so that the test sets the devices up
 * itself. The mode cases start this program again (--child) with other
 * RTE_IOMMUFD_MODE settings, the mapping granularity cases (--child-mem)
 * with other EAL arguments.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/vfio.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_vfio.h>

#include <rte_bus_iommufd.h>

#include "test.h"

#define SYSFS_PCI "/sys/bus/pci/devices"
#define NIC0 "0000:00:02.0"
#define NIC1 "0000:00:03.0"

static char self[PATH_MAX];

/* Where /proc/self/fd/<fd> points, or "" */
static const char *
fd_target(int fd)
{
	static char target[PATH_MAX];
	char link[64];
	ssize_t n;

	snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
	n = readlink(link, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = '\0';
	return target;
}

static int
group_of(const char *addr)
{
	int num = -1;

	if (rte_vfio_get_group_num(SYSFS_PCI, addr, &num) != 1)
		return -1;
	return num;
}

static unsigned int
nb_devices(void)
{
	struct rte_bus_iommufd_stats st;

	if (rte_bus_iommufd_stats_get(&st) != 0)
		return UINT32_MAX;
	return st.devices;
}

/* 2 MiB of anonymous memory, 2 MiB aligned. */
static void *
anon_2m(void)
{
	size_t sz = 4u << 20;
	uint8_t *p = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	memset((void *)a, 0x5a, 2u << 20);
	return (void *)a;
}

/* ------------------------------------------------------------------ */

static int
test_before_init(void)
{
	TEST_ASSERT_EQUAL(rte_bus_iommufd_mode(), RTE_BUS_IOMMUFD_MODE_UNDECIDED,
			  "nothing decided before EAL's first VFIO call");
	/* bus_pci calls it during the scan, before rte_vfio_enable(). */
	TEST_ASSERT_EQUAL(rte_vfio_noiommu_is_enabled(), 0, "no-IOMMU mode is off");
	TEST_ASSERT_EQUAL(rte_bus_iommufd_mode(), RTE_BUS_IOMMUFD_MODE_UNDECIDED,
			  "noiommu_is_enabled() must not decide the mode");
	return TEST_SUCCESS;
}

static int
test_eal_init(void)
{
	char *argv[] = { self, "-l", "0", "-n", "1", "--in-memory", "--no-pci",
		"--log-level=bus.iommufd:debug", NULL };

	TEST_ASSERT(rte_eal_init(RTE_DIM(argv) - 1, argv) >= 0, "rte_eal_init: %s",
		    rte_strerror(rte_errno));
	TEST_ASSERT_EQUAL(rte_bus_iommufd_mode(), RTE_BUS_IOMMUFD_MODE_IOMMUFD,
			  "EAL's rte_vfio_enable() must reach the adapter (is it preloaded?)");
	return TEST_SUCCESS;
}

static int
test_enable(void)
{
	int fd;

	TEST_ASSERT_EQUAL(rte_vfio_is_enabled("vfio"), 1, "EAL's module name");
	TEST_ASSERT_EQUAL(rte_vfio_is_enabled("vfio_pci"), 1, "bus_pci's module name");
	TEST_ASSERT_EQUAL(rte_vfio_is_enabled("no_such_module"), 0, "unknown module");
	/* 24.11's bus_pci enables again: idempotent. */
	TEST_ASSERT_SUCCESS(rte_vfio_enable("vfio"), "second enable");
	fd = rte_vfio_get_container_fd();
	TEST_ASSERT(fd >= 0, "container fd %d", fd);
	TEST_ASSERT(strcmp(fd_target(fd), "/dev/iommu") == 0, "container fd is %s",
		    fd_target(fd));
	return TEST_SUCCESS;
}

static int
test_dma_before_device(void)
{
	void *va = anon_2m();

	TEST_ASSERT(va != NULL, "mmap");
	/* vhost relies on ENODEV before any device (EAL: no IOMMU type yet). */
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD,
			  (uintptr_t)va, 0x40000000, 2u << 20), -1, "map");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "map errno");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD,
			  (uintptr_t)va, 0x40000000, 2u << 20), -1, "unmap");
	TEST_ASSERT_EQUAL(rte_errno, ENODEV, "unmap errno");
	return TEST_SUCCESS;
}

static int
test_not_vfio(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	int fd = -1;

	/* No such device, hence no iommu_group: "not managed by VFIO". */
	TEST_ASSERT_EQUAL(rte_vfio_setup_device(SYSFS_PCI, "0000:00:1e.0", &fd, &info), 1,
			  "device without IOMMU group");
	TEST_ASSERT_EQUAL(rte_vfio_get_group_num(SYSFS_PCI, "0000:00:1e.0", &fd), 0,
			  "no group");
	return TEST_SUCCESS;
}

/*
 * DPDK memory whose IOVAs lie beyond the IOMMU's aperture (an external heap
 * at IOVA 2^52; the guest's IOMMU has 48 bits) makes the first device
 * setup fail with a message, before anything is mapped.
 */
static int
test_refuse_out_of_range(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	const size_t pg = 4096, len = 2u << 20;
	rte_iova_t iovas[512];
	char *log = NULL;
	size_t log_len = 0;
	FILE *mem;
	void *va;
	int fd = -1, ret;
	unsigned int i;

	va = anon_2m();
	TEST_ASSERT(va != NULL, "mmap");
	for (i = 0; i < RTE_DIM(iovas); i++)
		iovas[i] = (1ull << 52) + i * pg;
	TEST_ASSERT_SUCCESS(rte_malloc_heap_create("far"), "heap");
	TEST_ASSERT_SUCCESS(rte_malloc_heap_memory_add("far", va, len, iovas, RTE_DIM(iovas), pg),
			    "memory add: %s", rte_strerror(rte_errno));
	mem = open_memstream(&log, &log_len);
	TEST_ASSERT(mem != NULL, "memstream");
	rte_openlog_stream(mem);
	ret = rte_vfio_setup_device(SYSFS_PCI, NIC0, &fd, &info);
	rte_openlog_stream(NULL);
	fclose(mem);
	rte_malloc_heap_memory_remove("far", va, len);
	rte_malloc_heap_destroy("far");
	printf("# log: %s", log != NULL && strstr(log, "cannot be used") != NULL ? strstr(log, "cannot be used") : "(none)\n");
	TEST_ASSERT_EQUAL(ret, -1, "setup must fail");
	TEST_ASSERT_EQUAL(nb_devices(), 0, "nothing set up");
	TEST_ASSERT_CONTAINS(log, "has IOVA 0x10000000000000-0x10000000000fff (IOVA as VA), outside the IOMMU's usable IOVA ranges: 0x0-0xfedfffff, 0xfef00000-0xffffffffffff");
	TEST_ASSERT_CONTAINS(log, "0000:00:02.0: cannot be used over iommufd: DPDK's memory lies outside the IOMMU's usable addresses");
	free(log);
	return TEST_SUCCESS;
}

static int
test_setup_release(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct vfio_device_info info2 = { .argsz = sizeof(info2) };
	int fd = -1, fd2 = -1;

	TEST_ASSERT(group_of(NIC0) >= 0, "IOMMU group of %s", NIC0);
	TEST_ASSERT_SUCCESS(rte_vfio_setup_device(SYSFS_PCI, NIC0, &fd, &info), "setup");
	TEST_ASSERT(strncmp(fd_target(fd), "/dev/vfio/devices/vfio", 22) == 0,
		    "device fd is %s", fd_target(fd));
	TEST_ASSERT(info.flags & VFIO_DEVICE_FLAGS_PCI, "flags 0x%x", info.flags);
	TEST_ASSERT(info.num_regions >= VFIO_PCI_CONFIG_REGION_INDEX + 1,
		    "%u regions", info.num_regions);
	TEST_ASSERT(info.num_irqs >= VFIO_PCI_MSIX_IRQ_INDEX + 1, "%u irqs", info.num_irqs);
	/* A second setup of the same device gets its own descriptor. */
	TEST_ASSERT_SUCCESS(rte_vfio_setup_device(SYSFS_PCI, NIC0, &fd2, &info2), "again");
	TEST_ASSERT(fd2 >= 0 && fd2 != fd, "fds %d %d", fd, fd2);
	TEST_ASSERT_EQUAL(nb_devices(), 1, "one device");
	TEST_ASSERT_SUCCESS(rte_vfio_release_device(SYSFS_PCI, NIC0, fd2), "release dup");
	TEST_ASSERT_EQUAL(nb_devices(), 1, "still set up");
	TEST_ASSERT_SUCCESS(rte_vfio_release_device(SYSFS_PCI, NIC0, fd), "release");
	TEST_ASSERT_EQUAL(nb_devices(), 0, "released");
	TEST_ASSERT_EQUAL(rte_vfio_release_device(SYSFS_PCI, NIC0, fd), -1, "not set up");
	return TEST_SUCCESS;
}

static int nic0_fd = -1;

static int
setup_nic0(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };

	if (rte_vfio_setup_device(SYSFS_PCI, NIC0, &nic0_fd, &info) != 0) {
		printf("# setup %s failed\n", NIC0);
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static void
release_nic0(void)
{
	if (nic0_fd >= 0)
		rte_vfio_release_device(SYSFS_PCI, NIC0, nic0_fd);
	nic0_fd = -1;
}

static int
test_user_dma(void)
{
	const int def = RTE_VFIO_DEFAULT_CONTAINER_FD;
	const uint64_t iova = 0x40000000, len = 2u << 20;
	uint64_t va = (uintptr_t)anon_2m();

	TEST_ASSERT(va != 0, "mmap");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va, iova, len), "map");
	/* rte_dev_dma_map() once per port maps the same range again. */
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va, iova, len), "map again");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_unmap(def, va, iova, 4096), -1, "partial");
	TEST_ASSERT_EQUAL(rte_errno, ENOTSUP, "partial unmap errno");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_unmap(def, va, iova + len, len), -1, "unknown");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "unknown unmap errno");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_map(def, va, iova, 0), -1, "zero length");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "zero length errno");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_map(12345, va, iova, len), -1, "bad container");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "bad container errno");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, va, iova, len), "unmap 1");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, va, iova, len), "unmap 2");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_unmap(def, va, iova, len), -1, "unmap 3");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "unmapped errno");
	/* IOVA = VA, as vhost and testpmd's anonymous memory use it. */
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va, va, len), "map at VA");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, va, va, len), "unmap at VA");
	return TEST_SUCCESS;
}

/*
 * The kernel's view of the default container's IOAS, through the iommufd
 * itself (the default container fd): IOMMU_IOAS_MAP and IOMMU_IOAS_UNMAP as
 * in <linux/iommufd.h>.
 */
struct k_ioas_map {
	uint32_t size, flags, ioas_id, reserved;
	uint64_t user_va, length, iova;
};
struct k_ioas_unmap {
	uint32_t size, ioas_id;
	uint64_t iova, length;
};
#define K_IOAS_MAP _IO(';', 0x85)
#define K_IOAS_UNMAP _IO(';', 0x86)
#define K_MAP_FIXED_RW (1u | 2u | 4u)

static uint32_t
default_ioas(void)
{
	struct rte_bus_iommufd_caps c;

	return rte_bus_iommufd_device_caps(NIC0, &c) == 0 ? c.ioas_id : 0;
}

/* Map @va at @iova directly; 0 or -errno. */
static int
k_map(uint64_t va, uint64_t iova, uint64_t len)
{
	struct k_ioas_map m = { .size = sizeof(m), .flags = K_MAP_FIXED_RW,
				.ioas_id = default_ioas(), .user_va = va, .length = len,
				.iova = iova };

	return ioctl(rte_vfio_get_container_fd(), K_IOAS_MAP, &m) == 0 ? 0 : -errno;
}

/* Unmap directly; 0 or -errno, *@len_out the length field afterwards. */
static int
k_unmap(uint64_t iova, uint64_t len, uint64_t *len_out)
{
	struct k_ioas_unmap u = { .size = sizeof(u), .ioas_id = default_ioas(),
				  .iova = iova, .length = len };
	int ret = ioctl(rte_vfio_get_container_fd(), K_IOAS_UNMAP, &u) == 0 ? 0 : -errno;

	if (len_out != NULL)
		*len_out = u.length;
	return ret;
}

/* Whether the kernel maps any byte of [iova, iova + len): 1, 0, or -errno. */
static int
k_mapped(uint64_t iova, uint64_t len)
{
	static uint8_t *probe;
	int ret;

	if (probe == NULL) {
		probe = mmap(NULL, 16u << 20, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);
		if (probe == MAP_FAILED) {
			probe = NULL;
			return -ENOMEM;
		}
	}
	if (len > (16u << 20))
		return -EINVAL;
	ret = k_map((uintptr_t)probe, iova, len);
	if (ret == -EEXIST)
		return 1;
	if (ret < 0)
		return ret;
	return k_unmap(iova, len, NULL) == 0 ? 0 : -EIO;
}

/* Capture the log while @fn-like steps run: begin, then end. */
static char *log_buf;
static size_t log_len;
static FILE *log_f;

static void
log_begin(void)
{
	log_f = open_memstream(&log_buf, &log_len);
	if (log_f != NULL)
		rte_openlog_stream(log_f);
}

static const char *
log_end(void)
{
	rte_openlog_stream(NULL);
	if (log_f != NULL)
		fclose(log_f);
	log_f = NULL;
	return log_buf != NULL ? log_buf : "";
}

/* 8 MiB of anonymous memory, 2 MiB aligned. */
static uint64_t
anon_8m(void)
{
	uint8_t *p = mmap(NULL, 10u << 20, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return 0;
	a = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	memset((void *)a, 0x5a, 8u << 20);
	return a;
}

/*
 * A map that partly overlaps an existing mapping is refused (EEXIST, both
 * ranges named) and changes nothing; a range already mapped to the same
 * memory is accepted, as EAL accepts EEXIST.
 */
static int
test_map_overlap(void)
{
	const int def = RTE_VFIO_DEFAULT_CONTAINER_FD;
	const uint64_t iova = 0x40000000, M = 1u << 20;
	struct rte_bus_iommufd_stats s0, s1;
	uint64_t va = anon_8m(), pva, piova;
	char want[128];
	const char *log;
	void *p;
	int ret;

	TEST_ASSERT(va != 0, "mmap");
	TEST_ASSERT(default_ioas() != 0, "IOAS of %s", NIC0);
	TEST_ASSERT_SUCCESS(rte_bus_iommufd_stats_get(&s0), "stats");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va, iova, 2 * M), "map A");
	/* The kernel answers EEXIST to an identical range and to a partial one. */
	TEST_ASSERT_EQUAL(k_map(va, iova, 2 * M), -EEXIST, "kernel: identical");
	TEST_ASSERT_EQUAL(k_map(va + M, iova + M, 2 * M), -EEXIST, "kernel: partial");
	TEST_ASSERT_EQUAL(k_mapped(iova + 2 * M, M), 0, "kernel: nothing after A");

	/* Half of it over A, half beyond, same memory: refused, nothing mapped. */
	log_begin();
	ret = rte_vfio_container_dma_map(def, va + M, iova + M, 2 * M);
	log = log_end();
	TEST_ASSERT_EQUAL(ret, -1, "partial overlap refused");
	TEST_ASSERT_EQUAL(rte_errno, EEXIST, "partial overlap errno %d", rte_errno);
	snprintf(want, sizeof(want), "at IOVA 0x%" PRIx64 "-0x%" PRIx64, iova + M, iova + 3 * M - 1);
	TEST_ASSERT_CONTAINS(log, want);
	snprintf(want, sizeof(want), "conflicts with the user mapping of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 "-0x%" PRIx64,
		 va, iova, iova + 2 * M - 1);
	TEST_ASSERT_CONTAINS(log, want);
	printf("# %s", log);
	TEST_ASSERT_EQUAL(k_mapped(iova + 2 * M, M), 0, "the part beyond A stays unmapped");
	TEST_ASSERT_EQUAL(k_mapped(iova, 2 * M), 1, "A stays mapped");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_unmap(def, va + M, iova + M, 2 * M), -1,
			  "the refused range is not recorded");
	TEST_ASSERT_EQUAL(rte_errno, ENOTSUP, "it would cut A: errno %d", rte_errno);

	/* The same IOVAs for other memory: refused. */
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_map(def, va + 4 * M, iova, 2 * M), -1,
			  "other memory at A's IOVAs");
	TEST_ASSERT_EQUAL(rte_errno, EEXIST, "errno %d", rte_errno);

	/* Inside A, same memory: already mapped, accepted; its unmap keeps A. */
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va + M, iova + M, M), "inside A");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, va + M, iova + M, M), "unmap inside");
	TEST_ASSERT_EQUAL(k_mapped(iova, 2 * M), 1, "A still mapped");

	TEST_ASSERT_SUCCESS(rte_bus_iommufd_stats_get(&s1), "stats");
	TEST_ASSERT_EQUAL(s1.map_errors, s0.map_errors + 2, "two refusals counted");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, va, iova, 2 * M), "unmap A");
	TEST_ASSERT_EQUAL(k_mapped(iova, 3 * M), 0, "all gone");

	/* DPDK memory: at its own IOVA accepted, other memory there refused. */
	p = rte_malloc(NULL, 4096, 0);
	TEST_ASSERT(p != NULL, "rte_malloc");
	pva = RTE_ALIGN_FLOOR((uintptr_t)p, 2 * M);
	piova = rte_malloc_virt2iova(p) - ((uintptr_t)p - pva);
	TEST_ASSERT_EQUAL(k_mapped(piova, 2 * M), 1, "DPDK memory mapped at 0x%" PRIx64, piova);
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, pva, piova, 2 * M), "DPDK memory again");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, pva, piova, 2 * M), "unmap it");
	TEST_ASSERT_EQUAL(k_mapped(piova, 2 * M), 1, "DPDK memory stays mapped");
	log_begin();
	ret = rte_vfio_container_dma_map(def, va, piova, 2 * M);
	log = log_end();
	TEST_ASSERT_EQUAL(ret, -1, "anonymous memory at DPDK memory's IOVA");
	TEST_ASSERT_EQUAL(rte_errno, EEXIST, "errno %d", rte_errno);
	TEST_ASSERT_CONTAINS(log, "conflicts with DPDK memory at VA 0x");
	rte_free(p);
	return TEST_SUCCESS;
}

/*
 * An unmap that cuts a mapping fails (ENOTSUP) without unmapping anything,
 * where the kernel alone, asked the same, unmaps the whole mappings below
 * the cut before failing with ENOENT and does not report it.
 */
static int
test_unmap_cut(void)
{
	const int def = RTE_VFIO_DEFAULT_CONTAINER_FD;
	const uint64_t iova = 0x40000000, M = 1u << 20;
	uint64_t va = anon_8m(), len_out = 0;
	char want[128];
	const char *log;
	int ret;

	TEST_ASSERT(va != 0, "mmap");
	TEST_ASSERT(default_ioas() != 0, "IOAS of %s", NIC0);
	/* What the kernel does: C whole in the range, D cut by it. */
	TEST_ASSERT_SUCCESS(k_map(va + 4 * M, iova + 8 * M, 2 * M), "kernel map C");
	TEST_ASSERT_SUCCESS(k_map(va + 6 * M, iova + 10 * M, 2 * M), "kernel map D");
	TEST_ASSERT_EQUAL(k_unmap(iova + 8 * M, 3 * M, &len_out), -ENOENT, "kernel: cut");
	printf("# kernel: unmap cutting D: ENOENT, length field 0x%" PRIx64 ", C %s, D %s\n",
	       len_out, k_mapped(iova + 8 * M, 2 * M) ? "mapped" : "unmapped",
	       k_mapped(iova + 10 * M, 2 * M) ? "mapped" : "unmapped");
	TEST_ASSERT_EQUAL(len_out, 3 * M, "the kernel does not report what it unmapped");
	TEST_ASSERT_EQUAL(k_mapped(iova + 8 * M, 2 * M), 0, "the kernel unmapped C first");
	TEST_ASSERT_EQUAL(k_mapped(iova + 10 * M, 2 * M), 1, "D stays");
	/* A range starting inside D: nothing unmapped. */
	TEST_ASSERT_EQUAL(k_unmap(iova + 11 * M, 4 * M, NULL), -ENOENT, "kernel: cut first");
	TEST_ASSERT_EQUAL(k_mapped(iova + 10 * M, 2 * M), 1, "D stays");
	TEST_ASSERT_SUCCESS(k_unmap(iova + 10 * M, 2 * M, NULL), "kernel unmap D");

	/* The adapter: A whole in the range, B cut: refused before any unmap. */
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va, iova, 2 * M), "map A");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(def, va + 2 * M, iova + 2 * M, 2 * M),
			    "map B");
	log_begin();
	ret = rte_vfio_container_dma_unmap(def, va, iova, 3 * M);
	log = log_end();
	TEST_ASSERT_EQUAL(ret, -1, "cut refused");
	TEST_ASSERT_EQUAL(rte_errno, ENOTSUP, "cut errno %d", rte_errno);
	snprintf(want, sizeof(want), "cuts the mapping IOVA 0x%" PRIx64 " len 0x%" PRIx64,
		 iova + 2 * M, 2 * M);
	TEST_ASSERT_CONTAINS(log, want);
	printf("# %s", log);
	TEST_ASSERT_EQUAL(k_mapped(iova, 2 * M), 1, "A not unmapped");
	TEST_ASSERT_EQUAL(k_mapped(iova + 2 * M, 2 * M), 1, "B not unmapped");
	/* Both recorded as before: a range covering both unmaps both. */
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(def, va, iova, 4 * M), "unmap A and B");
	TEST_ASSERT_EQUAL(k_mapped(iova, 4 * M), 0, "both unmapped");
	TEST_ASSERT_EQUAL(rte_vfio_container_dma_unmap(def, va, iova, 2 * M), -1, "A is gone");
	TEST_ASSERT_EQUAL(rte_errno, EINVAL, "errno %d", rte_errno);
	return TEST_SUCCESS;
}

/* Heap growth maps new memory, heap shrink unmaps part of it. */
static int
test_mem_hotplug(void)
{
	struct rte_bus_iommufd_stats s0, s1, s2;
	const size_t sz = 64u << 20;
	void *p, *q;

	TEST_ASSERT_SUCCESS(rte_bus_iommufd_stats_get(&s0), "stats");
	p = rte_malloc(NULL, sz, 0);
	TEST_ASSERT(p != NULL, "rte_malloc 64 MiB");
	q = rte_malloc(NULL, sz, 0);
	TEST_ASSERT(q != NULL, "rte_malloc 64 MiB");
	TEST_ASSERT_SUCCESS(rte_bus_iommufd_stats_get(&s1), "stats");
	printf("# mapped: 0x%" PRIx64 " -> 0x%" PRIx64 " bytes (%" PRIu64 " map calls)\n",
	       s0.mapped_bytes, s1.mapped_bytes, s1.map_calls - s0.map_calls);
	TEST_ASSERT(s1.mapped_bytes >= s0.mapped_bytes + 2 * sz, "ALLOC events mapped");
	TEST_ASSERT_EQUAL(s1.map_errors, s0.map_errors, "no map error");
	/* Freeing one of two adjacent allocations unmaps a part of the pages. */
	rte_free(p);
	TEST_ASSERT_SUCCESS(rte_bus_iommufd_stats_get(&s2), "stats");
	printf("# after a free: 0x%" PRIx64 " bytes, %" PRIu64 " unmap calls\n",
	       s2.mapped_bytes, s2.unmap_calls - s1.unmap_calls);
	TEST_ASSERT(s2.mapped_bytes < s1.mapped_bytes, "FREE event unmapped");
	TEST_ASSERT(s2.mapped_bytes >= s0.mapped_bytes + sz, "the other allocation stays");
	rte_free(q);
	TEST_ASSERT_SUCCESS(rte_bus_iommufd_stats_get(&s2), "stats");
	TEST_ASSERT(s2.mapped_bytes <= s0.mapped_bytes + (4u << 20),
		    "back to 0x%" PRIx64 " (was 0x%" PRIx64 ")", s2.mapped_bytes, s0.mapped_bytes);
	TEST_ASSERT_EQUAL(s2.map_errors, s0.map_errors, "no map error");
	return TEST_SUCCESS;
}

static int
test_custom_container(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct rte_bus_iommufd_caps c0, c1;
	uint64_t va = (uintptr_t)anon_2m();
	int key, grp, token, token2, fd = -1;

	TEST_ASSERT(va != 0, "mmap");
	grp = group_of(NIC1);
	TEST_ASSERT(grp >= 0, "group of %s", NIC1);
	key = rte_vfio_container_create();
	TEST_ASSERT(key >= 0, "create");
	TEST_ASSERT(key != rte_vfio_get_container_fd(), "a new key");
	token = rte_vfio_container_group_bind(key, grp);
	TEST_ASSERT(token >= 0, "bind");
	token2 = rte_vfio_container_group_bind(key, grp);
	TEST_ASSERT_EQUAL(token2, token, "bind again");
	TEST_ASSERT_EQUAL(rte_vfio_container_group_bind(rte_vfio_get_container_fd(), grp), -1,
			  "a group is in one container");
	/* ifc/sfc: setup_device attaches to the container the group is bound to. */
	TEST_ASSERT_SUCCESS(rte_vfio_setup_device(SYSFS_PCI, NIC1, &fd, &info), "setup");
	TEST_ASSERT_SUCCESS(rte_bus_iommufd_device_caps(NIC0, &c0), "caps");
	TEST_ASSERT_SUCCESS(rte_bus_iommufd_device_caps(NIC1, &c1), "caps");
	TEST_ASSERT(c0.ioas_id != c1.ioas_id, "IOAS %u vs %u", c0.ioas_id, c1.ioas_id);
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_map(key, va, 0x1000000, 2u << 20), "map");
	TEST_ASSERT_EQUAL(rte_vfio_container_destroy(key), -1, "device still attached");
	TEST_ASSERT_SUCCESS(rte_vfio_release_device(SYSFS_PCI, NIC1, fd), "release");
	TEST_ASSERT_SUCCESS(rte_vfio_container_dma_unmap(key, va, 0x1000000, 2u << 20), "unmap");
	TEST_ASSERT_SUCCESS(rte_vfio_container_group_unbind(key, grp), "unbind");
	TEST_ASSERT_EQUAL(rte_vfio_container_group_unbind(key, grp), -1, "unbind again");
	TEST_ASSERT_SUCCESS(rte_vfio_container_destroy(key), "destroy");
	TEST_ASSERT_EQUAL(rte_vfio_container_destroy(key), -1, "destroy again");
	TEST_ASSERT_EQUAL(rte_vfio_container_destroy(rte_vfio_get_container_fd()), -1,
			  "the default container stays");
	return TEST_SUCCESS;
}

static int
test_groups(void)
{
	int grp = group_of(NIC0), fd;

	TEST_ASSERT(grp >= 0, "group");
	fd = rte_vfio_get_group_fd(grp);
	TEST_ASSERT(fd >= 0, "group fd");
	TEST_ASSERT_EQUAL(rte_vfio_get_group_fd(grp), fd, "same group fd");
	/* Like EAL's: forgets the group; the caller closes the descriptor. */
	TEST_ASSERT_SUCCESS(rte_vfio_clear_group(fd), "clear");
	TEST_ASSERT(fcntl(fd, F_GETFD) >= 0, "still open");
	close(fd);
	TEST_ASSERT_EQUAL(rte_vfio_clear_group(fd), -1, "clear again");
	return TEST_SUCCESS;
}

static int
test_caps_pasid(void)
{
	struct rte_bus_iommufd_caps caps;
	uint32_t pasid = 0;

	TEST_ASSERT_SUCCESS(rte_bus_iommufd_device_caps("00:02.0", &caps), "caps");
	TEST_ASSERT(strcmp(caps.name, NIC0) == 0, "name %s", caps.name);
	TEST_ASSERT(caps.hw_info_valid, "hw_info");
	TEST_ASSERT_EQUAL(caps.hw_info_type, 1, "Intel VT-d");
	printf("# %s: group %d dev %u ioas %u pt %u pasid width %u (%s)\n", caps.name,
	       caps.iommu_group, caps.dev_id, caps.ioas_id, caps.page_table_id,
	       caps.max_pasid_log2, caps.pasid_reason);
	TEST_ASSERT_EQUAL(rte_bus_iommufd_device_caps(NIC1, &caps), -ENODEV, "not set up");
	/*
	 * Emulated e1000e has no PASID capability: the namespace is as wide as
	 * the narrowest PASID-capable device, and there is none.
	 */
	TEST_ASSERT_EQUAL(rte_bus_iommufd_pasid_alloc(&pasid), -EOPNOTSUPP, "alloc");
	TEST_ASSERT_EQUAL(rte_errno, EOPNOTSUPP, "rte_errno");
	TEST_ASSERT_EQUAL(pasid, 0, "nothing allocated");
	TEST_ASSERT_EQUAL(rte_bus_iommufd_pasid_attach(NIC0, 1), -EOPNOTSUPP, "attach");
	TEST_ASSERT_EQUAL(rte_bus_iommufd_pasid_detach(NIC0, 1), -ENOENT, "detach");
	TEST_ASSERT_EQUAL(rte_bus_iommufd_pasid_free(1), -EOPNOTSUPP, "free");
	return TEST_SUCCESS;
}

/* ------------------------------------------------------------------ */
/* Mode selection, in child processes                                  */
/* ------------------------------------------------------------------ */

/* Run "self --child" with @env prepended; its exit status and output. */
static int
run_child(const char *env, char *out, size_t len)
{
	char cmd[PATH_MAX + 256];
	size_t n = 0;
	FILE *f;
	int st;

	snprintf(cmd, sizeof(cmd), "env %s %s --child 2>&1", env, self);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (n + 1 < len && fgets(out + n, len - n, f) != NULL)
		n += strlen(out + n);
	out[n] = '\0';
	st = pclose(f);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static int
child_main(void)
{
	char *argv[] = { self, "-l", "0", "-n", "1", "--in-memory", "--no-pci", NULL };

	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		printf("child: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	printf("child: mode %d\n", rte_bus_iommufd_mode());
	rte_eal_cleanup();
	return 0;
}

/* ------------------------------------------------------------------ */
/* Mapping granularity, in child processes with other EAL arguments    */
/* ------------------------------------------------------------------ */

/* What a --child-mem run measured (see child_mem()). */
struct mem_report {
	unsigned long long start_maps, start_bytes;
	unsigned long long p_maps, q_maps, p_unmaps, splits, errors;
	unsigned long long b0, b1, b2, b3, b4;
};

/*
 * EAL places an allocation at the end of the free memory it takes, so the
 * rest of the first page allocated for @p is free. Fill it, largest free
 * element first, until an allocation lands there. Returns the number of
 * allocations made in @fill.
 */
static unsigned int
fill_first_page(const void *p, void **fill, unsigned int max)
{
	uintptr_t lo = RTE_ALIGN_FLOOR((uintptr_t)p, (uintptr_t)(2u << 20));
	struct rte_malloc_socket_stats st;
	unsigned int n = 0;

	while (n < max && rte_malloc_get_socket_stats(rte_socket_id(), &st) == 0 &&
	       st.greatest_free_size > 4096) {
		void *a = rte_malloc(NULL, st.greatest_free_size - 1024, 0);

		if (a == NULL)
			break;
		fill[n++] = a;
		if ((uintptr_t)a >= lo && (uintptr_t)a < (uintptr_t)p)
			break;
	}
	return n;
}

/*
 * EAL with the arguments of configuration @conf, NIC0 set up, then two
 * 64 MiB heap allocations p and q (and, but with --match-allocations,
 * allocations filling the rest of p's first page), free p, free q. Prints
 * one CHILD line.
 */
static int
child_mem(const char *conf)
{
	char *argv[16] = { self, "-l", "0", "-n", "1", "--in-memory", "--no-pci",
		"--log-level=bus.iommufd:debug" };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct rte_bus_iommufd_stats s0, s1, s2, s3, s4;
	const size_t sz = 64u << 20;
	unsigned int nfill = 0;
	int argc = 8, fd;
	void *p, *q, *fill[8];

	if (strcmp(conf, "prealloc") == 0) {
		argv[argc++] = "-m";
		argv[argc++] = "64";
	} else if (strcmp(conf, "match") == 0) {
		argv[argc++] = "--match-allocations";
	} else if (strcmp(conf, "mismatch") == 0) {
		/* The adapter sees the option, EAL takes it for a file prefix:
		 * EAL frees parts of allocations the adapter coalesced. */
		argv[argc++] = "--file-prefix";
		argv[argc++] = "--match-allocations";
	}
	argv[argc] = NULL;
	if (rte_eal_init(argc, argv) < 0) {
		printf("child: rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	if (rte_vfio_setup_device(SYSFS_PCI, NIC0, &fd, &info) != 0 ||
	    rte_bus_iommufd_stats_get(&s0) != 0) {
		printf("child: setup of %s failed\n", NIC0);
		return 1;
	}
	p = rte_malloc(NULL, sz, 0);
	rte_bus_iommufd_stats_get(&s1);
	if (p == NULL) {
		printf("child: rte_malloc failed\n");
		return 1;
	}
	/* Unless EAL matches allocations, keep p's first page busy so that
	 * freeing p frees part of the pages allocated for it. */
	if (strcmp(conf, "match") != 0)
		nfill = fill_first_page(p, fill, RTE_DIM(fill));
	q = rte_malloc(NULL, sz, 0);
	rte_bus_iommufd_stats_get(&s2);
	if (q == NULL) {
		printf("child: rte_malloc failed\n");
		return 1;
	}
	rte_free(p);
	rte_bus_iommufd_stats_get(&s3);
	rte_free(q);
	while (nfill > 0)
		rte_free(fill[--nfill]);
	rte_bus_iommufd_stats_get(&s4);
	printf("CHILD start_maps=%llu start_bytes=%llu p_maps=%llu q_maps=%llu p_unmaps=%llu "
	       "splits=%llu errors=%llu b0=%llu b1=%llu b2=%llu b3=%llu b4=%llu\n",
	       (unsigned long long)s0.map_calls, (unsigned long long)s0.mapped_bytes,
	       (unsigned long long)(s1.map_calls - s0.map_calls),
	       (unsigned long long)(s2.map_calls - s1.map_calls),
	       (unsigned long long)(s3.unmap_calls - s2.unmap_calls),
	       (unsigned long long)s4.map_splits, (unsigned long long)s4.map_errors,
	       (unsigned long long)s0.mapped_bytes, (unsigned long long)s1.mapped_bytes,
	       (unsigned long long)s2.mapped_bytes, (unsigned long long)s3.mapped_bytes,
	       (unsigned long long)s4.mapped_bytes);
	rte_vfio_release_device(SYSFS_PCI, NIC0, fd);
	rte_eal_cleanup();
	return 0;
}

static int
run_child_mem(const char *conf, char *out, size_t len, struct mem_report *r)
{
	char cmd[PATH_MAX + 64];
	const char *line;
	size_t n = 0;
	FILE *f;

	snprintf(cmd, sizeof(cmd), "%s --child-mem %s 2>&1", self, conf);
	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (n + 1 < len && fgets(out + n, len - n, f) != NULL)
		n += strlen(out + n);
	out[n] = '\0';
	if (pclose(f) != 0)
		return -1;
	line = strstr(out, "CHILD ");
	if (line == NULL || sscanf(line, "CHILD start_maps=%llu start_bytes=%llu p_maps=%llu "
				   "q_maps=%llu p_unmaps=%llu splits=%llu errors=%llu b0=%llu "
				   "b1=%llu b2=%llu b3=%llu b4=%llu", &r->start_maps,
				   &r->start_bytes, &r->p_maps, &r->q_maps, &r->p_unmaps,
				   &r->splits, &r->errors, &r->b0, &r->b1, &r->b2, &r->b3,
				   &r->b4) != 12)
		return -1;
	printf("# %s: %s", conf, line);
	return 0;
}

/* Pages preallocated with -m are never freed: a few large mappings. */
static int
test_mem_prealloc(void)
{
	static char out[65536];
	struct mem_report r;

	TEST_ASSERT_SUCCESS(run_child_mem("prealloc", out, sizeof(out), &r), "%s", out);
	TEST_ASSERT(r.start_bytes >= 64u << 20, "-m 64 memory mapped at setup: 0x%llx bytes",
		    r.start_bytes);
	/* 32 pages or more; allow a mapping per memseg list and a few others. */
	TEST_ASSERT(r.start_maps <= 4, "%llu map calls for 0x%llx bytes preallocated",
		    r.start_maps, r.start_bytes);
	TEST_ASSERT_EQUAL(r.errors, 0, "no map error");
	return TEST_SUCCESS;
}

/* --match-allocations: one mapping per allocation, freed whole. */
static int
test_mem_match_allocations(void)
{
	static char out[65536];
	struct mem_report r;

	TEST_ASSERT_SUCCESS(run_child_mem("match", out, sizeof(out), &r), "%s", out);
	TEST_ASSERT_CONTAINS(out, "memory allocated later: one mapping per allocation (--match-allocations)");
	TEST_ASSERT_EQUAL(r.p_maps, 1, "one map call for 64 MiB of heap growth");
	TEST_ASSERT_EQUAL(r.q_maps, 1, "one map call for the second 64 MiB");
	TEST_ASSERT(r.b1 >= r.b0 + (64u << 20) && r.b2 >= r.b1 + (64u << 20), "both mapped");
	TEST_ASSERT_EQUAL(r.p_unmaps, 1, "freeing p: one unmap call");
	TEST_ASSERT_EQUAL(r.b3, r.b2 - (r.b1 - r.b0), "freeing p unmapped exactly its pages");
	TEST_ASSERT_EQUAL(r.b4, r.b0, "freeing q unmapped exactly its pages");
	TEST_ASSERT_EQUAL(r.splits, 0, "no mapping split");
	TEST_ASSERT_EQUAL(r.errors, 0, "no map error");
	return TEST_SUCCESS;
}

/* Without it: one mapping per page, since EAL may free part of them. */
static int
test_mem_per_page(void)
{
	static char out[65536];
	struct mem_report r;

	TEST_ASSERT_SUCCESS(run_child_mem("default", out, sizeof(out), &r), "%s", out);
	TEST_ASSERT_CONTAINS(out, "memory allocated later: one mapping per page");
	TEST_ASSERT(r.p_maps >= 32, "64 MiB of 2 MiB pages: %llu map calls", r.p_maps);
	TEST_ASSERT(r.b3 < r.b2 && r.b3 >= r.b0 + (66u << 20),
		    "freeing p unmapped its pages but the first (still in use): 0x%llx -> 0x%llx",
		    r.b2, r.b3);
	TEST_ASSERT_EQUAL(r.splits, 0, "no mapping split");
	TEST_ASSERT_EQUAL(r.errors, 0, "no map error");
	return TEST_SUCCESS;
}

/* A FREE event covering part of a coalesced mapping splits it safely. */
static int
test_mem_split(void)
{
	static char out[65536];
	struct mem_report r;

	TEST_ASSERT_SUCCESS(run_child_mem("mismatch", out, sizeof(out), &r), "%s", out);
	TEST_ASSERT_EQUAL(r.p_maps, 1, "coalesced (the adapter saw --match-allocations)");
	TEST_ASSERT(r.splits >= 1, "EAL freed part of a coalesced mapping: split (%llu)",
		    r.splits);
	TEST_ASSERT_CONTAINS(out, "DPDK freed part of the memory of one allocation although it was started with --match-allocations");
	TEST_ASSERT(r.b3 < r.b2 && r.b3 >= r.b0 + (66u << 20),
		    "q and p's first page stay mapped after the split: 0x%llx bytes (0x%llx before any allocation)",
		    r.b3, r.b0);
	TEST_ASSERT(r.b4 <= r.b0 + (4u << 20), "back to 0x%llx (was 0x%llx)", r.b4, r.b0);
	TEST_ASSERT_EQUAL(r.errors, 0, "no map error");
	return TEST_SUCCESS;
}

static int
test_mode_forced_type1(void)
{
	static char out[16384];

	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=type1", out, sizeof(out)), 0, "%s", out);
	TEST_ASSERT_CONTAINS(out, "RTE_IOMMUFD_MODE=type1: using the legacy VFIO type1 container of EAL (forced)");
	TEST_ASSERT_CONTAINS(out, "child: mode 2");
	return TEST_SUCCESS;
}

static int
test_mode_bad_value(void)
{
	static char out[16384];

	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=iommu", out, sizeof(out)), 1, "%s", out);
	TEST_ASSERT_CONTAINS(out, "unknown value \"iommu\"; expected auto, iommufd or type1");
	return TEST_SUCCESS;
}

static int
test_mode_forced_impossible(void)
{
	static char out[16384];

	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=iommufd RTE_IOMMUFD_DEV=/nonexistent",
				    out, sizeof(out)), 1, "%s", out);
	TEST_ASSERT_CONTAINS(out, "iommufd was requested but cannot be used: no /nonexistent");
	return TEST_SUCCESS;
}

static int
test_mode_auto_fallback(void)
{
	static char out[16384];

	/* No iommufd at all: type1 from the start. */
	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_DEV=/nonexistent", out, sizeof(out)), 0,
			  "%s", out);
	TEST_ASSERT_CONTAINS(out, "RTE_IOMMUFD_MODE=auto: using the legacy VFIO type1 container of EAL (no /nonexistent");
	TEST_ASSERT_CONTAINS(out, "child: mode 2");
	/* Present but unusable (not an iommufd): fall back at enable. */
	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_DEV=/dev/null", out, sizeof(out)), 0,
			  "%s", out);
	TEST_ASSERT_CONTAINS(out, "using the legacy VFIO type1 container of EAL instead");
	TEST_ASSERT_CONTAINS(out, "child: mode 2");
	/* Forced: no fallback. */
	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=iommufd RTE_IOMMUFD_DEV=/dev/null",
				    out, sizeof(out)), 1, "%s", out);
	TEST_ASSERT_CONTAINS(out, "iommufd cannot be used");
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE(test_before_init),
	TEST_CASE(test_eal_init),
	TEST_CASE(test_enable),
	TEST_CASE(test_dma_before_device),
	TEST_CASE(test_not_vfio),
	TEST_CASE(test_refuse_out_of_range),
	TEST_CASE(test_setup_release),
	TEST_CASE_ST(setup_nic0, release_nic0, test_user_dma),
	TEST_CASE_ST(setup_nic0, release_nic0, test_map_overlap),
	TEST_CASE_ST(setup_nic0, release_nic0, test_unmap_cut),
	TEST_CASE_ST(setup_nic0, release_nic0, test_mem_hotplug),
	TEST_CASE_ST(setup_nic0, release_nic0, test_custom_container),
	TEST_CASE_ST(setup_nic0, release_nic0, test_groups),
	TEST_CASE_ST(setup_nic0, release_nic0, test_caps_pasid),
	TEST_CASE(test_mem_prealloc),
	TEST_CASE(test_mem_match_allocations),
	TEST_CASE(test_mem_per_page),
	TEST_CASE(test_mem_split),
	TEST_CASE(test_mode_forced_type1),
	TEST_CASE(test_mode_bad_value),
	TEST_CASE(test_mode_forced_impossible),
	TEST_CASE(test_mode_auto_fallback),
	TEST_CASES_END(),
};

int
main(int argc, char **argv)
{
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n <= 0)
		return 1;
	self[n] = '\0';
	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return child_main();
	if (argc > 2 && strcmp(argv[1], "--child-mem") == 0)
		return child_mem(argv[2]);
	if (getenv("LD_PRELOAD") == NULL || strstr(getenv("LD_PRELOAD"), "librte_bus_iommufd") == NULL)
		printf("# note: LD_PRELOAD does not name librte_bus_iommufd; relying on link order\n");
	return test_run("dpdk_vfio", cases);
}
