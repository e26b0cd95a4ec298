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

/*
 * Lock held. One step down: the first bit of word @p idx of level @p l
 * that says there is room (clear at level 0, set above); the word goes to
 * @p wp.
 */
static inline int
pasid_walk_step(struct rte_pasid_space *s, unsigned int l, uint32_t *idx, uint64_t *wp)
{
	uint64_t w = pasid_level(s, l)[*idx];
	uint64_t room = l == 0 ? ~w : w;

	if (PASID_UNLIKELY(room == 0))
		return -ENOSPC;
	*idx = *idx << 6 | (uint32_t)__builtin_ctzll(room);
	*wp = w;
	return 0;
}

/*
 * Lock held. The lowest value whose level-0 bit is clear, or -ENOSPC:
 * a walk down from the single top word, unrolled (it is most of the work
 * of an allocation). The words of level 0 and 1 it went through go to
 * @p w0 and @p w1, for pasid_take_found().
 */
static inline int
pasid_find_free(struct rte_pasid_space *s, uint64_t *w0, uint64_t *w1)
{
	uint32_t idx = 0;

	switch (s->nlevels) {
	case 4:
		if (pasid_walk_step(s, 3, &idx, w1) < 0)
			return -ENOSPC;
		/* fallthrough */
	case 3:
		if (pasid_walk_step(s, 2, &idx, w1) < 0)
			return -ENOSPC;
		/* fallthrough */
	case 2:
		if (pasid_walk_step(s, 1, &idx, w1) < 0)
			return -ENOSPC;
		/* fallthrough */
	default:
		if (pasid_walk_step(s, 0, &idx, w0) < 0)
			return -ENOSPC;
	}
	return (int)idx;
}

/*
 * Lock held. The lowest value at or after @p x whose level-0 bit is clear,
 * or -ENOSPC: climb while the rest of the word at hand has no room, then
 * walk down to the first room. O(levels), whatever lies in between.
 */
static int
pasid_next_clear(struct rte_pasid_space *s, uint32_t x)
{
	unsigned int l = 0;
	uint32_t idx = x;
	uint64_t w;

	for (;;) {
		if (l == s->nlevels || (idx >> 6) >= s->level_words[l])
			return -ENOSPC;
		/* Room at or after idx in its word. */
		w = pasid_level(s, l)[idx >> 6];
		w = (l == 0 ? ~w : w) & (UINT64_MAX << (idx & 63));
		if (w != 0)
			break;
		idx = (idx >> 6) + 1;
		l++;
	}
	idx = (idx & ~UINT32_C(63)) | (uint32_t)__builtin_ctzll(w);
	while (l-- > 0) {
		w = pasid_level(s, l)[idx];
		idx = idx << 6 | (uint32_t)__builtin_ctzll(l == 0 ? ~w : w);
	}
	return (int)idx;
}

/*
 * Lock held, @p p found by pasid_find_free() with the words @p w0 and
 * @p w1, its block @p owner's: pasid_take() without loading them again.
 */
static inline void
pasid_take_found(struct rte_pasid_space *s, uint32_t p, unsigned int owner,
		uint64_t w0, uint64_t w1)
{
	uint32_t i = p >> 6;

	w0 |= UINT64_C(1) << (p & 63);
	pasid_level(s, 0)[i] = w0;
	if (PASID_LIKELY(s->nlevels > 1)) {
		/* Without a branch on whether the word filled, as pasid_bit_set(). */
		w1 &= ~((uint64_t)(w0 == UINT64_MAX) << (i & 63));
		pasid_level(s, 1)[i >> 6] = w1;
		if (PASID_UNLIKELY(w1 == 0))
			pasid_room_clear(s, 2, i >> 6);
	}
	s->allocated++;
	if (owner != RTE_PASID_OWNER_NONE)
		s->owners[owner - 1].count++;
}

/*
 * Lock held, @p p free, its block empty or @p owner's (block owner already
 * written). One store of truth: the bit.
 */
static inline void
pasid_take(struct rte_pasid_space *s, uint32_t p, unsigned int owner)
{
	pasid_bit_set(s, p);
	s->allocated++;
	if (owner != RTE_PASID_OWNER_NONE)
		s->owners[owner - 1].count++;
}

