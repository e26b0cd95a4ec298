/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * DMA mappings checked against the kernel's own view of the default
 * container's IOAS: overlapping maps refused, unmaps that would cut a
 * mapping refused (where the kernel alone unmaps part and fails), and
 * heap growth and shrink mapping and unmapping DPDK memory.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include <rte_errno.h>
#include <rte_malloc.h>
#include <rte_vfio.h>

#include <rte_bus_iommufd.h>

#include "test.h"
#include "test_dpdk_vfio.h"

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

/*
 * A map that partly overlaps an existing mapping is refused (EEXIST, both
 * ranges named) and changes nothing; a range already mapped to the same
 * memory is accepted, as EAL accepts EEXIST.
 */
int
test_map_overlap(void)
{
	const int def = RTE_VFIO_DEFAULT_CONTAINER_FD;
	const uint64_t iova = 0x40000000, M = 1u << 20;
	struct rte_bus_iommufd_stats s0, s1;
	uint64_t va = (uintptr_t)anon_mem(8u << 20), pva, piova;
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
int
test_unmap_cut(void)
{
	const int def = RTE_VFIO_DEFAULT_CONTAINER_FD;
	const uint64_t iova = 0x40000000, M = 1u << 20;
	uint64_t va = (uintptr_t)anon_mem(8u << 20), len_out = 0;
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
int
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
