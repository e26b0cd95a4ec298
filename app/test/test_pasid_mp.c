/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID allocator shared by processes: a namespace in MAP_SHARED
 * memory mapped at different addresses, children that allocate and die
 * without freeing (reclaim frees exactly theirs), a holder of the lock
 * killed at each step of each update (the next caller gets the lock and
 * finds exactly the state before or after the update), a stopped holder
 * (waiters sleep, and go on once it is killed), and processes killed at
 * random moments.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rte_pasid.h"
#include "pasid_private.h"
#include "test.h"

#define WIDTH 12
#define NVALUES (1u << WIDTH)
#define WATCHDOG_S 30

/* Shared with the children: the namespace, then what they report. */
struct report {
	volatile int owner;
	volatile uint32_t n;
	volatile uint32_t vals[NVALUES];
};

static void *shm;
static size_t shm_len;
static struct rte_pasid_space *ns;
static struct report *rep;

static int
setup_shared(void)
{
	ssize_t size = rte_pasid_space_size(WIDTH);

	if (size < 0)
		return TEST_FAILED;
	shm_len = (size_t)size + 2 * sizeof(struct report);
	shm = mmap(NULL, shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shm == MAP_FAILED)
		return TEST_FAILED;
	rep = (struct report *)((char *)shm + size);
	alarm(WATCHDOG_S);
	fflush(stdout);
	return rte_pasid_space_init(shm, (size_t)size, WIDTH, 0, &ns) == 0 ?
		TEST_SUCCESS : TEST_FAILED;
}

static void
teardown_shared(void)
{
	alarm(0);
	munmap(shm, shm_len);
	shm = NULL;
	ns = NULL;
}

static pid_t
spawn(void (*fn)(void *), void *arg)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0) {
		fn(arg);
		_exit(0);
	}
	return pid;
}

static int
wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Wait until @p pid has exited, without reaping it (it stays a zombie). */
static void
wait_zombie(pid_t pid)
{
	siginfo_t si;
	int i;

	for (i = 0; i < 5000; i++) {
		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
				si.si_pid == pid)
			return;
		usleep(1000);
	}
}

/* A child's own attach of the namespace (at the address fork kept). */
static struct rte_pasid_space *
child_attach(void)
{
	struct rte_pasid_space *s;

	if (rte_pasid_space_attach(shm, (size_t)rte_pasid_space_size(WIDTH), &s) != 0)
		_exit(10);
	return s;
}

/* ------------------------------------------------------------------ */

static int
two_mappings(void)
{
	ssize_t size = rte_pasid_space_size(WIDTH);
	struct rte_pasid_space *a, *b;
	unsigned int owner = 0;
	char *m1, *m2;
	int fd, ret = TEST_FAILED;

	fd = memfd_create("pasid-test", MFD_CLOEXEC);
	TEST_ASSERT(fd >= 0, "memfd_create: %s", strerror(errno));
	if (ftruncate(fd, size) != 0) {
		close(fd);
		return TEST_FAILED;
	}
	m1 = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	m2 = mmap(NULL, (size_t)size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (m1 == MAP_FAILED || m2 == MAP_FAILED || m1 == m2)
		goto out;
	if (rte_pasid_space_init(m1, (size_t)size, WIDTH, 0, &a) != 0 ||
			rte_pasid_space_attach(m2, (size_t)size, &b) != 0 || (void *)b != m2)
		goto out;
	/* Either view sees the other's changes: no pointer inside. */
	if (rte_pasid_reserve(a, 1, 9) != 9 || rte_pasid_alloc(b, 0) != 10 ||
			rte_pasid_alloc(a, 0) != 11 ||
			rte_pasid_state(b, 11, &owner) != RTE_PASID_STATE_ALLOCATED ||
			rte_pasid_next(a, 10, NULL) != 11 || rte_pasid_free(a, 0, 10) != 0 ||
			rte_pasid_alloc(b, 0) != 10 || rte_pasid_space_narrow(b, 4) != 4 ||
			rte_pasid_alloc_value(a, 0, 16) != -ERANGE ||
			rte_pasid_space_audit(a) != 0 || rte_pasid_space_audit(b) != 0) {
		printf("# the two mappings disagree\n");
		goto out;
	}
	ret = TEST_SUCCESS;
out:
	if (m1 != MAP_FAILED)
		munmap(m1, (size_t)size);
	if (m2 != MAP_FAILED)
		munmap(m2, (size_t)size);
	return ret;
}

static void
child_alloc_and_exit(void *arg)
{
	struct rte_pasid_space *s = child_attach();

	(void)arg;
	if (rte_pasid_alloc_value(s, 0, 100) != 0 || rte_pasid_alloc(s, 0) != 1)
		_exit(11);
	_exit(0);
}

static int
child_attaches(void)
{
	pid_t pid = spawn(child_alloc_and_exit, NULL);

	TEST_ASSERT(pid > 0, "fork");
	TEST_ASSERT_EQUAL(wait_status(pid), 0, "child status");
	TEST_ASSERT_EQUAL(rte_pasid_state(ns, 100, NULL), RTE_PASID_STATE_ALLOCATED, "100");
	TEST_ASSERT_EQUAL(rte_pasid_state(ns, 1, NULL), RTE_PASID_STATE_ALLOCATED, "1");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(ns, 0), 2, "parent continues");
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), 3, "count");
	return TEST_SUCCESS;
}

