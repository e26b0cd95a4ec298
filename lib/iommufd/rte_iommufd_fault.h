/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _RTE_IOMMUFD_FAULT_H_
#define _RTE_IOMMUFD_FAULT_H_

/**
 * @file
 * iommufd fault queues: I/O page faults, for demand paging. Part of rte_iommufd.h, which includes it.
 */

#include <stddef.h>
#include <stdint.h>

#include "rte_iommufd_context.h"

#ifdef __cplusplus
extern "C" {
#endif

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

#ifdef __cplusplus
}
#endif

#endif /* _RTE_IOMMUFD_FAULT_H_ */
