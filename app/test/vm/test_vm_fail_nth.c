/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Error unwinding of lib/iommufd under injected failures. Runs as root
 * inside the test VM (Linux 7.3 with FAULT_INJECTION, FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS and CONFIG_IOMMUFD_TEST).
 *
 * Every setup sequence of the library (below) is run again and again
 * with one injected failure, at N = 1, 2, ... until it completes without
 * reaching the Nth failure point:
 *   - kernel: /proc/self/task/<tid>/fail-nth makes the Nth fault-injection
 *     point of this thread fail (slab and page allocations, the iommufd
 *     test build's own points), as the kernel's iommufd_fail_nth selftest
 *     does;
 *   - malloc: the Nth malloc/calloc/realloc of the process returns NULL.
 * After each injected failure:
 *   - the failing library call must return a negative errno, log an
 *     error, and leave its output handle untouched;
 *   - the state the library reports must agree with the kernel's (mock
 *     devices: PASID_CHECK_HWPT; address spaces: attachment counts; PASID
 *     bindings: a PASID a device has is allocated in its namespace, one
 *     no device has is not);
 *   - a run that completed although a failure was injected must have the
 *     result of a clean one (features, PASID capabilities);
 *   - the teardown (every release call must succeed) must leave nothing
 *     behind: no file descriptor (/proc/self/fd before and after), no
 *     kernel object (every id of the context answers ENOENT to
 *     IOMMU_DESTROY before it is closed), no pinned page (the mock's
 *     MD_CHECK_REFS on a witness iommufd), no heap block (malloc and free
 *     are counted), and a VFIO device must be bindable again from a fresh
 *     iommufd.
 * The final run, without injection, must succeed and pass the sequence's
 * own checks. Each case prints what it tried and one line
 *   # robustness: fail-nth mode=M seq=S tried=N injected=I failed=F absorbed=A leaks=L
 *     violations=V ok=0|1
 * that devtools/robustness.sh collects. Two kernel paths that do not
 * survive injected failures are kept out of the kernel sweep (see ioctl()
 * below). FAIL_NTH_TRACE=1 prints one line per run.
 *
 * Usage: test_vm_fail_nth [BDF]   (default 0000:00:02.0)
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iommufd_test_uapi.h"
#include "iommufd_uapi.h"
#include "rte_iommufd.h"
#include "rte_iommufd_pasid.h"
#include "rte_pasid.h"
#include "fail_nth.h"
#include "fail_nth_inject.h"
#include "mock_dev.h"
#include "test.h"

/* Give up on a sequence that still reaches its Nth failure point. */
#define MAX_NTH 3000
/* Kernel object ids probed after a teardown. */
#define PROBE_IDS 128
#define MAX_FDS 256

const char *bdf = "0000:00:02.0";
static bool trace;	/* FAIL_NTH_TRACE=1: one line per run */
static char cdev_path[64];
void *buf;
static int witness_fd = -1;
uint64_t expected_features;	/* of a context and device opened without injection */

/* ---------------------------------------------------------------- */
/* Library messages                                                  */
/* ---------------------------------------------------------------- */

unsigned long err_msgs;
char last_msg[512];

static void
capture_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level != RTE_IOMMUFD_LOG_ERR)
		return;
	err_msgs++;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

/* ---------------------------------------------------------------- */
/* Teardown and leak checks                                          */
/* ---------------------------------------------------------------- */

struct leaks {
	unsigned int fd, kernel, pins, heap, rebind, release, state;
};

static unsigned int
leaks_total(const struct leaks *l)
{
	return l->fd + l->kernel + l->pins + l->heap + l->rebind + l->release + l->state;
}

static int
fd_snapshot(int *fds, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d))
			continue;
		if (n < max)
			fds[n] = fd;
		n++;
	}
	closedir(d);
	return n;
}

/* The kernel agrees with the handles' view of the mock device. */
static void
check_mock_state(struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	uint32_t rid = rte_iommufd_device_attached_hwpt(s->dev);

	if (rid != 0 && mock_pasid_check(s->mock, RTE_IOMMUFD_NO_PASID, rid) != 0) {
		lk->state++;
		snprintf(why, len, "the library says the RID is on hwpt %u, the kernel disagrees",
			 rid);
	}
	if (s->space == NULL && mock_pasid_check(s->mock, TEST_PASID, s->pasid_hwpt) != 0) {
		lk->state++;
		snprintf(why, len, "PASID %u: the kernel does not have hwpt %u on it", TEST_PASID,
			 s->pasid_hwpt);
	}
	if (s->space != NULL &&
	    rte_iommufd_space_attachments(s->space) != (unsigned int)s->space_rid + s->space_pasid) {
		lk->state++;
		snprintf(why, len, "the space counts %u attachments; %u succeeded",
			 rte_iommufd_space_attachments(s->space),
			 (unsigned int)s->space_rid + s->space_pasid);
	}
}