/*
 * Lock held. Can @p owner take a free value of block @p blk? Then make it
 * the block's owner (before the bit: until the bit is set, an owner byte
 * of a block without allocated values means nothing).
 */
static inline bool
pasid_block_claim(struct rte_pasid_space *s, uint32_t blk, unsigned int owner)
{
	uint8_t *bo = pasid_block_owners(s) + blk;

	if (PASID_LIKELY(*bo == owner))
		return true;
	if (pasid_block_allocated(s, blk) != 0)
		return false;
	*bo = (uint8_t)owner;
	pasid_store_order();
	return true;
}

uint32_t
pasid_free_owners(struct rte_pasid_space *s, uint64_t mask)
{
	uint64_t limit = UINT64_C(1) << s->width;
	uint32_t nblocks = (uint32_t)((limit + PASID_BLOCK - 1) >> PASID_BLOCK_SHIFT);
	const uint8_t *bo = pasid_block_owners(s);
	uint32_t b, held = 0, freed = 0;
	unsigned int i;

	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		if (mask & (UINT64_C(1) << i))
			held += s->owners[i].count;
	/* A word per block: the owner's values of a block go in one store. */
	for (b = 0; b < nblocks && held > freed; b++) {
		unsigned int o = bo[b];
		uint64_t a;
		uint32_t n;

		if (o == RTE_PASID_OWNER_NONE || o > RTE_PASID_OWNER_MAX ||
				!(mask & (UINT64_C(1) << (o - 1))))
			continue;
		a = pasid_block_allocated(s, b);
		if (a == 0)
			continue;
		pasid_word_store(s, b, pasid_level(s, 0)[b] & ~a);
		n = (uint32_t)__builtin_popcountll(a);
		s->allocated -= n;
		s->owners[o - 1].count -= n;
		freed += n;
	}
	return freed;
}

/*
 * Lock held, @p p the lowest free value (or -ENOSPC), in a block @p owner
 * cannot take: go on from the next block. Out of line, so that the common
 * case stays short.
 */
static __attribute__((noinline)) int
pasid_alloc_other_block(struct rte_pasid_space *s, unsigned int owner, int p)
{
	while (p > 0 && !pasid_block_claim(s, (uint32_t)p >> PASID_BLOCK_SHIFT, owner))
		p = pasid_next_clear(s, ((uint32_t)p | (PASID_BLOCK - 1)) + 1);
	if (p > 0)
		pasid_take(s, (uint32_t)p, owner);
	return p;
}