/* Register, allocate, report, then die as arg says without freeing. */
struct dying {
	int how;       /* 0: SIGKILL self, 1: _exit, 2: wait for SIGKILL */
	uint32_t n;
	int pipe_fd;
};

static void
child_allocate_and_die(void *arg)
{
	struct dying *d = arg;
	struct rte_pasid_space *s = child_attach();
	int o = rte_pasid_owner_register(s, 0);
	uint32_t i;

	if (o <= 0)
		_exit(12);
	rep->owner = o;
	rep->n = 0;
	for (i = 0; i < d->n; i++) {
		int p = i % 3 ? rte_pasid_alloc(s, (unsigned int)o) :
			rte_pasid_alloc_value(s, (unsigned int)o, NVALUES - 1 - i) == 0 ?
			(int)(NVALUES - 1 - i) : -1;

		if (p <= 0)
			_exit(13);
		rep->vals[rep->n++] = (uint32_t)p;
	}
	/* And one freed again, which must not count. */
	if (rte_pasid_free(s, (unsigned int)o, rep->vals[--rep->n]) != 0)
		_exit(14);
	if (d->how == 0)
		raise(SIGKILL);
	if (d->how == 2) {
		char c = 1;

		if (write(d->pipe_fd, &c, 1) != 1)
			_exit(15);
		for (;;)
			pause();
	}
	_exit(0);
}

static int
check_reclaimed(uint32_t mine_before, int parent_owner)
{
	unsigned int owner;
	uint32_t i;

	for (i = 0; i < rep->n; i++)
		TEST_ASSERT_EQUAL(rte_pasid_state(ns, rep->vals[i], NULL), RTE_PASID_STATE_FREE,
			"child's %u freed", rep->vals[i]);
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), mine_before, "parent's PASIDs remain");
	for (i = 1; i < NVALUES; i++) {
		if (rte_pasid_state(ns, i, &owner) == RTE_PASID_STATE_ALLOCATED)
			TEST_ASSERT_EQUAL(owner, parent_owner, "PASID %u", i);
	}
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(ns), "audit");
	return TEST_SUCCESS;
}

