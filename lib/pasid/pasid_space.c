/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Namespaces: widths, messages, layout, init and attach, the lock and
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

/* The errnos this library returns, by name; NULL for others. */
static const char *
pasid_errno_name(int err)
{
	switch (-err) {
	case ENOTSUP: return "ENOTSUP";
	case EUCLEAN: return "EUCLEAN";
	case EINVAL: return "EINVAL";
	case ERANGE: return "ERANGE";
	case ENOENT: return "ENOENT";
	case EEXIST: return "EEXIST";
	case EBUSY: return "EBUSY";
	case EPERM: return "EPERM";
	case ENOSPC: return "ENOSPC";
	case ENOMEM: return "ENOMEM";
	case ESRCH: return "ESRCH";
	case EPROTO: return "EPROTO";
	case EXDEV: return "EXDEV";
	case ENOTRECOVERABLE: return "ENOTRECOVERABLE";
	default: return NULL;
	}
}

int
pasid_fail(int err, const char *hint, const char *fmt, ...)
{
	const char *name = pasid_errno_name(err);
	char what[160], num[24];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (name == NULL) {
		snprintf(num, sizeof(num), "errno %d", -err);
		name = num;
	}
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
		return pasid_fail(-EINVAL, "a width is 1 to 20 bits", "PASID width %u", width);
	return (int)((1u << width) - 1);
}

int
rte_pasid_shared_width(const unsigned int *widths, unsigned int n)
{
	unsigned int i, min = RTE_PASID_WIDTH_MAX;
	bool unsupported = false;

	if (widths == NULL || n == 0)
		return pasid_fail(-EINVAL, "NULL or empty list of widths", "PASID shared width");
	for (i = 0; i < n; i++) {
		if (widths[i] > RTE_PASID_WIDTH_MAX)
			return pasid_fail(-EINVAL, "a width is 1 to 20 bits",
					  "PASID shared width: device %u has width %u", i, widths[i]);
		if (widths[i] == 0)
			unsupported = true;
		else if (widths[i] < min)
			min = widths[i];
	}
	if (unsupported)
		return pasid_fail(-ENOTSUP, "a device without PASID support cannot share a namespace",
				  "PASID shared width");
	return (int)min;
}

/* Layout for a width already checked: header, room[], taken[], value[]. */
static void
pasid_layout(unsigned int max_width, struct rte_pasid_space *lay)
{
	uint32_t nvalues = 1u << max_width;

	memset(lay, 0, sizeof(*lay));
	lay->max_width = max_width;
	lay->words = (nvalues + 63) / 64;
	lay->room_words = (lay->words + 63) / 64;
	lay->room_off = (uint32_t)((sizeof(*lay) + PASID_ALIGN - 1) & ~(PASID_ALIGN - 1));
	lay->taken_off = lay->room_off + (lay->room_words * 8 + PASID_ALIGN - 1) / PASID_ALIGN *
		PASID_ALIGN;
	lay->value_off = lay->taken_off + (lay->words * 8 + PASID_ALIGN - 1) / PASID_ALIGN *
		PASID_ALIGN;
	lay->mem_size = lay->value_off + (nvalues + PASID_ALIGN - 1) / PASID_ALIGN * PASID_ALIGN;
}

