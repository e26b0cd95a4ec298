/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_PASID_H_
#define _RTE_PASID_H_

/**
 * @file
 * PASID allocator: hands out Process Address Space IDs from a namespace
 * [1, 2^width - 1], width 1..20. The kernel lets userspace choose the PASID
 * it attaches an address space to; this library keeps track of which
 * values are in use. PASID 0 is the RID's (requests without PASID) and is
 * never handed out.
 *
 * A namespace lives in memory the caller provides and holds no pointers,
 * so that several processes (a DPDK primary and its secondaries) can map
 * it, at any address, and use it through rte_pasid_space_attach().
 * rte_pasid_space_create() allocates a process-private one.
 *
 * Each value is free, allocated (to an owner) or reserved (never handed
 * out: for PASIDs managed elsewhere). rte_pasid_alloc() returns the lowest
 * free value, whoever the owner.
 *
 * A PASID valid on several devices must fit the narrowest of them: create
 * the namespace with the widest width it may ever need, then keep its width
 * at rte_pasid_shared_width() of its members, with rte_pasid_space_narrow()
 * when a device joins and rte_pasid_space_set_width() when one leaves.
 *
 * An allocation records an owner, a slot from rte_pasid_owner_register()
 * (a process: pid and start time), and only that owner may free it. A
 * process that exits cleanly calls rte_pasid_owner_unregister(). When one
 * dies without doing so, a surviving process detaches the dead process's
 * PASIDs from the devices still open elsewhere (rte_pasid_next() lists the
 * PASIDs with their owners; where only the dead process had the device
 * file open, the kernel detached them), then calls
 * rte_pasid_space_reclaim(), which frees the PASIDs of every owner whose
 * process is gone and releases their slots. Allocations made with
 * RTE_PASID_OWNER_NONE are never reclaimed.
 *
 * Every call is thread-safe and process-safe (not async-signal-safe): it
 * takes a process-shared robust mutex in the namespace. When its holder
 * died, the next caller rebuilds the derived data (bitmaps, counters) from
 * the owner of each value and finishes the range update the holder was in
 * (a reserve, an unreserve, an owner's release): every call takes effect
 * completely or not at all. The processes sharing a namespace must be in
 * one PID namespace (checked by rte_pasid_space_attach()), for the owners'
 * liveness checks.
 *
 * Every function returning int returns a non-negative value on success and
 * a negative errno on failure; a failure records a message for
 * rte_pasid_last_error(). Nothing is printed. Besides the errnos listed,
 * a call that takes the lock returns -ENOTRECOVERABLE if it cannot (its
 * memory was overwritten), and -EINVAL for a NULL namespace. The library
 * makes no ioctl and has no DPDK dependency.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#ifdef __cplusplus
extern "C" {
#endif

/** The RID's PASID (requests without PASID); never handed out. */
#define RTE_PASID_RID 0u
/** Smallest namespace width, in bits. */
#define RTE_PASID_WIDTH_MIN 1u
/** Largest namespace width, in bits (PCIe Max PASID Width is at most 20). */
#define RTE_PASID_WIDTH_MAX 20u
/** Number of owner slots of a namespace; owners are numbered 1..this. */
#define RTE_PASID_OWNER_MAX 64u
/** Owner of allocations that no process owns (never reclaimed). */
#define RTE_PASID_OWNER_NONE 0u

/** State of a PASID value, as returned by rte_pasid_state(). */
enum rte_pasid_state {
	RTE_PASID_STATE_FREE = 0,      /**< can be handed out */
	RTE_PASID_STATE_ALLOCATED = 1, /**< handed out to an owner */
	RTE_PASID_STATE_RESERVED = 2,  /**< never handed out (includes PASID 0) */
};

/** A PASID namespace; opaque, lives in memory given by the caller. */
struct rte_pasid_space;

/** Counters of a namespace, filled by rte_pasid_space_info(). */
struct rte_pasid_space_info {
	unsigned int width;      /**< current width */
	unsigned int max_width;  /**< width the memory was sized for */
	uint32_t allocated;      /**< allocated values */
	uint32_t reserved;       /**< reserved values below 2^width, without 0 */
	uint32_t free;           /**< values alloc can still hand out */
	unsigned int owners;     /**< registered owners */
	size_t mem_size;         /**< bytes of the namespace */
	uint32_t recoveries;     /**< locks taken over from dead holders */
};

/** An owner slot, as given to an rte_pasid_owner_alive_t callback. */
struct rte_pasid_owner_info {
	unsigned int owner;   /**< slot number, 1..RTE_PASID_OWNER_MAX */
	pid_t pid;            /**< process registered in the slot */
	uint64_t start_time;  /**< its start time (clock ticks after boot), 0 if unknown */
	uint32_t count;       /**< PASIDs it holds */
};

