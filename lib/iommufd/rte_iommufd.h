/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_H_
#define _RTE_IOMMUFD_H_

/**
 * @file
 * iommufd: typed access to the kernel's /dev/iommu objects.
 *
 * This library wraps the iommufd uAPI (IOAS, HWPT, fault queues, hardware
 * information) and VFIO device cdevs (/dev/vfio/devices/vfioN: bind, attach,
 * replace and detach for the RID and for PASIDs). It has no DPDK dependency
 * and holds no global state besides the log settings.
 *
 * Conventions:
 * - Every function returning int returns 0 (or a non-negative value where
 *   documented) on success and a negative errno on failure.
 * - On failure a message naming the operation, the device, the object ids
 *   and the kernel's answer in words is logged at ERR level and kept per
 *   thread; rte_iommufd_last_error() returns it.
 * - Objects are opaque handles owned by the caller and released by their
 *   _free/_close function; releasing NULL is a no-op.
 * - Lifetimes: every IOAS, HWPT, fault queue, device and address space
 *   handle holds a reference to its context. rte_iommufd_close() may come
 *   before or after their release, in any order: the context's descriptor
 *   stays open until the last of them is released, and each release
 *   destroys its kernel object on that descriptor. Handles stay usable
 *   until released; only the context pointer is invalid after the close.
 * - Objects of one context may be used from several threads; a single
 *   object must not be released while another thread uses it.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

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

/* ------------------------------------------------------------------ */
/* Errors and logging                                                  */
/* ------------------------------------------------------------------ */

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

/* ------------------------------------------------------------------ */
/* Context                                                             */
/* ------------------------------------------------------------------ */

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
	RTE_IOMMUFD_FEAT_PASID = 1ull << 10,        /**< PASID attach/detach and HWPT ALLOC_PASID exist (6.15); probed on the first VFIO device opened, or at open on a mock-IOMMU kernel (see rte_iommufd_features()) */
	RTE_IOMMUFD_FEAT_HW_QUEUE = 1ull << 11,     /**< IOMMU_HW_QUEUE_ALLOC (6.17) */
	RTE_IOMMUFD_FEAT_HW_INFO_INPUT_TYPE = 1ull << 12, /**< hw_info type selection (6.17) */
	RTE_IOMMUFD_FEAT_NOIOMMU_GET_PA = 1ull << 13, /**< IOMMU_IOAS_NOIOMMU_GET_PA */
	RTE_IOMMUFD_FEAT_TEST_MOCK = 1ull << 14,    /**< the kernel's mock IOMMU (CONFIG_IOMMUFD_TEST) */
	RTE_IOMMUFD_FEAT_HW_INFO_PASID = 1ull << 15, /**< hw_info reports the PASID width and EXEC/PRIV (6.15; backported to Debian's 6.12) */
};

/** Number of defined feature bits. */
#define RTE_IOMMUFD_FEAT_COUNT 16

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
 * its first VFIO device (rte_iommufd_device_open()), or at open on a kernel
 * with the mock IOMMU; until then it reads 0.
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

/* ------------------------------------------------------------------ */
/* IOAS: I/O address spaces                                            */
/* ------------------------------------------------------------------ */

/** An inclusive IOVA range. */
struct rte_iommufd_iova_range {
	uint64_t start; /**< first IOVA */
	uint64_t last;  /**< last IOVA (inclusive) */
};

/** Flags of rte_iommufd_ioas_map() and relatives. */
enum rte_iommufd_map_flags {
	RTE_IOMMUFD_MAP_FIXED_IOVA = 1u << 0, /**< map at the given IOVA, else the kernel picks */
	RTE_IOMMUFD_MAP_WRITE = 1u << 1,      /**< device may write */
	RTE_IOMMUFD_MAP_READ = 1u << 2,       /**< device may read */
};

/** Read and write access. */
#define RTE_IOMMUFD_MAP_RW (RTE_IOMMUFD_MAP_READ | RTE_IOMMUFD_MAP_WRITE)

/**
 * Allocate an IOAS.
 *
 * @param ctx
 *   The context.
 * @param ioasp
 *   Set to the new IOAS on success.
 * @return
 *   0, or -EINVAL (NULL argument), -ENOMEM.
 */
int rte_iommufd_ioas_alloc(struct rte_iommufd *ctx, struct rte_iommufd_ioas **ioasp);

/**
 * A handle for an IOAS that exists already in the iommufd of @p ctx, made
 * by another holder of that file (e.g. the process that passed the iommufd
 * to this one). Mapping and unmapping through it work as through the
 * creator's handle; rte_iommufd_ioas_free() of an imported handle releases
 * the handle only and leaves the IOAS to its creator.
 *
 * @param ctx
 *   The context (typically from rte_iommufd_from_fd()).
 * @param id
 *   The IOAS id.
 * @param ioasp
 *   Set to the handle on success.
 * @return
 *   0, or -EINVAL (NULL argument), -ENOENT (no IOAS of that id in this
 *   iommufd), -ENOMEM.
 */
