/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* Namespaces: widths, layout, init and attach, derived data, width changes. */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pasid_private.h"

bool
rte_pasid_width_valid(unsigned int width)
{
	return width >= RTE_PASID_WIDTH_MIN && width <= RTE_PASID_WIDTH_MAX;
}

int
rte_pasid_max(unsigned int width)
{
	if (!rte_pasid_width_valid(width))
		return -EINVAL;
	return (int)((1u << width) - 1);
}

int
rte_pasid_shared_width(const unsigned int *widths, unsigned int n)
{
	unsigned int i, min = RTE_PASID_WIDTH_MAX;
	bool unsupported = false;

	if (widths == NULL || n == 0)
		return -EINVAL;
	for (i = 0; i < n; i++) {
		if (widths[i] > RTE_PASID_WIDTH_MAX)
			return -EINVAL;
		if (widths[i] == 0)
			unsupported = true;
		else if (widths[i] < min)
			min = widths[i];
	}
	return unsupported ? -ENOTSUP : (int)min;
}

struct pasid_layout {
	uint32_t nlevels;
	uint32_t level_words[PASID_LEVELS_MAX];
	uint32_t level_off[PASID_LEVELS_MAX];
	uint32_t owner_off;
	uint64_t size;
};

static uint32_t
pasid_align(uint64_t x)
{
	return (uint32_t)((x + PASID_ALIGN - 1) & ~(uint64_t)(PASID_ALIGN - 1));
}

/*
 * Width already checked. Summaries first (small, hot), then level 0, then
 * the block owners (one byte per level-0 word).
 */
static void
pasid_layout(unsigned int max_width, struct pasid_layout *lay)
{
	uint64_t words = ((UINT64_C(1) << max_width) + 63) / 64;
	uint32_t off, l;

	memset(lay, 0, sizeof(*lay));
	for (;;) {
		lay->level_words[lay->nlevels++] = (uint32_t)words;
		if (words == 1)
			break;
		words = (words + 63) / 64;
	}
	off = pasid_align(sizeof(struct rte_pasid_space));
	for (l = lay->nlevels; l-- > 0;) {
		lay->level_off[l] = off;
		off = pasid_align(off + (uint64_t)lay->level_words[l] * 8);
	}
	lay->owner_off = off;
	lay->size = pasid_align(off + lay->level_words[0]);
}

ssize_t
rte_pasid_space_size(unsigned int max_width)
{
	struct pasid_layout lay;

	if (!rte_pasid_width_valid(max_width))
		return -EINVAL;
	pasid_layout(max_width, &lay);
	return (ssize_t)lay.size;
}

static void
pasid_pidns(uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) == 0) {
		*dev = (uint64_t)st.st_dev;
		*ino = (uint64_t)st.st_ino;
	} else {
		*dev = 0;
		*ino = 0;
	}
}

int
rte_pasid_space_init(void *mem, size_t len, unsigned int max_width,
		unsigned int flags, struct rte_pasid_space **spacep)
{
	struct rte_pasid_space *s = mem;
	struct pasid_layout lay;
	unsigned int l;

	if (mem == NULL || spacep == NULL || (uintptr_t)mem % PASID_ALIGN != 0 ||
			!rte_pasid_width_valid(max_width) || flags != 0)
		return -EINVAL;
	pasid_layout(max_width, &lay);
	if (len < lay.size)
		return -ENOSPC;

	memset(mem, 0, lay.size);
	s->version = PASID_VERSION;
	s->header_size = sizeof(*s);
	s->mem_size = lay.size;
	pasid_pidns(&s->pidns_dev, &s->pidns_ino);
	s->max_width = max_width;
	s->nlevels = lay.nlevels;
	for (l = 0; l < lay.nlevels; l++) {
		s->level_words[l] = lay.level_words[l];
		s->level_off[l] = lay.level_off[l];
	}
	s->owner_off = lay.owner_off;
	atomic_init(&s->lock, 0);
	s->width = max_width;
	/* Nothing allocated, no reservation: the rest is derived. */
	pasid_derive(s, true);
	atomic_thread_fence(memory_order_release);
	s->magic = PASID_MAGIC;
	*spacep = s;
	return 0;
}