static int
reclaim_dead_children(void)
{
	struct rte_pasid_space_info info;
	struct dying d = { 0, 200, -1 };
	int me = rte_pasid_owner_register(ns, 0), how, i;
	pid_t pid;

	TEST_ASSERT(me > 0, "register");
	for (i = 0; i < 25; i++)
		TEST_ASSERT(rte_pasid_alloc(ns, (unsigned int)me) > 0, "parent alloc");
	for (how = 0; how < 2; how++) {
		bool reap_first = how == 0;

		d.how = how;
		pid = spawn(child_allocate_and_die, &d);
		TEST_ASSERT(pid > 0, "fork");
		if (reap_first) {
			int st = wait_status(pid);

			TEST_ASSERT(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
				"child killed: status 0x%x", st);
		} else {
			wait_zombie(pid); /* reclaim while it is a zombie */
		}
		TEST_ASSERT_EQUAL(rep->n, d.n - 1, "child held");
		TEST_ASSERT_EQUAL(rte_pasid_count(ns), 25 + rep->n, "before reclaim");
		TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(ns, NULL, NULL), rep->n,
			"reclaim frees exactly the child's (%s)",
			reap_first ? "killed, reaped" : "exited, zombie");
		if (check_reclaimed(25, me) != TEST_SUCCESS)
			return TEST_FAILED;
		TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
		TEST_ASSERT_EQUAL(info.owners, 1, "child's slot released");
		if (!reap_first)
			TEST_ASSERT_EQUAL(wait_status(pid), 0, "exit status");
	}
	return TEST_SUCCESS;
}

static int
reclaim_spares_live(void)
{
	struct dying d = { 2, 50, -1 };
	int fds[2];
	pid_t pid;
	char c;

	TEST_ASSERT_SUCCESS(pipe(fds), "pipe");
	d.pipe_fd = fds[1];
	pid = spawn(child_allocate_and_die, &d);
	TEST_ASSERT(pid > 0, "fork");
	TEST_ASSERT_EQUAL(read(fds[0], &c, 1), 1, "child ready");
	close(fds[0]);
	close(fds[1]);
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(ns, NULL, NULL), 0, "child alive");
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), rep->n, "kept");
	kill(pid, SIGKILL);
	TEST_ASSERT(WIFSIGNALED(wait_status(pid)), "killed");
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(ns, NULL, NULL), rep->n, "now dead");
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), 0, "all freed");
	return TEST_SUCCESS;
}

/* Two processes allocating and freeing at the same time. */
static void
child_churn(void *arg)
{
	struct report *r = arg;
	struct rte_pasid_space *s = child_attach();
	uint64_t x = (uint64_t)getpid() * 0x9e3779b97f4a7c15u;
	int o = rte_pasid_owner_register(s, 0);
	unsigned int owner;
	uint32_t i;

	if (o <= 0)
		_exit(12);
	r->owner = o;
	r->n = 0;
	for (i = 0; i < 30000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		if (x % 2 == 0 || r->n == 0) {
			int p = rte_pasid_alloc(s, (unsigned int)o);

			if (p > 0)
				r->vals[r->n++] = (uint32_t)p;
			else if (p != -ENOSPC)
				_exit(13);
		} else {
			uint32_t k = (uint32_t)(x >> 8) % r->n;

			if (rte_pasid_state(s, r->vals[k], &owner) != RTE_PASID_STATE_ALLOCATED ||
					owner != (unsigned int)o ||
					rte_pasid_free(s, (unsigned int)o, r->vals[k]) != 0)
				_exit(14);
			r->vals[k] = r->vals[--r->n];
		}
	}
	_exit(0);
}

static int
processes_concurrent(void)
{
	uint8_t seen[NVALUES];
	pid_t pid[2];
	unsigned int owner;
	uint32_t i;
	int c;

	memset(seen, 0, sizeof(seen));
	for (c = 0; c < 2; c++) {
		pid[c] = spawn(child_churn, &rep[c]);
		TEST_ASSERT(pid[c] > 0, "fork");
	}
	for (c = 0; c < 2; c++)
		TEST_ASSERT_EQUAL(wait_status(pid[c]), 0, "child %d status", c);
	for (c = 0; c < 2; c++) {
		for (i = 0; i < rep[c].n; i++) {
			uint32_t p = rep[c].vals[i];

			TEST_ASSERT(seen[p] == 0, "PASID %u held by both children", p);
			seen[p] = 1;
			TEST_ASSERT_EQUAL(rte_pasid_state(ns, p, &owner), RTE_PASID_STATE_ALLOCATED,
				"PASID %u", p);
			TEST_ASSERT_EQUAL(owner, rep[c].owner, "owner of %u", p);
		}
	}
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), rep[0].n + rep[1].n, "count");
	printf("# children hold %u and %u PASIDs\n", rep[0].n, rep[1].n);
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(ns), "audit");
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(ns, NULL, NULL), rep[0].n + rep[1].n,
		"both exited");
	return TEST_SUCCESS;
}

