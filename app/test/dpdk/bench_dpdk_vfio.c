/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * DMA mapping cost of DPDK 22.11 over iommufd (this adapter) and over EAL's
 * type1 container, measured the way DPDK incurs it:
 * - rte_eal_init() (includes rte_vfio_enable());
 * - the first rte_vfio_setup_device() (attach, map all DPDK memory);
 * - heap growth by rte_malloc() (memory ALLOC events: one map per page);
 * - heap shrink by rte_free() (FREE events: unmaps);
 * - rte_vfio_container_dma_map/unmap() of external memory.
 *
 * Runs as root inside the test guest with the adapter preloaded; each mode
 * runs in its own child process. Under TCG the absolute numbers mean
 * little; compare the modes.
 *
 * The map and unmap ioctls are counted in this process: the executable
 * defines ioctl(), which interposes the calls of EAL and of the adapter
 * (through their PLT) and forwards them to libc's. Per mode it prints the
 * startup time (EAL init to the device set up, all DPDK memory mapped), the
 * ioctls and time to map N MiB (default 256) of hugepages by heap growth,
 * then one ratio line per metric, iommufd over type1, against its target.
 *
 *   run-vm.sh --env LD_PRELOAD=<lib> -- bench_dpdk_vfio [--mb N] [--rounds N]
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdarg.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_vfio.h>

#include <rte_bus_iommufd.h>

#define SYSFS_PCI "/sys/bus/pci/devices"
#define NIC0 "0000:00:02.0"

/* Map and unmap requests of iommufd and of type1 (linux/iommufd.h, vfio.h). */
#define REQ_IOAS_MAP 0x3b85
#define REQ_IOAS_UNMAP 0x3b86
#define REQ_IOAS_MAP_FILE 0x3b8f
#define REQ_TYPE1_MAP 0x3b71
#define REQ_TYPE1_UNMAP 0x3b72

static uint64_t n_map, n_unmap;

int
ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	va_list ap;
	void *arg;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (real == NULL)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	switch (req & 0xffff) {
	case REQ_IOAS_MAP:
	case REQ_IOAS_MAP_FILE:
	case REQ_TYPE1_MAP:
		__atomic_fetch_add(&n_map, 1, __ATOMIC_RELAXED);
		break;
	case REQ_IOAS_UNMAP:
	case REQ_TYPE1_UNMAP:
		__atomic_fetch_add(&n_unmap, 1, __ATOMIC_RELAXED);
		break;
	}
	return real(fd, req, arg);
}

static uint64_t
maps(void)
{
	return __atomic_load_n(&n_map, __ATOMIC_RELAXED);
}

static uint64_t
unmaps(void)
{
	return __atomic_load_n(&n_unmap, __ATOMIC_RELAXED);
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
child(char *self, unsigned int mb, unsigned int rounds)
{
	char *argv[] = { self, "-l", "0", "-n", "1", "--in-memory", "--no-pci",
		"--log-level=bus.iommufd:warning", "--log-level=eal:warning", NULL };
	struct vfio_device_info info = { .argsz = sizeof(info) };
	double t0, t_init, t_setup, t_alloc = 0, t_free = 0, t_map = 0, t_unmap = 0;
	uint64_t m0, u0, start_maps, start_unmaps, alloc_maps = 0, free_unmaps = 0;
	size_t len = (size_t)mb << 20;
	unsigned int r;
	void *ext;
	int fd;

	m0 = maps();
	u0 = unmaps();
	t0 = now_ms();
	if (rte_eal_init(RTE_DIM(argv) - 1, argv) < 0) {
		printf("rte_eal_init failed: %s\n", rte_strerror(rte_errno));
		return 1;
	}
	t_init = now_ms() - t0;
	t0 = now_ms();
	if (rte_vfio_setup_device(SYSFS_PCI, NIC0, &fd, &info) != 0) {
		printf("setup of %s failed\n", NIC0);
		return 1;
	}
	t_setup = now_ms() - t0;
	start_maps = maps() - m0;
	start_unmaps = unmaps() - u0;
	for (r = 0; r < rounds; r++) {
		void *p;

		m0 = maps();
		t0 = now_ms();
		p = rte_malloc(NULL, len, 0);
		t_alloc += now_ms() - t0;
		alloc_maps += maps() - m0;
		if (p == NULL) {
			printf("rte_malloc(%u MiB) failed\n", mb);
			return 1;
		}
		u0 = unmaps();
		t0 = now_ms();
		rte_free(p);
		t_free += now_ms() - t0;
		free_unmaps += unmaps() - u0;
	}
	ext = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE,
		   -1, 0);
	if (ext == MAP_FAILED)
		return 1;
	for (r = 0; r < rounds; r++) {
		t0 = now_ms();
		if (rte_vfio_container_dma_map(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)ext,
					       1ull << 30, len) != 0) {
			printf("dma_map failed: %s\n", rte_strerror(rte_errno));
			return 1;
		}
		t_map += now_ms() - t0;
		t0 = now_ms();
		rte_vfio_container_dma_unmap(RTE_VFIO_DEFAULT_CONTAINER_FD, (uintptr_t)ext,
					     1ull << 30, len);
		t_unmap += now_ms() - t0;
	}
	printf("RESULT startup_ms=%.1f eal_init_ms=%.1f setup_ms=%.1f start_maps=%llu "
	       "start_unmaps=%llu alloc_ms=%.1f alloc_maps=%llu free_ms=%.1f free_unmaps=%llu "
	       "extmap_ms=%.1f extunmap_ms=%.1f\n",
	       t_init + t_setup, t_init, t_setup, (unsigned long long)start_maps,
	       (unsigned long long)start_unmaps, t_alloc / rounds,
	       (unsigned long long)(alloc_maps / rounds), t_free / rounds,
	       (unsigned long long)(free_unmaps / rounds), t_map / rounds, t_unmap / rounds);
	rte_vfio_release_device(SYSFS_PCI, NIC0, fd);
	rte_eal_cleanup();
	return 0;
}

