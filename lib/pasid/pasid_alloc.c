/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* PASID values: alloc, free, reserve, queries. */

#include <errno.h>

#include "pasid_private.h"

/* Lock held. An owner an allocation may name. */
static inline bool
pasid_owner_ok(struct rte_pasid_space *s, unsigned int owner)
{
	return owner == RTE_PASID_OWNER_NONE ||
		(owner <= RTE_PASID_OWNER_MAX && s->owners[owner - 1].used);
}

/* Lock held. The lowest value whose index bit is clear, or -ENOSPC. */
static inline int
pasid_find_free(struct rte_pasid_space *s)
{
	unsigned int l = s->nlevels;
	uint32_t idx = 0;

	while (l-- > 0) {
		uint64_t w = pasid_level(s, l)[idx];

		if (w == UINT64_MAX)
			return -ENOSPC;
		idx = idx << 6 | (uint32_t)__builtin_ctzll(~w);
	}
	return (int)idx;
}

/* Lock held, @p p free. State byte first: it is the truth. */
static inline void
pasid_take(struct rte_pasid_space *s, uint32_t p, unsigned int owner)
{
	pasid_states(s)[p] = owner == RTE_PASID_OWNER_NONE ?
		PASID_ST_NO_OWNER : (uint8_t)owner;
	pasid_bit_set(s, p);
	s->allocated++;
	if (owner != RTE_PASID_OWNER_NONE)
		s->owners[owner - 1].count++;
}

uint32_t
pasid_free_owners(struct rte_pasid_space *s, uint64_t mask)
{
	const uint64_t *index = pasid_level(s, 0);
	uint64_t limit = UINT64_C(1) << s->width;
	uint32_t nwords = (uint32_t)((limit + 63) / 64), i, held = 0, freed = 0;
	uint8_t *st = pasid_states(s);

	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		if (mask & (UINT64_C(1) << i))
			held += s->owners[i].count;
	/* Walk the set bits of the index (a copy: release changes it). */
	for (i = 0; i < nwords && held > freed; i++) {
		uint64_t w = index[i];

		while (w != 0) {
			uint64_t v = (uint64_t)i * 64 + (uint64_t)__builtin_ctzll(w);
			uint8_t b;

			w &= w - 1;
			if (v >= limit)
				break;
			b = st[v];
			if (b >= 1 && b <= RTE_PASID_OWNER_MAX &&
					(mask & (UINT64_C(1) << (b - 1)))) {
				pasid_release(s, (uint32_t)v);
				freed++;
			}
		}
	}
	return freed;
}

