/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID allocator. The layout and what is derived from what:
 * pasid_private.h; the design: doc/guides/pasid_allocator.rst.
 */

#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ifd_messages.h"
#include "pasid_private.h"

#define PASID_LIKELY(x) __builtin_expect(!!(x), 1)
#define PASID_BIT(i) (UINT64_C(1) << ((i) & 63))

static __thread char last_error[256];

const char *
rte_pasid_last_error(void)
{
	return last_error;
}

int
pasid_fail_msg(int err, const char *hint, const char *fmt, ...)
{
	static const struct { int err; const char *name; } names[] = {
		{ EINVAL, "EINVAL" }, { ERANGE, "ERANGE" }, { ENOENT, "ENOENT" },
		{ EEXIST, "EEXIST" }, { EBUSY, "EBUSY" }, { EPERM, "EPERM" },
		{ ENOSPC, "ENOSPC" }, { ENOMEM, "ENOMEM" }, { ESRCH, "ESRCH" },
		{ EPROTO, "EPROTO" }, { EXDEV, "EXDEV" }, { ENOTSUP, "ENOTSUP" },
		{ EUCLEAN, "EUCLEAN" }, { ENOTRECOVERABLE, "ENOTRECOVERABLE" },
	};
	char what[160], name[24];
	va_list ap;
	size_t i;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(name, sizeof(name), "errno %d", -err);
	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if (names[i].err == -err)
			snprintf(name, sizeof(name), "%s", names[i].name);
	snprintf(last_error, sizeof(last_error), "%s: %s (%s)", what, name,
		 hint != NULL ? hint : strerror(-err));
	return err;
}

bool
rte_pasid_width_valid(unsigned int width)
{
	return width >= RTE_PASID_WIDTH_MIN && width <= RTE_PASID_WIDTH_MAX;
}

int
rte_pasid_max(unsigned int width)
{
	if (!rte_pasid_width_valid(width))
		return pasid_fail(-EINVAL, PASID_WHY("a width is 1 to 20 bits"), "PASID width %u", width);
	return (int)((1u << width) - 1);
}

int
rte_pasid_shared_width(const unsigned int *widths, unsigned int n)
{
	unsigned int i, min = RTE_PASID_WIDTH_MAX;
	bool unsupported = false;

	if (widths == NULL || n == 0)
		return pasid_fail(-EINVAL, PASID_WHY("NULL or empty list of widths"), "PASID shared width");
	for (i = 0; i < n; i++) {
		if (widths[i] > RTE_PASID_WIDTH_MAX)
			return pasid_fail(-EINVAL, PASID_WHY("a width is 1 to 20 bits"),
					  "PASID shared width: device %u has width %u", i, widths[i]);
		unsupported |= widths[i] == 0;
		if (widths[i] != 0 && widths[i] < min)
			min = widths[i];
	}
	if (unsupported)
		return pasid_fail(-ENOTSUP, PASID_WHY("a device without PASID support cannot share a namespace"),
				  "PASID shared width");
	return (int)min;
}

#define PASID_ROUND(x) (((x) + PASID_ALIGN - 1) / PASID_ALIGN * PASID_ALIGN)

/* The layout fields of a header, for a valid width. */
static void
pasid_layout(unsigned int max_width, struct rte_pasid_space *lay)
{
	uint32_t nvalues = 1u << max_width;

	memset(lay, 0, sizeof(*lay));
	lay->max_width = max_width;
	lay->words = (nvalues + 63) / 64;
	lay->room_words = (lay->words + 63) / 64;
	lay->room_off = PASID_ROUND(sizeof(*lay));
	lay->taken_off = lay->room_off + PASID_ROUND(lay->room_words * 8);
	lay->value_off = lay->taken_off + PASID_ROUND(lay->words * 8);
	lay->mem_size = lay->value_off + PASID_ROUND(nvalues);
}

ssize_t
rte_pasid_space_size(unsigned int max_width)
{
	struct rte_pasid_space lay;

	if (!rte_pasid_width_valid(max_width))
		return pasid_fail(-EINVAL, PASID_WHY("a width is 1 to 20 bits"), "PASID namespace size %u", max_width);
	pasid_layout(max_width, &lay);
	return (ssize_t)lay.mem_size;
}

static inline bool
pasid_is_allocated(uint8_t b)
{
	return b != PASID_V_FREE && b != PASID_V_RES;
}