/*
 * The ownership rule of PASID bindings: a PASID a device still has is
 * allocated in the namespace, and one no device has is not (unless the
 * library says it kept it).
 */
static void
check_bind_state(struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	const struct mock_dev *m[2] = { s->dev ? s->mock : NULL, s->dev2 ? s->mock2 : NULL };
	int i, allocated = rte_pasid_count(s->ns);
	unsigned int j;

	for (i = 0; i < 2; i++) {
		for (j = 0; m[i] != NULL && j < m[i]->nr_pasids; j++) {
			if (rte_pasid_state(s->ns, m[i]->pasids[j], NULL) ==
			    RTE_PASID_STATE_ALLOCATED)
				continue;
			lk->state++;
			snprintf(why, len, "mock%d has PASID %u, which its namespace has not allocated",
				 i, m[i]->pasids[j]);
		}
	}
	if (allocated != (s->bound != 0)) {
		lk->state++;
		snprintf(why, len, "the namespace has %d PASIDs allocated, the library reported %u",
			 allocated, s->bound);
	}
}

/*
 * Close @p dev, whose backend destroys its mock, or destroy @p m when no
 * device wraps it yet; false if the kernel refused a detach or destroy.
 */
static bool
mock_release(struct rte_iommufd_device *dev, struct mock_dev *m)
{
	unsigned int fails = mock_close_failures;

	if (dev != NULL) {
		rte_iommufd_device_close(dev);
		return mock_close_failures == fails;
	}
	return m == NULL || mock_destroy(m);
}

/* Release everything, in an application's order; count what fails. */
static void
teardown(struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	int ret, id;

	if (s->dev != NULL && s->mock != NULL && s->ns == NULL)
		check_mock_state(s, lk, why, len);
	if (s->ns != NULL) {
		check_bind_state(s, lk, why, len);
		if (s->bound != 0 && unbind_both(s) != 0) {
			lk->release++;
			snprintf(why, len, "PASID unbind: %.200s", last_msg);
		}
		if (s->space_rid2 &&
		    rte_iommufd_space_detach(s->space, s->dev2, RTE_IOMMUFD_NO_PASID) != 0) {
			lk->release++;
			snprintf(why, len, "space detach RID 2: %.200s", last_msg);
		}
		if (!mock_release(s->dev2, s->mock2)) {
			lk->release++;
			snprintf(why, len, "the second mock device could not be destroyed");
		}
		if (rte_pasid_count(s->ns) != 0) {
			lk->state++;
			snprintf(why, len, "%d PASIDs still allocated after the unbind",
				 rte_pasid_count(s->ns));
		}
		rte_pasid_space_free(s->ns);
	}
	if (s->space != NULL) {
		if (s->space_pasid && rte_iommufd_space_detach(s->space, s->dev, TEST_PASID) != 0) {
			lk->release++;
			snprintf(why, len, "space detach PASID: %.200s", last_msg);
		}
		if (s->space_rid &&
		    rte_iommufd_space_detach(s->space, s->dev, RTE_IOMMUFD_NO_PASID) != 0) {
			lk->release++;
			snprintf(why, len, "space detach RID: %.200s", last_msg);
		}
	}
	if (s->dev != NULL && s->space == NULL && s->pasid_hwpt != 0 &&
	    rte_iommufd_device_pasid_detach(s->dev, TEST_PASID) != 0) {
		lk->release++;
		snprintf(why, len, "PASID detach: %.200s", last_msg);
	}
	if (!mock_release(s->dev, s->mock)) {
		lk->release++;
		snprintf(why, len, "the mock device could not be destroyed");
	}
	/* After the device: it was created on the space's IOAS. */
	if (rte_iommufd_space_free(s->space) != 0) {
		lk->release++;
		snprintf(why, len, "space free: %.200s", last_msg);
	}
	if (rte_iommufd_hwpt_free(s->hwpt) != 0) {
		lk->release++;
		snprintf(why, len, "hwpt free: %.200s", last_msg);
	}
	if (rte_iommufd_fault_free(s->fault) != 0) {
		lk->release++;
		snprintf(why, len, "fault free: %.200s", last_msg);
	}
	if (rte_iommufd_ioas_free(s->ioas) != 0) {
		lk->release++;
		snprintf(why, len, "ioas free: %.200s", last_msg);
	}
	if (s->ctx != NULL) {
		/* Nothing may be left in the context before it closes. */
		for (id = 1; id <= PROBE_IDS; id++) {
			ret = mock_destroy_id(rte_iommufd_fd(s->ctx), (uint32_t)id);
			if (ret != -ENOENT) {
				lk->kernel++;
				snprintf(why, len, "kernel object %d left in the context (IOMMU_DESTROY: %s)",
					 id, ret == 0 ? "destroyed" : rte_iommufd_errno_name(ret));
			}
		}
		rte_iommufd_close(s->ctx);
	}
}

