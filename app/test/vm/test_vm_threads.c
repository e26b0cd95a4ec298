/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * lib/iommufd used concurrently, against the real kernel. Runs as root
 * inside the test VM; also built with ThreadSanitizer and run under
 * valgrind by devtools/robustness.sh.
 *   - several threads map and unmap disjoint IOVA ranges of one IOAS whose
 *     page table belongs to a VFIO device, while another queries the
 *     usable ranges; every error message stays with its thread;
 *   - several threads allocate and free HWPTs for one device while
 *     another replaces the RID's page table with a HWPT of its own (the
 *     context's HWPT registry is shared);
 *   - several threads each open a context of their own and use it;
 *   - two processes, each with a context and one of the two NICs, map and
 *     unmap at the same time, and neither can take the other's device.
 *
 * Usage: test_vm_threads [BDF0 [BDF1]]   (default 0000:00:02.0 0000:00:03.0)
 */

#include <errno.h>
#include <inttypes.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rte_iommufd.h"
#include "test.h"

#define NTHREADS 4
#define ITERS 64
#define SLOTS 4				/* IOVA slots per thread */
#define BUF_LEN (16 * 4096ul)
#define IOVA_BASE (1ull << 32)
#define IOVA_STRIDE (1ull << 28)	/* per thread */

static const char *bdf0 = "0000:00:02.0";
static const char *bdf1 = "0000:00:03.0";

static struct rte_iommufd *ctx;
static struct rte_iommufd_ioas *ioas;
static struct rte_iommufd_device *dev;
static pthread_barrier_t barrier;

static int
setup(void)
{
	if (rte_iommufd_open(&ctx) < 0 || rte_iommufd_ioas_alloc(ctx, &ioas) < 0 ||
	    rte_iommufd_device_open(ctx, bdf0, NULL, &dev) < 0 ||
	    rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL) < 0) {
		printf("# setup: %s\n", rte_iommufd_last_error());
		return TEST_FAILED;
	}
	return TEST_SUCCESS;
}

static void
teardown(void)
{
	rte_iommufd_device_close(dev);
	dev = NULL;
	if (rte_iommufd_ioas_free(ioas) < 0)
		printf("# teardown: %s\n", rte_iommufd_last_error());
	ioas = NULL;
	rte_iommufd_close(ctx);
	ctx = NULL;
}

struct worker {
	pthread_t tid;
	unsigned int idx;
	void *buf;
	int (*fn)(struct worker *w);
	char failure[256];	/* first failure, "" if none */
	unsigned long ops;
};

#define WFAIL(w, ...) do { \
	snprintf((w)->failure, sizeof((w)->failure), __VA_ARGS__); \
	return -1; \
} while (0)

static void *
worker_main(void *arg)
{
	struct worker *w = arg;

	pthread_barrier_wait(&barrier);
	w->fn(w);
	return NULL;
}

/* Start @n workers running @fn, wait for all, report the first failure. */
static int
run_workers(struct worker *w, unsigned int n, int (*fn)(struct worker *w))
{
	unsigned int i, started = 0;
	int ret = TEST_SUCCESS;

	TEST_ASSERT_SUCCESS(pthread_barrier_init(&barrier, NULL, n), "barrier");
	for (i = 0; i < n; i++) {
		w[i].idx = i;
		w[i].fn = fn;
		w[i].failure[0] = '\0';
		w[i].ops = 0;
		if (pthread_create(&w[i].tid, NULL, worker_main, &w[i]) != 0)
			break;
		started++;
	}
	if (started != n) {
		/* The barrier would never open: nothing can be joined safely. */
		printf("# pthread_create failed after %u threads\n", started);
		abort();
	}
	for (i = 0; i < n; i++)
		pthread_join(w[i].tid, NULL);
	pthread_barrier_destroy(&barrier);
	for (i = 0; i < n; i++) {
		if (w[i].failure[0] != '\0') {
			printf("# thread %u: %s\n", i, w[i].failure);
			ret = TEST_FAILED;
		}
	}
	return ret;
}

/* ---------------------------------------------------------------- */