int rte_iommufd_ioas_import(struct rte_iommufd *ctx, uint32_t id,
		struct rte_iommufd_ioas **ioasp);

/**
 * Destroy an IOAS and release its handle. If the kernel refuses (devices or
 * page tables still use it) the handle is kept.
 *
 * @param ioas
 *   The IOAS, or NULL.
 * @return
 *   0, or -EBUSY (still in use; the handle stays valid).
 */
int rte_iommufd_ioas_free(struct rte_iommufd_ioas *ioas);

/**
 * The kernel id of an IOAS, usable as a page table id in attach calls.
 *
 * @param ioas
 *   The IOAS.
 * @return
 *   The id, or 0 if @p ioas is NULL (0 is never a valid id).
 */
uint32_t rte_iommufd_ioas_id(const struct rte_iommufd_ioas *ioas);

/**
 * Read the IOVA ranges where mappings are currently allowed. The ranges
 * narrow as devices are attached (reserved regions such as the MSI window);
 * query again after every attach or detach.
 *
 * @param ioas
 *   The IOAS.
 * @param rangesp
 *   Set to a malloc()ed array the caller frees.
 * @param nr
 *   Set to the number of ranges.
 * @param alignment
 *   If not NULL, set to the required IOVA alignment in bytes.
 * @return
 *   0, or -EINVAL (NULL argument), -ENOMEM.
 */
int rte_iommufd_ioas_iova_ranges(struct rte_iommufd_ioas *ioas,
		struct rte_iommufd_iova_range **rangesp, uint32_t *nr,
		uint64_t *alignment);

/**
 * Pin IOVA ranges as "must stay usable": a later attach that would reserve
 * inside them fails. Replaces the previous list; zero ranges clears it.
 *
 * @param ioas
 *   The IOAS.
 * @param ranges
 *   The ranges (may be NULL if @p nr is 0).
 * @param nr
 *   The number of ranges.
 * @return
 *   0, or -EINVAL (bad range), -EBUSY (a range is already reserved).
 */
int rte_iommufd_ioas_allow_iovas(struct rte_iommufd_ioas *ioas,
		const struct rte_iommufd_iova_range *ranges, uint32_t nr);

/**
 * Map user memory into an IOAS.
 *
 * @param ioas
 *   The IOAS.
 * @param va
 *   Start of the memory (page aligned).
 * @param len
 *   Length in bytes (a multiple of the page size).
 * @param iova
 *   In: the IOVA when RTE_IOMMUFD_MAP_FIXED_IOVA is set. Out: the IOVA
 *   used (the kernel's choice otherwise).
 * @param flags
 *   enum rte_iommufd_map_flags; at least READ or WRITE.
 * @return
 *   0, or -EINVAL (NULL argument, zero length, misalignment, IOVA outside
 *   the allowed ranges), -EEXIST (some byte of the fixed IOVA range is
 *   mapped already: the kernel answers the same to an identical mapping and
 *   to a partial overlap, and maps nothing), -ENOSPC (no
 *   free IOVA space), -ENOMEM (pinning limit or memory), -EFAULT (bad VA).
 */
int rte_iommufd_ioas_map(struct rte_iommufd_ioas *ioas, void *va, uint64_t len,
		uint64_t *iova, uint32_t flags);

/**
 * Map a range of a file (memfd, hugetlbfs file) into an IOAS.
 *
 * @param ioas
 *   The IOAS.
 * @param fd
 *   The file.
 * @param start
 *   Byte offset in the file (page aligned).
 * @param len
 *   Length in bytes.
 * @param iova
 *   In/out as for rte_iommufd_ioas_map().
 * @param flags
 *   enum rte_iommufd_map_flags.
 * @return
 *   0, or the errors of rte_iommufd_ioas_map(), -EBADF (bad @p fd),
 *   -EOPNOTSUPP (kernel without IOMMU_IOAS_MAP_FILE or unsupported file).
 */
int rte_iommufd_ioas_map_file(struct rte_iommufd_ioas *ioas, int fd,
		uint64_t start, uint64_t len, uint64_t *iova, uint32_t flags);

/**
 * Copy mapped pages from one IOAS to another without pinning them again.
 * The source range must be mapped (Linux 7.3 also copies part of a mapping).
 *
 * @param dst
 *   The destination IOAS.
 * @param src
 *   The source IOAS (may equal @p dst).
 * @param src_iova
 *   Start of the source mapping.
 * @param len
 *   Its length.
 * @param dst_iova
 *   In/out as the IOVA of rte_iommufd_ioas_map().
 * @param flags
 *   enum rte_iommufd_map_flags.
 * @return
 *   0, or -EINVAL, -ENOENT (nothing mapped at the source range), -EEXIST.
 */
int rte_iommufd_ioas_copy(struct rte_iommufd_ioas *dst,
		struct rte_iommufd_ioas *src, uint64_t src_iova, uint64_t len,
		uint64_t *dst_iova, uint32_t flags);

