/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Cases that run this program again as a child: the mode selection
 * (RTE_IOMMUFD_MODE, RTE_IOMMUFD_DEV; --child) and the granularity of the
 * mappings of DPDK memory under other EAL arguments (--child-mem).
 */

#include <limits.h>
#include <linux/vfio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_vfio.h>

#include <rte_bus_iommufd.h>

#include "test.h"
#include "test_dpdk_vfio.h"

/* Run @cmd; its output in @out, its wait status, -1 if it did not start. */
static int
run_cmd(const char *cmd, char *out, size_t len)
{
	size_t n = 0;
	FILE *f;

	f = popen(cmd, "r");
	if (f == NULL)
		return -1;
	while (n + 1 < len && fgets(out + n, len - n, f) != NULL)
		n += strlen(out + n);
	out[n] = '\0';
	return pclose(f);
}

/* ------------------------------------------------------------------ */
/* Mode selection, in child processes                                  */
/* ------------------------------------------------------------------ */

/* Run "self --child" with @env prepended; its exit status and output. */
static int
run_child(const char *env, char *out, size_t len)
{
	char cmd[PATH_MAX + 256];
	int st;

	snprintf(cmd, sizeof(cmd), "env %s %s --child 2>&1", env, self);
	st = run_cmd(cmd, out, len);
	return st != -1 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

int
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

int
test_mode_forced_type1(void)
{
	static char out[16384];

	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=type1", out, sizeof(out)), 0, "%s", out);
	TEST_ASSERT_CONTAINS(out, "RTE_IOMMUFD_MODE=type1: using the legacy VFIO type1 container of EAL (forced)");
	TEST_ASSERT_CONTAINS(out, "child: mode 2");
	return TEST_SUCCESS;
}

int
test_mode_bad_value(void)
{
	static char out[16384];

	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=iommu", out, sizeof(out)), 1, "%s", out);
	TEST_ASSERT_CONTAINS(out, "unknown value \"iommu\"; expected auto, iommufd or type1");
	return TEST_SUCCESS;
}

int
test_mode_forced_impossible(void)
{
	static char out[16384];

	TEST_ASSERT_EQUAL(run_child("RTE_IOMMUFD_MODE=iommufd RTE_IOMMUFD_DEV=/nonexistent",
				    out, sizeof(out)), 1, "%s", out);
	TEST_ASSERT_CONTAINS(out, "iommufd was requested but cannot be used: no /nonexistent");
	return TEST_SUCCESS;
}

int
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
int
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

	snprintf(cmd, sizeof(cmd), "%s --child-mem %s 2>&1", self, conf);
	if (run_cmd(cmd, out, len) != 0)
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
int
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
int
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
int
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
int
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