ssize_t
rte_pasid_space_size(unsigned int max_width)
{
	struct rte_pasid_space lay;

	if (!rte_pasid_width_valid(max_width))
		return pasid_fail(-EINVAL, "a width is 1 to 20 bits", "PASID namespace size %u",
				  max_width);
	pasid_layout(max_width, &lay);
	return (ssize_t)lay.mem_size;
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

static int
pasid_mutex_init(pthread_mutex_t *m)
{
	pthread_mutexattr_t attr;
	int ret;

	ret = pthread_mutexattr_init(&attr);
	if (ret != 0)
		return -ret;
	ret = pthread_mutexattr_setpshared(&attr, PTHREAD_PROCESS_SHARED);
	if (ret == 0)
		ret = pthread_mutexattr_setrobust(&attr, PTHREAD_MUTEX_ROBUST);
	if (ret == 0)
		ret = pthread_mutex_init(m, &attr);
	pthread_mutexattr_destroy(&attr);
	return -ret;
}

int
rte_pasid_space_init(void *mem, size_t len, unsigned int max_width,
		unsigned int flags, struct rte_pasid_space **spacep)
{
	struct rte_pasid_space *s = mem;
	struct rte_pasid_space lay;
	int ret;

	if (mem == NULL || spacep == NULL)
		return pasid_fail(-EINVAL, "NULL memory or result pointer", "PASID namespace init");
	if ((uintptr_t)mem % PASID_ALIGN != 0 || !rte_pasid_width_valid(max_width) || flags != 0)
		return pasid_fail(-EINVAL, "the memory must be aligned to 64 bytes, the width 1 to 20 bits, the flags 0",
				  "PASID namespace init at %p width %u flags 0x%x", mem,
				  max_width, flags);
	pasid_layout(max_width, &lay);
	if (len < lay.mem_size)
		return pasid_fail(-ENOSPC, "give at least rte_pasid_space_size() bytes",
				  "PASID namespace init: %zu bytes for width %u", len, max_width);

	memcpy(s, &lay, sizeof(lay));
	memset(s + 1, 0, lay.mem_size - sizeof(lay));
	s->version = PASID_VERSION;
	s->header_size = sizeof(*s);
	pasid_pidns(&s->pidns_dev, &s->pidns_ino);
	ret = pasid_mutex_init(&s->lock);
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
	struct rte_pasid_space *s = mem;
	struct rte_pasid_space lay;
	uint64_t dev, ino;

	if (mem == NULL || spacep == NULL || (uintptr_t)mem % PASID_ALIGN != 0)
		return pasid_fail(-EINVAL, "NULL or misaligned memory, or NULL result pointer",
				  "PASID namespace attach at %p", mem);
	if (len < 16 || s->magic != PASID_MAGIC)
		return pasid_fail(-EINVAL, "no namespace there: rte_pasid_space_init() makes one",
				  "PASID namespace attach at %p", mem);
	if (s->version != PASID_VERSION || s->header_size != sizeof(*s))
		return pasid_fail(-EPROTO, "made by another version of the library: use one build in every process",
				  "PASID namespace attach at %p (version %u)", mem, s->version);
	if (len < sizeof(*s) || !rte_pasid_width_valid(s->max_width))
		return pasid_fail(-EINVAL, "damaged header or short mapping",
				  "PASID namespace attach at %p", mem);
	pasid_layout(s->max_width, &lay);
	if (s->mem_size != lay.mem_size || len < lay.mem_size || s->words != lay.words ||
			s->room_words != lay.room_words || s->room_off != lay.room_off ||
			s->taken_off != lay.taken_off || s->value_off != lay.value_off ||
			s->width == 0 || s->width > s->max_width)
		return pasid_fail(-EINVAL, "damaged header or short mapping",
				  "PASID namespace attach at %p (%zu bytes mapped)", mem, len);
	pasid_pidns(&dev, &ino);
	if (dev != 0 && s->pidns_dev != 0 && (dev != s->pidns_dev || ino != s->pidns_ino))
		return pasid_fail(-EXDEV, "made in another PID namespace: owners' pids would not match",
				  "PASID namespace attach at %p", mem);
	*spacep = s;
	return 0;
}

int
rte_pasid_space_create(unsigned int max_width, unsigned int flags,
		struct rte_pasid_space **spacep)
{
	struct rte_pasid_space lay;
	void *mem;
	int ret;

	if (spacep == NULL || !rte_pasid_width_valid(max_width) || flags != 0)
		return pasid_fail(-EINVAL, "NULL result pointer, a width outside 1 to 20 bits or flags not 0",
				  "PASID namespace create width %u flags 0x%x", max_width, flags);
	pasid_layout(max_width, &lay);
	mem = aligned_alloc(PASID_ALIGN, lay.mem_size);
	if (mem == NULL)
		return pasid_fail(-ENOMEM, NULL, "PASID namespace create: %zu bytes",
				  (size_t)lay.mem_size);
	ret = rte_pasid_space_init(mem, lay.mem_size, max_width, 0, spacep);
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
	pthread_mutex_destroy(&space->lock);
	space->magic = 0;
	free(space);
}

int
pasid_lock_failed(struct rte_pasid_space *s, int err)
{
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
	return pasid_fail(-ENOTRECOVERABLE, "the namespace memory was overwritten: make a new namespace",
			  "PASID namespace lock (%s)", strerror(err));
}

void
rte_pasid_internal_lock(struct rte_pasid_space *space)
{
	(void)pasid_lock(space);
}

void
rte_pasid_internal_unlock(struct rte_pasid_space *space)
{
	pasid_unlock(space);
}

int
rte_pasid_space_info(struct rte_pasid_space *space,
		struct rte_pasid_space_info *info)
{
	unsigned int i;
	int ret;

	if (space == NULL || info == NULL)
		return pasid_fail(-EINVAL, "NULL namespace or info", "PASID namespace info");
	memset(info, 0, sizeof(*info));
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
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
	const uint64_t *taken = pasid_taken(s);
	uint32_t i, b;
	uint64_t w = 0;

	for (b = 0, i = j * 64; b < 64 && i < s->words; b++, i++)
		if (taken[i] != UINT64_MAX)
			w |= UINT64_C(1) << b;
	return w;
}

void
pasid_refresh(struct rte_pasid_space *s, uint32_t first, uint32_t last)
{
	uint64_t *taken = pasid_taken(s), *room = pasid_room(s);
	uint32_t i;

	for (i = first >> 6; i <= last >> 6; i++)
		taken[i] = pasid_taken_word(s, i);
	for (i = first >> 12; i <= last >> 12; i++)
		room[i] = pasid_room_word(s, i);
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
		uint8_t b = val[v];

		if (b == PASID_V_FREE || b == PASID_V_RES) {
			reserved += b == PASID_V_RES && v < limit;
			continue;
		}
		if (b != PASID_V_NONE && (b > RTE_PASID_OWNER_MAX || !s->owners[b - 1].used)) {
			/* An owner that is not: kept allocated, to nobody. */
			PASID_DERIVE(val[v], PASID_V_NONE);
			b = PASID_V_NONE;
		}
		allocated++;
		if (b != PASID_V_NONE)
			count[b - 1]++;
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
	uint32_t diff;
	int ret;

	if (space == NULL)
		return pasid_fail(-EINVAL, "NULL namespace", "PASID namespace audit");
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	if (space->width == 0 || space->width > space->max_width)
		diff = 1;
	else
		diff = pasid_derive(space, false) + (space->pending.op != PASID_OP_NONE);
	pasid_unlock(space);
	if (diff != 0)
		return pasid_fail(-EUCLEAN, "the namespace memory was written outside this library",
				  "PASID namespace audit: %u differences", diff);
	return 0;
}

/* Lock held: any value of [first, last] allocated? */
static bool
pasid_any_allocated(struct rte_pasid_space *s, uint32_t first, uint32_t last)
{
	const uint8_t *val = pasid_value(s);
	uint32_t v;

	for (v = first; v <= last; v++)
		if (pasid_is_allocated(val[v]))
			return true;
	return false;
}

/* Lock held: reserved values of [first, last]. */
static uint32_t
pasid_count_reserved(struct rte_pasid_space *s, uint32_t first, uint32_t last)
{
	const uint8_t *val = pasid_value(s);
	uint32_t v, n = 0;

	for (v = first; v <= last; v++)
		n += val[v] == PASID_V_RES;
	return n;
}

/* Lock held, width valid and at most max_width. */
static int
pasid_set_width_locked(struct rte_pasid_space *s, unsigned int width)
{
	unsigned int cur = s->width;
	uint32_t old = 1u << cur, limit = 1u << width;

	if (width < cur) {
		if (pasid_any_allocated(s, limit, old - 1))
			return pasid_fail(-EBUSY, "PASIDs above the new width are allocated: free them first",
					  "PASID namespace width %u -> %u", cur, width);
		s->width = width;
		s->reserved -= pasid_count_reserved(s, limit, old - 1);
		pasid_refresh(s, limit, old - 1);
	} else if (width > cur) {
		s->width = width;
		s->reserved += pasid_count_reserved(s, old, limit - 1);
		pasid_refresh(s, old, limit - 1);
	}
	return 0;
}

int
rte_pasid_space_narrow(struct rte_pasid_space *space, unsigned int width)
{
	int ret;

	if (space == NULL || !rte_pasid_width_valid(width))
		return pasid_fail(-EINVAL, "NULL namespace, or a width outside 1 to 20 bits",
				  "PASID namespace narrow to %u", width);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	if (width < space->width)
		ret = pasid_set_width_locked(space, width);
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
		return pasid_fail(-EINVAL, "NULL namespace, or a width outside 1 to 20 bits",
				  "PASID namespace width %u", width);
	if (width > space->max_width)
		return pasid_fail(-ERANGE, "the namespace was made narrower: make a wider one",
				  "PASID namespace width %u (at most %u)", width, space->max_width);
	ret = pasid_lock(space);
	if (ret < 0)
		return ret;
	ret = pasid_set_width_locked(space, width);
	pasid_unlock(space);
	return ret;
}