/**
 * Unmap an IOVA range. The range must cover whole earlier mappings:
 * iommufd never splits a mapping.
 *
 * The kernel (Linux 7.3, io_pagetable.c) walks the mappings in the
 * range upwards and unmaps each whole one until it meets one that sticks
 * out of the range: it then fails with ENOENT, having unmapped the whole
 * mappings below that one and none above, and without reporting how many
 * bytes it unmapped. ENOENT therefore means either that nothing was mapped
 * in the range or that the range cuts a mapping; only a caller that knows
 * its mappings can tell the two apart, and it avoids the partial effect by
 * unmapping exactly the ranges it mapped.
 *
 * @param ioas
 *   The IOAS.
 * @param iova
 *   Start of the range.
 * @param len
 *   Length of the range.
 * @param unmapped
 *   If not NULL, set to the number of bytes unmapped on success; left
 *   untouched on failure.
 * @return
 *   0, or -ENOENT (nothing mapped there, or the range cuts a mapping, see
 *   above), -EINVAL, -EBUSY (an access such as a mediated device holds
 *   the range).
 */
int rte_iommufd_ioas_unmap(struct rte_iommufd_ioas *ioas, uint64_t iova,
		uint64_t len, uint64_t *unmapped);

/**
 * Unmap everything in an IOAS.
 *
 * @param ioas
 *   The IOAS.
 * @param unmapped
 *   If not NULL, set to the number of bytes unmapped.
 * @return
 *   0, or -EINVAL.
 */
int rte_iommufd_ioas_unmap_all(struct rte_iommufd_ioas *ioas, uint64_t *unmapped);

/**
 * Allow or forbid huge IOMMU pages for an IOAS (IOMMU_OPTION_HUGE_PAGES).
 * Must be set before the first device is attached.
 *
 * @param ioas
 *   The IOAS.
 * @param enable
 *   true (the default) to allow large contiguous IOMMU pages.
 * @return
 *   0, or -EINVAL, -EBUSY (devices already attached).
 */
int rte_iommufd_ioas_set_huge_pages(struct rte_iommufd_ioas *ioas, bool enable);

/**
 * Read the huge-page option of an IOAS.
 *
 * @param ioas
 *   The IOAS.
 * @param enabled
 *   Set to the current value.
 * @return
 *   0, or -EINVAL.
 */
int rte_iommufd_ioas_get_huge_pages(struct rte_iommufd_ioas *ioas, bool *enabled);

/* ------------------------------------------------------------------ */
/* HWPT: hardware page tables                                          */
/* ------------------------------------------------------------------ */

/** Flags of rte_iommufd_hwpt_alloc() (values of the kernel uAPI). */
enum rte_iommufd_hwpt_flags {
	RTE_IOMMUFD_HWPT_NEST_PARENT = 1u << 0,     /**< usable as a nesting parent */
	RTE_IOMMUFD_HWPT_DIRTY_TRACKING = 1u << 1,  /**< hardware dirty tracking */
	RTE_IOMMUFD_HWPT_FAULT_ID_VALID = 1u << 2,  /**< faults go to a fault queue */
	RTE_IOMMUFD_HWPT_ALLOC_PASID = 1u << 3,     /**< may be attached to PASIDs */
};

/** Optional parameters of rte_iommufd_hwpt_alloc_ex(). */
struct rte_iommufd_hwpt_params {
	uint32_t flags;                   /**< enum rte_iommufd_hwpt_flags */
	struct rte_iommufd_fault *fault;  /**< fault queue (with FAULT_ID_VALID) */
	uint32_t data_type;               /**< vendor data type, 0 for none */
	uint32_t data_len;                /**< vendor data length */
	const void *data;                 /**< vendor data (nested page tables) */
};

/**
 * Allocate a paging HWPT over an IOAS (or a nested HWPT over a parent HWPT)
 * for a device's IOMMU. Nothing is attached.
 *
 * @param dev
 *   A bound device whose IOMMU the page table is for.
 * @param pt_id
 *   An IOAS id, or a NEST_PARENT HWPT id for a nested HWPT.
 * @param flags
 *   enum rte_iommufd_hwpt_flags (not FAULT_ID_VALID: use _ex).
 * @param hwptp
 *   Set to the new HWPT.
 * @return
 *   0, or -EINVAL (NULL argument, bad combination), -ENOENT (no such
 *   page table), -EOPNOTSUPP (the IOMMU lacks a requested feature, e.g.
 *   dirty tracking or PASID), -ENOMEM.
 */
int rte_iommufd_hwpt_alloc(struct rte_iommufd_device *dev, uint32_t pt_id,
		uint32_t flags, struct rte_iommufd_hwpt **hwptp);

/**
 * Allocate a HWPT with a fault queue or vendor data.
 *
 * @param dev
 *   A bound device.
 * @param pt_id
 *   An IOAS or parent HWPT id.
 * @param params
 *   The parameters; FAULT_ID_VALID is implied when params->fault is set.
 * @param hwptp
 *   Set to the new HWPT.
 * @return
 *   As rte_iommufd_hwpt_alloc().
 */