/*
 * The child takes the lock and stops at a step of an update, as a holder
 * killed there would: it makes the stores that precede that point (see
 * pasid_private.h), then it is killed. The survivor's next call gets the
 * lock (EOWNERDEAD); the namespace must then be exactly as if the update
 * had not started, or had completed.
 */
enum death_step {
	DIE_ALLOC_BYTE,     /* alloc: owner byte written, nothing derived */
	DIE_FREE_BYTE,      /* free: byte cleared, nothing derived */
	DIE_RESERVE_HALF,   /* reserve: pending, half the bytes */
	DIE_UNRESERVE_HALF, /* unreserve: pending, half the bytes */
	DIE_RELEASE_HALF,   /* unregister: pending, half the owner's values */
	DIE_NARROW_WIDTH,   /* narrow: width stored, nothing derived */
	DIE_WIDEN_WIDTH,    /* widen: width stored, nothing derived */
	DIE_STEPS
};

static const char *const death_step_name[DIE_STEPS] = {
	"alloc, after the owner byte", "free, after the byte",
	"reserve, half the range", "unreserve, half the range",
	"owner release, half its PASIDs", "narrow, after the width",
	"widen, after the width",
};

#define DIE_VALUE 64u     /* a free value */
#define DIE_FIRST 1000u   /* a reservation */
#define DIE_LAST 1100u
#define DIE_HIGH 3000u    /* a reservation above the narrowed width */
#define DIE_HELD 20u      /* PASIDs of the owner released */

struct holder {
	int pipe_fd;
	enum death_step step;
};

static void
child_die_holding_lock(void *arg)
{
	struct holder *h = arg;
	struct rte_pasid_space *s = child_attach();
	int o = rte_pasid_owner_register(s, 0);
	uint8_t *val = pasid_value(s);
	uint32_t v;
	char c = 1;

	if (o <= 0)
		_exit(12);
	rep->owner = o;
	rep->n = 0;
	for (v = 0; h->step == DIE_RELEASE_HALF && v < DIE_HELD; v++) {
		int p = rte_pasid_alloc(s, (unsigned int)o);

		if (p <= 0)
			_exit(13);
		rep->vals[rep->n++] = (uint32_t)p;
	}
	rte_pasid_internal_lock(s);
	switch (h->step) {
	case DIE_ALLOC_BYTE:
		val[DIE_VALUE] = (uint8_t)o;
		break;
	case DIE_FREE_BYTE:
		val[DIE_VALUE] = PASID_V_FREE;
		break;
	case DIE_RESERVE_HALF:
	case DIE_UNRESERVE_HALF:
		s->pending.first = DIE_FIRST;
		s->pending.last = DIE_LAST;
		s->pending.op = h->step == DIE_RESERVE_HALF ? PASID_OP_RESERVE : PASID_OP_UNRESERVE;
		for (v = DIE_FIRST; v <= (DIE_FIRST + DIE_LAST) / 2; v++)
			val[v] = h->step == DIE_RESERVE_HALF ? PASID_V_RES : PASID_V_FREE;
		break;
	case DIE_RELEASE_HALF:
		s->pending.owners = UINT64_C(1) << (o - 1);
		s->pending.op = PASID_OP_RELEASE;
		for (v = 0; v < rep->n; v += 2)
			val[rep->vals[v]] = PASID_V_FREE;
		break;
	case DIE_NARROW_WIDTH:
		s->width = WIDTH - 1;
		break;
	case DIE_WIDEN_WIDTH:
		s->width = WIDTH;
		break;
	default:
		_exit(16);
	}
	if (write(h->pipe_fd, &c, 1) != 1)
		_exit(15);
	for (;;)
		pause();
}

/* State and owner of every value (-ERANGE above the width). */
struct snapshot {
	int st[NVALUES];
	unsigned int owner[NVALUES];
};

static struct snapshot snap_before, snap_after;