/**
 * Liveness check of an owner, used by rte_pasid_space_reclaim(); called
 * without the namespace lock held, it may call this library.
 *
 * @param owner The owner slot.
 * @param arg The argument given to rte_pasid_space_reclaim().
 * @return
 *   1 if the owner is alive, 0 if it is dead (its PASIDs are freed), or a
 *   negative errno to abort the reclaim.
 */
typedef int (*rte_pasid_owner_alive_t)(const struct rte_pasid_owner_info *owner,
		void *arg);

/**
 * The message of this thread's last failed call.
 *
 * @return
 *   "<what>: <ERRNO> (<reason>)", e.g. "PASID free 5 by owner 2: EPERM
 *   (allocated to another owner: only its owner frees it)", or "" if no
 *   call of this thread has failed yet. Valid until the thread's next
 *   failing call.
 */
const char *rte_pasid_last_error(void);

/**
 * Tell whether a PASID width can be used for a namespace.
 *
 * @param width A width in bits, e.g. a device's max_pasid_log2.
 * @return true for 1..RTE_PASID_WIDTH_MAX.
 */
bool rte_pasid_width_valid(unsigned int width);

/**
 * The largest PASID of a width.
 *
 * @param width A width, 1..RTE_PASID_WIDTH_MAX.
 * @return 2^width - 1, or -EINVAL for an invalid width.
 */
int rte_pasid_max(unsigned int width);

/**
 * The width of a namespace shared by several devices: the smallest of
 * their widths.
 *
 * @param widths The devices' PASID widths.
 * @param n Number of entries in @p widths, at least 1.
 * @return
 *   The smallest width, or -EINVAL (@p widths NULL, @p n 0, a width above
 *   RTE_PASID_WIDTH_MAX), -ENOTSUP (a width is 0: a device without PASID
 *   support).
 */
int rte_pasid_shared_width(const unsigned int *widths, unsigned int n);

/**
 * The memory a namespace needs: a header (owner slots, the lock) under
 * 2 KiB, a byte per value (its owner), a bit per value (taken or not) and
 * a bit per 64 values (room or not): 1,183,488 bytes for width 20.
 *
 * @param max_width
 *   The largest width the namespace will ever have, 1..RTE_PASID_WIDTH_MAX.
 * @return The size in bytes, or -EINVAL for an invalid width.
 */
ssize_t rte_pasid_space_size(unsigned int max_width);

/**
 * Initialise a namespace in caller memory: all values free, width
 * @p max_width, no owner. The memory may be shared with other processes
 * (MAP_SHARED), which then call rte_pasid_space_attach(); it must stay
 * mapped while the namespace is used and is released by the caller.
 *
 * @param mem The memory, aligned to 64 bytes (mmap and rte_memzone memory are).
 * @param len Bytes at @p mem, at least rte_pasid_space_size(@p max_width).
 * @param max_width
 *   The largest width, 1..RTE_PASID_WIDTH_MAX; also the initial width.
 * @param flags Must be 0.
 * @param spacep Set to the namespace on success.
 * @return
 *   0, or a negative errno:
 *   - -EINVAL: NULL @p mem or @p spacep, misaligned @p mem, invalid width,
 *     unknown flags;
 *   - -ENOSPC: @p len is too small;
 *   - the errno of a failed pthread_mutex_init() (e.g. -ENOTSUP: no
 *     process-shared robust mutexes).
 */
int rte_pasid_space_init(void *mem, size_t len, unsigned int max_width,
		unsigned int flags, struct rte_pasid_space **spacep);

/**
 * Use a namespace that another process (or this one) initialised, e.g.
 * after mapping the same shared memory. Nothing is modified.
 *
 * @param mem The memory, mapped at any address.
 * @param len Bytes mapped at @p mem.
 * @param spacep Set to the namespace on success.
 * @return
 *   0, or a negative errno:
 *   - -EINVAL: NULL argument, @p mem not aligned to 64 bytes, no
 *     namespace at @p mem, @p len smaller than the namespace,
 *     inconsistent header;
 *   - -EPROTO: made by an incompatible version of this library;
 *   - -EXDEV: made in another PID namespace (owners' pids would not
 *     match, so reclaim could free live owners' PASIDs).
 */
int rte_pasid_space_attach(void *mem, size_t len,
		struct rte_pasid_space **spacep);

/**
 * Allocate (with malloc) and initialise a process-private namespace.
 *
 * @param max_width
 *   The largest width, 1..RTE_PASID_WIDTH_MAX; also the initial width.
 * @param flags Must be 0.
 * @param spacep Set to the namespace on success.
 * @return
 *   0, or -EINVAL (NULL @p spacep, invalid width, unknown flags), -ENOMEM,
 *   or an errno of rte_pasid_space_init().
 */
int rte_pasid_space_create(unsigned int max_width, unsigned int flags,
		struct rte_pasid_space **spacep);