static int
map_unmap_worker(struct worker *w)
{
	uint64_t base = IOVA_BASE + w->idx * IOVA_STRIDE, iova, unmapped;
	char want[64];
	unsigned int i;
	int ret;

	for (i = 0; i < ITERS; i++) {
		iova = base + (i % SLOTS) * BUF_LEN;
		ret = rte_iommufd_ioas_map(ioas, w->buf, BUF_LEN, &iova,
					   RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
		if (ret < 0)
			WFAIL(w, "map %u at 0x%" PRIx64 ": %s", i, iova, rte_iommufd_last_error());
		if (iova != base + (i % SLOTS) * BUF_LEN)
			WFAIL(w, "fixed map moved to 0x%" PRIx64, iova);
		/* A range nobody maps: this thread's message, not another's. */
		ret = rte_iommufd_ioas_unmap(ioas, base + IOVA_STRIDE / 2 + i * 4096ull, 4096,
					     NULL);
		if (ret != -ENOENT)
			WFAIL(w, "unmap of an unmapped range: %d", ret);
		snprintf(want, sizeof(want), "iova 0x%llx ",
			 (unsigned long long)(base + IOVA_STRIDE / 2 + i * 4096ull));
		if (strstr(rte_iommufd_last_error(), want) == NULL)
			WFAIL(w, "last error \"%s\" is not this thread's (%s)",
			      rte_iommufd_last_error(), want);
		unmapped = 0;
		ret = rte_iommufd_ioas_unmap(ioas, iova, BUF_LEN, &unmapped);
		if (ret < 0 || unmapped != BUF_LEN)
			WFAIL(w, "unmap %u at 0x%" PRIx64 ": %d, 0x%" PRIx64 " bytes: %s", i, iova,
			      ret, unmapped, rte_iommufd_last_error());
		w->ops += 3;
	}
	return 0;
}

static int
ranges_worker(struct worker *w)
{
	struct rte_iommufd_iova_range *r;
	uint32_t nr, i;
	int ret;

	for (i = 0; i < ITERS; i++) {
		r = NULL;
		ret = rte_iommufd_ioas_iova_ranges(ioas, &r, &nr, NULL);
		if (ret < 0)
			WFAIL(w, "iova ranges: %s", rte_iommufd_last_error());
		if (nr == 0 || r[0].start > IOVA_BASE)
			WFAIL(w, "%u ranges, first at 0x%" PRIx64, nr, nr ? r[0].start : 0);
		free(r);
		w->ops++;
	}
	return 0;
}

static int
mixed_worker(struct worker *w)
{
	return w->idx == NTHREADS ? ranges_worker(w) : map_unmap_worker(w);
}

static int
threads_map_unmap_one_ioas(void)
{
	struct worker w[NTHREADS + 1];
	uint64_t unmapped = 1;
	unsigned long ops = 0;
	unsigned int i;
	int ret;

	memset(w, 0, sizeof(w));
	for (i = 0; i <= NTHREADS; i++) {
		w[i].buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		TEST_ASSERT(w[i].buf != MAP_FAILED, "mmap");
		memset(w[i].buf, (int)i, BUF_LEN);
	}
	ret = run_workers(w, NTHREADS + 1, mixed_worker);
	for (i = 0; i <= NTHREADS; i++) {
		ops += w[i].ops;
		munmap(w[i].buf, BUF_LEN);
	}
	TEST_ASSERT_SUCCESS(ret, "a thread failed");
	printf("# %u threads: %lu operations\n", NTHREADS + 1, ops);
	TEST_ASSERT_EQUAL(ops, NTHREADS * ITERS * 3 + ITERS, "every operation ran");
	/* Every mapping was undone exactly once. */
	TEST_ASSERT_SUCCESS(rte_iommufd_ioas_unmap_all(ioas, &unmapped), "%s",
			    rte_iommufd_last_error());
	TEST_ASSERT_EQUAL(unmapped, 0, "nothing left mapped");
	return TEST_SUCCESS;
}

/* ---------------------------------------------------------------- */

static uint32_t replace_hwpt_id;
/* RTE_IOMMUFD_HWPT_ALLOC_PASID where the kernel has PASID attach, else 0. */
static uint32_t pasid_flag;

static int
hwpt_worker(struct worker *w)
{
	struct rte_iommufd_hwpt *h;
	unsigned int i;
	uint32_t got;
	int ret;

	for (i = 0; i < ITERS / 4; i++) {
		if (w->idx == 0) {
			/* Replace back and forth between the IOAS and a HWPT. */
			got = 0;
			ret = rte_iommufd_device_attach(dev, i % 2 ? rte_iommufd_ioas_id(ioas) :
							replace_hwpt_id, &got);
			if (ret < 0)
				WFAIL(w, "replace %u: %s", i, rte_iommufd_last_error());
			if (i % 2 == 0 && got != replace_hwpt_id)
				WFAIL(w, "replace %u: attached hwpt %u, not %u", i, got,
				      replace_hwpt_id);
			w->ops++;
			continue;
		}
		h = NULL;
		ret = rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas),
					     i % 2 ? pasid_flag : 0, &h);
		if (ret < 0)
			WFAIL(w, "hwpt alloc %u: %s", i, rte_iommufd_last_error());
		if (rte_iommufd_hwpt_id(h) == replace_hwpt_id)
			WFAIL(w, "hwpt id %u given twice", replace_hwpt_id);
		ret = rte_iommufd_hwpt_free(h);
		if (ret < 0)
			WFAIL(w, "hwpt free %u: %s", i, rte_iommufd_last_error());
		w->ops += 2;
	}
	return 0;
}

