/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Owners: registration, liveness, reclaiming the PASIDs of dead processes. */

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "pasid_private.h"

/* Lock held. The slot of a registered owner, or NULL. */
static struct pasid_owner_slot *
pasid_slot(struct rte_pasid_space *s, unsigned int owner)
{
	if (owner == RTE_PASID_OWNER_NONE || owner > RTE_PASID_OWNER_MAX ||
			!s->owners[owner - 1].used)
		return NULL;
	return &s->owners[owner - 1];
}

/* Lock held, the slot's PASIDs already freed. */
static void
pasid_slot_release(struct pasid_owner_slot *slot)
{
	slot->used = 0;
	slot->gen++;
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
		return -EINVAL;
	if (pid == 0)
		pid = getpid();
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return -ESRCH;
	ret = pasid_proc_stat(pid, &state, &start);
	if (ret == 0 && (state == 'Z' || state == 'X'))
		return -ESRCH;
	if (ret < 0)
		start = 0; /* /proc unreadable: no guard against pid reuse */

	ret = -ENOSPC;
	pasid_lock(space);
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
		slot = &space->owners[i];
		if (slot->used)
			continue;
		slot->pid = (int32_t)pid;
		slot->start_time = start;
		slot->count = 0;
		slot->gen++;
		/* Last: a holder dying before this leaves the slot free. */
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
	struct pasid_owner_slot *slot;
	int ret;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	slot = pasid_slot(space, owner);
	if (slot == NULL) {
		ret = -EINVAL;
	} else {
		ret = (int)pasid_free_owners(space, UINT64_C(1) << (owner - 1));
		pasid_slot_release(slot);
	}
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
	struct pasid_owner_slot *slot;
	int ret = 0;

	if (space == NULL || info == NULL)
		return -EINVAL;
	pasid_lock(space);
	slot = pasid_slot(space, owner);
	if (slot == NULL)
		ret = -EINVAL;
	else
		pasid_slot_info(slot, owner, info);
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_owner_alive(const struct rte_pasid_owner_info *owner, void *arg)
{
	uint64_t start;
	char state;
	int ret;

	(void)arg;
	if (owner == NULL)
		return -EINVAL;
	if (owner->pid <= 0)
		return 0;
	if (kill(owner->pid, 0) < 0 && errno == ESRCH)
		return 0;
	/* kill() found it: a missing /proc entry means hidepid or a race
	 * with its exit, which the next reclaim sees. */
	ret = pasid_proc_stat(owner->pid, &state, &start);
	if (ret < 0)
		return 1; /* cannot tell */
	if (state == 'Z' || state == 'X')
		return 0; /* killed, not yet reaped */
	if (owner->start_time != 0 && start != owner->start_time)
		return 0; /* pid recycled */
	return 1;
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
		return -EINVAL;
	if (alive == NULL)
		alive = rte_pasid_owner_alive;

	/* Snapshot the slots, then ask about each without the lock. */
	pasid_lock(space);
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
		const struct pasid_owner_slot *slot = &space->owners[i];

		if (!slot->used)
			continue;
		pasid_slot_info(slot, i + 1, &snap[n]);
		gen[n++] = slot->gen;
	}
	pasid_unlock(space);
	for (i = 0; i < n; i++) {
		ret = alive(&snap[i], arg);
		if (ret < 0)
			return ret;
		if (ret == 0)
			dead |= UINT64_C(1) << i;
	}
	if (dead == 0)
		return 0;

	/* Free only slots still holding what was checked. */
	pasid_lock(space);
	for (i = 0; i < n; i++) {
		unsigned int slot = snap[i].owner - 1;

		if ((dead & (UINT64_C(1) << i)) && space->owners[slot].used &&
				space->owners[slot].gen == gen[i])
			mask |= UINT64_C(1) << slot;
	}
	ret = (int)pasid_free_owners(space, mask);
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		if (mask & (UINT64_C(1) << i))
			pasid_slot_release(&space->owners[i]);
	pasid_unlock(space);
	return ret;
}
