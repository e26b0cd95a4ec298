/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Holders of the shared namespace's lock that go away: a child killed at
 * each step of each update, a thread that exits holding the lock, a
 * holder stopped with it (waiters sleep), and children busy in the
 * allocator killed at random moments.
 */

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "rte_pasid.h"
#include "pasid_private.h"
#include "test.h"
#include "test_pasid_mp.h"

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

int
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

int
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
int
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

int
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
		xorshift64(&x);
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