int
rte_pasid_space_attach(void *mem, size_t len, struct rte_pasid_space **spacep)
{
	struct rte_pasid_space *s = mem;
	struct pasid_layout lay;
	uint64_t dev, ino;
	unsigned int l;

	if (mem == NULL || spacep == NULL || (uintptr_t)mem % PASID_ALIGN != 0 ||
			len < sizeof(s->magic) + sizeof(s->version) + sizeof(s->header_size))
		return -EINVAL;
	if (s->magic != PASID_MAGIC)
		return -EINVAL;
	if (s->version != PASID_VERSION || s->header_size != sizeof(*s))
		return -EPROTO;
	if (len < sizeof(*s) || !rte_pasid_width_valid(s->max_width))
		return -EINVAL;
	pasid_layout(s->max_width, &lay);
	if (s->mem_size != lay.size || len < lay.size || s->nlevels != lay.nlevels ||
			s->owner_off != lay.owner_off || s->width == 0 ||
			s->width > s->max_width)
		return -EINVAL;
	for (l = 0; l < lay.nlevels; l++)
		if (s->level_words[l] != lay.level_words[l] ||
				s->level_off[l] != lay.level_off[l])
			return -EINVAL;
	pasid_pidns(&dev, &ino);
	if (dev != 0 && s->pidns_dev != 0 &&
			(dev != s->pidns_dev || ino != s->pidns_ino))
		return -EXDEV;
	*spacep = s;
	return 0;
}

int
rte_pasid_space_create(unsigned int max_width, unsigned int flags,
		struct rte_pasid_space **spacep)
{
	ssize_t size = rte_pasid_space_size(max_width);
	void *mem;
	int ret;

	if (size < 0 || spacep == NULL || flags != 0)
		return -EINVAL;
	mem = aligned_alloc(PASID_ALIGN, (size_t)size);
	if (mem == NULL)
		return -ENOMEM;
	ret = rte_pasid_space_init(mem, (size_t)size, max_width, 0, spacep);
	if (ret < 0) {
		free(mem);
		return ret;
	}
	(*spacep)->flags |= PASID_F_MALLOC;
	return 0;
}

void
rte_pasid_space_free(struct rte_pasid_space *space)
{
	if (space == NULL || !(space->flags & PASID_F_MALLOC))
		return;
	space->magic = 0;
	free(space);
}

int
rte_pasid_space_info(struct rte_pasid_space *space,
		struct rte_pasid_space_info *info)
{
	unsigned int i;

	if (space == NULL || info == NULL)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	pasid_lock(space);
	info->width = space->width;
	info->max_width = space->max_width;
	info->allocated = space->allocated;
	info->reserved = space->reserved;
	info->free = (1u << space->width) - 1 - space->allocated - space->reserved;
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		info->owners += space->owners[i].used != 0;
	info->mem_size = space->mem_size;
	info->recoveries = space->recoveries;
	pasid_unlock(space);
	return 0;
}

/* Check (and with @p fix, set) a derived word; count a difference. */
static inline void
pasid_derive_word(uint64_t *w, uint64_t want, bool fix, uint32_t *diff)
{
	if (*w == want)
		return;
	(*diff)++;
	if (fix)
		*w = want;
}

bool
pasid_in_table(const struct rte_pasid_space *s, uint32_t v)
{
	const struct pasid_res_table *t = pasid_res(s);
	uint32_t i = pasid_range_find(t, v);

	return i < t->n && t->r[i].first <= v;
}

uint32_t
pasid_count_reserved(const struct rte_pasid_space *s)
{
	const struct pasid_res_table *t = pasid_res(s);
	uint32_t limit = 1u << s->width, n = 0, i;

	for (i = 0; i < t->n && t->r[i].first < limit; i++)
		n += (t->r[i].last < limit ? t->r[i].last + 1 : limit) - t->r[i].first;
	return n;
}