/* The allocated (or with @p reserved, the reserved) values of [first, last]. */
static uint32_t
pasid_count(struct rte_pasid_space *s, uint32_t first, uint32_t last, bool reserved)
{
	const uint8_t *val = pasid_value(s);
	uint32_t v, n = 0;

	for (v = first; v <= last; v++)
		n += reserved ? val[v] == PASID_V_RES : pasid_is_allocated(val[v]);
	return n;
}

/* Word @p i of taken[], from the bytes and the width. */
static uint64_t
pasid_taken_word(struct rte_pasid_space *s, uint32_t i)
{
	const uint8_t *val = pasid_value(s);
	uint32_t limit = 1u << s->width, v = i * 64, b;
	uint64_t w = 0;

	for (b = 0; b < 64; b++, v++)
		if (v >= limit || val[v] != PASID_V_FREE)
			w |= PASID_BIT(b);
	return w;
}

/* Word @p j of room[], from taken[]. */
static uint64_t
pasid_room_word(struct rte_pasid_space *s, uint32_t j)
{
	uint32_t b;
	uint64_t w = 0;

	for (b = 0; b < 64 && j * 64 + b < s->words; b++)
		if (pasid_taken(s)[j * 64 + b] != UINT64_MAX)
			w |= PASID_BIT(b);
	return w;
}

/* Count a difference; with @p fix, store what the truth implies. */
#define PASID_DERIVE(field, want) do { \
	if ((field) != (want)) { \
		diff++; \
		if (fix) \
			(field) = (want); \
	} \
} while (0)

/* Compare (with @p fix: rewrite) taken[] and room[] for the values [first, last]. */
static uint32_t
pasid_bits(struct rte_pasid_space *s, uint32_t first, uint32_t last, bool fix)
{
	uint32_t diff = 0, i;

	for (i = first >> 6; i <= last >> 6; i++)
		PASID_DERIVE(pasid_taken(s)[i], pasid_taken_word(s, i));
	for (i = first >> 12; i <= last >> 12; i++)
		PASID_DERIVE(pasid_room(s)[i], pasid_room_word(s, i));
	if (fix && (first >> 12) < s->hint)
		s->hint = first >> 12;
	return diff;
}

/*
 * Compare the derived data with what the truth implies; with @p fix,
 * rewrite it (a byte naming an unused owner slot becomes PASID_V_NONE:
 * the value stays allocated). Returns the number of differences.
 */
static uint32_t
pasid_derive(struct rte_pasid_space *s, bool fix)
{
	uint32_t count[RTE_PASID_OWNER_MAX] = { 0 };
	uint32_t nvalues = 1u << s->max_width, limit = 1u << s->width;
	uint32_t allocated = 0, reserved = 0, diff = 0, v, i;
	uint8_t *val = pasid_value(s);

	PASID_DERIVE(val[0], PASID_V_RES);
	for (v = 1; v < nvalues; v++) {
		reserved += val[v] == PASID_V_RES && v < limit;
		if (!pasid_is_allocated(val[v]))
			continue;
		if (val[v] != PASID_V_NONE &&
				(val[v] > RTE_PASID_OWNER_MAX || !s->owners[val[v] - 1].used))
			PASID_DERIVE(val[v], PASID_V_NONE);
		allocated++;
		if (val[v] != PASID_V_NONE && val[v] <= RTE_PASID_OWNER_MAX)
			count[val[v] - 1]++;
	}
	PASID_DERIVE(s->allocated, allocated);
	PASID_DERIVE(s->reserved, reserved);
	for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
		PASID_DERIVE(s->owners[i].count, count[i]);
	return diff + pasid_bits(s, 0, nvalues - 1, fix);
}

/* @p p free and below 2^width: allocate it (byte @p code). */
static inline void
pasid_take(struct rte_pasid_space *s, uint32_t p, uint8_t code)
{
	uint64_t *w = pasid_taken(s) + (p >> 6);

	pasid_value(s)[p] = code;
	*w |= PASID_BIT(p);
	if (*w == UINT64_MAX)
		pasid_room(s)[p >> 12] &= ~PASID_BIT(p >> 6);
	s->allocated++;
	if (code != PASID_V_NONE)
		s->owners[code - 1].count++;
}

