/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_IOAS_H_
#define _RTE_IOMMUFD_IOAS_H_

/**
 * @file
 * iommufd IOAS: I/O address spaces, their usable ranges and mappings. Part of rte_iommufd.h, which includes it.
 */

#include <stdbool.h>
#include <stdint.h>

#include "rte_iommufd_context.h"

#ifdef __cplusplus
extern "C" {
#endif

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
 * @warning
 * @b EXPERIMENTAL: this API may change, or be removed, without prior notice.
 *
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
__rte_iommufd_experimental
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

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_IOAS_H_ */