static int
threads_hwpt_alloc_free_and_replace(void)
{
	struct rte_iommufd_hwpt *h = NULL;
	struct worker w[NTHREADS];
	unsigned long ops = 0;
	unsigned int i;
	int ret;

	/* A kernel without PASID attach refuses ALLOC_PASID, naming itself. */
	pasid_flag = RTE_IOMMUFD_HWPT_ALLOC_PASID;
	if (!(rte_iommufd_features(ctx) & RTE_IOMMUFD_FEAT_PASID)) {
		TEST_ASSERT_EQUAL(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas),
							 RTE_IOMMUFD_HWPT_ALLOC_PASID, &h),
				  -EOPNOTSUPP, "ALLOC_PASID without PASID attach");
		TEST_ASSERT_CONTAINS(rte_iommufd_last_error(),
				     "kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)");
		pasid_flag = 0;
	}
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc(dev, rte_iommufd_ioas_id(ioas),
						   pasid_flag, &h),
			    "%s", rte_iommufd_last_error());
	replace_hwpt_id = rte_iommufd_hwpt_id(h);
	memset(w, 0, sizeof(w));
	ret = run_workers(w, NTHREADS, hwpt_worker);
	for (i = 0; i < NTHREADS; i++)
		ops += w[i].ops;
	TEST_ASSERT_SUCCESS(ret, "a thread failed");
	TEST_ASSERT_EQUAL(ops, ITERS / 4 + (NTHREADS - 1) * (ITERS / 4) * 2, "every operation ran");
	/* The last replace (odd) went back to the IOAS: the HWPT is free. */
	TEST_ASSERT(rte_iommufd_device_attached_hwpt(dev) != replace_hwpt_id, "RID off the HWPT");
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(h), "%s", rte_iommufd_last_error());
	/* Nothing but the device and its automatic page table is left. */
	TEST_ASSERT_EQUAL(rte_iommufd_destroy(ctx, replace_hwpt_id), -ENOENT, "gone");
	return TEST_SUCCESS;
}

/* ---------------------------------------------------------------- */

static int
own_context_worker(struct worker *w)
{
	struct rte_iommufd *c = NULL;
	struct rte_iommufd_ioas *a = NULL;
	uint64_t iova, unmapped;
	unsigned int i;
	int ret = 0;

	for (i = 0; i < ITERS / 8 && ret == 0; i++) {
		if (rte_iommufd_open(&c) < 0)
			WFAIL(w, "open: %s", rte_iommufd_last_error());
		if (rte_iommufd_ioas_alloc(c, &a) < 0) {
			snprintf(w->failure, sizeof(w->failure), "ioas: %s",
				 rte_iommufd_last_error());
			ret = -1;
		} else if (rte_iommufd_ioas_map(a, w->buf, BUF_LEN, &iova, RTE_IOMMUFD_MAP_RW) < 0 ||
			   rte_iommufd_ioas_unmap(a, iova, BUF_LEN, &unmapped) < 0 ||
			   unmapped != BUF_LEN) {
			snprintf(w->failure, sizeof(w->failure), "map/unmap: %s",
				 rte_iommufd_last_error());
			ret = -1;
		}
		if (a != NULL && rte_iommufd_ioas_free(a) < 0 && ret == 0) {
			snprintf(w->failure, sizeof(w->failure), "ioas free: %s",
				 rte_iommufd_last_error());
			ret = -1;
		}
		a = NULL;
		rte_iommufd_close(c);
		c = NULL;
		w->ops++;
	}
	return ret;
}

static int
threads_own_contexts(void)
{
	struct worker w[NTHREADS];
	unsigned long ops = 0;
	unsigned int i;
	int ret;

	memset(w, 0, sizeof(w));
	for (i = 0; i < NTHREADS; i++) {
		w[i].buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		TEST_ASSERT(w[i].buf != MAP_FAILED, "mmap");
		memset(w[i].buf, 1, BUF_LEN);
	}
	ret = run_workers(w, NTHREADS, own_context_worker);
	for (i = 0; i < NTHREADS; i++) {
		ops += w[i].ops;
		munmap(w[i].buf, BUF_LEN);
	}
	TEST_ASSERT_SUCCESS(ret, "a thread failed");
	TEST_ASSERT_EQUAL(ops, NTHREADS * (ITERS / 8), "every context was used");
	return TEST_SUCCESS;
}

/* ---------------------------------------------------------------- */