/* @p p allocated: make it free. */
static inline void
pasid_give(struct rte_pasid_space *s, uint32_t p)
{
	uint8_t *b = pasid_value(s) + p;

	if (*b != PASID_V_NONE)
		s->owners[*b - 1].count--;
	*b = PASID_V_FREE;
	pasid_taken(s)[p >> 6] &= ~PASID_BIT(p);
	pasid_room(s)[p >> 12] |= PASID_BIT(p >> 6);
	if ((p >> 12) < s->hint)
		s->hint = p >> 12;
	s->allocated--;
}

/* Carry out s->pending (see pasid_private.h), then clear it. */
static uint32_t
pasid_apply(struct rte_pasid_space *s)
{
	struct pasid_pending *pd = &s->pending;
	uint8_t *val = pasid_value(s);
	uint8_t from = pd->op == PASID_OP_RESERVE ? PASID_V_FREE : PASID_V_RES;
	uint32_t limit = 1u << s->width, held = 0, n = 0, v, i;

	if (pd->op == PASID_OP_RELEASE) {
		for (i = 0; i < RTE_PASID_OWNER_MAX; i++)
			held += (pd->owners >> i) & 1 ? s->owners[i].count : 0;
		for (v = 1; v < limit && n < held; v++) {
			if (val[v] - 1u < RTE_PASID_OWNER_MAX && ((pd->owners >> (val[v] - 1)) & 1)) {
				pasid_give(s, v);
				n++;
			}
		}
		for (i = 0; i < RTE_PASID_OWNER_MAX; i++) {
			if ((pd->owners >> i) & 1) {
				s->owners[i].used = 0;
				s->owners[i].gen++;
			}
		}
	} else if (pd->op != PASID_OP_NONE) {
		for (v = pd->first; v <= pd->last; v++) {
			if (val[v] == from) {
				val[v] = from == PASID_V_FREE ? PASID_V_RES : PASID_V_FREE;
				n++;
			}
		}
		pasid_bits(s, pd->first, pd->last, true);
		s->reserved += from == PASID_V_FREE ? n : -n;
	}
	pasid_store_order();
	pd->op = PASID_OP_NONE;
	return n;
}

/* Record a range update in s->pending, then carry it out. */
uint32_t
pasid_start(struct rte_pasid_space *s, enum pasid_op op, uint32_t first, uint32_t last,
		uint64_t owners)
{
	s->pending.first = first;
	s->pending.last = last;
	s->pending.owners = owners;
	pasid_store_order();
	s->pending.op = op;
	pasid_store_order();
	return pasid_apply(s);
}

/*
 * Check the namespace and take its lock; after a dead holder, rebuild the
 * derived data and finish its update. 0, or a negative errno.
 */
int
pasid_enter(struct rte_pasid_space *s, const char *what)
{
	int err;

	if (s == NULL)
		return pasid_fail(-EINVAL, PASID_WHY("NULL namespace"), "PASID %s", what);
	err = pthread_mutex_lock(&s->lock);
	if (PASID_LIKELY(err == 0))
		return 0;
	if (err == EOWNERDEAD) {
		pasid_derive(s, true);
		pasid_apply(s);
		s->recoveries++;
		err = pthread_mutex_consistent(&s->lock);
		if (err == 0)
			return 0;
		pthread_mutex_unlock(&s->lock);
	}
	return pasid_fail(-ENOTRECOVERABLE, PASID_WHY("the namespace memory was overwritten: make a new namespace"),
			  "PASID %s: lock (%s)", what, strerror(err));
}

/*
 * pasid_enter(), then check that @p owner is registered (or, with
 * @p none_ok, RTE_PASID_OWNER_NONE): 0 with the lock held, or a negative
 * errno without.
 */
int
pasid_enter_owner(struct rte_pasid_space *s, const char *what, unsigned int owner,
		bool none_ok)
{
	int ret = pasid_enter(s, what);

	if (ret < 0 || (owner == RTE_PASID_OWNER_NONE ? none_ok :
			owner <= RTE_PASID_OWNER_MAX && s->owners[owner - 1].used))
		return ret;
	pasid_unlock(s);
	return pasid_fail(-EINVAL, none_ok ?
			  PASID_WHY("not a registered owner: use rte_pasid_owner_register() or RTE_PASID_OWNER_NONE") :
			  PASID_WHY("not a registered owner (unregistered already?)"),
			  "PASID %s by owner %u", what, owner);
}

