/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Owners of a PASID namespace: registration, liveness, reclaim of dead ones. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pasid_private.h"

#define PASID_GONE UINT64_MAX

/*
 * The start time (clock ticks after boot, from /proc/<pid>/stat) of a
 * process: PASID_GONE if kill() finds none or it is a zombie (killed, not
 * yet reaped), 0 if /proc cannot tell (hidepid, or a race with its exit,
 * which the next reclaim sees).
 */
static uint64_t
pasid_proc_start(pid_t pid)
{
	unsigned long long start;
	char path[32], buf[1024], state;
	const char *p;
	size_t n;
	FILE *f;

	if (pid <= 0 || (kill(pid, 0) < 0 && errno == ESRCH))
		return PASID_GONE;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return 0;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and ')'; starttime is field 22. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u"
			" %*d %*d %*d %*d %*d %*d %llu", &state, &start) != 2)
		return 0;
	return state == 'Z' || state == 'X' ? PASID_GONE : start;
}

int
rte_pasid_owner_register(struct rte_pasid_space *space, pid_t pid)
{
	struct pasid_owner_slot *slot;
	uint64_t start;
	unsigned int i;
	int ret;

	if (pid < 0)
		return pasid_fail(-EINVAL, PASID_WHY("negative pid"), "PASID owner register pid %d", (int)pid);
	pid = pid != 0 ? pid : getpid();
	start = pasid_proc_start(pid); /* 0: no guard against pid reuse */
	if (start == PASID_GONE)
		return pasid_fail(-ESRCH, PASID_WHY("no such process, or it has exited"),
				  "PASID owner register pid %d", (int)pid);
	ret = pasid_enter(space, "owner register");
	if (ret < 0)
		return ret;
	for (i = 0; i < RTE_PASID_OWNER_MAX && space->owners[i].used; i++)
		;
	if (i < RTE_PASID_OWNER_MAX) {
		slot = &space->owners[i];
		slot->pid = (int32_t)pid;
		slot->start_time = start;
		slot->count = 0;
		slot->gen++;
		/* Last: a holder dying before this leaves the slot free. */
		pasid_store_order();
		slot->used = 1;
	}
	pasid_unlock(space);
	if (i == RTE_PASID_OWNER_MAX)
		return pasid_fail(-ENOSPC, PASID_WHY("all 64 owner slots are in use: unregister owners or reclaim dead ones"),
				  "PASID owner register pid %d", (int)pid);
	return (int)i + 1;
}

int
rte_pasid_owner_unregister(struct rte_pasid_space *space, unsigned int owner)
{
	int ret = pasid_enter_owner(space, "owner unregister", owner, false);

	if (ret < 0)
		return ret;
	ret = (int)pasid_start(space, PASID_OP_RELEASE, 0, 0, UINT64_C(1) << (owner - 1));
	pasid_unlock(space);
	return ret;
}

static void
pasid_slot_info(const struct pasid_owner_slot *slot, unsigned int owner,
		struct rte_pasid_owner_info *info)
{
	memset(info, 0, sizeof(*info));
	info->owner = owner;
	info->pid = slot->pid;
	info->start_time = slot->start_time;
	info->count = slot->count;
}

int
rte_pasid_owner_get(struct rte_pasid_space *space, unsigned int owner,
		struct rte_pasid_owner_info *info)
{
	int ret;

	if (info == NULL)
		return pasid_fail(-EINVAL, PASID_WHY("NULL info"), "PASID owner %u", owner);
	ret = pasid_enter_owner(space, "owner get", owner, false);
	if (ret < 0)
		return ret;
	pasid_slot_info(&space->owners[owner - 1], owner, info);
	pasid_unlock(space);
	return 0;
}

int
rte_pasid_owner_alive(const struct rte_pasid_owner_info *owner, void *arg)
{
	uint64_t start;

	(void)arg;
	if (owner == NULL)
		return pasid_fail(-EINVAL, PASID_WHY("NULL owner"), "PASID owner liveness");
	start = pasid_proc_start(owner->pid);
	/* Another start time: the pid was recycled. */
	return start != PASID_GONE && (start == 0 || owner->start_time == 0 ||
				       start == owner->start_time);
}

int
rte_pasid_space_reclaim(struct rte_pasid_space *space,
		rte_pasid_owner_alive_t alive, void *arg)
{
	struct pasid_owner_slot snap[RTE_PASID_OWNER_MAX];
	struct rte_pasid_owner_info info;
	uint64_t mask = 0;
	unsigned int i;
	int ret = pasid_enter(space, "reclaim");

	if (ret < 0)
		return ret;
	/* Snapshot the slots, then ask about each without the lock. */
	memcpy(snap, space->owners, sizeof(snap));
	pasid_unlock(space);
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
		if (!snap[i].used)
			continue;
		pasid_slot_info(&snap[i], i + 1, &info);
		ret = (alive != NULL ? alive : rte_pasid_owner_alive)(&info, arg);
		if (ret < 0)
			return pasid_fail(ret, PASID_WHY("the liveness callback failed: nothing was freed"),
					  "PASID reclaim: owner %u", i + 1);
		mask |= (uint64_t)(ret == 0) << i;
	}
	if (mask == 0)
		return 0;
	ret = pasid_enter(space, "reclaim");
	if (ret < 0)
		return ret;
	/* Dead, unless the slot was released or registered again meanwhile. */
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		if (!space->owners[i].used || space->owners[i].gen != snap[i].gen)
			mask &= ~(UINT64_C(1) << i);
	ret = mask != 0 ? (int)pasid_start(space, PASID_OP_RELEASE, 0, 0, mask) : 0;
	pasid_unlock(space);
	return ret;
}
