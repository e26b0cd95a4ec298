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
 * With IOCTL_COUNT_REPORT set in the environment, the totals are printed
 * to stderr at exit: "IOCTL_COUNT map=N unmap=N".
 */

#include <dlfcn.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>

#include "ioctl_count.h"

/* Request numbers of <linux/iommufd.h> and <linux/vfio.h>, type ';'. */
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
	int ret;

	va_start(ap, req);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (real == NULL)
		real = (int (*)(int, unsigned long, ...))dlsym(RTLD_NEXT, "ioctl");
	ret = real(fd, req, arg);
	if (ret != 0)
		return ret;
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

static void __attribute__((destructor))
ioctl_count_report(void)
{
	if (getenv("IOCTL_COUNT_REPORT") != NULL)
		fprintf(stderr, "IOCTL_COUNT map=%llu unmap=%llu\n",
			(unsigned long long)ioctl_count_maps(),
			(unsigned long long)ioctl_count_unmaps());
}