static void
take_snapshot(struct snapshot *sn)
{
	uint32_t v;

	for (v = 0; v < NVALUES; v++) {
		sn->owner[v] = 999;
		sn->st[v] = rte_pasid_state(ns, v, &sn->owner[v]);
		if (sn->st[v] != RTE_PASID_STATE_ALLOCATED)
			sn->owner[v] = 999;
	}
}

static int
same_snapshots(const char *what)
{
	uint32_t v;

	for (v = 0; v < NVALUES; v++) {
		if (snap_before.st[v] != snap_after.st[v] ||
				snap_before.owner[v] != snap_after.owner[v]) {
			printf("# %s: PASID %u: state %d owner %u, expected %d owner %u\n",
			       what, v, snap_after.st[v], snap_after.owner[v],
			       snap_before.st[v], snap_before.owner[v]);
			return TEST_FAILED;
		}
	}
	return TEST_SUCCESS;
}

/* Before the death: what the step needs. */
static int
death_prepare(enum death_step step)
{
	if (step == DIE_FREE_BYTE)
		TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(ns, 0, DIE_VALUE), "allocate");
	if (step == DIE_UNRESERVE_HALF)
		TEST_ASSERT_EQUAL(rte_pasid_reserve(ns, DIE_FIRST, DIE_LAST),
			DIE_LAST - DIE_FIRST + 1, "reserve");
	if (step == DIE_WIDEN_WIDTH) {
		TEST_ASSERT_EQUAL(rte_pasid_reserve(ns, DIE_HIGH, DIE_HIGH + 10), 11, "reserve");
		TEST_ASSERT_EQUAL(rte_pasid_space_narrow(ns, WIDTH - 1), WIDTH - 1, "narrow");
	}
	return TEST_SUCCESS;
}

/* The snapshot of the state the update leads to. */
static void
death_after(enum death_step step)
{
	uint32_t v;

	switch (step) {
	case DIE_ALLOC_BYTE:
		snap_before.st[DIE_VALUE] = RTE_PASID_STATE_ALLOCATED;
		snap_before.owner[DIE_VALUE] = (unsigned int)rep->owner;
		break;
	case DIE_FREE_BYTE:
		snap_before.st[DIE_VALUE] = RTE_PASID_STATE_FREE;
		snap_before.owner[DIE_VALUE] = 999;
		break;
	case DIE_RESERVE_HALF:
	case DIE_UNRESERVE_HALF:
		for (v = DIE_FIRST; v <= DIE_LAST; v++)
			snap_before.st[v] = step == DIE_RESERVE_HALF ? RTE_PASID_STATE_RESERVED :
				RTE_PASID_STATE_FREE;
		break;
	case DIE_RELEASE_HALF:
		/* The snapshot was taken before the child allocated. */
		break;
	case DIE_NARROW_WIDTH:
		for (v = NVALUES / 2; v < NVALUES; v++)
			snap_before.st[v] = -ERANGE;
		break;
	case DIE_WIDEN_WIDTH:
		for (v = NVALUES / 2; v < NVALUES; v++)
			snap_before.st[v] = v >= DIE_HIGH && v <= DIE_HIGH + 10 ?
				RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_FREE;
		break;
	default:
		break;
	}
}

