/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_CONTEXT_H_
#define _RTE_IOMMUFD_CONTEXT_H_

/**
 * @file
 * iommufd: the context (an open /dev/iommu), its features and options,
 * and the library's errors and logging. Part of rte_iommufd.h, which includes it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "rte_iommufd_compat.h"

#ifdef __cplusplus
extern "C" {
#endif

/** PASID value the kernel uses for the RID (requests without PASID). */
#define RTE_IOMMUFD_NO_PASID 0u

/** Largest PASID width a PCIe function can have (2^20 PASIDs). */
#define RTE_IOMMUFD_PASID_MAX_LOG2 20

struct rte_iommufd;
struct rte_iommufd_ioas;
struct rte_iommufd_hwpt;
struct rte_iommufd_fault;
struct rte_iommufd_device;

/* Errors and logging */


/** Log levels, in decreasing severity. */
enum rte_iommufd_log_level {
	RTE_IOMMUFD_LOG_ERR = 1,     /**< an operation failed */
	RTE_IOMMUFD_LOG_WARNING = 2, /**< degraded but working */
	RTE_IOMMUFD_LOG_INFO = 3,    /**< notable events */
	RTE_IOMMUFD_LOG_DEBUG = 4,   /**< every ioctl with its ids and result */
};

/**
 * Log handler type.
 *
 * @param level
 *   Level of the message.
 * @param msg
 *   The message, without a trailing newline.
 * @param arg
 *   The argument given to rte_iommufd_log_set_handler().
 */
typedef void (*rte_iommufd_log_fn)(enum rte_iommufd_log_level level,
		const char *msg, void *arg);

/**
 * Route the library's messages to a handler.
 *
 * The default handler writes messages at or above the current level to
 * stderr, prefixed with "iommufd: ". The initial level is
 * RTE_IOMMUFD_LOG_ERR, or the value of the environment variable
 * RTE_IOMMUFD_LOG_LEVEL (err, warning, info, debug or 1..4).
 *
 * @param fn
 *   The handler, or NULL to restore the default one.
 * @param arg
 *   Passed to every call of @p fn.
 */
void rte_iommufd_log_set_handler(rte_iommufd_log_fn fn, void *arg);

/**
 * Set the most detailed level that reaches the log handler.
 *
 * @param level
 *   One of enum rte_iommufd_log_level.
 * @return
 *   0, or -EINVAL for an unknown level.
 */
int rte_iommufd_log_set_level(enum rte_iommufd_log_level level);

/**
 * The message of the last failure of this thread.
 *
 * @return
 *   The message, e.g. "PASID attach 0000:00:02.0 pasid 5 -> hwpt 7: EINVAL
 *   (page table was not allocated for PASID use)", or "" if no call of this
 *   thread has failed yet. Valid until the thread's next failing call.
 */
const char *rte_iommufd_last_error(void);

/**
 * The symbolic name of an errno value.
 *
 * @param err
 *   An errno value, positive or negative.
 * @return
 *   "EINVAL", "ENOENT", ... or "errno N" for values without a name here.
 *   Never NULL; the string for an unnamed value is per thread.
 */
const char *rte_iommufd_errno_name(int err);

/* The context */


/**
 * Features of the running kernel, probed at open (never inferred from the
 * kernel version).
 */
enum rte_iommufd_feature {
	RTE_IOMMUFD_FEAT_IOAS = 1ull << 0,          /**< IOAS ioctls (6.2) */
	RTE_IOMMUFD_FEAT_HWPT_ALLOC = 1ull << 1,    /**< IOMMU_HWPT_ALLOC (6.6) */
	RTE_IOMMUFD_FEAT_HW_INFO = 1ull << 2,       /**< IOMMU_GET_HW_INFO (6.6) */
	RTE_IOMMUFD_FEAT_DIRTY_TRACKING = 1ull << 3,/**< dirty tracking ioctls (6.7) */
	RTE_IOMMUFD_FEAT_HWPT_INVALIDATE = 1ull << 4, /**< IOMMU_HWPT_INVALIDATE (6.8) */
	RTE_IOMMUFD_FEAT_FAULT_QUEUE = 1ull << 5,   /**< IOMMU_FAULT_QUEUE_ALLOC (6.11) */
	RTE_IOMMUFD_FEAT_IOAS_MAP_FILE = 1ull << 6, /**< IOMMU_IOAS_MAP_FILE (6.13) */
	RTE_IOMMUFD_FEAT_VIOMMU = 1ull << 7,        /**< vIOMMU and vDEVICE (6.13) */
	RTE_IOMMUFD_FEAT_IOAS_CHANGE_PROCESS = 1ull << 8, /**< (6.13) */
	RTE_IOMMUFD_FEAT_VEVENTQ = 1ull << 9,       /**< IOMMU_VEVENTQ_ALLOC (6.15) */
	RTE_IOMMUFD_FEAT_PASID = 1ull << 10,        /**< PASID attach/detach and HWPT ALLOC_PASID exist (6.15); probed through the first device (see rte_iommufd_features()) */
	RTE_IOMMUFD_FEAT_HW_QUEUE = 1ull << 11,     /**< IOMMU_HW_QUEUE_ALLOC (6.17) */
	RTE_IOMMUFD_FEAT_HW_INFO_INPUT_TYPE = 1ull << 12, /**< hw_info type selection (6.17) */
	RTE_IOMMUFD_FEAT_NOIOMMU_GET_PA = 1ull << 13, /**< IOMMU_IOAS_NOIOMMU_GET_PA */
	RTE_IOMMUFD_FEAT_HW_INFO_PASID = 1ull << 14, /**< hw_info reports the PASID width and EXEC/PRIV (6.15; backported to Debian's 6.12) */
};

