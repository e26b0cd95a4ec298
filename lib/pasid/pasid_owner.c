/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Owners: registration, liveness, reclaiming the PASIDs of dead processes. */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pasid_private.h"

/*
 * State and start time (clock ticks after boot) of a process, from
 * /proc/<pid>/stat: 0, -ENOENT (no such process) or another -errno.
 */
static int
pasid_proc_stat(pid_t pid, char *state, uint64_t *start_time)
{
	unsigned long long start;
	char path[32], buf[1024];
	const char *p;
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	f = fopen(path, "re");
	if (f == NULL)
		return errno == ESRCH ? -ENOENT : -errno;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and ')'; starttime is field 22. */
	p = strrchr(buf, ')');
	if (p == NULL || sscanf(p + 1, " %c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %*u %*u"
			" %*d %*d %*d %*d %*d %*d %llu", state, &start) != 2)
		return n == 0 ? -ENOENT : -EIO; /* empty: gone between open and read */
	*start_time = start;
	return 0;
}

/* Lock held: is @p owner a registered owner slot? */
static bool
pasid_registered(struct rte_pasid_space *s, unsigned int owner)
{
	return owner != RTE_PASID_OWNER_NONE && pasid_owner_ok(s, owner);
}

int
rte_pasid_owner_register(struct rte_pasid_space *space, pid_t pid)
{
	struct pasid_owner_slot *slot;
	uint64_t start = 0;
	unsigned int i;
	char state = 'R';
	int ret;

	if (pid < 0)
		return pasid_fail(-EINVAL, PASID_WHY("negative pid"), "PASID owner register pid %d", (int)pid);
	pid = pid != 0 ? pid : getpid();
	if (pasid_proc_stat(pid, &state, &start) < 0)
		start = 0; /* /proc unreadable: no guard against pid reuse */
	if ((kill(pid, 0) < 0 && errno == ESRCH) || state == 'Z' || state == 'X')
		return pasid_fail(-ESRCH, PASID_WHY("no such process, or it has exited"),
				  "PASID owner register pid %d", (int)pid);
	ret = pasid_enter(space, "owner register");
	if (ret < 0)
		return ret;
	ret = pasid_fail(-ENOSPC, PASID_WHY("all 64 owner slots are in use: unregister owners or reclaim dead ones"),
			 "PASID owner register pid %d", (int)pid);
	for (i = 0; i < RTE_PASID_OWNER_MAX && ret < 0; i++) {
		slot = &space->owners[i];
		if (slot->used)
			continue;
		slot->pid = (int32_t)pid;
		slot->start_time = start;
		slot->count = 0;
		slot->gen++;
		/* Last: a holder dying before this leaves the slot free. */
		pasid_store_order();
		slot->used = 1;
		ret = (int)i + 1;
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_owner_unregister(struct rte_pasid_space *space, unsigned int owner)
{
	int ret = pasid_enter(space, "owner unregister");

	if (ret < 0)
		return ret;
	if (!pasid_registered(space, owner))
		ret = pasid_fail(-EINVAL, PASID_WHY("not a registered owner (unregistered already?)"),
				 "PASID owner %u unregister", owner);
	else
		ret = (int)pasid_release(space, UINT64_C(1) << (owner - 1));
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
	ret = pasid_enter(space, "owner get");
	if (ret < 0)
		return ret;
	if (!pasid_registered(space, owner))
		ret = pasid_fail(-EINVAL, PASID_WHY("not a registered owner"), "PASID owner %u", owner);
	else
		pasid_slot_info(&space->owners[owner - 1], owner, info);
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_owner_alive(const struct rte_pasid_owner_info *owner, void *arg)
{
	uint64_t start;
	char state;

	(void)arg;
	if (owner == NULL)
		return pasid_fail(-EINVAL, PASID_WHY("NULL owner"), "PASID owner liveness");
	if (owner->pid <= 0 || (kill(owner->pid, 0) < 0 && errno == ESRCH))
		return 0;
	/* kill() found it: a missing /proc entry means hidepid or a race
	 * with its exit, which the next reclaim sees. */
	if (pasid_proc_stat(owner->pid, &state, &start) < 0)
		return 1; /* cannot tell */
	if (state == 'Z' || state == 'X')
		return 0; /* killed, not yet reaped */
	return owner->start_time == 0 || start == owner->start_time; /* else recycled */
}

int
rte_pasid_space_reclaim(struct rte_pasid_space *space,
		rte_pasid_owner_alive_t alive, void *arg)
{
	struct rte_pasid_owner_info snap[RTE_PASID_OWNER_MAX];
	uint32_t gen[RTE_PASID_OWNER_MAX];
	uint64_t mask = 0;
	unsigned int i, n = 0;
	int ret = pasid_enter(space, "reclaim");

	if (ret < 0)
		return ret;
	/* Snapshot the slots, then ask about each without the lock. */
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
		if (space->owners[i].used) {
			pasid_slot_info(&space->owners[i], i + 1, &snap[n]);
			gen[n++] = space->owners[i].gen;
		}
	}
	pasid_unlock(space);
	for (i = 0; i < n; i++) {
		ret = (alive != NULL ? alive : rte_pasid_owner_alive)(&snap[i], arg);
		if (ret < 0)
			return pasid_fail(ret, PASID_WHY("the liveness callback failed: nothing was freed"),
					  "PASID reclaim: owner %u", snap[i].owner);
		/* Dead, unless the slot was released or registered again meanwhile. */
		if (ret == 0)
			mask |= UINT64_C(1) << (snap[i].owner - 1);
	}
	if (mask == 0)
		return 0;
	ret = pasid_enter(space, "reclaim");
	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++) {
		if (!space->owners[snap[i].owner - 1].used ||
				space->owners[snap[i].owner - 1].gen != gen[i])
			mask &= ~(UINT64_C(1) << (snap[i].owner - 1));
	}
	ret = mask != 0 ? (int)pasid_release(space, mask) : 0;
	pasid_unlock(space);
	return ret;
}
