/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _TEST_VM_MOCK_DEV_H_
#define _TEST_VM_MOCK_DEV_H_

/*
 * A device of the kernel's mock IOMMU (CONFIG_IOMMUFD_TEST), created with
 * IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS, and a lib/iommufd device backend
 * (mock_ops) that attaches, replaces and detaches its RID and PASIDs with
 * the mock's IOMMU_TEST_CMD operations. Test code shared by the vm test
 * programs; not part of the libraries.
 *
 * The mock has no RID detach. A device made with @p rid_detach emulates
 * it: "detach" replaces the RID's page table with an empty IOAS of its
 * own, which blocks all DMA just the same. Without it, a RID detach is
 * -EOPNOTSUPP and the RID leaves its page table when the device goes.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/ioctl.h>

#include "iommufd_test_uapi.h"
#include "rte_iommufd.h"

/*
 * The kernel behind @p iommufd has the mock IOMMU (CONFIG_IOMMUFD_TEST): it
 * knows IOMMU_TEST_CMD and refuses a zero size with EINVAL (ENOTTY without).
 */
static inline bool
mock_iommu_present(int iommufd)
{
	uint32_t size = 0;

	return ioctl(iommufd, IFD_IOMMU_TEST_CMD, &size) < 0 && errno == EINVAL;
}

/* PASIDs per mock device that the backend tracks (and detaches on close). */
#define MOCK_MAX_ATTACHED 16

struct mock_dev {
	int fd;                 /* the iommufd */
	uint32_t stdev_id;      /* selftest object; destroying it removes the device */
	uint32_t idev_id;       /* iommufd device id */
	uint32_t auto_hwpt_id;  /* page table the kernel attached the RID to at creation */
	uint32_t blk_ioas_id;   /* empty IOAS standing for "detached", 0 if none */
	unsigned int nr_pasids; /* PASIDs attached through the backend */
	uint32_t pasids[MOCK_MAX_ATTACHED];
};

/* The backend; its close destroys the mock (mock_destroy). Its PASID probe
 * tells the library whether the kernel has PASID attach. */
extern const struct rte_iommufd_device_ops mock_ops;

/* mock_ops' closes in which the kernel refused a detach or destroy. */
extern unsigned int mock_close_failures;

/* One IOMMU_TEST_CMD; 0 or a negative errno. Fills size, op and id. */
int mock_test_cmd(int fd, uint32_t op, uint32_t id, struct ifd_iommu_test_cmd *cmd);

/* IOMMU_DESTROY of object @p id; 0 or a negative errno. */
int mock_destroy_id(int fd, uint32_t id);

/*
 * A mock device with @p dev_flags (IFD_MOCK_FLAGS_*) attached to @p pt_id
 * of iommufd @p fd; 0 or a negative errno (nothing left behind).
 */
int mock_new(int fd, uint32_t pt_id, uint32_t dev_flags, bool rid_detach,
	     struct mock_dev **mp);

/*
 * Detach the PASIDs the backend attached, destroy the device (which takes
 * its RID off its page table) and the "detached" IOAS, free @p m. False if
 * the kernel refused any of it.
 */
bool mock_destroy(struct mock_dev *m);

/* The kernel has @p hwpt_id on @p pasid of @p m (PASID 0: the RID; hwpt 0: nothing). */
int mock_pasid_check(const struct mock_dev *m, uint32_t pasid, uint32_t hwpt_id);

/* The backend has @p pasid attached on @p m. */
bool mock_has_pasid(const struct mock_dev *m, uint32_t pasid);

/*
 * A mock device (mock_new()) wrapped in a lib/iommufd device handle of
 * @p ctx driven by mock_ops; 0 or a negative errno (said on stdout, nothing
 * left behind).
 */
int mock_device_create(struct rte_iommufd *ctx, const char *name, uint32_t pt_id,
		       uint32_t dev_flags, bool rid_detach, struct mock_dev **mp,
		       struct rte_iommufd_device **dp);

/* The mock domain @p hwpt_id translates @p len bytes at @p iova to the
 * pages of @p buf: 0, or a negative errno. */
int mock_check_map(const struct mock_dev *m, uint32_t hwpt_id, uint64_t iova, const void *buf,
		   uint64_t len);

/* Every page of @p buf is pinned @p refs times (FOLL_PIN references) in the
 * kernel of @p iommufd: 0, or a negative errno. */
int mock_check_refs(int iommufd, const void *buf, uint64_t len, uint32_t refs);

/* Raise a page request from the mock device, as its IOMMU would. */
int mock_trigger_iopf(const struct mock_dev *m, uint32_t pasid, uint32_t grpid, uint32_t perm,
		      uint64_t addr);

#endif /* _TEST_VM_MOCK_DEV_H_ */