int rte_iommufd_hwpt_alloc_ex(struct rte_iommufd_device *dev, uint32_t pt_id,
		const struct rte_iommufd_hwpt_params *params,
		struct rte_iommufd_hwpt **hwptp);

/**
 * Destroy a HWPT and release its handle; kept if the kernel refuses.
 *
 * @param hwpt
 *   The HWPT, or NULL.
 * @return
 *   0, or -EBUSY (still attached; the handle stays valid).
 */
int rte_iommufd_hwpt_free(struct rte_iommufd_hwpt *hwpt);

/**
 * The kernel id of a HWPT.
 *
 * @param hwpt
 *   The HWPT.
 * @return
 *   The id, or 0 if @p hwpt is NULL.
 */
uint32_t rte_iommufd_hwpt_id(const struct rte_iommufd_hwpt *hwpt);

/**
 * The flags a HWPT was allocated with.
 *
 * @param hwpt
 *   The HWPT.
 * @return
 *   enum rte_iommufd_hwpt_flags mask (0 if @p hwpt is NULL).
 */
uint32_t rte_iommufd_hwpt_flags(const struct rte_iommufd_hwpt *hwpt);

/**
 * Start or stop dirty tracking on a HWPT allocated with DIRTY_TRACKING.
 *
 * @param hwpt
 *   The HWPT.
 * @param enable
 *   true to start.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP (not a dirty-tracking HWPT).
 */
int rte_iommufd_hwpt_set_dirty_tracking(struct rte_iommufd_hwpt *hwpt, bool enable);

/**
 * Read (and by default clear) the dirty bits of an IOVA range.
 *
 * @param hwpt
 *   The HWPT.
 * @param iova
 *   Start of the range (aligned to @p page_size).
 * @param len
 *   Length of the range.
 * @param page_size
 *   Bytes per bitmap bit (a power of two, at least 4096).
 * @param bitmap
 *   Output: bit n set if iova + n * page_size was written; must hold
 *   len / page_size bits rounded up to 64.
 * @param no_clear
 *   Leave the dirty state as it is.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP.
 */
int rte_iommufd_hwpt_get_dirty_bitmap(struct rte_iommufd_hwpt *hwpt,
		uint64_t iova, uint64_t len, uint64_t page_size, uint64_t *bitmap,
		bool no_clear);

/* ------------------------------------------------------------------ */
/* Fault queues (I/O page faults, for demand paging)                  */
/* ------------------------------------------------------------------ */

/** Flags of a fault record. */
enum rte_iommufd_fault_flags {
	RTE_IOMMUFD_FAULT_PASID_VALID = 1u << 0, /**< the pasid field is valid */
	RTE_IOMMUFD_FAULT_LAST_PAGE = 1u << 1,   /**< last record of its group */
};

/** Access that faulted. */
enum rte_iommufd_fault_perm {
	RTE_IOMMUFD_FAULT_PERM_READ = 1u << 0,
	RTE_IOMMUFD_FAULT_PERM_WRITE = 1u << 1,
	RTE_IOMMUFD_FAULT_PERM_EXEC = 1u << 2,
	RTE_IOMMUFD_FAULT_PERM_PRIV = 1u << 3,
};

/** One page fault, decoded from the kernel's record. */
struct rte_iommufd_fault_record {
	uint32_t flags;   /**< enum rte_iommufd_fault_flags */
	uint32_t dev_id;  /**< device id (rte_iommufd_device_id()) */
	uint32_t pasid;   /**< PASID, if flags has PASID_VALID */
	uint32_t grpid;   /**< page request group */
	uint32_t perm;    /**< enum rte_iommufd_fault_perm */
	uint64_t addr;    /**< faulting address */
	uint32_t length;  /**< hint of the access length (may be 0) */
	uint32_t cookie;  /**< answer with this value */
};

/** Size of one kernel fault record in bytes. */
#define RTE_IOMMUFD_FAULT_RECORD_SIZE 40

/** Response codes. */
enum rte_iommufd_fault_code {
	RTE_IOMMUFD_FAULT_SUCCESS = 0, /**< the fault was resolved */
	RTE_IOMMUFD_FAULT_INVALID = 1, /**< the request cannot be served */
};

/**
 * Allocate a fault queue.
 *
 * @param ctx
 *   The context.
 * @param faultp
 *   Set to the new queue.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP (kernel without fault queues), -ENOMEM.
 */
int rte_iommufd_fault_alloc(struct rte_iommufd *ctx, struct rte_iommufd_fault **faultp);

/**
 * Destroy a fault queue (pending groups are answered INVALID by the kernel).
 *
 * @param fault
 *   The queue, or NULL.
 * @return
 *   0, or -EBUSY (a HWPT still uses it; the handle stays valid).
 */
int rte_iommufd_fault_free(struct rte_iommufd_fault *fault);

/**
 * The kernel id of a fault queue.
 *
 * @param fault
 *   The queue.
 * @return
 *   The id, or 0 if @p fault is NULL.
 */
uint32_t rte_iommufd_fault_id(const struct rte_iommufd_fault *fault);