/* The current reservation table is sorted, disjoint, merged, in range. */
static bool
pasid_table_valid(const struct rte_pasid_space *s)
{
	const struct pasid_res_table *t = pasid_res(s);
	uint32_t nvalues = 1u << s->max_width, i;

	if (t->n > RTE_PASID_RESERVED_RANGES_MAX)
		return false;
	for (i = 0; i < t->n; i++) {
		if (t->r[i].first == 0 || t->r[i].first > t->r[i].last ||
				t->r[i].last >= nvalues)
			return false;
		if (i > 0 && t->r[i].first <= t->r[i - 1].last + 1)
			return false;
	}
	return true;
}

/*
 * A corrupted table (never left by a dying holder): keep the ranges that
 * make sense, merging overlaps, in the spare copy, and publish it.
 */
static void
pasid_table_sanitize(struct rte_pasid_space *s)
{
	const struct pasid_res_table *t = pasid_res(s);
	struct pasid_res_table *nt = &s->res[(s->res_cur & 1) ^ 1];
	uint32_t nvalues = 1u << s->max_width, i, n;

	n = t->n < RTE_PASID_RESERVED_RANGES_MAX ? t->n : RTE_PASID_RESERVED_RANGES_MAX;
	nt->n = 0;
	for (i = 0; i < n; i++) {
		struct pasid_range r = t->r[i];
		struct pasid_range *prev = nt->n ? &nt->r[nt->n - 1] : NULL;

		if (r.first == 0 || r.first > r.last || r.last >= nvalues)
			continue;
		if (prev != NULL && r.first <= prev->last + 1) {
			if (r.first >= prev->first && r.last > prev->last)
				prev->last = r.last;
			continue;
		}
		nt->r[nt->n++] = r;
	}
	pasid_store_order();
	s->res_cur = (s->res_cur & 1) ^ 1;
	pasid_store_order();
	s->nres = nt->n;
	pasid_fast_update(s);
}

uint32_t
pasid_derive(struct rte_pasid_space *s, bool fix)
{
	uint32_t owner_count[RTE_PASID_OWNER_MAX] = { 0 };
	uint32_t allocated = 0, reserved, diff = 0;
	uint8_t *bo = pasid_block_owners(s);
	uint64_t *index = pasid_level(s, 0);
	uint64_t i;
	unsigned int l;

	if (s->width == 0 || s->width > s->max_width) {
		diff++;
		if (!fix)
			return diff;
		s->width = s->max_width;
	}
	if (s->res_cur > 1) {
		diff++;
		if (fix)
			s->res_cur &= 1;
	}
	if (!pasid_table_valid(s)) {
		diff++;
		if (!fix)
			return diff; /* nothing below can be trusted */
		pasid_table_sanitize(s);
	}
	if (s->nres != pasid_res(s)->n) {
		diff++;
		if (!fix)
			return diff; /* the bits of reserved values depend on it */
		s->nres = pasid_res(s)->n;
	}
	if (s->fast_below != (s->nres != 0 ? 0 : UINT32_C(1) << s->width)) {
		diff++;
		if (fix)
			pasid_fast_update(s);
	}

	/* Level 0: the fixed bits; the others are allocations, kept. */
	for (i = 0; i < s->level_words[0]; i++) {
		uint64_t fixed = pasid_fixed_mask(s, (uint32_t)i);
		uint64_t a = index[i] & ~fixed;
		unsigned int o;

		pasid_derive_word(&index[i], index[i] | fixed, fix, &diff);
		if (a == 0)
			continue;
		o = bo[i];
		if (o != RTE_PASID_OWNER_NONE &&
				(o > RTE_PASID_OWNER_MAX || !s->owners[o - 1].used)) {
			diff++;
			if (fix)
				o = bo[i] = RTE_PASID_OWNER_NONE;
		}
		if (o != RTE_PASID_OWNER_NONE && o <= RTE_PASID_OWNER_MAX)
			owner_count[o - 1] += (uint32_t)__builtin_popcountll(a);
		allocated += (uint32_t)__builtin_popcountll(a);
	}

	/* Counters. */
	reserved = pasid_count_reserved(s);
	if (s->allocated != allocated || s->reserved != reserved)
		diff++;
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
		if (s->owners[i].count != owner_count[i])
			diff++;
		if (fix)
			s->owners[i].count = owner_count[i];
	}
	if (fix) {
		s->allocated = allocated;
		s->reserved = reserved;
	}

	/* Summaries: one bit per word of the level below, set when it has room. */
	for (l = 1; l < s->nlevels; l++) {
		const uint64_t *below = pasid_level(s, l - 1);
		uint64_t full = l == 1 ? UINT64_MAX : 0;

		for (i = 0; i < s->level_words[l]; i++) {
			uint64_t want = 0;
			unsigned int b;

			for (b = 0; b < 64; b++) {
				uint64_t j = i * 64 + b;

				if (j < s->level_words[l - 1] && below[j] != full)
					want |= UINT64_C(1) << b;
			}
			pasid_derive_word(&pasid_level(s, l)[i], want, fix, &diff);
		}
	}
	return diff;
}

