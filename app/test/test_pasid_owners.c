/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Owners of PASIDs: registration, liveness of an owner's process
 * (recycled pids, zombies) and reclaim of the PASIDs of dead owners.
 */

#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "rte_pasid.h"
#include "test.h"
#include "test_pasid.h"

/* ------------------------------------------------------------------ */
/* Owners                                                              */
/* ------------------------------------------------------------------ */

static pid_t
dead_pid(void)
{
	pid_t pid;

	fflush(stdout);
	pid = fork();
	if (pid == 0)
		_exit(0);
	if (pid > 0)
		waitpid(pid, NULL, 0);
	return pid;
}

int
owner_register(void)
{
	struct rte_pasid_owner_info oi;
	int owners[RTE_PASID_OWNER_MAX], i, o;
	pid_t gone = dead_pid();

	TEST_ASSERT(gone > 0, "fork");
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(NULL, 0), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(sp, -1), -EINVAL, "pid -1");
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(sp, gone), -ESRCH, "exited pid %d", gone);
	for (i = 0; i < (int)RTE_PASID_OWNER_MAX; i++) {
		owners[i] = rte_pasid_owner_register(sp, i % 2 ? 0 : getpid());
		TEST_ASSERT_EQUAL(owners[i], i + 1, "slot %d", i);
	}
	TEST_ASSERT_EQUAL(rte_pasid_owner_register(sp, 0), -ENOSPC, "65th");
	TEST_ASSERT_SUCCESS(rte_pasid_owner_get(sp, 17, &oi), "get");
	TEST_ASSERT_EQUAL(oi.owner, 17, "owner");
	TEST_ASSERT_EQUAL(oi.pid, getpid(), "pid");
	TEST_ASSERT(oi.start_time != 0, "start time read from /proc");
	TEST_ASSERT_EQUAL(oi.count, 0, "count");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(NULL, 1, &oi), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 1, NULL), -EINVAL, "NULL info");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 0, &oi), -EINVAL, "owner 0");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 65, &oi), -EINVAL, "owner 65");

	for (i = 0; i < 30; i++)
		TEST_ASSERT(rte_pasid_alloc(sp, 17) > 0, "alloc");
	TEST_ASSERT_SUCCESS(rte_pasid_alloc_value(sp, 18, 200), "200");
	TEST_ASSERT_SUCCESS(rte_pasid_free(sp, 17, 10), "free one of 17's");
	TEST_ASSERT_SUCCESS(rte_pasid_owner_get(sp, 17, &oi), "get");
	TEST_ASSERT_EQUAL(oi.count, 29, "count");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(NULL, 17), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 0), -EINVAL, "owner 0");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 65), -EINVAL, "owner 65");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 17), 29, "frees its PASIDs");
	TEST_ASSERT_EQUAL(rte_pasid_owner_unregister(sp, 17), -EINVAL, "twice");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 1, "18's PASID stays");
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, 17), -EINVAL, "unregistered");
	TEST_ASSERT_EQUAL(rte_pasid_owner_get(sp, 17, &oi), -EINVAL, "gone");
	o = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT_EQUAL(o, 17, "slot reused");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}

int
owner_alive_default(void)
{
	struct rte_pasid_owner_info oi;
	pid_t child;
	int o, i;

	o = rte_pasid_owner_register(sp, 0);
	TEST_ASSERT(o > 0, "register");
	TEST_ASSERT_SUCCESS(rte_pasid_owner_get(sp, (unsigned int)o, &oi), "get");
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 1, "self");
	oi.start_time++;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "recycled pid");
	oi.start_time = 0;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 1, "no start time");
	oi.pid = 0;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "pid 0");
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(NULL, NULL), -EINVAL, "NULL");
	oi.pid = dead_pid();
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "reaped child");
	/* A killed child not yet reaped is a zombie: dead as well. */
	fflush(stdout);
	child = fork();
	TEST_ASSERT(child >= 0, "fork");
	if (child == 0) {
		pause();
		_exit(0);
	}
	oi.pid = child;
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 1, "live child");
	kill(child, SIGKILL);
	for (i = 0; i < 1000; i++) {
		siginfo_t si;

		memset(&si, 0, sizeof(si));
		if (waitid(P_PID, (id_t)child, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
				si.si_pid == child)
			break;
		usleep(1000);
	}
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "zombie");
	waitpid(child, NULL, 0);
	TEST_ASSERT_EQUAL(rte_pasid_owner_alive(&oi, NULL), 0, "reaped");
	return TEST_SUCCESS;
}

struct alive_arg {
	unsigned int dead_owner;
	int fail;
	unsigned int calls;
};

static int
alive_cb(const struct rte_pasid_owner_info *owner, void *arg)
{
	struct alive_arg *a = arg;

	a->calls++;
	if (a->fail)
		return a->fail;
	return owner->owner != a->dead_owner;
}

int
reclaim_with_callback(void)
{
	struct alive_arg a = { 0, 0, 0 };
	int o[3], i, k, held[3] = { 0, 0, 0 };
	unsigned int owner;
	uint32_t v;

	for (i = 0; i < 3; i++) {
		o[i] = rte_pasid_owner_register(sp, 0);
		TEST_ASSERT(o[i] > 0, "register");
	}
	for (i = 0; i < 120; i++) {
		k = i % 3;
		TEST_ASSERT(rte_pasid_alloc(sp, (unsigned int)o[k]) > 0, "alloc");
		held[k]++;
	}
	TEST_ASSERT(rte_pasid_alloc(sp, RTE_PASID_OWNER_NONE) > 0, "unowned");
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(NULL, NULL, NULL), -EINVAL, "NULL");
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, NULL, NULL), 0, "all alive");
	a.fail = -EIO;
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, alive_cb, &a), -EIO, "cb error");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 121, "nothing freed on error");
	a.fail = 0;
	a.dead_owner = (unsigned int)o[1];
	a.calls = 0;
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, alive_cb, &a), held[1], "owner 2's");
	TEST_ASSERT_EQUAL(a.calls, 3, "one call per owner");
	TEST_ASSERT_EQUAL(rte_pasid_count(sp), 121 - held[1], "count");
	/* Values 1..120 went to the owners in turn, 121 to nobody. */
	for (v = 1; v < 256; v++) {
		int st = rte_pasid_state(sp, v, &owner);
		bool want = v <= 121 && (v == 121 || (v - 1) % 3 != 1);

		TEST_ASSERT_EQUAL(st, want ? RTE_PASID_STATE_ALLOCATED : RTE_PASID_STATE_FREE,
			"state of %u", v);
		if (st == RTE_PASID_STATE_ALLOCATED)
			TEST_ASSERT(owner != (unsigned int)o[1], "%u still owned by the dead", v);
	}
	TEST_ASSERT_EQUAL(rte_pasid_alloc(sp, (unsigned int)o[1]), -EINVAL, "slot released");
	a.calls = 0;
	TEST_ASSERT_EQUAL(rte_pasid_space_reclaim(sp, alive_cb, &a), 0, "nothing more");
	TEST_ASSERT_EQUAL(a.calls, 2, "released slot not asked");
	TEST_ASSERT_SUCCESS(rte_pasid_space_audit(sp), "audit");
	return TEST_SUCCESS;
}