/* A fresh iommufd binds the device: nothing holds it any more. */
static int
vfio_rebind(void)
{
	struct ifd_vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	int ifd, dfd, ret = 0;

	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (ifd < 0)
		return -errno;
	dfd = open(cdev_path, O_RDWR | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		close(ifd);
		return ret;
	}
	bind.iommufd = ifd;
	if (ioctl(dfd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &bind) != 0)
		ret = -errno;
	close(dfd);
	close(ifd);
	return ret;
}

/* No page of the buffer is pinned any more. */
static int
pins_left(void)
{
	return mock_check_refs(witness_fd, buf, BUF_LEN, 0);
}

/* ---------------------------------------------------------------- */
/* The sweep                                                         */
/* ---------------------------------------------------------------- */

enum mode { MODE_KERNEL, MODE_MALLOC };

struct sequence {
	const char *name;
	int (*run)(struct seq_state *s);
	bool vfio;
};

#define MAX_TALLY 32

/* How often each step failed, with which errno. */
struct tally {
	const char *step[MAX_TALLY];
	int err[MAX_TALLY];
	unsigned int count[MAX_TALLY];
};

static void
tally_add(struct tally *t, const char *step, int err)
{
	int i;

	for (i = 0; i < MAX_TALLY; i++) {
		if (t->step[i] == NULL) {
			t->step[i] = step;
			t->err[i] = err;
		}
		if (strcmp(t->step[i], step) == 0 && t->err[i] == err) {
			t->count[i]++;
			break;
		}
	}
}

static void
tally_print(const struct tally *t)
{
	int i;

	for (i = 0; i < MAX_TALLY && t->step[i] != NULL; i++)
		printf("#   %-40s %-12s %u\n", t->step[i], rte_iommufd_errno_name(t->err[i]),
		       t->count[i]);
}

/* One run with the @n-th failure point armed (0: none). */
static int
run_once(const struct sequence *seq, enum mode mode, unsigned int n, bool *injected,
		struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	int fds0[MAX_FDS], fds1[MAX_FDS], nfd0, nfd1, ret;
	long heap0;

	memset(s, 0, sizeof(*s));
	why[0] = '\0';
	nfd0 = fd_snapshot(fds0, MAX_FDS);
	fflush(stdout);
	heap0 = heap_live;

	if (mode == MODE_KERNEL) {
		if (n != 0)
			nth_arm(n);
		ret = seq->run(s);
		*injected = n != 0 && nth_disarm();
	} else {
		malloc_fired = false;
		malloc_nth = n;
		ret = seq->run(s);
		malloc_nth = 0;
		*injected = malloc_fired;
	}
	if (ret == 0)
		verify_done(s);
	/* The device exists and is bound to vfio-pci: a transient failure must
	 * not be reported as a missing, unbound or unsupported device. */
	if (ret != 0 && strcmp(s->step, "rte_iommufd_device_open") == 0 &&
	    (ret == -ENODEV || ret == -ENXIO || ret == -EOPNOTSUPP))
		PROBLEM(s, "device open failed with %s: %.200s", rte_iommufd_errno_name(ret),
			last_msg);
	if (trace) {
		printf("# trace %s N=%u: %s %s %s\n", seq->name, n, *injected ? "injected" : "clean",
		       ret ? s->step : "completed", ret ? rte_iommufd_errno_name(ret) : "");
		fflush(stdout);
		fsync(STDOUT_FILENO);
	}
	teardown(s, lk, why, len);

	if (!under_valgrind && heap_live != heap0) {
		lk->heap++;
		snprintf(why, len, "%ld heap blocks left", heap_live - heap0);
	}
	nfd1 = fd_snapshot(fds1, MAX_FDS);
	if (nfd0 != nfd1 || nfd0 > MAX_FDS ||
	    memcmp(fds0, fds1, (size_t)nfd0 * sizeof(fds0[0])) != 0) {
		lk->fd++;
		snprintf(why, len, "%d file descriptors open, %d before", nfd1, nfd0);
	}
	if (pins_left() != 0) {
		lk->pins++;
		snprintf(why, len, "pages of the buffer are still pinned");
	}
	if (seq->vfio && (ret = vfio_rebind(), ret != 0)) {
		lk->rebind++;
		snprintf(why, len, "a fresh iommufd cannot bind %s: %s", bdf, strerror(-ret));
	}
	return s->err;
}

