/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _PASID_PRIVATE_H_
#define _PASID_PRIVATE_H_

/*
 * Layout of a PASID namespace and the helpers shared by the library's
 * files. Not installed; white-box tests include it.
 *
 * Memory, all references relative to the start of the namespace:
 *
 *   struct rte_pasid_space      header, lock, counters, owner slots,
 *                               two copies of the reservation table
 *   level nlevels-1 .. level 1  summary bitmaps
 *   level 0                     one bit per value
 *   block_owner[blocks]         one byte per block of 64 values
 *
 * The truth, which a holder dying anywhere leaves consistent:
 *   - level 0: bit v set = v unavailable (allocated, reserved, 0, at or
 *     above 2^width, padding beyond 2^max_width). Updated with aligned
 *     64-bit word stores, which do not tear;
 *   - block_owner[b]: RTE_PASID_OWNER_NONE or an owner slot 1..64, the
 *     owner of every allocated value of block b (values 64b..64b+63).
 *     Meaningful only while the block holds an allocated value;
 *   - the reservation table: res[res_cur & 1], sorted disjoint ranges,
 *     adjacent ones merged; a new table is built in the other copy and
 *     published with one store of res_cur;
 *   - width.
 * v is allocated iff bit v is set, v != 0, v < 2^width and no range
 * holds v. Ranges may lie above the width (kept for a later widening).
 *
 * Derived (rebuilt by pasid_derive() after a dead holder):
 *   - the bits that must be set whatever the allocations: 0, values at or
 *     above 2^width, padding, reserved values;
 *   - level l bit j (l >= 1) is set iff word j of level l-1 has room: a
 *     clear bit at level 0, a set bit above (0 for padding beyond the
 *     words of level l-1);
 *   - the counters: allocated, reserved, per-owner counts (popcount of
 *     the allocated bits of the blocks each owner holds);
 *   - nres, the number of ranges of the current table, next to the lock
 *     word: alloc_value and state skip the table when it is 0;
 *   - fast_below: 2^width when nres is 0, else 0. Free checks the range
 *     and the reservations of a value below it with one compare.
 *
 * Write order, so that a holder dying between any two stores leaves a
 * state pasid_derive() repairs without losing or duplicating anything:
 *   - alloc: block_owner (only when the block holds no allocated value;
 *     with the bit still clear it means nothing yet), then the bit;
 *   - free: clear the bit;
 *   - reserve: publish the new table, then set the bits (derive sets the
 *     ones not yet set);
 *   - unreserve: clear the bits of the values becoming free, then publish
 *     the table (before it, derive sets them back: still reserved);
 *   - narrow: store the width, then set the bits above it (nothing is
 *     allocated there: checked first);
 *   - widen: clear the bits of [old, new) that are not reserved, then
 *     store the width (before it, derive sets them back);
 *   - owner release: clear the bits of the owner's blocks, then the slot.
 * Derive also turns a block_owner naming an unused slot (or invalid) in a
 * block with allocated values into RTE_PASID_OWNER_NONE: those PASIDs
 * stay allocated, they may still be attached somewhere.
 *
 * An allocation is the lowest clear bit, found by walking down from the
 * single top word; blocks of another owner are skipped.
 */

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "rte_pasid.h"

#define PASID_HIDDEN __attribute__((visibility("hidden")))
#define PASID_LIKELY(x) __builtin_expect(!!(x), 1)
#define PASID_UNLIKELY(x) __builtin_expect(!!(x), 0)

/* "PASIDSP1" */
#define PASID_MAGIC UINT64_C(0x3150534449534150)
#define PASID_VERSION 2u
#define PASID_LEVELS_MAX 4u
#define PASID_ALIGN 64u

/* Values per block: one level-0 word, one owner byte. */
#define PASID_BLOCK_SHIFT 6u
#define PASID_BLOCK (1u << PASID_BLOCK_SHIFT)

/* Internal flag: memory from rte_pasid_space_create(). */
#define PASID_F_MALLOC (1u << 31)

/*
 * Keep the stores before it before the stores after it in the code the
 * compiler emits: a holder killed between them leaves them in program
 * order (its stores all reach memory before anyone can take the lock
 * over, so no CPU barrier is needed).
 */
