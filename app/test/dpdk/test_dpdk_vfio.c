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
 *
 * This file: EAL's start, device setup and release, user DMA mappings,
 * containers and groups, capabilities and PASIDs, the list of cases.
 * Mappings as the kernel sees them and heap growth:
 * test_dpdk_vfio_map.c; the cases in child processes:
 * test_dpdk_vfio_child.c.
 */

#include <errno.h>
#include <fcntl.h>
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
#include "test_dpdk_vfio.h"

char self[PATH_MAX];

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

/* @len bytes of anonymous memory, 2 MiB aligned. */
void *
anon_mem(size_t len)
{
	uint8_t *p = mmap(NULL, len + (2u << 20), PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	uintptr_t a;

	if (p == MAP_FAILED)
		return NULL;
	a = ((uintptr_t)p + (2u << 20) - 1) & ~(uintptr_t)((2u << 20) - 1);
	memset((void *)a, 0x5a, len);
	return (void *)a;
}

/* Capture the log while @fn-like steps run: begin, then end. */
static char *log_buf;
static size_t log_len;
static FILE *log_f;

int
log_begin(void)
{
	free(log_buf);
	log_buf = NULL;
	log_f = open_memstream(&log_buf, &log_len);
	if (log_f == NULL)
		return -1;
	rte_openlog_stream(log_f);
	return 0;
}

const char *
log_end(void)
{
	rte_openlog_stream(NULL);
	if (log_f != NULL)
		fclose(log_f);
	log_f = NULL;
	return log_buf != NULL ? log_buf : "";
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
	void *va = anon_mem(2u << 20);

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
	const char *log;
	void *va;
	int fd = -1, ret;
	unsigned int i;

	va = anon_mem(2u << 20);
	TEST_ASSERT(va != NULL, "mmap");
	for (i = 0; i < RTE_DIM(iovas); i++)
		iovas[i] = (1ull << 52) + i * pg;
	TEST_ASSERT_SUCCESS(rte_malloc_heap_create("far"), "heap");
	TEST_ASSERT_SUCCESS(rte_malloc_heap_memory_add("far", va, len, iovas, RTE_DIM(iovas), pg),
			    "memory add: %s", rte_strerror(rte_errno));
	TEST_ASSERT(log_begin() == 0, "memstream");
	ret = rte_vfio_setup_device(SYSFS_PCI, NIC0, &fd, &info);
	log = log_end();
	rte_malloc_heap_memory_remove("far", va, len);
	rte_malloc_heap_destroy("far");
	printf("# log: %s", strstr(log, "cannot be used") != NULL ? strstr(log, "cannot be used") : "(none)\n");
	TEST_ASSERT_EQUAL(ret, -1, "setup must fail");
	TEST_ASSERT_EQUAL(nb_devices(), 0, "nothing set up");
	TEST_ASSERT_CONTAINS(log, "has IOVA 0x10000000000000-0x10000000000fff (IOVA as VA), outside the IOMMU's usable IOVA ranges: 0x0-0xfedfffff, 0xfef00000-0xffffffffffff");
	TEST_ASSERT_CONTAINS(log, "0000:00:02.0: cannot be used over iommufd: DPDK's memory lies outside the IOMMU's usable addresses");
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
	uint64_t va = (uintptr_t)anon_mem(2u << 20);

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

static int
test_custom_container(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	struct rte_bus_iommufd_caps c0, c1;
	uint64_t va = (uintptr_t)anon_mem(2u << 20);
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
