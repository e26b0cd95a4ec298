/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Namespaces: messages, widths, layout, init and attach, the lock and
 * what its next holder does after a dead one, derived data, width changes.
 */

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "pasid_private.h"

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
	ret = -ret;
	if (ret < 0)
		return pasid_fail(ret, NULL, "PASID namespace init: process-shared robust mutex");
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
pasid_enter(struct rte_pasid_space *s, const char *what)
{
	int err;

	if (s == NULL)
		return pasid_fail(-EINVAL, PASID_WHY("NULL namespace"), "PASID %s", what);
	err = pthread_mutex_lock(&s->lock);
	if (PASID_LIKELY(err == 0))
		return 0;
	if (err == EOWNERDEAD) {
		/* The holder died: rebuild from the truth, finish its update. */
		pasid_derive(s, true);
		pasid_apply(s);
		s->recoveries++;
		err = pthread_mutex_consistent(&s->lock);
		if (err == 0)
			return 0;
		pasid_unlock(s);
	}
	return pasid_fail(-ENOTRECOVERABLE, PASID_WHY("the namespace memory was overwritten: make a new namespace"),
			  "PASID %s: lock (%s)", what, strerror(err));
}

void
rte_pasid_internal_lock(struct rte_pasid_space *space)
{
	(void)pasid_enter(space, "lock");
}

void
rte_pasid_internal_unlock(struct rte_pasid_space *space)
{
	pasid_unlock(space);
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

uint32_t
pasid_count(struct rte_pasid_space *s, uint32_t first, uint32_t last, enum pasid_count what)
{
	const uint8_t *val = pasid_value(s);
	uint32_t v, n = 0;

	for (v = first; v <= last; v++)
		n += what == PASID_COUNT_RESERVED ? val[v] == PASID_V_RES : pasid_is_allocated(val[v]);
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
			w |= UINT64_C(1) << b;
	return w;
}

/* Word @p j of room[], from taken[]. */
static uint64_t
pasid_room_word(struct rte_pasid_space *s, uint32_t j)
{
	uint32_t i = j * 64, b;
	uint64_t w = 0;

	for (b = 0; b < 64 && i + b < s->words; b++)
		if (pasid_taken(s)[i + b] != UINT64_MAX)
			w |= UINT64_C(1) << b;
	return w;
}

void
pasid_refresh(struct rte_pasid_space *s, uint32_t first, uint32_t last)
{
	uint32_t i;

	for (i = first >> 6; i <= last >> 6; i++)
		pasid_taken(s)[i] = pasid_taken_word(s, i);
	for (i = first >> 12; i <= last >> 12; i++)
		pasid_room(s)[i] = pasid_room_word(s, i);
	if ((first >> 12) < s->hint)
		s->hint = first >> 12;
}

/* Count a difference; with @p fix, store what the truth implies. */
#define PASID_DERIVE(field, want) do { \
	if ((field) != (want)) { \
		diff++; \
		if (fix) \
			(field) = (want); \
	} \
} while (0)

uint32_t
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
		/* An owner that is not: kept allocated, to nobody. */
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
	for (i = 0; i < s->words; i++)
		PASID_DERIVE(pasid_taken(s)[i], pasid_taken_word(s, i));
	for (i = 0; i < s->room_words; i++)
		PASID_DERIVE(pasid_room(s)[i], pasid_room_word(s, i));
	if (fix)
		s->hint = 0;
	return diff;
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
	uint32_t old, limit;
	unsigned int cur;

	if (ret < 0)
		return ret;
	cur = s->width;
	old = 1u << cur;
	if (!rte_pasid_width_valid(width))
		ret = pasid_fail(-EINVAL, PASID_WHY("a width is 1 to 20 bits"), "PASID %s %u", what, width);
	else if (width > s->max_width && !narrow)
		ret = pasid_fail(-ERANGE, PASID_WHY("the namespace was made narrower: make a wider one"),
				 "PASID %s %u (at most %u)", what, width, s->max_width);
	else if (width < cur && pasid_count(s, 1u << width, old - 1, PASID_COUNT_ALLOCATED))
		ret = pasid_fail(-EBUSY, PASID_WHY("PASIDs above the new width are allocated: free them first"),
				 "PASID %s %u -> %u", what, cur, width);
	else if (width < cur || !narrow)
		s->width = width;
	/* The width is stored: the rest is derived. */
	limit = 1u << s->width;
	if (s->width < cur) {
		s->reserved -= pasid_count(s, limit, old - 1, PASID_COUNT_RESERVED);
		pasid_refresh(s, limit, old - 1);
	} else if (s->width > cur) {
		s->reserved += pasid_count(s, old, limit - 1, PASID_COUNT_RESERVED);
		pasid_refresh(s, old, limit - 1);
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
