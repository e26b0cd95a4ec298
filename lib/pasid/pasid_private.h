/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _PASID_PRIVATE_H_
#define _PASID_PRIVATE_H_

/*
 * Layout of a PASID namespace and the helpers the library's files share.
 * Not installed; white-box tests include it.
 *
 * Memory, every reference an offset from the start of the namespace:
 *
 *   struct rte_pasid_space   header: the lock, the width, counters, owner
 *                            slots, the pending range update
 *   room[]                   bit i: word i of taken[] has a clear bit
 *   taken[]                  bit v: v cannot be handed out (allocated,
 *                            reserved, 0, or 2^width and above)
 *   value[]                  byte v: PASID_V_FREE, PASID_V_RES,
 *                            PASID_V_NONE or the owner slot 1..64
 *
 * The truth is value[], the width, the owner slots and the pending range
 * update. taken[], room[], the counters and the search hint are derived
 * from it (pasid_derive()). An allocation or a free changes the truth
 * with one byte store; a reserve, an unreserve or an owner's release
 * first records itself in pending, then changes the bytes, then clears
 * pending. When a holder of the lock dies, the next locker (EOWNERDEAD)
 * rebuilds the derived data and redoes the pending update: every call
 * happens completely or not at all.
 */

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "ifd_messages.h"
#include "rte_pasid.h"

#define PASID_HIDDEN __attribute__((visibility("hidden")))
#define PASID_LIKELY(x) __builtin_expect(!!(x), 1)

/* "PASIDSP1": kept across versions, so that an older namespace gets -EPROTO */
#define PASID_MAGIC UINT64_C(0x3150534449534150)
#define PASID_VERSION 3u
#define PASID_ALIGN 64u

/* value[] bytes; 1..RTE_PASID_OWNER_MAX: allocated to that owner slot. */
#define PASID_V_FREE 0x00u
#define PASID_V_NONE 0x80u  /* allocated to RTE_PASID_OWNER_NONE */
#define PASID_V_RES 0xffu   /* reserved, and PASID 0 */

/* Internal flag: memory from rte_pasid_space_create(). */
#define PASID_F_MALLOC (1u << 31)

/* Stores before it, then stores after it (as a process killed between sees). */
#define pasid_store_order() atomic_signal_fence(memory_order_seq_cst)

struct pasid_owner_slot {
	uint32_t used;        /* written last on register, released last */
	int32_t pid;
	uint64_t start_time;
	uint32_t count;       /* derived: PASIDs held */
	uint32_t gen;         /* bumped on every register and release */
};

enum pasid_op {
	PASID_OP_NONE,
	PASID_OP_RESERVE,     /* free values of [first, last] become reserved */
	PASID_OP_UNRESERVE,   /* reserved values of [first, last] become free */
	PASID_OP_RELEASE,     /* free the owners' values, release the slots */
};

/* The range update under way, redone after its holder died. */
struct pasid_pending {
	uint32_t op;
	uint32_t first;
	uint32_t last;
	uint32_t pad;
	uint64_t owners;      /* bit i: owner slot i + 1 */
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
	uint32_t words;       /* of taken[] */
	uint32_t room_words;  /* of room[] */
	uint32_t room_off;
	uint32_t taken_off;
	uint32_t value_off;

	_Alignas(64) pthread_mutex_t lock;  /* process-shared, robust */
	/* Under the lock. */
	uint32_t width;
	uint32_t allocated;   /* derived */
	uint32_t reserved;    /* derived: reserved values in [1, 2^width) */
	uint32_t recoveries;
	uint32_t hint;        /* derived: room[] is 0 below this word */
	struct pasid_pending pending;
	struct pasid_owner_slot owners[RTE_PASID_OWNER_MAX];
};

static inline uint64_t *
pasid_room(struct rte_pasid_space *s)
{
	return (uint64_t *)((uintptr_t)s + s->room_off);
}

static inline uint64_t *
pasid_taken(struct rte_pasid_space *s)
{
	return (uint64_t *)((uintptr_t)s + s->taken_off);
}

static inline uint8_t *
pasid_value(struct rte_pasid_space *s)
{
	return (uint8_t *)((uintptr_t)s + s->value_off);
}

/* The value[] byte of an owner's allocations; owner checked by the caller. */
static inline uint8_t
pasid_code(unsigned int owner)
{
	return owner == RTE_PASID_OWNER_NONE ? PASID_V_NONE : (uint8_t)owner;
}