static int
sweep(const struct sequence *seq, enum mode mode)
{
	const char *mname = mode == MODE_KERNEL ? "kernel" : "malloc";
	struct leaks lk = { 0 };
	struct tally t;
	struct seq_state s;
	unsigned int n, injected = 0, failed = 0, absorbed = 0, problems = 0, leaks = 0;
	unsigned int tried = 0;
	bool fired, done = false;
	char why[256];
	int ret;

	memset(&t, 0, sizeof(t));
	bind_injected = 0;
	/* A clean run first: the sequence works and leaves nothing. */
	ret = run_once(seq, mode, 0, &fired, &s, &lk, why, sizeof(why));
	TEST_ASSERT_SUCCESS(ret, "%s: clean run failed at %s: %s", seq->name, s.step, last_msg);
	TEST_ASSERT(s.problem[0] == '\0', "%s: clean run: %s", seq->name, s.problem);
	TEST_ASSERT_EQUAL(leaks_total(&lk), 0, "%s: clean run leaves something: %s", seq->name, why);

	for (n = 1; n <= MAX_NTH && !done; n++) {
		struct leaks before = lk;

		tried++;
		ret = run_once(seq, mode, n, &fired, &s, &lk, why, sizeof(why));
		if (s.problem[0] != '\0') {
			problems++;
			if (problems <= 5)
				printf("# %s/%s N=%u: %s\n", mname, seq->name, n, s.problem);
		}
		if (leaks_total(&lk) != leaks_total(&before)) {
			leaks++;
			if (leaks <= 5)
				printf("# %s/%s N=%u: failed at %s (%s): %s\n", mname, seq->name, n,
				       ret ? s.step : "-", ret ? rte_iommufd_errno_name(ret) : "ok",
				       why);
		}
		if (!fired) {
			/* The sequence ran out of failure points: it must have worked. */
			if (ret != 0) {
				problems++;
				printf("# %s/%s N=%u: no failure injected, but %s failed: %s\n",
				       mname, seq->name, n, s.step, last_msg);
			}
			done = true;
			break;
		}
		injected++;
		if (ret != 0) {
			failed++;
			tally_add(&t, s.step, ret);
		} else {
			absorbed++;
		}
	}
	printf("# %s/%s: N = 1..%u, %u injected: %u failed cleanly, %u absorbed by the kernel or libc; "
	       "leaks %u (fd %u, kernel objects %u, pins %u, heap %u, rebind %u, release %u, state %u); "
	       "contract violations %u%s\n",
	       mname, seq->name, tried, injected, failed, absorbed, leaks, lk.fd, lk.kernel, lk.pins,
	       lk.heap, lk.rebind, lk.release, lk.state, problems,
	       under_valgrind && mode == MODE_KERNEL ? " (heap: see valgrind)" : "");
	if (failed != 0)
		tally_print(&t);
	if (seq->vfio && mode == MODE_KERNEL)
		printf("#   VFIO_DEVICE_BIND_IOMMUFD: %u injected (its first failure point only)\n",
		       bind_injected);
	printf("# robustness: fail-nth mode=%s seq=%s tried=%u injected=%u failed=%u absorbed=%u leaks=%u violations=%u ok=%d\n",
	       mname, seq->name, tried, injected, failed, absorbed, leaks, problems,
	       done && leaks == 0 && problems == 0);
	TEST_ASSERT(done, "%s/%s: still failing at N = %u", mname, seq->name, MAX_NTH);
	TEST_ASSERT(injected > 0, "%s/%s: no failure was ever injected", mname, seq->name);
	TEST_ASSERT_EQUAL(leaks, 0, "%s/%s: runs that left something behind", mname, seq->name);
	TEST_ASSERT_EQUAL(problems, 0, "%s/%s: contract violations", mname, seq->name);
	return TEST_SUCCESS;
}

