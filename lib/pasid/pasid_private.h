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
 *   struct rte_pasid_space      header, lock, counters, owner slots
 *   level nlevels-1 .. level 1  summary bitmaps
 *   level 0                     index bitmap, one bit per value
 *   state[2^max_width]          one byte per value: the truth
 *
 * state[v] is PASID_ST_FREE, an owner 1..RTE_PASID_OWNER_MAX,
 * PASID_ST_NO_OWNER or PASID_ST_RESERVED. Everything else is derived from
 * the state bytes and the width:
 *   - level 0 bit v is set iff v is 0, v >= 2^width, v >= 2^max_width
 *     (padding) or state[v] is not free;
 *   - level l bit j (l >= 1) is set iff word j of level l-1 is all ones
 *     (or j is padding beyond the words of level l-1);
 *   - the counters (allocated, reserved, per-owner counts).
 * An allocation is the lowest clear bit, found by walking down from the
 * single top word. A holder that dies mid-call leaves every state byte
 * either old or new (byte stores do not tear); whoever takes the lock over
 * recomputes the derived data with pasid_derive().
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
#define PASID_VERSION 1u
#define PASID_LEVELS_MAX 4u
#define PASID_ALIGN 64u

/* Values of a state byte besides the owners 1..RTE_PASID_OWNER_MAX. */
#define PASID_ST_FREE 0x00u
#define PASID_ST_NO_OWNER 0x80u
#define PASID_ST_RESERVED 0xffu

/* Internal flag: memory from rte_pasid_space_create(). */
#define PASID_F_MALLOC (1u << 31)

struct pasid_owner_slot {
	uint32_t used;        /* written last on register, first on release */
	int32_t pid;
	uint64_t start_time;
	uint32_t count;       /* derived: PASIDs held */
	uint32_t gen;         /* bumped on every register and release */
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
	uint32_t level_words[PASID_LEVELS_MAX]; /* level 0 = index */
	uint32_t level_off[PASID_LEVELS_MAX];
	uint32_t state_off;

	/* Lock word: 0, or the holder's token (see pasid_lock.c). */
	_Alignas(64) _Atomic uint64_t lock;
	/* Under the lock. */
	uint32_t width;
	uint32_t allocated;   /* derived */
	uint32_t reserved;    /* derived: reserved values in [1, 2^width) */
	uint32_t recoveries;
	struct pasid_owner_slot owners[RTE_PASID_OWNER_MAX];
};

static inline uint64_t *
pasid_level(struct rte_pasid_space *s, unsigned int l)
{
	return (uint64_t *)((uintptr_t)s + s->level_off[l]);
}

static inline uint8_t *
pasid_states(struct rte_pasid_space *s)
{
	return (uint8_t *)((uintptr_t)s + s->state_off);
}

static inline bool
pasid_st_allocated(uint8_t st)
{
	return st != PASID_ST_FREE && st != PASID_ST_RESERVED;
}

/* Mark value @p used in the index and the summaries above it. */
static inline void
pasid_bit_set(struct rte_pasid_space *s, uint32_t p)
{
	unsigned int l;

	for (l = 0; l < s->nlevels; l++) {
		uint64_t *w = pasid_level(s, l) + (p >> 6);

		*w |= UINT64_C(1) << (p & 63);
		if (*w != UINT64_MAX)
			break;
		p >>= 6;
	}
}

/* Mark value @p available in the index and the summaries above it. */
static inline void
pasid_bit_clear(struct rte_pasid_space *s, uint32_t p)
{
	unsigned int l;

	for (l = 0; l < s->nlevels; l++) {
		uint64_t *w = pasid_level(s, l) + (p >> 6);
		uint64_t old = *w;

		*w = old & ~(UINT64_C(1) << (p & 63));
		if (old != UINT64_MAX)
			break;
		p >>= 6;
	}
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
 * Compare the derived data with what the state bytes and the width imply;
 * with @p fix, rewrite it. Invalid state bytes and bytes naming an unused
 * owner slot become PASID_ST_NO_OWNER when fixing (kept allocated: their
 * PASID may still be attached somewhere). Returns the number of
 * differences found.
 */
PASID_HIDDEN uint32_t pasid_derive(struct rte_pasid_space *s, bool fix);

/* Lock held, @p p allocated: make it free. */
static inline void
pasid_release(struct rte_pasid_space *s, uint32_t p)
{
	uint8_t *st = pasid_states(s);
	uint8_t owner = st[p];

	st[p] = PASID_ST_FREE;
	pasid_bit_clear(s, p);
	s->allocated--;
	if (owner >= 1 && owner <= RTE_PASID_OWNER_MAX)
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
