/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* PASID values: alloc, free, reserve, queries. */

#include <errno.h>

#include "pasid_private.h"

/* Lock held: the lowest value with a clear taken[] bit, or -ENOSPC. */
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
	int ret = pasid_enter(space, "alloc");

	if (ret < 0)
		return ret;
	if (!pasid_owner_ok(space, owner))
		ret = pasid_fail(-EINVAL, PASID_WHY("not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE"),
				 "PASID alloc by owner %u", owner);
	else if (PASID_LIKELY((ret = pasid_find_free(space)) > 0))
		pasid_take(space, (uint32_t)ret, pasid_code(owner));
	else
		ret = pasid_fail(-ENOSPC, PASID_WHY("every PASID of the namespace is allocated or reserved"),
				 "PASID alloc by owner %u", owner);
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_alloc_value(struct rte_pasid_space *space, unsigned int owner, uint32_t pasid)
{
	int ret = pasid_enter(space, "alloc_value");

	if (ret < 0)
		return ret;
	if (!pasid_owner_ok(space, owner) || pasid == RTE_PASID_RID)
		ret = pasid_fail(-EINVAL, pasid ? PASID_WHY("not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE") :
				 PASID_WHY("PASID 0 is the RID's"),
				 "PASID alloc %u by owner %u", pasid, owner);
	else if (pasid >> space->width)
		ret = pasid_fail(-ERANGE, PASID_WHY("beyond the namespace's width"),
				 "PASID alloc %u (width %u)", pasid, space->width);
	else if (pasid_value(space)[pasid] == PASID_V_RES)
		ret = pasid_fail(-EBUSY, PASID_WHY("the value is reserved"), "PASID alloc %u", pasid);
	else if (pasid_value(space)[pasid] != PASID_V_FREE)
		ret = pasid_fail(-EEXIST, PASID_WHY("the value is allocated already"), "PASID alloc %u", pasid);
	else
		pasid_take(space, pasid, pasid_code(owner));
	pasid_unlock(space);
	return ret;
}

/* Lock held: why @p owner cannot free @p pasid. Out of line: rare. */
static __attribute__((noinline)) int
pasid_free_error(struct rte_pasid_space *s, unsigned int owner, uint32_t pasid)
{
	unsigned int its;

	if (!pasid_owner_ok(s, owner) || pasid == RTE_PASID_RID)
		return pasid_fail(-EINVAL, pasid ? PASID_WHY("not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE") :
				  PASID_WHY("PASID 0 is the RID's"),
				  "PASID free %u by owner %u", pasid, owner);
	if (pasid >> s->width)
		return pasid_fail(-ERANGE, PASID_WHY("beyond the namespace's width"),
				  "PASID free %u (width %u)", pasid, s->width);
	its = pasid_value(s)[pasid];
	if (!pasid_is_allocated((uint8_t)its))
		return pasid_fail(-ENOENT, PASID_WHY("not allocated: freed already, or reserved"),
				  "PASID free %u by owner %u", pasid, owner);
	its = its == PASID_V_NONE ? RTE_PASID_OWNER_NONE : its;
	return pasid_fail(-EPERM, PASID_WHY("allocated to another owner: only its owner frees it"),
			  "PASID free %u by owner %u (its owner: %u)", pasid, owner, its);
}

int
rte_pasid_free(struct rte_pasid_space *space, unsigned int owner, uint32_t pasid)
{
	int ret = pasid_enter(space, "free");

	if (ret < 0)
		return ret;
	if (PASID_LIKELY(owner <= RTE_PASID_OWNER_MAX && pasid != RTE_PASID_RID &&
			(pasid >> space->width) == 0 && pasid_value(space)[pasid] == pasid_code(owner)))
		pasid_give(space, pasid);
	else
		ret = pasid_free_error(space, owner, pasid);
	pasid_unlock(space);
	return ret;
}

/* Lock held: free the values of the owners of @p mask (bit i: owner i + 1). */
static uint32_t
pasid_free_owners(struct rte_pasid_space *s, uint64_t mask)
{
	uint32_t limit = 1u << s->width, held = 0, freed = 0, v, i;
	const uint8_t *val = pasid_value(s);

	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		held += (mask >> i) & 1 ? s->owners[i].count : 0;
	for (v = 1; v < limit && freed < held; v++) {
		if (val[v] != PASID_V_FREE && val[v] <= RTE_PASID_OWNER_MAX &&
				((mask >> (val[v] - 1)) & 1)) {
			pasid_give(s, v);
			freed++;
		}
	}
	return freed;
}