/**
 * Free a namespace made by rte_pasid_space_create(). Namespaces in caller
 * memory (rte_pasid_space_init()) are left alone.
 *
 * @param space The namespace, or NULL.
 */
void rte_pasid_space_free(struct rte_pasid_space *space);

/**
 * Read the counters of a namespace.
 *
 * @param space The namespace.
 * @param info Filled on success.
 * @return 0, or -EINVAL (NULL argument).
 */
int rte_pasid_space_info(struct rte_pasid_space *space,
		struct rte_pasid_space_info *info);

/**
 * Check the namespace's internal consistency: every value's owner byte
 * names a state or a registered owner, and the bitmaps and the counters
 * agree with them and with the width. Linear in 2^max_width; meant for
 * tests and for diagnosis.
 *
 * @param space The namespace.
 * @return 0 if consistent, or -EINVAL (NULL @p space), -EUCLEAN (inconsistent).
 */
int rte_pasid_space_audit(struct rte_pasid_space *space);

/**
 * Make the namespace no wider than @p width, e.g. when a device of that
 * width joins a shared namespace; a narrower or equal one is left as it
 * is. Reservations above the new width are kept and come back when the
 * namespace is widened.
 *
 * @param space The namespace.
 * @param width 1..RTE_PASID_WIDTH_MAX.
 * @return
 *   The resulting width, or -EINVAL (NULL @p space, invalid @p width),
 *   -EBUSY (an allocated PASID is 2^@p width or above; nothing changed).
 */
int rte_pasid_space_narrow(struct rte_pasid_space *space, unsigned int width);

/**
 * Set the width of the namespace, narrower or wider, e.g. to
 * rte_pasid_shared_width() of the remaining devices after one left.
 *
 * @param space The namespace.
 * @param width 1..the max_width given at initialisation.
 * @return
 *   0, or -EINVAL (NULL @p space, invalid @p width), -ERANGE (@p width is
 *   above max_width), -EBUSY (an allocated PASID is 2^@p width or above;
 *   nothing changed).
 */
int rte_pasid_space_set_width(struct rte_pasid_space *space, unsigned int width);

/**
 * Allocate the lowest free PASID. Any owner may take any free value.
 *
 * @param space The namespace.
 * @param owner
 *   An owner from rte_pasid_owner_register(), or RTE_PASID_OWNER_NONE.
 * @return
 *   The PASID (1..2^width - 1), or -EINVAL (NULL @p space, unregistered
 *   @p owner), -ENOSPC (no value is free).
 */
int rte_pasid_alloc(struct rte_pasid_space *space, unsigned int owner);

/**
 * Allocate a given PASID, e.g. one a guest chose.
 *
 * @param space The namespace.
 * @param owner
 *   An owner from rte_pasid_owner_register(), or RTE_PASID_OWNER_NONE.
 * @param pasid The value.
 * @return
 *   0, or a negative errno:
 *   - -EINVAL: NULL @p space, unregistered @p owner, @p pasid is 0;
 *   - -ERANGE: @p pasid is 2^width or above;
 *   - -EEXIST: @p pasid is allocated;
 *   - -EBUSY: @p pasid is reserved.
 */
int rte_pasid_alloc_value(struct rte_pasid_space *space, unsigned int owner,
		uint32_t pasid);

/**
 * Free a PASID allocated to @p owner.
 *
 * @param space The namespace.
 * @param owner
 *   The owner the PASID was allocated to (RTE_PASID_OWNER_NONE for
 *   allocations without owner).
 * @param pasid The value.
 * @return
 *   0, or a negative errno:
 *   - -EINVAL: NULL @p space, @p pasid is 0, unregistered @p owner;
 *   - -ERANGE: @p pasid is 2^width or above;
 *   - -ENOENT: @p pasid is not allocated (free or reserved), e.g. a second
 *     free;
 *   - -EPERM: @p pasid is allocated to another owner (nothing changed).
 */
int rte_pasid_free(struct rte_pasid_space *space, unsigned int owner,
		uint32_t pasid);

/**
 * Reserve the values [@p first, @p last]: rte_pasid_alloc() and
 * rte_pasid_alloc_value() never hand them out. Values already reserved
 * stay so. Linear in the length of the range.
 *
 * @param space The namespace.
 * @param first First value, at least 1.
 * @param last Last value, at least @p first.
 * @return
 *   The number of values that became reserved, or a negative errno:
 *   - -EINVAL: NULL @p space, @p first is 0, @p last < @p first;
 *   - -ERANGE: @p last is 2^width or above;
 *   - -EBUSY: a value of the range is allocated (nothing changed).
 */
int rte_pasid_reserve(struct rte_pasid_space *space, uint32_t first,
		uint32_t last);