/* Lock held: 0 if @p pasid is below 2^width and (unless @p rid_ok) not 0. */
static inline __attribute__((always_inline)) int
pasid_check(struct rte_pasid_space *s, const char *what, uint32_t pasid, bool rid_ok)
{
	if (pasid == RTE_PASID_RID && !rid_ok)
		return pasid_fail(-EINVAL, PASID_WHY("PASID 0 is the RID's"), "PASID %s %u", what, pasid);
	if (pasid >> s->width)
		return pasid_fail(-ERANGE, PASID_WHY("beyond the namespace's width"),
				  "PASID %s %u (width %u)", what, pasid, s->width);
	return 0;
}

void
rte_pasid_internal_lock(struct rte_pasid_space *space)
{
	(void)pasid_enter(space, "lock");
}

static void
pasid_pidns(uint64_t *dev, uint64_t *ino)
{
	struct stat st;

	if (stat("/proc/self/ns/pid", &st) != 0)
		memset(&st, 0, sizeof(st));
	*dev = (uint64_t)st.st_dev;
	*ino = (uint64_t)st.st_ino;
}

int
rte_pasid_space_init(void *mem, size_t len, unsigned int max_width,
		unsigned int flags, struct rte_pasid_space **spacep)
{
	struct rte_pasid_space *s = mem;
	pthread_mutexattr_t attr;
	int ret;

	if (mem == NULL || spacep == NULL || (uintptr_t)mem % PASID_ALIGN != 0 ||
			!rte_pasid_width_valid(max_width) || flags != 0)
		return pasid_fail(-EINVAL, PASID_WHY("NULL pointer, memory not aligned to 64 bytes, a width outside 1 to 20 bits or flags not 0"),
				  "PASID namespace init at %p width %u flags 0x%x", mem,
				  max_width, flags);
	if (len < (size_t)rte_pasid_space_size(max_width))
		return pasid_fail(-ENOSPC, PASID_WHY("give at least rte_pasid_space_size() bytes"),
				  "PASID namespace init: %zu bytes for width %u", len, max_width);
	pasid_layout(max_width, s);
	memset(s + 1, 0, s->mem_size - sizeof(*s));
	s->version = PASID_VERSION;
	s->header_size = sizeof(*s);
	pasid_pidns(&s->pidns_dev, &s->pidns_ino);
	ret = pthread_mutexattr_init(&attr);
	if (ret == 0) {
		ret = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
		if (ret == 0)
			ret = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
		if (ret == 0)
			ret = pthread_mutex_init(&s->lock, &attr);
		pthread_mutexattr_destroy(&attr);
	}
	if (ret != 0)
		return pasid_fail(-ret, NULL, "PASID namespace init: process-shared robust mutex");
	s->width = max_width;
	pasid_value(s)[0] = PASID_V_RES;
	pasid_derive(s, true);
	atomic_thread_fence(memory_order_release);
	s->magic = PASID_MAGIC;
	*spacep = s;
	return 0;
}