int
rte_pasid_space_audit(struct rte_pasid_space *space)
{
	uint32_t diff;

	if (space == NULL)
		return -EINVAL;
	pasid_lock(space);
	diff = pasid_derive(space, false);
	pasid_unlock(space);
	return diff ? -EUCLEAN : 0;
}

/* Lock held, width valid and at most max_width. */
static int
pasid_set_width_locked(struct rte_pasid_space *s, unsigned int width)
{
	uint64_t old_limit = UINT64_C(1) << s->width, limit = UINT64_C(1) << width;
	uint32_t b;

	if (width < s->width) {
		/* Nothing allocated in [limit, old_limit)? */
		for (b = (uint32_t)(limit >> PASID_BLOCK_SHIFT);
				b <= (old_limit - 1) >> PASID_BLOCK_SHIFT; b++)
			if (pasid_block_allocated(s, b) &
					pasid_span_mask(b, limit, old_limit - 1))
				return -EBUSY;
		/* Width first: derive sets the bits above it. */
		s->width = width;
		pasid_store_order();
		for (b = (uint32_t)(limit >> PASID_BLOCK_SHIFT);
				b <= (old_limit - 1) >> PASID_BLOCK_SHIFT; b++)
			pasid_word_store(s, b, pasid_level(s, 0)[b] |
				pasid_span_mask(b, limit, old_limit - 1));
	} else if (width > s->width) {
		/* Bits first: until the width grows, derive sets them back. */
		for (b = (uint32_t)(old_limit >> PASID_BLOCK_SHIFT);
				b <= (limit - 1) >> PASID_BLOCK_SHIFT; b++)
			pasid_word_store(s, b, pasid_level(s, 0)[b] &
				~(pasid_span_mask(b, old_limit, limit - 1) &
				~pasid_reserved_mask(s, b << PASID_BLOCK_SHIFT)));
		pasid_store_order();
		s->width = width;
	}
	s->reserved = pasid_count_reserved(s);
	pasid_fast_update(s);
	return 0;
}

int
rte_pasid_space_narrow(struct rte_pasid_space *space, unsigned int width)
{
	int ret;

	if (space == NULL || !rte_pasid_width_valid(width))
		return -EINVAL;
	pasid_lock(space);
	if (width < space->width)
		ret = pasid_set_width_locked(space, width);
	else
		ret = 0;
	if (ret == 0)
		ret = (int)space->width;
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_space_set_width(struct rte_pasid_space *space, unsigned int width)
{
	int ret;

	if (space == NULL || !rte_pasid_width_valid(width))
		return -EINVAL;
	if (width > space->max_width)
		return -ERANGE;
	pasid_lock(space);
	ret = pasid_set_width_locked(space, width);
	pasid_unlock(space);
	return ret;
}