/**
 * The queue's file descriptor, for poll().
 *
 * @param fault
 *   The queue.
 * @return
 *   The descriptor, or -EINVAL.
 */
int rte_iommufd_fault_fd(const struct rte_iommufd_fault *fault);

/**
 * Read whole fault groups without blocking.
 *
 * @param fault
 *   The queue.
 * @param recs
 *   Output records.
 * @param max
 *   Capacity of @p recs (at least 1).
 * @return
 *   The number of records read (0 if none is pending), or -EINVAL,
 *   -EMSGSIZE (the next group does not fit in @p max records).
 */
int rte_iommufd_fault_read(struct rte_iommufd_fault *fault,
		struct rte_iommufd_fault_record *recs, unsigned int max);

/**
 * Decode kernel fault records from a buffer (what read() on the fault fd
 * returned).
 *
 * @param buf
 *   The bytes.
 * @param len
 *   Their number; must be a multiple of RTE_IOMMUFD_FAULT_RECORD_SIZE.
 * @param recs
 *   Output records, len / RTE_IOMMUFD_FAULT_RECORD_SIZE of them.
 * @param max
 *   Capacity of @p recs.
 * @return
 *   The number of records, or -EINVAL (NULL, bad length, unknown flag
 *   bits or non-zero reserved field), -EMSGSIZE (@p max too small).
 */
int rte_iommufd_fault_parse(const void *buf, size_t len,
		struct rte_iommufd_fault_record *recs, unsigned int max);

/**
 * Answer a fault group.
 *
 * @param fault
 *   The queue.
 * @param cookie
 *   The cookie of the group's last record.
 * @param code
 *   enum rte_iommufd_fault_code.
 * @return
 *   0, or -EINVAL (bad code, unknown cookie).
 */
int rte_iommufd_fault_respond(struct rte_iommufd_fault *fault, uint32_t cookie,
		enum rte_iommufd_fault_code code);

/* ------------------------------------------------------------------ */
/* Hardware information                                                */
/* ------------------------------------------------------------------ */

/** Capability bits of struct rte_iommufd_hw_info (kernel uAPI values). */
enum rte_iommufd_hw_cap {
	RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING = 1ull << 0,     /**< dirty tracking usable */
	RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC = 1ull << 1,     /**< PASID execute permission enabled */
	RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV = 1ull << 2,     /**< PASID privileged mode enabled */
	RTE_IOMMUFD_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1ull << 3, /**< ATS cannot be used */
};

/** Why a device's PASID width is what it is. */
enum rte_iommufd_pasid_reason {
	RTE_IOMMUFD_PASID_USABLE = 0,        /**< width > 0: PASIDs usable */
	RTE_IOMMUFD_PASID_KERNEL_TOO_OLD,    /**< kernel does not report PASID (before 6.15) */
	RTE_IOMMUFD_PASID_NOT_SUPPORTED,     /**< the device or its IOMMU has no PASID support */
	RTE_IOMMUFD_PASID_NO_HW_INFO,        /**< kernel has no IOMMU_GET_HW_INFO (before 6.6) */
	RTE_IOMMUFD_PASID_KERNEL_NO_ATTACH,  /**< kernel reports widths but has no PASID attach nor HWPT ALLOC_PASID (before 6.15) */
};

/** What IOMMU_GET_HW_INFO says about a device. */
struct rte_iommufd_hw_info {
	uint32_t type;            /**< RTE_IOMMUFD_HW_INFO_TYPE_* (kernel values; 1 = Intel VT-d) */
	uint32_t data_len;        /**< bytes of vendor data the kernel has */
	uint64_t capabilities;    /**< enum rte_iommufd_hw_cap mask */
	bool capabilities_valid;  /**< the kernel reported capabilities (6.7+) */
	uint8_t max_pasid_log2;   /**< usable PASID width; 0 = none */
	enum rte_iommufd_pasid_reason pasid_reason; /**< why max_pasid_log2 is what it is */
	uint64_t data[16];        /**< raw vendor data (first 128 bytes) */
};

/**
 * A short human explanation of a PASID reason.
 *
 * @param reason
 *   The reason.
 * @return
 *   A static string, never NULL.
 */
const char *rte_iommufd_pasid_reason_str(enum rte_iommufd_pasid_reason reason);

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

/** Parameters of rte_iommufd_device_open(). */
struct rte_iommufd_device_params {
	const uint8_t *vf_token;  /**< 16-byte VF token UUID, or NULL */
	const char *sysfs_root;   /**< sysfs mount point, NULL for "/sys" */
	const char *dev_root;     /**< device directory, NULL for "/dev" */
};

/**
 * Find the VFIO cdev of a PCI device through sysfs.
 *
 * @param bdf
 *   PCI address "DDDD:BB:DD.F" (the domain may be omitted).
 * @param sysfs_root
 *   sysfs mount point, NULL for "/sys".
 * @param name
 *   Output: the cdev name, e.g. "vfio0".
 * @param len
 *   Size of @p name.
 * @return
 *   0, or -EINVAL (NULL argument or malformed address), -ENODEV (no such
 *   PCI device), -ENXIO (the device is not bound to vfio-pci), -ENOTSUP (bound
 *   to vfio-pci but the kernel has no VFIO cdev support), -ENAMETOOLONG.
 */
