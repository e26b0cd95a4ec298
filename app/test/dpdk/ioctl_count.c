/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Counts the DMA map and unmap requests a process makes, iommufd's and
 * type1's alike, for the benchmarks. Defines ioctl(): loaded ahead of libc
 * (linked, or in LD_PRELOAD), it sees the calls of EAL and of the adapter
 * through their PLT and forwards them to libc's. Only requests that
 * succeeded count: lib/iommufd probes IOMMU_IOAS_MAP_FILE with an invalid
 * argument when it opens /dev/iommu, which maps nothing.
 *
 * Also the time spent in them, from before the call to its return, as wall
 * time (CLOCK_MONOTONIC) and as the calling thread's CPU time
 * (CLOCK_THREAD_CPUTIME_ID): a thread inside an ioctl runs in the kernel,
 * so the latter is the kernel's CPU time for the requests, at nanosecond
 * resolution (/proc's stime counts in ticks). Failed requests' time counts
 * too (they are rare: the probe above).
 *
 * With IOCTL_COUNT_REPORT set in the environment, the totals are printed
 * to stderr at exit: "IOCTL_COUNT map=N unmap=N".
 */

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <time.h>

#include "ioctl_count.h"

/* Request numbers of <linux/iommufd.h> and <linux/vfio.h>, type ';'. */
#define REQ_IOAS_MAP 0x3b85
#define REQ_IOAS_UNMAP 0x3b86
#define REQ_IOAS_MAP_FILE 0x3b8f
#define REQ_TYPE1_MAP 0x3b71
#define REQ_TYPE1_UNMAP 0x3b72

static uint64_t n_map, n_unmap, n_map_file;
static uint64_t ns_map, ns_unmap, cpu_map, cpu_unmap;

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

int
ioctl(int fd, unsigned long req, ...)
{
	static int (*real)(int, unsigned long, ...);
	uint64_t t0 = 0, c0 = 0, *ns = NULL, *cpu = NULL;
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (real == NULL)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	switch (req & 0xffff) {
	case REQ_IOAS_MAP:
	case REQ_IOAS_MAP_FILE:
	case REQ_TYPE1_MAP:
		ns = &ns_map;
		cpu = &cpu_map;
		break;
	case REQ_IOAS_UNMAP:
	case REQ_TYPE1_UNMAP:
		ns = &ns_unmap;
		cpu = &cpu_unmap;
		break;
	}
	if (ns != NULL) {
		t0 = clock_ns(CLOCK_MONOTONIC);
		c0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	}
	ret = real(fd, req, arg);
	if (ns != NULL) {
		__atomic_fetch_add(cpu, clock_ns(CLOCK_THREAD_CPUTIME_ID) - c0, __ATOMIC_RELAXED);
		__atomic_fetch_add(ns, clock_ns(CLOCK_MONOTONIC) - t0, __ATOMIC_RELAXED);
	}
	if (ret != 0)
		return ret;
	switch (req & 0xffff) {
	case REQ_IOAS_MAP_FILE:
		__atomic_fetch_add(&n_map_file, 1, __ATOMIC_RELAXED);
		/* fall through */
	case REQ_IOAS_MAP:
	case REQ_TYPE1_MAP:
		__atomic_fetch_add(&n_map, 1, __ATOMIC_RELAXED);
		break;
	case REQ_IOAS_UNMAP:
	case REQ_TYPE1_UNMAP:
		__atomic_fetch_add(&n_unmap, 1, __ATOMIC_RELAXED);
		break;
	}
	return ret;
}

uint64_t
ioctl_count_maps(void)
{
	return __atomic_load_n(&n_map, __ATOMIC_RELAXED);
}

uint64_t
ioctl_count_unmaps(void)
{
	return __atomic_load_n(&n_unmap, __ATOMIC_RELAXED);
}

uint64_t
ioctl_count_map_files(void)
{
	return __atomic_load_n(&n_map_file, __ATOMIC_RELAXED);
}

uint64_t
ioctl_count_map_ns(void)
{
	return __atomic_load_n(&ns_map, __ATOMIC_RELAXED);
}

uint64_t
ioctl_count_unmap_ns(void)
{
	return __atomic_load_n(&ns_unmap, __ATOMIC_RELAXED);
}

uint64_t
ioctl_count_map_cpu_ns(void)
{
	return __atomic_load_n(&cpu_map, __ATOMIC_RELAXED);
}

uint64_t
ioctl_count_unmap_cpu_ns(void)
{
	return __atomic_load_n(&cpu_unmap, __ATOMIC_RELAXED);
}

static void __attribute__((destructor))
ioctl_count_report(void)
{
	if (getenv("IOCTL_COUNT_REPORT") != NULL)
		fprintf(stderr, "IOCTL_COUNT map=%llu unmap=%llu\n",
			(unsigned long long)ioctl_count_maps(),
			(unsigned long long)ioctl_count_unmaps());
}