int
rte_pasid_alloc(struct rte_pasid_space *space, unsigned int owner)
{
	int ret;

	if (PASID_UNLIKELY(space == NULL))
		return -EINVAL;
	pasid_lock(space);
	if (PASID_UNLIKELY(!pasid_owner_ok(space, owner))) {
		ret = -EINVAL;
	} else {
		ret = pasid_find_free(space);
		if (PASID_LIKELY(ret > 0))
			pasid_take(space, (uint32_t)ret, owner);
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_alloc_value(struct rte_pasid_space *space, unsigned int owner,
		uint32_t pasid)
{
	int ret = 0;
	uint8_t b;

	if (space == NULL || pasid == RTE_PASID_RID)
		return -EINVAL;
	pasid_lock(space);
	if (!pasid_owner_ok(space, owner)) {
		ret = -EINVAL;
		goto out;
	}
	if (pasid >> space->width) {
		ret = -ERANGE;
		goto out;
	}
	b = pasid_states(space)[pasid];
	if (b == PASID_ST_RESERVED)
		ret = -EBUSY;
	else if (b != PASID_ST_FREE)
		ret = -EEXIST;
	else
		pasid_take(space, pasid, owner);
out:
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_free(struct rte_pasid_space *space, uint32_t pasid)
{
	int ret = 0;

	if (PASID_UNLIKELY(space == NULL || pasid == RTE_PASID_RID))
		return -EINVAL;
	pasid_lock(space);
	if (PASID_UNLIKELY(pasid >> space->width))
		ret = -ERANGE;
	else if (PASID_UNLIKELY(!pasid_st_allocated(pasid_states(space)[pasid])))
		ret = -ENOENT;
	else
		pasid_release(space, pasid);
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_reserve(struct rte_pasid_space *space, uint32_t first, uint32_t last)
{
	uint8_t *st;
	uint32_t v;
	int n = 0;

	if (space == NULL || first == RTE_PASID_RID || last < first)
		return -EINVAL;
	pasid_lock(space);
	st = pasid_states(space);
	if (last >> space->width) {
		n = -ERANGE;
		goto out;
	}
	for (v = first; v <= last; v++) {
		if (pasid_st_allocated(st[v])) {
			n = -EBUSY;
			goto out;
		}
	}
	for (v = first; v <= last; v++) {
		if (st[v] == PASID_ST_FREE) {
			st[v] = PASID_ST_RESERVED;
			pasid_bit_set(space, v);
			n++;
		}
	}
	space->reserved += (uint32_t)n;
out:
	pasid_unlock(space);
	return n;
}

int
rte_pasid_unreserve(struct rte_pasid_space *space, uint32_t first, uint32_t last)
{
	uint8_t *st;
	uint32_t v;
	int n = 0;

	if (space == NULL || first == RTE_PASID_RID || last < first)
		return -EINVAL;
	pasid_lock(space);
	st = pasid_states(space);
	if (last >> space->width) {
		n = -ERANGE;
		goto out;
	}
	for (v = first; v <= last; v++) {
		if (st[v] == PASID_ST_RESERVED) {
			st[v] = PASID_ST_FREE;
			pasid_bit_clear(space, v);
			n++;
		}
	}
	space->reserved -= (uint32_t)n;
out:
	pasid_unlock(space);
	return n;
}

int
rte_pasid_state(struct rte_pasid_space *space, uint32_t pasid, unsigned int *owner)
{
	int ret;
	uint8_t b;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	if (pasid >> space->width) {
		ret = -ERANGE;
	} else {
		b = pasid_states(space)[pasid];
		if (b == PASID_ST_FREE) {
			ret = RTE_PASID_STATE_FREE;
		} else if (b == PASID_ST_RESERVED) {
			ret = RTE_PASID_STATE_RESERVED;
		} else {
			ret = RTE_PASID_STATE_ALLOCATED;
			if (owner != NULL)
				*owner = b == PASID_ST_NO_OWNER ? RTE_PASID_OWNER_NONE : b;
		}
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_next(struct rte_pasid_space *space, uint32_t after, unsigned int *owner)
{
	const uint64_t *index;
	const uint8_t *st;
	uint64_t v, limit, w;
	int ret = -ENOENT;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	index = pasid_level(space, 0);
	st = pasid_states(space);
	limit = UINT64_C(1) << space->width;
	v = (uint64_t)after + 1;
	if (v >= limit)
		goto out;
	/* Set bits from v on; reserved values are set too and skipped. */
	w = index[v >> 6] & (UINT64_MAX << (v & 63));
	v &= ~UINT64_C(63);
	for (;;) {
		while (w != 0) {
			uint64_t p = v + (uint64_t)__builtin_ctzll(w);

			w &= w - 1;
			if (p >= limit)
				goto out;
			if (pasid_st_allocated(st[p])) {
				if (owner != NULL)
					*owner = st[p] == PASID_ST_NO_OWNER ?
						RTE_PASID_OWNER_NONE : st[p];
				ret = (int)p;
				goto out;
			}
		}
		v += 64;
		if (v >= limit)
			goto out;
		w = index[v >> 6];
	}
out:
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_count(struct rte_pasid_space *space)
{
	int n;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	n = (int)space->allocated;
	pasid_unlock(space);
	return n;
}