/*
 * One process's part: a context on @mine, a check that @theirs is taken,
 * then map/unmap at the same time as the other process. @to and @from
 * synchronise the two (one byte each way at each step).
 */
static int
process_part(const char *mine, const char *theirs, int to, int from, char *msg, size_t len)
{
	struct rte_iommufd_device *d = NULL, *other = NULL;
	struct rte_iommufd_ioas *a = NULL;
	struct rte_iommufd *c = NULL;
	uint64_t iova, unmapped;
	unsigned int i;
	char b = 'x';
	void *mem;
	int ret = -1;

	mem = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (mem == MAP_FAILED) {
		snprintf(msg, len, "mmap");
		return -1;
	}
	memset(mem, 3, BUF_LEN);
	if (rte_iommufd_open(&c) < 0 || rte_iommufd_ioas_alloc(c, &a) < 0 ||
	    rte_iommufd_device_open(c, mine, NULL, &d) < 0 ||
	    rte_iommufd_device_attach(d, rte_iommufd_ioas_id(a), NULL) < 0) {
		snprintf(msg, len, "%s: %s", mine, rte_iommufd_last_error());
		goto out;
	}
	/* Both hold their device: each one's is refused to the other. */
	if (write(to, &b, 1) != 1 || read(from, &b, 1) != 1) {
		snprintf(msg, len, "sync");
		goto out;
	}
	ret = rte_iommufd_device_open(c, theirs, NULL, &other);
	if (ret != -EBUSY) {
		snprintf(msg, len, "opening %s held by the other process: %d (%s)", theirs, ret,
			 rte_iommufd_last_error());
		rte_iommufd_device_close(other);
		ret = -1;
		goto out;
	}
	ret = -1;
	if (write(to, &b, 1) != 1 || read(from, &b, 1) != 1) {
		snprintf(msg, len, "sync");
		goto out;
	}
	for (i = 0; i < ITERS; i++) {
		iova = IOVA_BASE + (i % SLOTS) * BUF_LEN;
		if (rte_iommufd_ioas_map(a, mem, BUF_LEN, &iova,
					 RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW) < 0 ||
		    rte_iommufd_ioas_unmap(a, iova, BUF_LEN, &unmapped) < 0 ||
		    unmapped != BUF_LEN) {
			snprintf(msg, len, "%s map/unmap %u: %s", mine, i, rte_iommufd_last_error());
			goto out;
		}
	}
	ret = 0;
out:
	rte_iommufd_device_close(d);
	if (rte_iommufd_ioas_free(a) < 0 && ret == 0) {
		snprintf(msg, len, "ioas free: %s", rte_iommufd_last_error());
		ret = -1;
	}
	rte_iommufd_close(c);
	munmap(mem, BUF_LEN);
	return ret;
}

static int
two_processes_two_nics(void)
{
	int p2c[2], c2p[2], status = 0;
	char msg[256] = "";
	pid_t pid;
	int ret;

	TEST_ASSERT_SUCCESS(pipe(p2c), "pipe");
	TEST_ASSERT_SUCCESS(pipe(c2p), "pipe");
	fflush(stdout);
	pid = fork();
	TEST_ASSERT(pid >= 0, "fork: %s", strerror(errno));
	if (pid == 0) {
		close(p2c[1]);
		close(c2p[0]);
		ret = process_part(bdf1, bdf0, c2p[1], p2c[0], msg, sizeof(msg));
		if (ret != 0)
			printf("# child: %s\n", msg);
		fflush(stdout);
		_exit(ret == 0 ? 0 : 1);
	}
	close(p2c[0]);
	close(c2p[1]);
	ret = process_part(bdf0, bdf1, p2c[1], c2p[0], msg, sizeof(msg));
	/* A parent that gave up early must not leave the child waiting. */
	close(p2c[1]);
	close(c2p[0]);
	TEST_ASSERT(waitpid(pid, &status, 0) == pid, "waitpid");
	TEST_ASSERT_SUCCESS(ret, "parent: %s", msg);
	TEST_ASSERT(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child status 0x%x", status);
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE_ST(setup, teardown, threads_map_unmap_one_ioas),
	TEST_CASE_ST(setup, teardown, threads_hwpt_alloc_free_and_replace),
	TEST_CASE(threads_own_contexts),
	TEST_CASE(two_processes_two_nics),
	TEST_CASES_END()
};

/* Failures are expected (and checked through rte_iommufd_last_error()). */
static void
quiet_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

int
main(int argc, char **argv)
{
	rte_iommufd_log_set_handler(quiet_log, NULL);
	if (argc > 1)
		bdf0 = argv[1];
	if (argc > 2)
		bdf1 = argv[2];
	return test_run("vm-threads", cases);
}
