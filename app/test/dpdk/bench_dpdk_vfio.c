/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * DMA mapping cost of DPDK 22.11 over iommufd (this adapter) and over EAL's
 * type1 container, measured the way DPDK incurs it:
 * - rte_eal_init() (includes rte_vfio_enable());
 * - the first rte_vfio_setup_device() (attach, map all DPDK memory);
 * - heap growth by rte_malloc() (memory ALLOC events);
 * - heap shrink by rte_free() (FREE events: unmaps);
 * - rte_vfio_container_dma_map/unmap() of external memory.
 *
 * Runs as root inside the test guest with the adapter preloaded; each mode
 * runs in its own child process. Under TCG the absolute numbers mean
 * little; compare the modes.
 *
 * The map and unmap ioctls that succeeded are counted in this process by
 * ioctl_count.c, linked ahead of libc. Three EAL
 * configurations, each run over both modes:
 *   prealloc  -m N: N MiB (default 256) of hugepages preallocated at
 *             startup; the startup time (EAL init to the device set up, all
 *             DPDK memory mapped) and its map ioctls;
 *   match     --match-allocations: the ioctls and time to map N MiB of
 *             hugepages by heap growth (rte_malloc) and unmap them (rte_free);
 *   default   the same heap growth without it: one mapping per page in both
 *             modes, since EAL may then free part of an allocation (see
 *             iommufd_mem.c); printed without a target.
 * Each configuration and mode runs REPEAT times (default 5, modes in
 * alternating order); the figures are medians. Then one ratio line per
 * metric, iommufd over type1, against its target. DPDK 22.11's type1 code
 * maps memory present at startup in IOVA-contiguous chunks when IOVA is VA
 * (and then cannot unmap part of a chunk); here only preallocated pages
 * are coalesced at startup, so the startup target is "no more than type1".
 *
 *   run-vm.sh --env LD_PRELOAD=<lib> -- bench_dpdk_vfio [--mb N] [--rounds N]
 */

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_vfio.h>

#include <rte_bus_iommufd.h>

#include "ioctl_count.h"

#define SYSFS_PCI "/sys/bus/pci/devices"
#define NIC0 "0000:00:02.0"

static uint64_t
maps(void)
{
	return ioctl_count_maps();
}

static uint64_t
unmaps(void)
{
	return ioctl_count_unmaps();
}

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* EAL configurations (see the top of the file). */
enum config { CONF_PREALLOC, CONF_MATCH, CONF_DEFAULT, CONF_NUM };
static const char *const config_names[CONF_NUM] = { "prealloc", "match", "default" };