static const struct sequence seq_a = { "ioas", seq_ioas, false };
static const struct sequence seq_b = { "vfio", seq_vfio, true };
static const struct sequence seq_c = { "vfio-hwpt", seq_vfio_hwpt, true };
static const struct sequence seq_d = { "fault", seq_fault, false };
static const struct sequence seq_e = { "pasid", seq_pasid, false };
static const struct sequence seq_f = { "space", seq_space, false };
static const struct sequence seq_g = { "pasid-bind", seq_bind, false };

/* ---------------------------------------------------------------- */
/* Cases                                                             */
/* ---------------------------------------------------------------- */

/* The rig works: an armed fail-nth makes the next kernel allocation fail. */
static void *volatile sink;

static int
injection_works(void)
{
	struct ifd_iommu_ioas_alloc ia = { .size = sizeof(ia) };
	int ret, fd;
	bool fired;

	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	TEST_ASSERT(fd >= 0, "/dev/iommu: %s", strerror(errno));
	nth_arm(1);
	ret = ioctl(fd, IFD_IOMMU_IOAS_ALLOC, &ia) == 0 ? 0 : -errno;
	fired = nth_disarm();
	TEST_ASSERT(fired, "fail-nth 1 did not fire on IOMMU_IOAS_ALLOC");
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "IOMMU_IOAS_ALLOC with its first allocation failed");
	TEST_ASSERT_SUCCESS(ioctl(fd, IFD_IOMMU_IOAS_ALLOC, &ia), "and then it works");
	close(fd);
	/* Same for the heap. */
	if (!under_valgrind) {
		void *p;

		malloc_nth = 1;
		p = malloc(16);
		sink = p;
		malloc_nth = 0;
		TEST_ASSERT(sink == NULL && malloc_fired, "malloc-nth");
		malloc_fired = false;
	}
	return TEST_SUCCESS;
}

static int kernel_ioas(void) { return sweep(&seq_a, MODE_KERNEL); }
static int kernel_vfio(void) { return sweep(&seq_b, MODE_KERNEL); }
static int kernel_vfio_hwpt(void) { return sweep(&seq_c, MODE_KERNEL); }
static int kernel_fault(void) { return sweep(&seq_d, MODE_KERNEL); }
static int kernel_pasid(void) { return sweep(&seq_e, MODE_KERNEL); }
static int kernel_space(void) { return sweep(&seq_f, MODE_KERNEL); }
static int kernel_pasid_bind(void) { return sweep(&seq_g, MODE_KERNEL); }

static int
malloc_sweep(const struct sequence *seq)
{
	return sweep(seq, MODE_MALLOC);
}

static int malloc_ioas(void) { return malloc_sweep(&seq_a); }
static int malloc_vfio(void) { return malloc_sweep(&seq_b); }
static int malloc_vfio_hwpt(void) { return malloc_sweep(&seq_c); }
static int malloc_fault(void) { return malloc_sweep(&seq_d); }
static int malloc_pasid(void) { return malloc_sweep(&seq_e); }
static int malloc_space(void) { return malloc_sweep(&seq_f); }
static int malloc_pasid_bind(void) { return malloc_sweep(&seq_g); }

/*
 * A space whose own IOAS is still used by a device outside it cannot be
 * freed (EBUSY) and must stay a space of its context: a later replace of a
 * RID into another space makes it forget the RID, and it frees once the
 * device is gone. Nothing is left behind.
 */
