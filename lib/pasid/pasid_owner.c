/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Owners: registration, liveness, reclaiming the PASIDs of dead processes. */

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "pasid_private.h"

int
pasid_proc_stat(pid_t pid, char *state, uint64_t *start_time)
{
	char path[32], buf[1024];
	unsigned long long start;
	const char *p;
	ssize_t n;
	int fd, i;

	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return errno == ESRCH ? -ENOENT : -errno;
	n = read(fd, buf, sizeof(buf) - 1);
	i = errno;
	close(fd);
	if (n < 0)
		return i == ESRCH ? -ENOENT : -i; /* gone between open and read */
	buf[n] = '\0';
	/* "pid (comm) S ppid ...": comm may hold spaces and ')'. */
	p = strrchr(buf, ')');
	if (p == NULL || p[1] != ' ' || p[2] == '\0')
		return -EIO;
	*state = p[2];
	/* starttime is field 22; field 3 (state) is the first after ')'. */
	p += 2;
	for (i = 3; i < 22; i++) {
		p = strchr(p, ' ');
		if (p == NULL)
			return -EIO;
		p++;
	}
	if (sscanf(p, "%llu", &start) != 1)
		return -EIO;
	*start_time = start;
	return 0;
}

uint32_t
pasid_free_owners(struct rte_pasid_space *s, uint64_t mask)
{
	uint32_t limit = 1u << s->width, held = 0, freed = 0, v;
	const uint8_t *val = pasid_value(s);
	unsigned int i;

	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		if (mask & (UINT64_C(1) << i))
			held += s->owners[i].count;
	for (v = 1; v < limit && freed < held; v++) {
		if (pasid_is_allocated(val[v]) && val[v] != PASID_V_NONE &&
				(mask & (UINT64_C(1) << (val[v] - 1)))) {
			pasid_give(s, v);
			freed++;
		}
	}
	return freed;
}

/* Lock held: is @p owner a registered owner slot? */
static bool
pasid_registered(struct rte_pasid_space *s, unsigned int owner)
{
	return owner != RTE_PASID_OWNER_NONE && owner <= RTE_PASID_OWNER_MAX &&
		s->owners[owner - 1].used;
}

int
rte_pasid_owner_register(struct rte_pasid_space *space, pid_t pid)
{
	struct pasid_owner_slot *slot;
	uint64_t start = 0;
	unsigned int i;
	char state;
	int ret;

	if (space == NULL || pid < 0)
		return pasid_fail(-EINVAL, "NULL namespace or negative pid",
				  "PASID owner register pid %d", (int)pid);
	if (pid == 0)
		pid = getpid();
	ret = pasid_proc_stat(pid, &state, &start);
	if ((kill(pid, 0) < 0 && errno == ESRCH) || (ret == 0 && (state == 'Z' || state == 'X')))
		return pasid_fail(-ESRCH, "no such process, or it has exited",
				  "PASID owner register pid %d", (int)pid);
	if (ret < 0)
		start = 0; /* /proc unreadable: no guard against pid reuse */
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	ret = pasid_fail(-ENOSPC, "all 64 owner slots are in use: unregister owners or reclaim dead ones",
			 "PASID owner register pid %d", (int)pid);
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
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
		break;
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_owner_unregister(struct rte_pasid_space *space, unsigned int owner)
{
	int ret;

	if (space == NULL)
		return pasid_fail(-EINVAL, "NULL namespace", "PASID owner %u unregister", owner);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	if (!pasid_registered(space, owner))
		ret = pasid_fail(-EINVAL, "not a registered owner (unregistered already?)",
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

	if (space == NULL || info == NULL)
		return pasid_fail(-EINVAL, "NULL namespace or info", "PASID owner %u", owner);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	if (!pasid_registered(space, owner))
		ret = pasid_fail(-EINVAL, "not a registered owner", "PASID owner %u", owner);
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
		return pasid_fail(-EINVAL, "NULL owner", "PASID owner liveness");
	if (owner->pid <= 0)
		return 0;
	if (kill(owner->pid, 0) < 0 && errno == ESRCH)
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
	uint64_t dead = 0, mask = 0;
	unsigned int i, n = 0;
	int ret;

	if (space == NULL)
		return pasid_fail(-EINVAL, "NULL namespace", "PASID reclaim");
	if (alive == NULL)
		alive = rte_pasid_owner_alive;
	/* Snapshot the slots, then ask about each without the lock. */
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
		if (!space->owners[i].used)
			continue;
		pasid_slot_info(&space->owners[i], i + 1, &snap[n]);
		gen[n++] = space->owners[i].gen;
	}
	pasid_unlock(space);
	for (i = 0; i < n; i++) {
		ret = alive(&snap[i], arg);
		if (ret < 0)
			return pasid_fail(ret, "the liveness callback failed: nothing was freed",
					  "PASID reclaim: owner %u", snap[i].owner);
		if (ret == 0)
			dead |= UINT64_C(1) << i;
	}
	if (dead == 0)
		return 0;
	/* Free only slots still holding what was checked. */
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	for (i = 0; i < n; i++) {
		unsigned int slot = snap[i].owner - 1;

		if ((dead & (UINT64_C(1) << i)) && space->owners[slot].used &&
				space->owners[slot].gen == gen[i])
			mask |= UINT64_C(1) << slot;
	}
	ret = mask != 0 ? (int)pasid_release(space, mask) : 0;
	pasid_unlock(space);
	return ret;
}