static int
child(char *self, unsigned int mb, unsigned int rounds, enum config conf)
{
	char mem[16];
	char *argv[16] = { self, "-l", "0", "-n", "1", "--in-memory", "--no-pci",
		(getenv("BENCH_DEBUG") ? "--log-level=bus.iommufd:debug" : "--log-level=bus.iommufd:warning"), "--log-level=eal:warning" };
	int argc = 9;
	struct vfio_device_info info = { .argsz = sizeof(info) };
	double t0, t_init, t_setup, t_alloc = 0, t_free = 0, t_map = 0, t_unmap = 0;
	uint64_t m0, u0, start_maps, start_unmaps, alloc_maps = 0, free_unmaps = 0;
	size_t len = (size_t)mb << 20;
	unsigned int r;
	void *ext;
	int fd;

	if (conf == CONF_PREALLOC) {
		snprintf(mem, sizeof(mem), "%u", mb);
		argv[argc++] = "-m";
		argv[argc++] = mem;
	} else if (conf == CONF_MATCH) {
		argv[argc++] = "--match-allocations";
	}
	argv[argc] = NULL;
	m0 = maps();
	u0 = unmaps();
	t0 = now_ms();
	if (rte_eal_init(argc, argv) < 0) {
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
	/* With N MiB preallocated, the guest has no hugepages left to grow. */
	for (r = 0; r < rounds && conf != CONF_PREALLOC; r++) {
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

/*
 * Print "RATIO name value (target op limit) met|MISSED", iommufd/type1; a
 * negative limit: no target.
 */
static void
ratio(const char *name, double fd, double t1, bool at_most, double limit)
{
	double r;

	if (t1 <= 0) {
		printf("# RATIO %s n/a (type1 %.1f)\n", name, t1);
		return;
	}
	r = fd / t1;
	if (limit < 0) {
		printf("# RATIO %s %.3f (iommufd %.1f, type1 %.1f; no target)\n", name, r, fd, t1);
		return;
	}
	printf("# RATIO %s %.3f (iommufd %.1f, type1 %.1f; target %s %.3f) %s\n", name, r,
	       fd, t1, at_most ? "<=" : ">=", limit,
	       (at_most ? r <= limit : r >= limit) ? "met" : "MISSED");
}

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, unsigned int n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

#define REPEAT_MAX 9
#define NMETRICS 5

int
main(int argc, char **argv)
{
	const char *modes[] = { "iommufd", "type1" };
	unsigned int mb = 256, rounds = 3, repeat = 5, i, c, k, rep, test = 0;
	/* [config][mode][metric][repetition]; metrics: startup_ms, start_maps,
	 * alloc_ms, alloc_maps, free_unmaps */
	static double v[CONF_NUM][2][NMETRICS][REPEAT_MAX];
	double med[CONF_NUM][2][NMETRICS];
	char self[PATH_MAX], cmd[PATH_MAX + 160], line[512];
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
		else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < (unsigned int)argc)
			repeat = atoi(argv[++i]);
		else if (strcmp(argv[i], "--child") == 0 && i + 1 < (unsigned int)argc)
			return child(self, mb, rounds ? rounds : 1,
				     (enum config)atoi(argv[++i]) % CONF_NUM);
	}
	if (mb == 0 || rounds == 0 || repeat == 0 || repeat > REPEAT_MAX) {
		fprintf(stderr, "usage: %s [--mb N] [--rounds N] [--repeat 1..%d]\n", argv[0],
			REPEAT_MAX);
		return 2;
	}
	printf("1..%u\n# %u MiB, %u rounds, %u repetitions, 2 MiB hugepages\n",
	       (unsigned int)(RTE_DIM(modes) * CONF_NUM) * repeat, mb, rounds, repeat);
	/*
	 * Warm up: the page cache (libraries over 9p in the guest) and the
	 * guest's hugepages (under TCG, the first touch of guest memory costs
	 * the host a page fault per page): one unmeasured run per configuration.
	 */
	for (c = 0; c < CONF_NUM; c++) {
		snprintf(cmd, sizeof(cmd), "%s --mb %u --rounds 1 --child %u >/dev/null 2>&1",
			 self, mb, c);
		if (system(cmd) != 0)
			printf("# warm-up run of %s failed\n", config_names[c]);
	}
	for (rep = 0; rep < repeat; rep++) {
		for (c = 0; c < CONF_NUM; c++) {
			for (k = 0; k < RTE_DIM(modes); k++) {
				/* Alternate which mode goes first. */
				unsigned int m = (k + rep) % RTE_DIM(modes);
				double *x[NMETRICS];
				bool ok = false;
				FILE *f;

				for (i = 0; i < NMETRICS; i++)
					x[i] = &v[c][m][i][rep];
				snprintf(cmd, sizeof(cmd),
					 "env RTE_IOMMUFD_MODE=%s %s --mb %u --rounds %u --child %u 2>&1",
					 modes[m], self, mb, rounds, c);
				f = popen(cmd, "r");
				if (f == NULL)
					return 1;
				while (fgets(line, sizeof(line), f) != NULL) {
					if (strncmp(line, "RESULT ", 7) == 0) {
						printf("# %-8s %-8s %s", config_names[c], modes[m],
						       line + 7);
						ok = sscanf(line, "RESULT startup_ms=%lf eal_init_ms=%*f "
							    "setup_ms=%*f start_maps=%lf "
							    "start_unmaps=%*f alloc_ms=%lf "
							    "alloc_maps=%lf free_ms=%*f free_unmaps=%lf",
							    x[0], x[1], x[2], x[3], x[4]) == 5;
					} else {
						printf("#   %s", line);
					}
				}
				ok = pclose(f) == 0 && ok;
				printf("%s %u - %s %s\n", ok ? "ok" : "not ok", ++test,
				       config_names[c], modes[m]);
				failed += !ok;
			}
		}
	}
	if (failed != 0)
		return 1;
	for (c = 0; c < CONF_NUM; c++)
		for (k = 0; k < RTE_DIM(modes); k++)
			for (i = 0; i < NMETRICS; i++)
				med[c][k][i] = median(v[c][k][i], repeat);
	ratio("startup", med[CONF_PREALLOC][0][0], med[CONF_PREALLOC][1][0], true, 1.0);
	ratio("startup_map_ioctls", med[CONF_PREALLOC][0][1], med[CONF_PREALLOC][1][1], true,
	      1.0);
	ratio("map_ioctls", med[CONF_MATCH][0][3], med[CONF_MATCH][1][3], true, 0.125);
	ratio("map_ms", med[CONF_MATCH][0][2], med[CONF_MATCH][1][2], true, 1.0);
	ratio("unmap_ioctls", med[CONF_MATCH][0][4], med[CONF_MATCH][1][4], true, 0.125);
	ratio("map_ioctls_per_page", med[CONF_DEFAULT][0][3], med[CONF_DEFAULT][1][3], true,
	      -1);
	return 0;
}