#define pasid_store_order() atomic_signal_fence(memory_order_seq_cst)

struct pasid_owner_slot {
	uint32_t used;        /* written last on register, first on release */
	int32_t pid;
	uint64_t start_time;
	uint32_t count;       /* derived: PASIDs held */
	uint32_t gen;         /* bumped on every register and release */
};

/* Reserved values [first, last]. */
struct pasid_range {
	uint32_t first;
	uint32_t last;
};

/* A reservation table: n sorted ranges, disjoint and not adjacent. */
struct pasid_res_table {
	uint32_t n;
	uint32_t pad;
	struct pasid_range r[RTE_PASID_RESERVED_RANGES_MAX];
};

struct rte_pasid_space {
	/* Set by init, read-only afterwards. */
	uint64_t magic;
	uint32_t version;
	uint32_t header_size;
	uint64_t mem_size;
	uint64_t pidns_dev;   /* /proc/self/ns/pid of the initialiser, 0 if unknown */
	uint64_t pidns_ino;
	uint32_t max_width;
	uint32_t flags;
	uint32_t nlevels;
	uint32_t level_words[PASID_LEVELS_MAX]; /* level 0 = one bit per value */
	uint32_t level_off[PASID_LEVELS_MAX];
	uint32_t owner_off;   /* block_owner[level_words[0]] */

	/* Lock word: 0, or the holder's token (see pasid_lock.c). */
	_Alignas(64) _Atomic uint64_t lock;
	/* Under the lock. */
	uint32_t width;
	uint32_t allocated;   /* derived */
	uint32_t reserved;    /* derived: reserved values in [1, 2^width) */
	uint32_t recoveries;
	uint32_t res_cur;     /* the current table: res[res_cur & 1] */
	uint32_t nres;        /* derived: ranges in the current table */
	uint32_t fast_below;  /* derived: nres ? 0 : 2^width */
	struct pasid_owner_slot owners[RTE_PASID_OWNER_MAX];
	struct pasid_res_table res[2];
};

static inline uint64_t *
pasid_level(struct rte_pasid_space *s, unsigned int l)
{
	return (uint64_t *)((uintptr_t)s + s->level_off[l]);
}

static inline uint8_t *
pasid_block_owners(struct rte_pasid_space *s)
{
	return (uint8_t *)((uintptr_t)s + s->owner_off);
}

static inline const struct pasid_res_table *
pasid_res(const struct rte_pasid_space *s)
{
	return &s->res[s->res_cur & 1];
}

/* Bits lo..hi of a word, 0 <= lo <= hi <= 63. */
static inline uint64_t
pasid_bits(unsigned int lo, unsigned int hi)
{
	return (UINT64_MAX >> (63 - hi)) & (UINT64_MAX << lo);
}