/* Print "RATIO name value (target op limit) met|MISSED", iommufd/type1. */
static void
ratio(const char *name, double fd, double t1, bool at_most, double limit)
{
	double r;

	if (t1 <= 0) {
		printf("# RATIO %s n/a (type1 %.1f)\n", name, t1);
		return;
	}
	r = fd / t1;
	printf("# RATIO %s %.3f (iommufd %.1f, type1 %.1f; target %s %.3f) %s\n", name, r,
	       fd, t1, at_most ? "<=" : ">=", limit,
	       (at_most ? r <= limit : r >= limit) ? "met" : "MISSED");
}

int
main(int argc, char **argv)
{
	const char *modes[] = { "iommufd", "type1" };
	unsigned int mb = 256, rounds = 3, i;
	double v[2][5] = { { 0 } };
	char self[PATH_MAX], cmd[PATH_MAX + 128], line[512];
	int failed = 0;
	ssize_t n;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--mb") == 0 && i + 1 < (unsigned int)argc)
			mb = atoi(argv[++i]);
		else if (strcmp(argv[i], "--rounds") == 0 && i + 1 < (unsigned int)argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--child") == 0)
			return child(self, mb, rounds ? rounds : 1);
	}
	if (mb == 0 || rounds == 0) {
		fprintf(stderr, "usage: %s [--mb N] [--rounds N]\n", argv[0]);
		return 2;
	}
	printf("1..%u\n# %u MiB per allocation, %u rounds, 2 MiB hugepages\n",
	       (unsigned int)RTE_DIM(modes), mb, rounds);
	/* Warm the page cache (libraries over 9p in the guest) first. */
	snprintf(cmd, sizeof(cmd), "%s --child --mb 2 --rounds 1 >/dev/null 2>&1", self);
	if (system(cmd) != 0)
		printf("# warm-up run failed\n");
	for (i = 0; i < RTE_DIM(modes); i++) {
		bool ok = false;
		FILE *f;

		snprintf(cmd, sizeof(cmd), "env RTE_IOMMUFD_MODE=%s %s --child --mb %u --rounds %u 2>&1",
			 modes[i], self, mb, rounds);
		f = popen(cmd, "r");
		if (f == NULL)
			return 1;
		while (fgets(line, sizeof(line), f) != NULL) {
			if (strncmp(line, "RESULT ", 7) == 0) {
				printf("# %-8s %s", modes[i], line + 7);
				ok = sscanf(line, "RESULT startup_ms=%lf eal_init_ms=%*f "
					    "setup_ms=%*f start_maps=%lf start_unmaps=%*f "
					    "alloc_ms=%lf alloc_maps=%lf free_ms=%*f "
					    "free_unmaps=%lf", &v[i][0], &v[i][1], &v[i][2],
					    &v[i][3], &v[i][4]) == 5;
			} else {
				printf("#   %s", line);
			}
		}
		ok = pclose(f) == 0 && ok;
		printf("%s %u - %s\n", ok ? "ok" : "not ok", i + 1, modes[i]);
		failed += !ok;
	}
	if (failed == 0) {
		ratio("startup", v[0][0], v[1][0], true, 1.0);
		ratio("startup_map_ioctls", v[0][1], v[1][1], true, 0.125);
		ratio("map_ioctls", v[0][3], v[1][3], true, 0.125);
		ratio("map_ms", v[0][2], v[1][2], true, 1.0);
		ratio("unmap_ioctls", v[0][4], v[1][4], true, 0.125);
	}
	return failed ? 1 : 0;
}