int rte_iommufd_device_find_cdev(const char *bdf, const char *sysfs_root,
		char *name, size_t len);

/**
 * Normalise a PCI address to "DDDD:BB:DD.F".
 *
 * @param in
 *   The address, with or without domain.
 * @param out
 *   Output buffer of at least 13 bytes.
 * @param len
 *   Size of @p out.
 * @return
 *   0, or -EINVAL.
 */
int rte_iommufd_pci_addr_parse(const char *in, char *out, size_t len);

/**
 * Open the VFIO cdev of a PCI device and bind it to the context. The
 * device's DMA is blocked until it is attached. Its hardware information
 * is read at once when the kernel has IOMMU_GET_HW_INFO.
 *
 * @param ctx
 *   The context.
 * @param bdf
 *   PCI address.
 * @param params
 *   Optional parameters, or NULL.
 * @param devp
 *   Set to the new device.
 * @return
 *   0, or the errors of rte_iommufd_device_find_cdev(), -EACCES (no
 *   permission, or a VF token is needed or wrong), -EBUSY (in use by
 *   another process or iommufd: the kernel opens a VFIO device once at a
 *   time and answers EINVAL, reported as -EBUSY here), -EPERM (interrupt
 *   remapping missing), -EINVAL.
 */
int rte_iommufd_device_open(struct rte_iommufd *ctx, const char *bdf,
		const struct rte_iommufd_device_params *params,
		struct rte_iommufd_device **devp);

/**
 * Unbind and close a device: its PASIDs and RID are detached by the
 * kernel, and address spaces forget its attachments (freeing HWPTs left
 * without users). HWPTs allocated directly for it must be freed afterwards.
 *
 * @param dev
 *   The device, or NULL.
 */
void rte_iommufd_device_close(struct rte_iommufd_device *dev);

/**
 * The device's iommufd id (dev_id).
 *
 * @param dev
 *   The device.
 * @return
 *   The id, or 0 if @p dev is NULL.
 */
uint32_t rte_iommufd_device_id(const struct rte_iommufd_device *dev);

/**
 * The device's VFIO file descriptor (a normal VFIO device fd after bind:
 * regions, IRQs and reset work on it).
 *
 * @param dev
 *   The device.
 * @return
 *   The descriptor, -1 for devices without one (mock), or -EINVAL.
 */
int rte_iommufd_device_fd(const struct rte_iommufd_device *dev);

/**
 * The device's name (its PCI address for VFIO devices).
 *
 * @param dev
 *   The device.
 * @return
 *   The name, or "(null)".
 */
const char *rte_iommufd_device_name(const struct rte_iommufd_device *dev);

/**
 * The context a device is bound to.
 *
 * @param dev
 *   The device.
 * @return
 *   The context, or NULL.
 */
struct rte_iommufd *rte_iommufd_device_ctx(const struct rte_iommufd_device *dev);

/**
 * Query the device's IOMMU (IOMMU_GET_HW_INFO). On kernels before 6.15 the
 * PASID width is 0 with reason KERNEL_TOO_OLD; before 6.6 the call fails
 * with -EOPNOTSUPP and the reason NO_HW_INFO is set in @p info.
 *
 * @param dev
 *   The device.
 * @param info
 *   Output.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP.
 */
int rte_iommufd_device_hw_info(struct rte_iommufd_device *dev,
		struct rte_iommufd_hw_info *info);

/**
 * Attach the device's RID to a page table, or replace the current one
 * without a window of blocked DMA.
 *
 * @param dev
 *   The device.
 * @param pt_id
 *   An IOAS id (the kernel picks or creates a page table) or a HWPT id.
 * @param out_hwpt_id
 *   If not NULL, set to the HWPT actually attached.
 * @return
 *   0, or -EINVAL (incompatible page table, or PASIDs are attached and the
 *   page table is not PASID-capable), -ENOENT (no such page table), -EBUSY,
 *   -EADDRINUSE (a reserved region of the device overlaps a range pinned
 *   with rte_iommufd_ioas_allow_iovas()).
 */
int rte_iommufd_device_attach(struct rte_iommufd_device *dev, uint32_t pt_id,
		uint32_t *out_hwpt_id);

/**
 * Detach the RID: its DMA is blocked afterwards.
 *
 * @param dev
 *   The device.
 * @return
 *   0, or -EINVAL.
 */
int rte_iommufd_device_detach(struct rte_iommufd_device *dev);

/**
 * The HWPT the RID is attached to.
 *
 * @param dev
 *   The device.
 * @return
 *   The HWPT id, or 0 when detached.
 */
uint32_t rte_iommufd_device_attached_hwpt(const struct rte_iommufd_device *dev);