int
rte_pasid_alloc(struct rte_pasid_space *space, unsigned int owner)
{
	uint64_t w0 = 0, w1 = 0;
	int ret;

	if (PASID_UNLIKELY(space == NULL))
		return -EINVAL;
	pasid_lock(space);
	if (PASID_UNLIKELY(!pasid_owner_ok(space, owner))) {
		ret = -EINVAL;
		goto out;
	}
	/* The lowest free value; with one owner its block always fits. */
	ret = pasid_find_free(space, &w0, &w1);
	if (PASID_LIKELY(ret > 0 &&
			pasid_block_owners(space)[(uint32_t)ret >> PASID_BLOCK_SHIFT] == owner))
		pasid_take_found(space, (uint32_t)ret, owner, w0, w1);
	else
		ret = pasid_alloc_other_block(space, owner, ret);
out:
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_alloc_value(struct rte_pasid_space *space, unsigned int owner,
		uint32_t pasid)
{
	int ret = 0;

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
	if (pasid_level(space, 0)[pasid >> 6] & (UINT64_C(1) << (pasid & 63)))
		ret = pasid_is_reserved(space, pasid) ? -EBUSY : -EEXIST;
	else if (!pasid_block_claim(space, pasid >> PASID_BLOCK_SHIFT, owner))
		ret = -EXDEV;
	else
		pasid_take(space, pasid, owner);
out:
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_free(struct rte_pasid_space *space, uint32_t pasid)
{
	uint64_t w0;
	int ret = 0;

	if (PASID_UNLIKELY(space == NULL || pasid == RTE_PASID_RID))
		return -EINVAL;
	pasid_lock(space);
	if (PASID_UNLIKELY(pasid >= space->fast_below)) {
		if (pasid >> space->width) {
			ret = -ERANGE;
			goto out;
		}
		if (pasid_is_reserved(space, pasid)) {
			ret = -ENOENT;
			goto out;
		}
	}
	w0 = pasid_level(space, 0)[pasid >> 6];
	if (PASID_UNLIKELY(!(w0 & (UINT64_C(1) << (pasid & 63)))))
		ret = -ENOENT;
	else
		pasid_release(space, pasid, w0);
out:
	pasid_unlock(space);
	return ret;
}

/* Values of [@p first, @p last] held by the ranges of @p t. */
static uint32_t
pasid_table_overlap(const struct pasid_res_table *t, uint32_t first, uint32_t last)
{
	uint32_t i, n = 0;

	for (i = pasid_range_find(t, first); i < t->n && t->r[i].first <= last; i++) {
		uint32_t lo = t->r[i].first > first ? t->r[i].first : first;
		uint32_t hi = t->r[i].last < last ? t->r[i].last : last;

		n += hi - lo + 1;
	}
	return n;
}

/* Append a range to a table under construction; -ENOSPC when full. */
static inline int
pasid_table_push(struct pasid_res_table *t, uint32_t first, uint32_t last)
{
	if (t->n == RTE_PASID_RESERVED_RANGES_MAX)
		return -ENOSPC;
	t->r[t->n].first = first;
	t->r[t->n].last = last;
	t->n++;
	return 0;
}

/* @p nt = @p t with [@p first, @p last] added, merged with its neighbours. */
static int
pasid_table_add(const struct pasid_res_table *t, struct pasid_res_table *nt,
		uint32_t first, uint32_t last)
{
	uint32_t i = 0;

	nt->n = 0;
	for (; i < t->n && t->r[i].last + 1 < first; i++)
		if (pasid_table_push(nt, t->r[i].first, t->r[i].last) < 0)
			return -ENOSPC;
	for (; i < t->n && t->r[i].first <= last + 1; i++) {
		if (t->r[i].first < first)
			first = t->r[i].first;
		if (t->r[i].last > last)
			last = t->r[i].last;
	}
	if (pasid_table_push(nt, first, last) < 0)
		return -ENOSPC;
	for (; i < t->n; i++)
		if (pasid_table_push(nt, t->r[i].first, t->r[i].last) < 0)
			return -ENOSPC;
	return 0;
}

/* @p nt = @p t without [@p first, @p last]; a range may split in two. */
static int
pasid_table_remove(const struct pasid_res_table *t, struct pasid_res_table *nt,
		uint32_t first, uint32_t last)
{
	uint32_t i;

	nt->n = 0;
	for (i = 0; i < t->n; i++) {
		const struct pasid_range *r = &t->r[i];

		if (r->last < first || r->first > last) {
			if (pasid_table_push(nt, r->first, r->last) < 0)
				return -ENOSPC;
			continue;
		}
		if (r->first < first && pasid_table_push(nt, r->first, first - 1) < 0)
			return -ENOSPC;
		if (r->last > last && pasid_table_push(nt, last + 1, r->last) < 0)
			return -ENOSPC;
	}
	return 0;
}

/* Lock held: make the table built in the inactive copy current. */
static inline void
pasid_table_publish(struct rte_pasid_space *s)
{
	pasid_store_order();
	s->res_cur = (s->res_cur & 1) ^ 1;
	pasid_store_order();
	s->nres = pasid_res(s)->n;
	pasid_fast_update(s);
}

static inline struct pasid_res_table *
pasid_table_spare(struct rte_pasid_space *s)
{
	return &s->res[(s->res_cur & 1) ^ 1];
}

int
rte_pasid_reserve(struct rte_pasid_space *space, uint32_t first, uint32_t last)
{
	uint32_t b;
	int n;

	if (space == NULL || first == RTE_PASID_RID || last < first)
		return -EINVAL;
	pasid_lock(space);
	if (last >> space->width) {
		n = -ERANGE;
		goto out;
	}
	for (b = first >> PASID_BLOCK_SHIFT; b <= last >> PASID_BLOCK_SHIFT; b++) {
		if (pasid_block_allocated(space, b) & pasid_span_mask(b, first, last)) {
			n = -EBUSY;
			goto out;
		}
	}
	n = (int)(last - first + 1 - pasid_table_overlap(pasid_res(space), first, last));
	if (n == 0)
		goto out;
	if (pasid_table_add(pasid_res(space), pasid_table_spare(space), first, last) < 0) {
		n = -ENOSPC;
		goto out;
	}
	/* Table first: a holder dying next leaves bits derive sets. */
	pasid_table_publish(space);
	for (b = first >> PASID_BLOCK_SHIFT; b <= last >> PASID_BLOCK_SHIFT; b++)
		pasid_word_store(space, b, pasid_level(space, 0)[b] |
			pasid_span_mask(b, first, last));
	space->reserved += (uint32_t)n;
out:
	pasid_unlock(space);
	return n;
}

int
rte_pasid_unreserve(struct rte_pasid_space *space, uint32_t first, uint32_t last)
{
	const struct pasid_res_table *t;
	uint32_t i, b;
	int n;

	if (space == NULL || first == RTE_PASID_RID || last < first)
		return -EINVAL;
	pasid_lock(space);
	if (last >> space->width) {
		n = -ERANGE;
		goto out;
	}
	t = pasid_res(space);
	n = (int)pasid_table_overlap(t, first, last);
	if (n == 0)
		goto out;
	if (pasid_table_remove(t, pasid_table_spare(space), first, last) < 0) {
		n = -ENOSPC;
		goto out;
	}
	/*
	 * Bits first: until the table is published, derive sets them back
	 * (still reserved). All of them lie below 2^width.
	 */
	for (i = pasid_range_find(t, first); i < t->n && t->r[i].first <= last; i++) {
		uint32_t lo = t->r[i].first > first ? t->r[i].first : first;
		uint32_t hi = t->r[i].last < last ? t->r[i].last : last;

		for (b = lo >> PASID_BLOCK_SHIFT; b <= hi >> PASID_BLOCK_SHIFT; b++)
			pasid_word_store(space, b, pasid_level(space, 0)[b] &
				~pasid_span_mask(b, lo, hi));
	}
	pasid_table_publish(space);
	space->reserved -= (uint32_t)n;
out:
	pasid_unlock(space);
	return n;
}

int
rte_pasid_state(struct rte_pasid_space *space, uint32_t pasid, unsigned int *owner)
{
	int ret;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	if (pasid >> space->width) {
		ret = -ERANGE;
	} else if (!(pasid_level(space, 0)[pasid >> 6] & (UINT64_C(1) << (pasid & 63)))) {
		ret = RTE_PASID_STATE_FREE;
	} else if (pasid == RTE_PASID_RID || pasid_is_reserved(space, pasid)) {
		ret = RTE_PASID_STATE_RESERVED;
	} else {
		ret = RTE_PASID_STATE_ALLOCATED;
		if (owner != NULL)
			*owner = pasid_block_owners(space)[pasid >> PASID_BLOCK_SHIFT];
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_next(struct rte_pasid_space *space, uint32_t after, unsigned int *owner)
{
	uint64_t v, limit, w;
	uint32_t b, nblocks;
	int ret = -ENOENT;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	limit = UINT64_C(1) << space->width;
	v = (uint64_t)after + 1;
	if (v >= limit)
		goto out;
	nblocks = (uint32_t)((limit + PASID_BLOCK - 1) >> PASID_BLOCK_SHIFT);
	/* Allocated bits from v on: set bits that are not fixed ones. */
	b = (uint32_t)(v >> PASID_BLOCK_SHIFT);
	w = pasid_block_allocated(space, b) & (UINT64_MAX << (v & 63));
	while (w == 0 && ++b < nblocks)
		w = pasid_block_allocated(space, b);
	if (w != 0) {
		ret = (int)(b << PASID_BLOCK_SHIFT | (uint32_t)__builtin_ctzll(w));
		if (owner != NULL)
			*owner = pasid_block_owners(space)[b];
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