/* After the takeover: the update's effects, then back to the start. */
static int
death_check(enum death_step step)
{
	struct rte_pasid_space_info info;
	struct rte_pasid_owner_info oi;
	unsigned int o = (unsigned int)rep->owner;
	uint32_t n = DIE_LAST - DIE_FIRST + 1;

	TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
	switch (step) {
	case DIE_ALLOC_BYTE:
		/* Allocated to the dead owner, counted; reclaim frees it. */
		TEST_ASSERT_SUCCESS(rte_pasid_owner_get(ns, o, &oi), "dead owner's slot");
		TEST_ASSERT_EQUAL(oi.count, 1, "dead owner's count");
		TEST_ASSERT_EQUAL(rte_pasid_alloc_value(ns, 0, DIE_VALUE), -EEXIST,
			"the half-allocated value is not handed out");
		TEST_ASSERT_EQUAL(rte_pasid_free(ns, 0, DIE_VALUE), -EPERM, "the dead owner's");
		TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(ns, NULL, NULL), 1, "reclaimed");
		break;
	case DIE_FREE_BYTE:
		TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(ns, 0, DIE_VALUE), "free again");
		TEST_ASSERT_SUCCESS(rte_pasid_free(ns, 0, DIE_VALUE), "free");
		break;
	case DIE_RESERVE_HALF:
		TEST_ASSERT_EQUAL(info.reserved, n, "reserved count");
		TEST_ASSERT_EQUAL(rte_pasid_alloc_value(ns, 0, DIE_LAST), -EBUSY, "refused");
		TEST_ASSERT_EQUAL(rte_pasid_unreserve(ns, DIE_FIRST, DIE_LAST), n, "unreserve");
		break;
	case DIE_UNRESERVE_HALF:
		TEST_ASSERT_EQUAL(info.reserved, 0, "reserved count");
		TEST_ASSERT_EQUAL(rte_pasid_unreserve(ns, DIE_FIRST, DIE_LAST), 0, "none left");
		break;
	case DIE_RELEASE_HALF:
		/* All of the owner's PASIDs free, its slot released. */
		TEST_ASSERT_EQUAL(rte_pasid_owner_get(ns, o, &oi), -EINVAL, "slot released");
		TEST_ASSERT_EQUAL(rep->n, DIE_HELD, "child's PASIDs");
		break;
	case DIE_NARROW_WIDTH:
		TEST_ASSERT_EQUAL(info.width, WIDTH - 1, "width");
		TEST_ASSERT_EQUAL(rte_pasid_alloc_value(ns, 0, NVALUES - 1), -ERANGE, "above");
		TEST_ASSERT_SUCCESS(rte_pasid_space_set_width(ns, WIDTH), "widen");
		break;
	case DIE_WIDEN_WIDTH:
		TEST_ASSERT_EQUAL(info.width, WIDTH, "width");
		TEST_ASSERT_EQUAL(info.reserved, 11, "the reservation above counts");
		TEST_ASSERT_EQUAL(rte_pasid_unreserve(ns, DIE_HIGH, DIE_HIGH + 10), 11,
			"unreserve");
		break;
	default:
		return TEST_FAILED;
	}
	if (step != DIE_ALLOC_BYTE)
		TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(ns, NULL, NULL), 0, "nothing held");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
	TEST_ASSERT_EQUAL(info.owners, 0, "dead owner released");
	TEST_ASSERT_EQUAL(info.reserved, 0, "no reservation left");
	TEST_ASSERT_EQUAL(info.width, WIDTH, "width");
	TEST_ASSERT_EQUAL(info.allocated, 10, "the first ten");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(ns), "audit");
	return TEST_SUCCESS;
}

static int
lock_holder_killed(void)
{
	struct rte_pasid_space_info info;
	struct timespec t0, t1;
	struct holder h;
	int fds[2], step, i, n;
	pid_t pid;
	char c;

	/* Some PASIDs of nobody's. */
	for (i = 1; i <= 10; i++)
		TEST_ASSERT_EQUAL(rte_pasid_alloc(ns, 0), i, "alloc");
	for (step = 0; step < DIE_STEPS; step++) {
		bool reap = step % 2;

		if (death_prepare(step) != TEST_SUCCESS)
			return TEST_FAILED;
		take_snapshot(&snap_before);
		TEST_ASSERT_SUCCESS(pipe(fds), "pipe");
		h.pipe_fd = fds[1];
		h.step = step;
		pid = spawn(child_die_holding_lock, &h);
		TEST_ASSERT(pid > 0, "fork");
		TEST_ASSERT_EQUAL(read(fds[0], &c, 1), 1, "child holds the lock");
		close(fds[0]);
		close(fds[1]);
		kill(pid, SIGKILL);
		if (reap)
			TEST_ASSERT(WIFSIGNALED(wait_status(pid)), "killed");
		else
			wait_zombie(pid);

		clock_gettime(CLOCK_MONOTONIC, &t0);
		n = rte_pasid_count(ns);
		clock_gettime(CLOCK_MONOTONIC, &t1);
		printf("# %s (%s): lock taken over in %.2f ms\n", death_step_name[step],
		       reap ? "reaped" : "zombie",
		       (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
		       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6);
		TEST_ASSERT_EQUAL(n, 10 + (step == DIE_ALLOC_BYTE),
			"%s: count", death_step_name[step]);
		TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
		TEST_ASSERT_EQUAL(info.recoveries, step + 1, "recoveries");
		TEST_ASSERT_SUCCESS(rte_pasid_space_audit(ns), "%s: consistent",
			death_step_name[step]);
		take_snapshot(&snap_after);
		death_after(step);
		TEST_ASSERT_SUCCESS(same_snapshots(death_step_name[step]), "as after the update");
		if (death_check(step) != TEST_SUCCESS) {
			printf("# step: %s\n", death_step_name[step]);
			return TEST_FAILED;
		}
		if (!reap)
			TEST_ASSERT(WIFSIGNALED(wait_status(pid)), "killed");
	}
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), 10, "the first ten remain");
	return TEST_SUCCESS;
}