int
rte_pasid_space_attach(void *mem, size_t len, struct rte_pasid_space **spacep)
{
	struct rte_pasid_space *s = mem, lay;
	uint64_t dev, ino;
	bool bad;

	if (mem == NULL || spacep == NULL || (uintptr_t)mem % PASID_ALIGN != 0)
		return pasid_fail(-EINVAL, PASID_WHY("NULL pointer, or memory not aligned to 64 bytes"),
				  "PASID namespace attach at %p", mem);
	if (len < 16 || s->magic != PASID_MAGIC)
		return pasid_fail(-EINVAL, PASID_WHY("no namespace there: rte_pasid_space_init() makes one"),
				  "PASID namespace attach at %p", mem);
	if (s->version != PASID_VERSION || s->header_size != sizeof(*s))
		return pasid_fail(-EPROTO, PASID_WHY("made by another version of the library: use one build in every process"),
				  "PASID namespace attach at %p (version %u)", mem, s->version);
	bad = len < sizeof(*s) || !rte_pasid_width_valid(s->max_width);
	if (!bad) {
		pasid_layout(s->max_width, &lay);
		bad = len < lay.mem_size || s->mem_size != lay.mem_size || s->words != lay.words ||
			s->room_words != lay.room_words || s->room_off != lay.room_off ||
			s->taken_off != lay.taken_off || s->value_off != lay.value_off ||
			s->width == 0 || s->width > s->max_width;
	}
	if (bad)
		return pasid_fail(-EINVAL, PASID_WHY("damaged header or short mapping"),
				  "PASID namespace attach at %p (%zu bytes mapped)", mem, len);
	pasid_pidns(&dev, &ino);
	if (dev != 0 && s->pidns_dev != 0 && (dev != s->pidns_dev || ino != s->pidns_ino))
		return pasid_fail(-EXDEV, PASID_WHY("made in another PID namespace: owners' pids would not match"),
				  "PASID namespace attach at %p", mem);
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
		return pasid_fail(-EINVAL, PASID_WHY("NULL pointer, a width outside 1 to 20 bits or flags not 0"),
				  "PASID namespace create width %u flags 0x%x", max_width, flags);
	mem = aligned_alloc(PASID_ALIGN, (size_t)size);
	if (mem == NULL)
		return pasid_fail(-ENOMEM, NULL, "PASID namespace create: %zd bytes", size);
	ret = rte_pasid_space_init(mem, (size_t)size, max_width, 0, spacep);
	if (ret < 0)
		free(mem);
	else
		(*spacep)->flags |= PASID_F_MALLOC;
	return ret;
}

void
rte_pasid_space_free(struct rte_pasid_space *space)
{
	if (space == NULL || !(space->flags & PASID_F_MALLOC))
		return;
	pthread_mutex_destroy(&space->lock);
	space->magic = 0;
	free(space);
}