uint32_t
pasid_apply(struct rte_pasid_space *s)
{
	struct pasid_pending *pd = &s->pending;
	uint8_t *val = pasid_value(s), from = PASID_V_FREE, to = PASID_V_RES;
	uint32_t v, n = 0;

	if (pd->op == PASID_OP_RELEASE) {
		n = pasid_free_owners(s, pd->owners);
		for (v = 0; v < RTE_PASID_OWNER_MAX; v++) {
			if (pd->owners & (UINT64_C(1) << v)) {
				s->owners[v].used = 0;
				s->owners[v].gen++;
			}
		}
	} else if (pd->op != PASID_OP_NONE) {
		if (pd->op == PASID_OP_UNRESERVE) {
			from = PASID_V_RES;
			to = PASID_V_FREE;
		}
		for (v = pd->first; v <= pd->last; v++) {
			if (val[v] == from) {
				val[v] = to;
				n++;
			}
		}
		pasid_refresh(s, pd->first, pd->last);
		s->reserved += to == PASID_V_RES ? n : -n;
	}
	pasid_store_order();
	pd->op = PASID_OP_NONE;
	return n;
}

/* Lock held, s->pending filled but op: record the update, then carry it out. */
static uint32_t
pasid_start(struct rte_pasid_space *s, enum pasid_op op)
{
	pasid_store_order();
	s->pending.op = op;
	pasid_store_order();
	return pasid_apply(s);
}

uint32_t
pasid_release(struct rte_pasid_space *s, uint64_t mask)
{
	s->pending.owners = mask;
	return pasid_start(s, PASID_OP_RELEASE);
}

static int
pasid_reserve_op(struct rte_pasid_space *s, enum pasid_op op, uint32_t first, uint32_t last)
{
	const char *what = op == PASID_OP_RESERVE ? "reserve" : "unreserve";
	int ret = pasid_enter(s, what);

	if (ret < 0)
		return ret;
	if (first == RTE_PASID_RID || last < first)
		ret = pasid_fail(-EINVAL, PASID_WHY("a range from 0 (the RID's), or last before first"),
				 "PASID %s %u..%u", what, first, last);
	else if (last >> s->width)
		ret = pasid_fail(-ERANGE, PASID_WHY("beyond the namespace's width"),
				 "PASID %s %u..%u (width %u)", what, first, last, s->width);
	else if (op == PASID_OP_RESERVE && pasid_count(s, first, last, PASID_COUNT_ALLOCATED))
		ret = pasid_fail(-EBUSY, PASID_WHY("a value of the range is allocated: free it first"),
				 "PASID reserve %u..%u", first, last);
	if (ret == 0) {
		s->pending.first = first;
		s->pending.last = last;
		ret = (int)pasid_start(s, op);
	}
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

int
rte_pasid_state(struct rte_pasid_space *space, uint32_t pasid, unsigned int *owner)
{
	int ret = pasid_enter(space, "state");
	uint8_t b;

	if (ret < 0)
		return ret;
	if (pasid >> space->width) {
		ret = pasid_fail(-ERANGE, PASID_WHY("beyond the namespace's width"),
				 "PASID state %u (width %u)", pasid, space->width);
	} else {
		b = pasid_value(space)[pasid];
		ret = b == PASID_V_FREE ? RTE_PASID_STATE_FREE : b == PASID_V_RES ?
			RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_ALLOCATED;
		if (ret == RTE_PASID_STATE_ALLOCATED && owner != NULL)
			*owner = b == PASID_V_NONE ? RTE_PASID_OWNER_NONE : b;
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_next(struct rte_pasid_space *space, uint32_t after, unsigned int *owner)
{
	int ret = pasid_enter(space, "next");
	const uint8_t *val;
	uint64_t v, limit;

	if (ret < 0)
		return ret;
	val = pasid_value(space);
	limit = UINT64_C(1) << space->width;
	ret = -ENOENT;
	for (v = (uint64_t)after + 1; v < limit; v++) {
		/* A word of taken[] at 0 holds no allocated value. */
		if ((v & 63) == 0 && pasid_taken(space)[v >> 6] == 0) {
			v += 63;
		} else if (pasid_is_allocated(val[v])) {
			ret = (int)v;
			if (owner != NULL)
				*owner = val[v] == PASID_V_NONE ? RTE_PASID_OWNER_NONE : val[v];
			break;
		}
	}
	pasid_unlock(space);
	if (ret < 0)
		pasid_fail(ret, PASID_WHY("no allocated PASID after it"), "PASID next after %u", after);
	return ret;
}

int
rte_pasid_count(struct rte_pasid_space *space)
{
	int n = pasid_enter(space, "count");

	if (n < 0)
		return n;
	n = (int)space->allocated;
	pasid_unlock(space);
	return n;
}