/**
 * Attach a PASID of the device to a page table, or replace its page table
 * atomically. The page table must be a HWPT allocated with
 * RTE_IOMMUFD_HWPT_ALLOC_PASID.
 *
 * @param dev
 *   The device.
 * @param pasid
 *   1 .. 2^max_pasid_log2 - 1.
 * @param pt_id
 *   A HWPT id.
 * @param out_hwpt_id
 *   If not NULL, set to the HWPT attached.
 * @return
 *   0, or -EINVAL (PASID 0, page table not PASID-capable, RID on an
 *   incompatible page table), -ERANGE (PASID beyond the device's width),
 *   -EOPNOTSUPP (the device has no usable PASID, or the kernel predates
 *   PASID support), -ENOENT.
 */
int rte_iommufd_device_pasid_attach(struct rte_iommufd_device *dev,
		uint32_t pasid, uint32_t pt_id, uint32_t *out_hwpt_id);

/**
 * Detach a PASID; its DMA is blocked afterwards. Detaching a PASID that is
 * not attached succeeds.
 *
 * @param dev
 *   The device.
 * @param pasid
 *   1 .. 2^max_pasid_log2 - 1.
 * @return
 *   0, or -EINVAL, -ERANGE, -EOPNOTSUPP as rte_iommufd_device_pasid_attach().
 */
int rte_iommufd_device_pasid_detach(struct rte_iommufd_device *dev, uint32_t pasid);

/* ------------------------------------------------------------------ */
/* PASID capabilities and attach policy                                */
/* ------------------------------------------------------------------ */

/** What a device can do with PASIDs, from its hardware information. */
struct rte_iommufd_pasid_caps {
	uint8_t width;           /**< usable PASID bits (out_max_pasid_log2); 0 = none */
	uint32_t max_pasid;      /**< largest usable PASID, 2^width - 1 (0 = none) */
	bool exec;               /**< PASID Execute permission enabled */
	bool priv;               /**< PASID Privileged mode enabled */
	bool ats;                /**< ATS may be used (false if unknown) */
	enum rte_iommufd_pasid_reason reason; /**< why width is what it is */
};

/**
 * Derive a device's PASID capabilities from its hardware information.
 * A pure function: EXEC and PRIV are reported only with a non-zero width.
 *
 * @param info
 *   What rte_iommufd_device_hw_info() returned.
 * @param caps
 *   Output.
 * @return
 *   0, or -EINVAL (NULL argument, width beyond 20 bits).
 */
int rte_iommufd_pasid_caps_from_hw_info(const struct rte_iommufd_hw_info *info,
		struct rte_iommufd_pasid_caps *caps);

/**
 * A device's PASID capabilities (read at open).
 *
 * @param dev
 *   The device.
 * @param caps
 *   Output.
 * @return
 *   0, or -EINVAL, -EOPNOTSUPP (the kernel has no IOMMU_GET_HW_INFO).
 */
int rte_iommufd_device_pasid_caps(const struct rte_iommufd_device *dev,
		struct rte_iommufd_pasid_caps *caps);

/**
 * The HWPT flags the policy gives a page table for a device's RID or
 * PASID: PASID attachments always need RTE_IOMMUFD_HWPT_ALLOC_PASID, and
 * so does the RID of a device with a non-zero PASID width, so that PASIDs
 * can be attached later without replacing the RID's page table. A pure
 * function.
 *
 * @param caps
 *   The device's PASID capabilities.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, else the PASID.
 * @param base_flags
 *   Flags the caller wants anyway (e.g. DIRTY_TRACKING, FAULT_ID_VALID).
 * @return
 *   The flags, or 0 with base_flags when nothing is added.
 */
uint32_t rte_iommufd_policy_hwpt_flags(const struct rte_iommufd_pasid_caps *caps,
		uint32_t pasid, uint32_t base_flags);

/**
 * Check a PASID against a device's capabilities. A pure function.
 *
 * @param caps
 *   The device's PASID capabilities.
 * @param pasid
 *   The PASID.
 * @return
 *   0 if usable, -EINVAL for PASID 0, -EOPNOTSUPP if the device has no
 *   PASID width, -ERANGE beyond 2^width - 1.
 */
int rte_iommufd_policy_pasid_check(const struct rte_iommufd_pasid_caps *caps,
		uint32_t pasid);

/**
 * The PASID width usable on every device of a set: the smallest width
 * among them (0 if any device has none, or for an empty set). A pure
 * function.
 *
 * @param caps
 *   The devices' capabilities.
 * @param n
 *   Their number.
 * @return
 *   The common width.
 */
unsigned int rte_iommufd_policy_common_width(const struct rte_iommufd_pasid_caps *caps,
		unsigned int n);

struct rte_iommufd_space;

/**
 * Create an address space: an IOAS and the HWPTs the policy allocates over
 * it for the devices and PASIDs attached to it. Compatible HWPTs are
 * shared between devices (an attach is tried on each existing HWPT with
 * the right flags; a new one is allocated when the kernel refuses).
 *
 * @param ctx
 *   The context.
 * @param ioas
 *   The IOAS whose mappings the space uses (shared with other spaces, e.g.
 *   the process' IOVA = VA mappings), or NULL to allocate a private one
 *   that the space owns.
 * @param fault
 *   A fault queue for demand paging (HWPTs get FAULT_ID_VALID), or NULL.
 * @param spacep
 *   Set to the new space.
 * @return
 *   0, or -EINVAL, -ENOMEM, and the errors of rte_iommufd_ioas_alloc().
 */