int
rte_pasid_space_info(struct rte_pasid_space *space, struct rte_pasid_space_info *info)
{
	unsigned int i;
	int ret;

	if (info == NULL)
		return pasid_fail(-EINVAL, PASID_WHY("NULL info"), "PASID namespace info");
	ret = pasid_enter(space, "namespace info");
	if (ret < 0)
		return ret;
	memset(info, 0, sizeof(*info));
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

int
rte_pasid_space_audit(struct rte_pasid_space *space)
{
	uint32_t diff = 1;
	int ret = pasid_enter(space, "namespace audit");

	if (ret < 0)
		return ret;
	if (space->width != 0 && space->width <= space->max_width)
		diff = pasid_derive(space, false) + (space->pending.op != PASID_OP_NONE);
	pasid_unlock(space);
	if (diff != 0)
		return pasid_fail(-EUCLEAN, PASID_WHY("the namespace memory was written outside this library"),
				  "PASID namespace audit: %u differences", diff);
	return 0;
}

/* Set the width (@p narrow: only to a smaller one); the resulting width. */
static int
pasid_set_width(struct rte_pasid_space *s, unsigned int width, bool narrow)
{
	const char *what = narrow ? "narrow" : "set_width";
	int ret = pasid_enter(s, what);
	uint32_t lo, hi, n;
	unsigned int cur;

	if (ret < 0)
		return ret;
	cur = s->width;
	if (!rte_pasid_width_valid(width))
		ret = pasid_fail(-EINVAL, PASID_WHY("a width is 1 to 20 bits"), "PASID %s %u", what, width);
	else if (width > s->max_width && !narrow)
		ret = pasid_fail(-ERANGE, PASID_WHY("the namespace was made narrower: make a wider one"),
				 "PASID %s %u (at most %u)", what, width, s->max_width);
	else if (width < cur && pasid_count(s, 1u << width, (1u << cur) - 1, false))
		ret = pasid_fail(-EBUSY, PASID_WHY("PASIDs above the new width are allocated: free them first"),
				 "PASID %s %u -> %u", what, cur, width);
	else if (width < cur || !narrow)
		s->width = width;
	/* The width is stored: the rest is derived. */
	if (s->width != cur) {
		lo = 1u << (s->width < cur ? s->width : cur);
		hi = (1u << (s->width < cur ? cur : s->width)) - 1;
		n = pasid_count(s, lo, hi, true);
		s->reserved += s->width > cur ? n : -n;
		pasid_bits(s, lo, hi, true);
	}
	if (ret == 0)
		ret = (int)s->width;
	pasid_unlock(s);
	return ret;
}

int
rte_pasid_space_narrow(struct rte_pasid_space *space, unsigned int width)
{
	return pasid_set_width(space, width, true);
}

int
rte_pasid_space_set_width(struct rte_pasid_space *space, unsigned int width)
{
	int ret = pasid_set_width(space, width, false);

	return ret < 0 ? ret : 0;
}

/* The value[] byte of an owner's allocations. */
static inline uint8_t
pasid_code(unsigned int owner)
{
	return owner == RTE_PASID_OWNER_NONE ? PASID_V_NONE : (uint8_t)owner;
}

/* The owner an allocated byte names. */
static inline unsigned int
pasid_owner_of(uint8_t b)
{
	return b == PASID_V_NONE ? RTE_PASID_OWNER_NONE : b;
}

int
rte_pasid_alloc(struct rte_pasid_space *space, unsigned int owner)
{
	const uint64_t *room;
	uint32_t j, i;
	int ret = pasid_enter_owner(space, "alloc", owner, true);

	if (ret < 0)
		return ret;
	/* room[] is 0 below the hint; the first word with room has a clear bit. */
	room = pasid_room(space);
	for (j = space->hint; j < space->room_words && room[j] == 0; j++)
		;
	space->hint = j;
	if (PASID_LIKELY(j < space->room_words)) {
		i = j << 6 | (uint32_t)__builtin_ctzll(room[j]);
		ret = (int)(i << 6 | (uint32_t)__builtin_ctzll(~pasid_taken(space)[i]));
		pasid_take(space, (uint32_t)ret, pasid_code(owner));
	} else {
		ret = pasid_fail(-ENOSPC, PASID_WHY("every PASID of the namespace is allocated or reserved"),
				 "PASID alloc by owner %u", owner);
	}
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_alloc_value(struct rte_pasid_space *space, unsigned int owner, uint32_t pasid)
{
	int ret = pasid_enter_owner(space, "alloc_value", owner, true);

	if (ret < 0)
		return ret;
	ret = pasid_check(space, "alloc", pasid, false);
	if (ret == 0 && pasid_value(space)[pasid] == PASID_V_RES)
		ret = pasid_fail(-EBUSY, PASID_WHY("the value is reserved"), "PASID alloc %u", pasid);
	else if (ret == 0 && pasid_value(space)[pasid] != PASID_V_FREE)
		ret = pasid_fail(-EEXIST, PASID_WHY("the value is allocated already"), "PASID alloc %u", pasid);
	else if (ret == 0)
		pasid_take(space, pasid, pasid_code(owner));
	pasid_unlock(space);
	return ret;
}

int
rte_pasid_free(struct rte_pasid_space *space, unsigned int owner, uint32_t pasid)
{
	int ret = pasid_enter_owner(space, "free", owner, true);
	uint8_t its;

	if (ret < 0)
		return ret;
	ret = pasid_check(space, "free", pasid, false);
	its = ret == 0 ? pasid_value(space)[pasid] : PASID_V_FREE;
	if (PASID_LIKELY(ret == 0 && its == pasid_code(owner)))
		pasid_give(space, pasid);
	else if (ret == 0 && !pasid_is_allocated(its))
		ret = pasid_fail(-ENOENT, PASID_WHY("not allocated: freed already, or reserved"),
				 "PASID free %u by owner %u", pasid, owner);
	else if (ret == 0)
		ret = pasid_fail(-EPERM, PASID_WHY("allocated to another owner: only its owner frees it"),
				 "PASID free %u by owner %u (its owner: %u)", pasid, owner,
				 pasid_owner_of(its));
	pasid_unlock(space);
	return ret;
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
	else if (op == PASID_OP_RESERVE && pasid_count(s, first, last, false))
		ret = pasid_fail(-EBUSY, PASID_WHY("a value of the range is allocated: free it first"),
				 "PASID reserve %u..%u", first, last);
	else
		ret = (int)pasid_start(s, op, first, last, 0);
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
	ret = pasid_check(space, "state", pasid, true);
	if (ret == 0) {
		b = pasid_value(space)[pasid];
		ret = b == PASID_V_FREE ? RTE_PASID_STATE_FREE : b == PASID_V_RES ?
			RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_ALLOCATED;
		if (ret == RTE_PASID_STATE_ALLOCATED && owner != NULL)
			*owner = pasid_owner_of(b);
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
				*owner = pasid_owner_of(val[v]);
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
