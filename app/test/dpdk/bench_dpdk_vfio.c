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

#define SYSFS_PCI "/sys/bus/pci/devices"
#define NIC0 "0000:00:02.0"

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
	struct rte_bus_iommufd_stats st0, st1;
	double t0, t_init, t_setup, t_alloc = 0, t_free = 0, t_map = 0, t_unmap = 0;
	size_t len = (size_t)mb << 20;
	unsigned int r;
	void *ext;
	int fd;

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
	rte_bus_iommufd_stats_get(&st0);
	for (r = 0; r < rounds; r++) {
		void *p;

		t0 = now_ms();
		p = rte_malloc(NULL, len, 0);
		t_alloc += now_ms() - t0;
		if (p == NULL) {
			printf("rte_malloc(%u MiB) failed\n", mb);
			return 1;
		}
		t0 = now_ms();
		rte_free(p);
		t_free += now_ms() - t0;
	}
	rte_bus_iommufd_stats_get(&st1);
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
	printf("RESULT eal_init_ms=%.1f setup_ms=%.1f alloc_ms=%.1f free_ms=%.1f "
	       "extmap_ms=%.1f extunmap_ms=%.1f map_calls=%lld unmap_calls=%lld\n",
	       t_init, t_setup, t_alloc / rounds, t_free / rounds, t_map / rounds,
	       t_unmap / rounds,
	       rte_bus_iommufd_mode() == RTE_BUS_IOMMUFD_MODE_IOMMUFD ?
			(long long)((st1.map_calls - st0.map_calls) / rounds) : -1LL,
	       rte_bus_iommufd_mode() == RTE_BUS_IOMMUFD_MODE_IOMMUFD ?
			(long long)((st1.unmap_calls - st0.unmap_calls) / rounds) : -1LL);
	rte_vfio_release_device(SYSFS_PCI, NIC0, fd);
	rte_eal_cleanup();
	return 0;
}

int
main(int argc, char **argv)
{
	const char *modes[] = { "iommufd", "type1" };
	unsigned int mb = 128, rounds = 5, i;
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
				ok = true;
			} else {
				printf("#   %s", line);
			}
		}
		ok = pclose(f) == 0 && ok;
		printf("%s %u - %s\n", ok ? "ok" : "not ok", i + 1, modes[i]);
		failed += !ok;
	}
	return failed ? 1 : 0;
}