/* A thread that returns while holding the lock; its tid disappears. */
static void *
thread_lock_and_exit(void *arg)
{
	struct rte_pasid_space *s = arg;

	rte_pasid_internal_lock(s);
	/* room[] says "no room": the next caller must rebuild it. */
	pasid_room(s)[0] = 0;
	return NULL;
}

static int
lock_holder_thread_exits(void)
{
	struct rte_pasid_space_info info;
	pthread_t t;

	TEST_ASSERT_SUCCESS(pthread_create(&t, NULL, thread_lock_and_exit, ns), "thread");
	TEST_ASSERT_SUCCESS(pthread_join(t, NULL), "join");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(ns, 0), 1, "taken over, room rebuilt");
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
	TEST_ASSERT_EQUAL(info.recoveries, 1, "recoveries");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(ns), "audit");
	return TEST_SUCCESS;
}

static void
child_lock_and_stop(void *arg)
{
	struct rte_pasid_space *s = child_attach();
	int *pipe_fd = arg;
	char c = 1;

	rte_pasid_internal_lock(s);
	if (write(*pipe_fd, &c, 1) != 1)
		_exit(15);
	raise(SIGSTOP);
	_exit(0);
}

struct waiter {
	int ret;
	double cpu_ms;
};

static void *
waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct timespec t;

	__atomic_store_n(&w->ret, rte_pasid_alloc(ns, 0), __ATOMIC_RELEASE);
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
	w->cpu_ms = (double)t.tv_sec * 1e3 + (double)t.tv_nsec / 1e6;
	return NULL;
}

/*
 * A holder stopped (SIGSTOP) with the lock: a waiter sleeps instead of
 * spinning, and goes on as soon as the holder is killed.
 */
static int
lock_holder_stopped(void)
{
	struct rte_pasid_space_info info;
	struct waiter w = { 0, 0 };
	int fds[2], st;
	pthread_t t;
	pid_t pid;
	char c;

	TEST_ASSERT_SUCCESS(pipe(fds), "pipe");
	pid = spawn(child_lock_and_stop, &fds[1]);
	TEST_ASSERT(pid > 0, "fork");
	TEST_ASSERT_EQUAL(read(fds[0], &c, 1), 1, "child holds the lock");
	close(fds[0]);
	close(fds[1]);
	TEST_ASSERT_EQUAL(waitpid(pid, &st, WUNTRACED), pid, "stopped");
	TEST_ASSERT(WIFSTOPPED(st), "child stopped: status 0x%x", st);
	TEST_ASSERT_SUCCESS(pthread_create(&t, NULL, waiter_main, &w), "waiter");
	usleep(300 * 1000);
	TEST_ASSERT_EQUAL(__atomic_load_n(&w.ret, __ATOMIC_ACQUIRE), 0, "the waiter still waits");
	kill(pid, SIGKILL);
	TEST_ASSERT(WIFSIGNALED(wait_status(pid)), "killed");
	TEST_ASSERT_SUCCESS(pthread_join(t, NULL), "join");
	TEST_ASSERT_EQUAL(w.ret, 1, "the waiter got the lock and a PASID");
	printf("# the waiter used %.2f ms of CPU in 300 ms behind the stopped holder\n", w.cpu_ms);
	TEST_ASSERT(w.cpu_ms < 30, "the waiter slept: %.2f ms of CPU", w.cpu_ms);
	TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
	TEST_ASSERT_EQUAL(info.recoveries, 1, "recoveries");
	return TEST_SUCCESS;
}