int rte_iommufd_space_create(struct rte_iommufd *ctx, struct rte_iommufd_ioas *ioas,
		struct rte_iommufd_fault *fault, struct rte_iommufd_space **spacep);

/**
 * Free an address space, its HWPTs and its IOAS if it owns it. Refused
 * while devices or PASIDs are attached.
 *
 * @param space
 *   The space, or NULL.
 * @return
 *   0, or -EBUSY (attachments remain, or a device outside the space
 *   still uses its own IOAS; the space stays valid).
 */
int rte_iommufd_space_free(struct rte_iommufd_space *space);

/**
 * The IOAS of an address space (to map memory into it).
 *
 * @param space
 *   The space.
 * @return
 *   The IOAS, or NULL.
 */
struct rte_iommufd_ioas *rte_iommufd_space_ioas(const struct rte_iommufd_space *space);

/**
 * Attach a device's RID or one of its PASIDs to an address space, through
 * a HWPT chosen by the policy. If the RID or PASID is attached to another
 * space, it is switched atomically (replace) and that space forgets it.
 *
 * @param space
 *   The space.
 * @param dev
 *   The device.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, else the PASID.
 * @param hwpt_id
 *   If not NULL, set to the HWPT used.
 * @return
 *   0, or the errors of rte_iommufd_hwpt_alloc_ex(),
 *   rte_iommufd_device_attach() and rte_iommufd_device_pasid_attach().
 */
int rte_iommufd_space_attach(struct rte_iommufd_space *space,
		struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *hwpt_id);

/**
 * Detach a device's RID or PASID from the space it is attached to. A HWPT
 * no attachment uses any more is freed.
 *
 * @param space
 *   The space.
 * @param dev
 *   The device.
 * @param pasid
 *   RTE_IOMMUFD_NO_PASID for the RID, else the PASID.
 * @return
 *   0, or -ENOENT (not attached to this space), and the errors of the
 *   detach calls (the attachment is kept when the kernel refuses).
 */
int rte_iommufd_space_detach(struct rte_iommufd_space *space,
		struct rte_iommufd_device *dev, uint32_t pasid);

/**
 * Number of attachments (RIDs and PASIDs) of a space.
 *
 * @param space
 *   The space.
 * @return
 *   The count (0 for NULL).
 */
unsigned int rte_iommufd_space_attachments(const struct rte_iommufd_space *space);

/**
 * Number of HWPTs a space holds (shared ones count once).
 *
 * @param space
 *   The space.
 * @return
 *   The count (0 for NULL).
 */
unsigned int rte_iommufd_space_hwpts(const struct rte_iommufd_space *space);

/* ------------------------------------------------------------------ */
/* Device backends                                                     */
/* ------------------------------------------------------------------ */

/**
 * Operations of a device backend. The library's own backend drives VFIO
 * cdevs; another one (e.g. the kernel's mock devices in tests) can be
 * plugged in with rte_iommufd_device_create(). Every operation returns 0
 * or a negative errno and must not log: the library reports failures.
 */
struct rte_iommufd_device_ops {
	/** Backend name for messages, e.g. "vfio-cdev". */
	const char *name;
	/**
	 * Attach or replace; @p pasid is RTE_IOMMUFD_NO_PASID for the RID.
	 * @p pt_id is in/out: the id given, and the HWPT actually attached.
	 */
	int (*attach)(struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *pt_id);
	/** Detach the RID (pasid RTE_IOMMUFD_NO_PASID) or a PASID. */
	int (*detach)(struct rte_iommufd_device *dev, uint32_t pasid);
	/** Release the backend's resources (may be NULL). */
	void (*close)(struct rte_iommufd_device *dev);
};

/**
 * Make a device handle for a device already bound to the context by other
 * means, driven by the given backend.
 *
 * @param ctx
 *   The context.
 * @param name
 *   Name for messages.
 * @param dev_id
 *   The device's iommufd id.
 * @param ops
 *   The backend (must outlive the device).
 * @param priv
 *   Backend data, returned by rte_iommufd_device_priv().
 * @param devp
 *   Set to the new device.
 * @return
 *   0, or -EINVAL, -ENOMEM, or an error of rte_iommufd_device_hw_info()
 *   other than -EOPNOTSUPP (the device's hardware information is read
 *   here; a device without any is accepted).
 */
int rte_iommufd_device_create(struct rte_iommufd *ctx, const char *name,
		uint32_t dev_id, const struct rte_iommufd_device_ops *ops,
		void *priv, struct rte_iommufd_device **devp);

/**
 * The backend data of a device.
 *
 * @param dev
 *   The device.
 * @return
 *   The pointer given to rte_iommufd_device_create(), or NULL.
 */
void *rte_iommufd_device_priv(const struct rte_iommufd_device *dev);

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_H_ */