/** Number of defined feature bits. */
#define RTE_IOMMUFD_FEAT_COUNT 15

/**
 * Open /dev/iommu (close-on-exec) and probe the kernel's features.
 *
 * The path can be overridden with the environment variable
 * RTE_IOMMUFD_DEV (for tests).
 *
 * @param ctxp
 *   Set to the new context on success.
 * @return
 *   0 on success, or a negative errno:
 *   - -EINVAL: @p ctxp is NULL;
 *   - -ENOENT: no /dev/iommu (kernel without CONFIG_IOMMUFD or module not loaded);
 *   - -EACCES, -EPERM: no permission to open it;
 *   - -ENOTTY: the file is not an iommufd;
 *   - -ENOMEM: out of memory.
 */
int rte_iommufd_open(struct rte_iommufd **ctxp);

/**
 * Wrap an iommufd file descriptor opened elsewhere (e.g. received from
 * another process). The descriptor is not closed when the context goes
 * (see rte_iommufd_close()) unless @p take_ownership is true.
 *
 * @param fd
 *   An open /dev/iommu descriptor.
 * @param take_ownership
 *   Close @p fd when the context goes.
 * @param ctxp
 *   Set to the new context on success.
 * @return
 *   0, or -EINVAL (NULL @p ctxp, negative @p fd), -ENOTTY (not an iommufd),
 *   -ENOMEM.
 */
int rte_iommufd_from_fd(int fd, bool take_ownership, struct rte_iommufd **ctxp);

/**
 * Close a context: the caller's reference to it is dropped and @p ctx must
 * not be used afterwards.
 *
 * Handles allocated from it (IOAS, HWPT, fault queue, device, address
 * space) each hold a reference too, so closing with live handles is safe:
 * they stay valid and usable, must still be released with their
 * _free/_close function (in any order), and the last release closes the
 * descriptor (if owned) and frees the context. Until then the descriptor
 * stays open and the handles' kernel objects (and the memory their
 * mappings pin) exist; the close logs at INFO level how many handles of
 * each kind are still allocated. With no live handle, the descriptor is
 * closed here.
 *
 * @param ctx
 *   The context, or NULL.
 */
void rte_iommufd_close(struct rte_iommufd *ctx);

/**
 * The context's file descriptor.
 *
 * @param ctx
 *   The context.
 * @return
 *   The descriptor, or -EINVAL if @p ctx is NULL.
 */
int rte_iommufd_fd(const struct rte_iommufd *ctx);

/**
 * The features of the running kernel.
 *
 * Each feature is probed, never inferred from a version number.
 * RTE_IOMMUFD_FEAT_PASID (PASID attach and PASID-capable page tables) can
 * only be probed through a device: it is decided when the context opens
 * its first VFIO device (rte_iommufd_device_open()), or by the first
 * device of another backend that can tell (the probe_pasid operation of
 * rte_iommufd_device_create()); until then it reads 0.
 *
 * @param ctx
 *   The context.
 * @return
 *   A mask of enum rte_iommufd_feature bits (0 if @p ctx is NULL).
 */
uint64_t rte_iommufd_features(const struct rte_iommufd *ctx);

/**
 * The stable name of a feature bit, e.g. "pasid" or "fault_queue".
 *
 * @param feature
 *   One bit of enum rte_iommufd_feature.
 * @return
 *   The name, or NULL if @p feature is not exactly one known bit.
 */
const char *rte_iommufd_feature_name(uint64_t feature);

/**
 * Destroy a kernel object by id (IOMMU_DESTROY), for ids not held by a
 * handle of this library (e.g. received from another process).
 *
 * @param ctx
 *   The context.
 * @param id
 *   The object id.
 * @return
 *   0, or -EINVAL (NULL @p ctx), -ENOENT (no such object), -EBUSY (still
 *   attached or referenced).
 */
int rte_iommufd_destroy(struct rte_iommufd *ctx, uint32_t id);

/** Values of the global RLIMIT_MODE option (pinned-page accounting). */
enum rte_iommufd_rlimit_mode {
	RTE_IOMMUFD_RLIMIT_PER_USER = 0,    /**< account to the user (default) */
	RTE_IOMMUFD_RLIMIT_PER_PROCESS = 1, /**< account to the process (needs CAP_SYS_RESOURCE) */
};

/**
 * Read the global pinned-page accounting mode.
 *
 * @param ctx
 *   The context.
 * @param mode
 *   Set to the current mode on success.
 * @return
 *   0, or -EINVAL (NULL argument), -EOPNOTSUPP.
 */
int rte_iommufd_get_rlimit_mode(struct rte_iommufd *ctx,
		enum rte_iommufd_rlimit_mode *mode);

/**
 * Set the global pinned-page accounting mode. Allowed only before any
 * mapping exists in the context.
 *
 * @param ctx
 *   The context.
 * @param mode
 *   The new mode.
 * @return
 *   0, or -EINVAL (bad mode), -EPERM (needs CAP_SYS_RESOURCE), -EBUSY
 *   (mappings exist).
 */
int rte_iommufd_set_rlimit_mode(struct rte_iommufd *ctx,
		enum rte_iommufd_rlimit_mode mode);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_CONTEXT_H_ */
