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
 *
 * This file: the shared namespace, attach, reclaim, processes at the
 * same time, and the list of cases. The holders of the lock:
 * test_pasid_mp_lock.c.
 */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rte_pasid.h"
#include "test.h"
#include "test_pasid_mp.h"

void *shm;
static size_t shm_len;
struct rte_pasid_space *ns;
struct report *rep;

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

pid_t
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

int
wait_status(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return status;
}

/* Wait until @p pid has exited, without reaping it (it stays a zombie). */
void
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
struct rte_pasid_space *
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
		xorshift64(&x);
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