static inline bool
pasid_is_allocated(uint8_t b)
{
	return b != PASID_V_FREE && b != PASID_V_RES;
}

/* Lock held: an owner an allocation may name. */
static inline bool
pasid_owner_ok(const struct rte_pasid_space *s, unsigned int owner)
{
	return owner == RTE_PASID_OWNER_NONE ||
		(owner <= RTE_PASID_OWNER_MAX && s->owners[owner - 1].used);
}

/* Lock held, @p p free and below 2^width: allocate it (byte @p code). */
static inline void
pasid_take(struct rte_pasid_space *s, uint32_t p, uint8_t code)
{
	uint64_t *w = pasid_taken(s) + (p >> 6);

	pasid_value(s)[p] = code;
	*w |= UINT64_C(1) << (p & 63);
	if (*w == UINT64_MAX)
		pasid_room(s)[p >> 12] &= ~(UINT64_C(1) << ((p >> 6) & 63));
	s->allocated++;
	if (code != PASID_V_NONE)
		s->owners[code - 1].count++;
}

/* Lock held, @p p allocated: make it free. */
static inline void
pasid_give(struct rte_pasid_space *s, uint32_t p)
{
	uint8_t *b = pasid_value(s) + p;

	if (*b != PASID_V_NONE)
		s->owners[*b - 1].count--;
	*b = PASID_V_FREE;
	pasid_taken(s)[p >> 6] &= ~(UINT64_C(1) << (p & 63));
	pasid_room(s)[p >> 12] |= UINT64_C(1) << ((p >> 6) & 63);
	if ((p >> 12) < s->hint)
		s->hint = p >> 12;
	s->allocated--;
}

/*
 * Record the message of a failure for rte_pasid_last_error():
 * "<what>: <ERRNO> (<hint>)", the hint a reason the user can act on,
 * written PASID_WHY("..."). Evaluates to @p err (a negative errno). The
 * format and the reasons are declared for doc/guides/messages.rst
 * (ifd_messages.h). (pasid_space.c)
 */
#define pasid_fail(err, hint, ...) __extension__ ({ \
	IFD_NOTE("lib/pasid", "fail:ERR", IFD_NOTE_FMT(__VA_ARGS__)); \
	pasid_fail_msg(err, hint, __VA_ARGS__); \
})
#define PASID_WHY(text) __extension__ ({ IFD_NOTE("lib/pasid", "reason", text); text; })
PASID_HIDDEN int pasid_fail_msg(int err, const char *hint, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/*
 * Check the namespace and take its lock (after a dead holder, rebuild the
 * derived data and finish its update): 0, or a negative errno with the
 * message "PASID <what>: ..." recorded. (pasid_space.c)
 */
PASID_HIDDEN int pasid_enter(struct rte_pasid_space *s, const char *what);

static inline void
pasid_unlock(struct rte_pasid_space *s)
{
	pthread_mutex_unlock(&s->lock);
}

enum pasid_count {
	PASID_COUNT_ALLOCATED,
	PASID_COUNT_RESERVED,
};

/* Lock held: the allocated or reserved values of [first, last]. */
PASID_HIDDEN uint32_t pasid_count(struct rte_pasid_space *s, uint32_t first,
		uint32_t last, enum pasid_count what);

/*
 * Lock held: compare the derived data with what the truth implies; with
 * @p fix, rewrite it (and turn bytes naming an unused owner slot into
 * PASID_V_NONE: those values stay allocated). Returns the number of
 * differences. (pasid_space.c)
 */
PASID_HIDDEN uint32_t pasid_derive(struct rte_pasid_space *s, bool fix);

/* Lock held: recompute taken[] and room[] for the values [first, last]. */
PASID_HIDDEN void pasid_refresh(struct rte_pasid_space *s, uint32_t first,
		uint32_t last);

/* Lock held: carry out s->pending, then clear it. (pasid_alloc.c) */
PASID_HIDDEN uint32_t pasid_apply(struct rte_pasid_space *s);

/*
 * Lock held: free the PASIDs of the owners of @p mask (bit i: owner i + 1)
 * and release their slots, as one pending update. (pasid_alloc.c)
 */
PASID_HIDDEN uint32_t pasid_release(struct rte_pasid_space *s, uint64_t mask);

/*
 * For white-box tests only: take and release the namespace lock, e.g. to
 * die while holding it.
 */
void rte_pasid_internal_lock(struct rte_pasid_space *space);
void rte_pasid_internal_unlock(struct rte_pasid_space *space);

#endif /* _PASID_PRIVATE_H_ */