/* Index of the first range of @p t whose last value is @p v or above. */
static inline uint32_t
pasid_range_find(const struct pasid_res_table *t, uint32_t v)
{
	uint32_t lo = 0, hi = t->n;

	while (lo < hi) {
		uint32_t mid = (lo + hi) / 2;

		if (t->r[mid].last < v)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/*
 * Lock held, after a change of the width or of the table: values below
 * fast_below are in range and in no reserved range, one compare for free.
 */
static inline void
pasid_fast_update(struct rte_pasid_space *s)
{
	s->fast_below = s->nres != 0 ? 0 : UINT32_C(1) << s->width;
}

/* Lock held: does a range of the current table hold @p v? (pasid_space.c) */
PASID_HIDDEN bool pasid_in_table(const struct rte_pasid_space *s, uint32_t v);

static inline bool
pasid_is_reserved(const struct rte_pasid_space *s, uint32_t v)
{
	return PASID_UNLIKELY(s->nres != 0) && pasid_in_table(s, v);
}

/* Reserved values of the block starting at @p base, as a word mask. */
static inline uint64_t
pasid_reserved_mask(const struct rte_pasid_space *s, uint32_t base)
{
	const struct pasid_res_table *t = pasid_res(s);
	uint32_t i, end = base + PASID_BLOCK - 1;
	uint64_t m = 0;

	if (PASID_LIKELY(s->nres == 0))
		return 0;
	for (i = pasid_range_find(t, base); i < t->n && t->r[i].first <= end; i++) {
		uint32_t lo = t->r[i].first > base ? t->r[i].first - base : 0;
		uint32_t hi = t->r[i].last < end ? t->r[i].last - base : PASID_BLOCK - 1;

		m |= pasid_bits(lo, hi);
	}
	return m;
}

/*
 * The bits of block @p blk that are set whatever is allocated: PASID 0,
 * values at or above 2^width (padding included) and reserved values.
 */
static inline uint64_t
pasid_fixed_mask(const struct rte_pasid_space *s, uint32_t blk)
{
	uint64_t base = (uint64_t)blk << PASID_BLOCK_SHIFT;
	uint64_t limit = UINT64_C(1) << s->width, m = 0;

	if (blk == 0)
		m |= 1;
	if (base >= limit)
		return UINT64_MAX;
	if (limit - base < PASID_BLOCK)
		m |= UINT64_MAX << (limit - base);
	return m | pasid_reserved_mask(s, (uint32_t)base);
}

/* The bits of block @p blk for the values [@p lo, @p hi], which meet it. */
static inline uint64_t
pasid_span_mask(uint32_t blk, uint64_t lo, uint64_t hi)
{
	uint64_t base = (uint64_t)blk << PASID_BLOCK_SHIFT;

	return pasid_bits(lo > base ? (unsigned int)(lo - base) : 0,
		hi < base + PASID_BLOCK - 1 ? (unsigned int)(hi - base) : PASID_BLOCK - 1);
}

/* The allocated values of block @p blk, as a word mask. */
static inline uint64_t
pasid_block_allocated(struct rte_pasid_space *s, uint32_t blk)
{
	return pasid_level(s, 0)[blk] & ~pasid_fixed_mask(s, blk);
}

/*
 * Summaries count room, not fullness: bit j of level l >= 1 is set when
 * word j of level l-1 has room (a clear bit at level 0, a set bit above).
 * The walk down then takes the first set bit without inverting words, and
 * a free sets its level-1 bit without looking at the level-0 word.
 */

/* Clear room bit @p j of level @p l >= 1, and above it if the word empties. */
static inline void
pasid_room_clear(struct rte_pasid_space *s, unsigned int l, uint32_t j)
{
	for (; l < s->nlevels; l++) {
		uint64_t *w = pasid_level(s, l) + (j >> 6);

		*w &= ~(UINT64_C(1) << (j & 63));
		if (*w != 0)
			break;
		j >>= 6;
	}
}

/* Set room bit @p j of level @p l >= 1, and above it if the word was empty. */
static inline void
pasid_room_set(struct rte_pasid_space *s, unsigned int l, uint32_t j)
{
	for (; l < s->nlevels; l++) {
		uint64_t *w = pasid_level(s, l) + (j >> 6);
		uint64_t old = *w;

		*w = old | UINT64_C(1) << (j & 63);
		if (old != 0)
			break;
		j >>= 6;
	}
}

/*
 * Mark value @p p unavailable in level 0 and the summaries above it.
 * Whether the level-0 word fills is a coin toss in a nearly full
 * namespace, so level 1 is updated without a branch on it: a mispredicted
 * branch costs more than a store to a cached word. A level-1 word that
 * empties (4096 values taken) is rare and takes the loop.
 */
static inline void
pasid_bit_set(struct rte_pasid_space *s, uint32_t p)
{
	uint64_t *w0 = pasid_level(s, 0) + (p >> 6), *w1, n0, n1;

	n0 = *w0 | UINT64_C(1) << (p & 63);
	*w0 = n0;
	if (PASID_UNLIKELY(s->nlevels == 1))
		return;
	p >>= 6;
	w1 = pasid_level(s, 1) + (p >> 6);
	n1 = *w1 & ~((uint64_t)(n0 == UINT64_MAX) << (p & 63));
	*w1 = n1;
	if (PASID_UNLIKELY(n1 == 0))
		pasid_room_clear(s, 2, p >> 6);
}

/*
 * Store level-0 word @p i (one store: it is the truth) and bring the
 * summaries above it up to date.
 */
static inline void
pasid_word_store(struct rte_pasid_space *s, uint32_t i, uint64_t w)
{
	uint64_t *p = pasid_level(s, 0) + i;
	bool was_full = *p == UINT64_MAX;

	*p = w;
	if (was_full && w != UINT64_MAX)
		pasid_room_set(s, 1, i);
	else if (!was_full && w == UINT64_MAX)
		pasid_room_clear(s, 1, i);
}

/* Lock (pasid_lock.c). */

extern __thread uint64_t pasid_tls_token
	__attribute__((tls_model("initial-exec"))) PASID_HIDDEN;

PASID_HIDDEN uint64_t pasid_token_init(void);
PASID_HIDDEN void pasid_lock_slow(struct rte_pasid_space *s, uint64_t me);

static inline void
pasid_lock(struct rte_pasid_space *s)
{
	uint64_t me = pasid_tls_token, zero = 0;

	if (PASID_UNLIKELY(me == 0))
		me = pasid_token_init();
	if (PASID_LIKELY(atomic_compare_exchange_strong_explicit(&s->lock, &zero, me,
			memory_order_acquire, memory_order_relaxed)))
		return;
	pasid_lock_slow(s, me);
}

static inline void
pasid_unlock(struct rte_pasid_space *s)
{
	atomic_store_explicit(&s->lock, 0, memory_order_release);
}

/*
 * Read state and start time (clock ticks after boot) of a thread or process
 * from /proc/<tid>/stat. 0, -ENOENT (no such thread) or another -errno.
 */
PASID_HIDDEN int pasid_proc_stat(pid_t tid, char *state, uint64_t *start_time);

/* Derived data (pasid_space.c). */

/*
 * Compare the derived data with what the truth (level 0, block owners,
 * reservation table, width) implies; with @p fix, rewrite it. A block
 * owner naming an unused slot in a block with allocated values becomes
 * RTE_PASID_OWNER_NONE when fixing (kept allocated: its PASIDs may still
 * be attached somewhere). Returns the number of differences found.
 */
PASID_HIDDEN uint32_t pasid_derive(struct rte_pasid_space *s, bool fix);

/* Lock held: reserved values in [1, 2^width), from the table. */
PASID_HIDDEN uint32_t pasid_count_reserved(const struct rte_pasid_space *s);

/*
 * Lock held, @p p allocated, @p w0 its level-0 word as just loaded: make
 * it free. One store of truth: the bit.
 */
static inline void
pasid_release(struct rte_pasid_space *s, uint32_t p, uint64_t w0)
{
	unsigned int owner = pasid_block_owners(s)[p >> PASID_BLOCK_SHIFT];
	uint32_t i = p >> 6;
	uint64_t *w1, o1;

	pasid_level(s, 0)[i] = w0 & ~(UINT64_C(1) << (p & 63));
	if (PASID_LIKELY(s->nlevels > 1)) {
		/* The word has room now, whatever it had before. */
		w1 = pasid_level(s, 1) + (i >> 6);
		o1 = *w1;
		*w1 = o1 | UINT64_C(1) << (i & 63);
		if (PASID_UNLIKELY(o1 == 0))
			pasid_room_set(s, 2, i >> 6);
	}
	s->allocated--;
	if (PASID_UNLIKELY(owner != RTE_PASID_OWNER_NONE) && owner <= RTE_PASID_OWNER_MAX)
		s->owners[owner - 1].count--;
}

/* Lock held: free the PASIDs of the owners in @p mask (bit i: owner i+1). */
PASID_HIDDEN uint32_t pasid_free_owners(struct rte_pasid_space *s, uint64_t mask);

/*
 * For white-box tests only: take and release the namespace lock, e.g. to
 * die while holding it.
 */
void rte_pasid_internal_lock(struct rte_pasid_space *space);
void rte_pasid_internal_unlock(struct rte_pasid_space *space);

#endif /* _PASID_PRIVATE_H_ */