/* Children busy in the allocator, killed at random moments. */
static void
child_busy(void *arg)
{
	struct rte_pasid_space *s = child_attach();
	int o = rte_pasid_owner_register(s, 0), p;
	uint32_t i = 0;

	(void)arg;
	if (o <= 0)
		_exit(12);
	rep->owner = o;
	for (;;) {
		p = rte_pasid_alloc(s, (unsigned int)o);
		if (p > 0 && (i & 1))
			rte_pasid_free(s, (unsigned int)o, (uint32_t)p);
		if (++i % 64 == 0) {
			rte_pasid_reserve(s, 3000, 3100);
			rte_pasid_unreserve(s, 3000, 3100);
			rte_pasid_space_narrow(s, WIDTH - 1);
			rte_pasid_space_set_width(s, WIDTH);
		}
		if (i % 1024 == 0)
			rte_pasid_owner_unregister(s, (unsigned int)o);
		if (i % 1024 == 0 && (o = rte_pasid_owner_register(s, 0)) <= 0)
			_exit(13);
	}
}

static int
killed_at_random(void)
{
	struct rte_pasid_space_info info;
	uint64_t x = (uint64_t)time(NULL) | 1;
	int me = rte_pasid_owner_register(ns, 0), round, mine = 0, p;
	pid_t pid;

	memset(&info, 0, sizeof(info));
	printf("# seed 0x%llx\n", (unsigned long long)x);
	TEST_ASSERT(me > 0, "register");
	for (round = 0; round < 40; round++) {
		pid = spawn(child_busy, NULL);
		TEST_ASSERT(pid > 0, "fork");
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		usleep(2000 + (useconds_t)(x % 3000));
		kill(pid, SIGKILL);
		TEST_ASSERT(WIFSIGNALED(wait_status(pid)), "killed");
		p = rte_pasid_alloc(ns, (unsigned int)me);
		TEST_ASSERT(p > 0, "round %d: alloc %d", round, p);
		mine++;
		TEST_ASSERT_SUCCESS(rte_pasid_space_audit(ns), "round %d: audit", round);
		TEST_ASSERT(rte_pasid_space_reclaim(ns, NULL, NULL) >= 0, "reclaim");
		TEST_ASSERT_SUCCESS(rte_pasid_space_set_width(ns, WIDTH), "width");
		TEST_ASSERT(rte_pasid_unreserve(ns, 3000, 3100) >= 0, "unreserve");
		TEST_ASSERT_EQUAL(rte_pasid_count(ns), mine, "round %d: only mine left", round);
		TEST_ASSERT_SUCCESS(rte_pasid_space_info(ns, &info), "info");
		TEST_ASSERT_EQUAL(info.owners, 1, "round %d: only my slot", round);
	}
	printf("# 40 children killed, %u of them while holding the lock\n", info.recoveries);
	return TEST_SUCCESS;
}

int
main(void)
{
	static const struct test_case cases[] = {
		TEST_CASE(two_mappings),
		TEST_CASE_ST(setup_shared, teardown_shared, child_attaches),
		TEST_CASE_ST(setup_shared, teardown_shared, reclaim_dead_children),
		TEST_CASE_ST(setup_shared, teardown_shared, reclaim_spares_live),
		TEST_CASE_ST(setup_shared, teardown_shared, processes_concurrent),
		TEST_CASE_ST(setup_shared, teardown_shared, lock_holder_killed),
		TEST_CASE_ST(setup_shared, teardown_shared, lock_holder_thread_exits),
		TEST_CASE_ST(setup_shared, teardown_shared, lock_holder_stopped),
		TEST_CASE_ST(setup_shared, teardown_shared, killed_at_random),
		TEST_CASES_END()
	};

	return test_run("pasid_mp", cases);
}