/**
 * Make the reserved values of [@p first, @p last] free; allocated and free
 * values of the range are left as they are. Linear in the length of the
 * range.
 *
 * @param space The namespace.
 * @param first First value, at least 1.
 * @param last Last value, at least @p first.
 * @return
 *   The number of values that became free, or -EINVAL (NULL @p space,
 *   @p first is 0, @p last < @p first), -ERANGE (@p last is 2^width or
 *   above).
 */
int rte_pasid_unreserve(struct rte_pasid_space *space, uint32_t first,
		uint32_t last);

/**
 * The state of a value.
 *
 * @param space The namespace.
 * @param pasid The value; 0 is reported reserved.
 * @param owner
 *   If not NULL and the value is allocated, set to its owner
 *   (RTE_PASID_OWNER_NONE for none).
 * @return
 *   An enum rte_pasid_state value, or -EINVAL (NULL @p space), -ERANGE
 *   (@p pasid is 2^width or above).
 */
int rte_pasid_state(struct rte_pasid_space *space, uint32_t pasid,
		unsigned int *owner);

/**
 * Iterate over allocated PASIDs in increasing order:
 * for (p = rte_pasid_next(s, 0, NULL); p > 0; p = rte_pasid_next(s, p, NULL)).
 * Each call takes the lock; values allocated or freed between calls may
 * or may not be seen.
 *
 * @param space The namespace.
 * @param after Return a value above this one; 0 to start.
 * @param owner If not NULL, set to the owner of the returned value.
 * @return
 *   The smallest allocated PASID above @p after, or -EINVAL (NULL
 *   @p space), -ENOENT (there is none).
 */
int rte_pasid_next(struct rte_pasid_space *space, uint32_t after,
		unsigned int *owner);

/**
 * The number of allocated PASIDs.
 *
 * @param space The namespace.
 * @return The count, or -EINVAL (NULL @p space).
 */
int rte_pasid_count(struct rte_pasid_space *space);

/**
 * Register a process as an owner of PASIDs. The slot records the pid and
 * the process start time (from /proc/PID/stat; 0 if /proc cannot be
 * read), so that a later process with the same pid is not taken for it.
 * A process may register several owners.
 *
 * @param space The namespace.
 * @param pid The process, or 0 for the calling process.
 * @return
 *   The owner (1..RTE_PASID_OWNER_MAX), or -EINVAL (NULL @p space,
 *   negative @p pid), -ESRCH (no process @p pid), -ENOSPC (all slots are
 *   in use).
 */
int rte_pasid_owner_register(struct rte_pasid_space *space, pid_t pid);

/**
 * Free the PASIDs of an owner and release its slot, e.g. when its process
 * exits cleanly. Linear in 2^width when the owner holds PASIDs.
 *
 * @param space The namespace.
 * @param owner An owner from rte_pasid_owner_register().
 * @return
 *   The number of PASIDs freed, or -EINVAL (NULL @p space, unregistered
 *   @p owner).
 */
int rte_pasid_owner_unregister(struct rte_pasid_space *space, unsigned int owner);

/**
 * Describe an owner slot.
 *
 * @param space The namespace.
 * @param owner An owner from rte_pasid_owner_register().
 * @param info Filled on success.
 * @return 0, or -EINVAL (NULL argument, unregistered @p owner).
 */
int rte_pasid_owner_get(struct rte_pasid_space *space, unsigned int owner,
		struct rte_pasid_owner_info *info);

/**
 * The default liveness check. An owner is dead when kill(pid, 0) fails
 * with ESRCH, when /proc/PID/stat shows a zombie (killed but not yet
 * reaped by its parent) or when the process's start time differs from the
 * one recorded at registration (the pid was recycled). When nothing can be
 * read the owner is considered alive.
 *
 * @param owner The owner slot.
 * @param arg Unused.
 * @return 1 (alive), 0 (dead), or -EINVAL (NULL @p owner).
 */
int rte_pasid_owner_alive(const struct rte_pasid_owner_info *owner, void *arg);

/**
 * Free the PASIDs of dead owners and release their slots. The liveness of
 * each registered owner is checked without the lock; then, under the
 * lock, the PASIDs of the dead owners whose slots were not re-registered
 * meanwhile are freed. Linear in 2^width when a dead owner holds PASIDs.
 * Call it from a surviving process after detaching the dead process's
 * PASIDs from the devices.
 *
 * @param space The namespace.
 * @param alive The liveness check, or NULL for rte_pasid_owner_alive().
 * @param arg Passed to @p alive.
 * @return
 *   The number of PASIDs freed, or -EINVAL (NULL @p space), or any
 *   negative value returned by @p alive (nothing changed).
 */
int rte_pasid_space_reclaim(struct rte_pasid_space *space,
		rte_pasid_owner_alive_t alive, void *arg);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_PASID_H_ */
