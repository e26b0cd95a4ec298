/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* PASID values: alloc, free, reserve, queries. */

#include <errno.h>

#include "pasid_private.h"

/*
 * Lock held. The lowest value whose taken[] bit is clear, or -ENOSPC:
 * the first room[] word with a set bit from the hint on, then one word
 * of taken[].
 */
static inline int
pasid_find_free(struct rte_pasid_space *s)
{
	const uint64_t *room = pasid_room(s);
	uint32_t j, i;

	for (j = s->hint; j < s->room_words; j++) {
		if (room[j] != 0) {
			s->hint = j;
			i = j << 6 | (uint32_t)__builtin_ctzll(room[j]);
			return (int)(i << 6 | (uint32_t)__builtin_ctzll(~pasid_taken(s)[i]));
		}
	}
	s->hint = j;
	return -ENOSPC;
}

int
rte_pasid_alloc(struct rte_pasid_space *space, unsigned int owner)
{
	int ret;

	if (PASID_UNLIKELY(space == NULL))
		return pasid_fail(-EINVAL, "NULL namespace", "PASID alloc");
	ret = pasid_lock(space);
	if (PASID_UNLIKELY(ret < 0))
		return ret;
	if (PASID_UNLIKELY(!pasid_owner_ok(space, owner))) {
		ret = pasid_fail(-EINVAL, "not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE",
				 "PASID alloc by owner %u", owner);
	} else {
		ret = pasid_find_free(space);
		if (PASID_LIKELY(ret > 0))
			pasid_take(space, (uint32_t)ret, pasid_code(owner));
		else
			ret = pasid_fail(-ENOSPC, "every PASID of the namespace is allocated or reserved",
					 "PASID alloc by owner %u", owner);
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_alloc_value(struct rte_pasid_space *space, unsigned int owner,
		uint32_t pasid)
{
	uint8_t b;
	int ret;

	if (space == NULL || pasid == RTE_PASID_RID)
		return pasid_fail(-EINVAL, "NULL namespace, or PASID 0 (the RID's)",
				  "PASID alloc %u", pasid);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	if (!pasid_owner_ok(space, owner)) {
		ret = pasid_fail(-EINVAL, "not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE",
				 "PASID alloc %u by owner %u", pasid, owner);
	} else if (pasid >> space->width) {
		ret = pasid_fail(-ERANGE, "beyond the namespace's width",
				 "PASID alloc %u (width %u)", pasid, space->width);
	} else {
		b = pasid_value(space)[pasid];
		if (b == PASID_V_FREE)
			pasid_take(space, pasid, pasid_code(owner));
		else if (b == PASID_V_RES)
			ret = pasid_fail(-EBUSY, "the value is reserved", "PASID alloc %u", pasid);
		else
			ret = pasid_fail(-EEXIST, "the value is allocated already",
					 "PASID alloc %u", pasid);
	}
	pasid_unlock(space);
	return ret;
}

/* Lock held: why @p owner cannot free @p pasid. Out of line: rare. */
static __attribute__((noinline)) int
pasid_free_error(struct rte_pasid_space *s, unsigned int owner, uint32_t pasid)
{
	unsigned int its;
	uint8_t b;

	if (!pasid_owner_ok(s, owner))
		return pasid_fail(-EINVAL, "not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE",
				  "PASID free %u by owner %u", pasid, owner);
	if (pasid >> s->width)
		return pasid_fail(-ERANGE, "beyond the namespace's width",
				  "PASID free %u (width %u)", pasid, s->width);
	b = pasid_value(s)[pasid];
	if (!pasid_is_allocated(b))
		return pasid_fail(-ENOENT, "not allocated: freed already, or reserved",
				  "PASID free %u by owner %u", pasid, owner);
	its = b == PASID_V_NONE ? RTE_PASID_OWNER_NONE : b;
	return pasid_fail(-EPERM, "allocated to another owner: only its owner frees it",
			  "PASID free %u by owner %u (its owner: %u)", pasid, owner, its);
}

int
rte_pasid_free(struct rte_pasid_space *space, unsigned int owner, uint32_t pasid)
{
	int ret;

	if (PASID_UNLIKELY(space == NULL || pasid == RTE_PASID_RID))
		return pasid_fail(-EINVAL, "NULL namespace, or PASID 0 (the RID's)",
				  "PASID free %u", pasid);
	ret = pasid_lock(space);
	if (PASID_UNLIKELY(ret < 0))
		return ret;
	if (PASID_LIKELY(owner <= RTE_PASID_OWNER_MAX && (pasid >> space->width) == 0 &&
			pasid_value(space)[pasid] == pasid_code(owner)))
		pasid_give(space, pasid);
	else
		ret = pasid_free_error(space, owner, pasid);
	pasid_unlock(space);
	return ret;
}

uint32_t
pasid_apply(struct rte_pasid_space *s)
{
	struct pasid_pending *pd = &s->pending;
	uint8_t *val = pasid_value(s), from, to;
	uint32_t v, n = 0;

	if (pd->op == PASID_OP_RELEASE) {
		n = pasid_free_owners(s, pd->owners);
		for (v = 0; v < RTE_PASID_OWNER_MAX; v++) {
			if (pd->owners & (UINT64_C(1) << v)) {
				s->owners[v].used = 0;
				s->owners[v].gen++;
			}
		}
	} else if (pd->op == PASID_OP_RESERVE || pd->op == PASID_OP_UNRESERVE) {
		from = pd->op == PASID_OP_RESERVE ? PASID_V_FREE : PASID_V_RES;
		to = pd->op == PASID_OP_RESERVE ? PASID_V_RES : PASID_V_FREE;
		for (v = pd->first; v <= pd->last; v++) {
			if (val[v] == from) {
				val[v] = to;
				n++;
			}
		}
		pasid_refresh(s, pd->first, pd->last);
		if (pd->op == PASID_OP_RESERVE)
			s->reserved += n;
		else
			s->reserved -= n;
	}
	pasid_store_order();
	pd->op = PASID_OP_NONE;
	return n;
}

/* Lock held, pending set up: record it, then carry it out. */
static uint32_t
pasid_start(struct rte_pasid_space *s, enum pasid_op op)
{
	pasid_store_order();
	s->pending.op = op;
	pasid_store_order();
	return pasid_apply(s);
}

/* Reserve or unreserve [first, last]. */
static int
pasid_reserve_op(struct rte_pasid_space *s, enum pasid_op op, uint32_t first, uint32_t last)
{
	const char *what = op == PASID_OP_RESERVE ? "reserve" : "unreserve";
	const uint8_t *val;
	uint32_t v;
	int ret;

	if (s == NULL || first == RTE_PASID_RID || last < first)
		return pasid_fail(-EINVAL, "NULL namespace, a range from 0, or last before first",
				  "PASID %s %u..%u", what, first, last);
	ret = pasid_lock(s);
	if (ret < 0)
		return ret;
	if (last >> s->width) {
		ret = pasid_fail(-ERANGE, "beyond the namespace's width",
				 "PASID %s %u..%u (width %u)", what, first, last, s->width);
		goto out;
	}
	val = pasid_value(s);
	for (v = first; v <= last && op == PASID_OP_RESERVE; v++) {
		if (pasid_is_allocated(val[v])) {
			ret = pasid_fail(-EBUSY, "a value of the range is allocated: free it first",
					 "PASID reserve %u..%u (%u)", first, last, v);
			goto out;
		}
	}
	s->pending.first = first;
	s->pending.last = last;
	ret = (int)pasid_start(s, op);
out:
	pasid_unlock(s);
	return ret;
}

int
rte_pasid_reserve(struct rte_pasid_space *space, uint32_t first, uint32_t last)
{
	return pasid_reserve_op(space, PASID_OP_RESERVE, first, last);
}

int
rte_pasid_unreserve(struct rte_pasid_space *space, uint32_t first, uint32_t last)
{
	return pasid_reserve_op(space, PASID_OP_UNRESERVE, first, last);
}

/* Lock held: release the owners of @p mask (their PASIDs, then the slots). */
uint32_t
pasid_release(struct rte_pasid_space *s, uint64_t mask)
{
	s->pending.owners = mask;
	return pasid_start(s, PASID_OP_RELEASE);
}

int
rte_pasid_state(struct rte_pasid_space *space, uint32_t pasid, unsigned int *owner)
{
	uint8_t b;
	int ret;

	if (space == NULL)
		return pasid_fail(-EINVAL, "NULL namespace", "PASID state %u", pasid);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	if (pasid >> space->width) {
		ret = pasid_fail(-ERANGE, "beyond the namespace's width",
				 "PASID state %u (width %u)", pasid, space->width);
	} else {
		b = pasid_value(space)[pasid];
		if (b == PASID_V_FREE) {
			ret = RTE_PASID_STATE_FREE;
		} else if (b == PASID_V_RES) {
			ret = RTE_PASID_STATE_RESERVED;
		} else {
			ret = RTE_PASID_STATE_ALLOCATED;
			if (owner != NULL)
				*owner = b == PASID_V_NONE ? RTE_PASID_OWNER_NONE : b;
		}
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_next(struct rte_pasid_space *space, uint32_t after, unsigned int *owner)
{
	const uint64_t *taken;
	const uint8_t *val;
	uint64_t v, limit;
	int ret;

	if (space == NULL)
		return pasid_fail(-EINVAL, "NULL namespace", "PASID next after %u", after);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	taken = pasid_taken(space);
	val = pasid_value(space);
	limit = UINT64_C(1) << space->width;
	ret = -ENOENT;
	for (v = (uint64_t)after + 1; v < limit; v++) {
		/* A word without taken values holds no allocated one. */
		if ((v & 63) == 0 && taken[v >> 6] == 0) {
			v += 63;
			continue;
		}
		if (pasid_is_allocated(val[v])) {
			ret = (int)v;
			if (owner != NULL)
				*owner = val[v] == PASID_V_NONE ? RTE_PASID_OWNER_NONE : val[v];
			break;
		}
	}
	pasid_unlock(space);
	if (ret == -ENOENT)
		pasid_fail(ret, "no allocated PASID after it", "PASID next after %u", after);
	return ret;
}

int
rte_pasid_count(struct rte_pasid_space *space)
{
	int n;

	if (space == NULL)
		return pasid_fail(-EINVAL, "NULL namespace", "PASID count");
	n = pasid_lock(space);
	if (n < 0)
		return n;
	n = (int)space->allocated;
	pasid_unlock(space);
	return n;
}