static int
space_free_busy_stays_valid(void)
{
	struct rte_iommufd_space *sp1 = NULL, *sp2 = NULL;
	struct rte_iommufd *ctx = NULL;
	struct rte_iommufd_device *dev = NULL;
	struct mock_dev *m = NULL;
	long heap0 = heap_live;

	TEST_ASSERT_SUCCESS(rte_iommufd_open(&ctx), "%s", last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, NULL, NULL, &sp1), "%s", last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, NULL, NULL, &sp2), "%s", last_msg);
	TEST_ASSERT_SUCCESS(mock_new(rte_iommufd_fd(ctx),
				     rte_iommufd_ioas_id(rte_iommufd_space_ioas(sp1)),
				     IFD_MOCK_FLAGS_DEVICE_PASID, true, &m),
			    "mock device");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_create(ctx, "mock0", m->idev_id, &mock_ops, m, &dev),
			    "%s", last_msg);
	/* The device's RID is on an automatic page table of sp1's IOAS. */
	TEST_ASSERT_EQUAL(rte_iommufd_space_free(sp1), -EBUSY, "IOAS in use outside the space");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp1, dev, RTE_IOMMUFD_NO_PASID, NULL), "%s",
			    last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp2, dev, RTE_IOMMUFD_NO_PASID, NULL), "%s",
			    last_msg);
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp1), 0,
			  "the replace into sp2 was seen by sp1");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp2), 1, "sp2 has the RID");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(sp1), "%s", last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_detach(sp2, dev, RTE_IOMMUFD_NO_PASID), "%s",
			    last_msg);
	rte_iommufd_device_close(dev);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(sp2), "%s", last_msg);
	rte_iommufd_close(ctx);
	/* Under valgrind the heap is its business (and it checks leaks). */
	TEST_ASSERT(under_valgrind || heap_live == heap0, "%ld heap blocks left", heap_live - heap0);
	return TEST_SUCCESS;
}

#define KERNEL_CASES \
	TEST_CASE(injection_works), \
	TEST_CASE(kernel_ioas), \
	TEST_CASE(kernel_vfio), \
	TEST_CASE(kernel_vfio_hwpt), \
	TEST_CASE(kernel_fault), \
	TEST_CASE(kernel_pasid), \
	TEST_CASE(kernel_space), \
	TEST_CASE(kernel_pasid_bind), \
	TEST_CASE(space_free_busy_stays_valid)

static const struct test_case all_cases[] = {
	KERNEL_CASES,
	TEST_CASE(malloc_ioas),
	TEST_CASE(malloc_vfio),
	TEST_CASE(malloc_vfio_hwpt),
	TEST_CASE(malloc_fault),
	TEST_CASE(malloc_pasid),
	TEST_CASE(malloc_space),
	TEST_CASE(malloc_pasid_bind),
	TEST_CASES_END()
};

/* Under valgrind, which replaces the malloc family: no malloc sweeps. */
static const struct test_case valgrind_cases[] = {
	KERNEL_CASES,
	TEST_CASES_END()
};

int
main(int argc, char **argv)
{
	const char *preload = getenv("LD_PRELOAD");
	char name[32];
	int ret;

	if (argc > 1)
		bdf = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	trace = getenv("FAIL_NTH_TRACE") != NULL;
	under_valgrind = preload != NULL && strstr(preload, "vgpreload") != NULL;
	rte_iommufd_log_set_handler(capture_log, NULL);

	ret = rte_iommufd_device_find_cdev(bdf, NULL, name, sizeof(name));
	if (ret == 0)
		ret = fault_injection_setup();
	if (ret == 0) {
		struct rte_iommufd *ctx;

		ret = rte_iommufd_open(&ctx);
		if (ret == 0) {
			struct rte_iommufd_device *d = NULL;

			/* With the device, which decides RTE_IOMMUFD_FEAT_PASID. */
			ret = rte_iommufd_device_open(ctx, bdf, NULL, &d);
			expected_features = rte_iommufd_features(ctx);
			rte_iommufd_device_close(d);
			rte_iommufd_close(ctx);
		}
		if (ret == 0) {
			witness_fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
			if (witness_fd < 0)
				ret = -errno;
		}
	}
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ret < 0 || buf == MAP_FAILED) {
		printf("TAP version 13\n1..0\n# setup failed: %s %s\n", last_msg,
		       ret < 0 ? strerror(-ret) : "mmap");
		return 1;
	}
	snprintf(cdev_path, sizeof(cdev_path), "/dev/vfio/devices/%s", name);
	/* Small pages, all present: only the sequence's own pins count. */
	madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);
	memset(buf, 0x5a, BUF_LEN);
	/* Messages that libc builds once, before anything is counted. */
	(void)strerror(ENOMEM);
	return test_run("vm-fail-nth", under_valgrind ? valgrind_cases : all_cases);
}
