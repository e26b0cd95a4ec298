/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _IOMMUFD_TEST_UAPI_H_
#define _IOMMUFD_TEST_UAPI_H_

/**
 * @file
 * The iommufd self-test interface (IOMMU_TEST_CMD), at the level of Linux 7.3.
 *
 * Only kernels built with CONFIG_IOMMUFD_TEST serve it (ENOTTY otherwise). It
 * drives a mock IOMMU driver and mock devices inside the kernel, which lets
 * the library's tests run without real hardware. This interface is internal to
 * a kernel version: op codes and structs may change from one release to the
 * next, so it must only be used against the kernel it was checked with.
 *
 * Naming follows iommufd_uapi.h: the kernel's names with an ifd_/IFD_ prefix.
 */

#include <stddef.h>
#include <linux/types.h>

#include "iommufd_uapi.h"

/* op values of ifd_iommu_test_cmd. */
enum {
	IFD_IOMMU_TEST_OP_ADD_RESERVED = 1,	/* reserve an IOVA range in an IOAS */
	IFD_IOMMU_TEST_OP_MOCK_DOMAIN = 2,	/* new mock device attached to an IOAS/HWPT */
	IFD_IOMMU_TEST_OP_MD_CHECK_MAP = 3,	/* compare mock domain content with memory */
	IFD_IOMMU_TEST_OP_MD_CHECK_REFS = 4,	/* check page reference counts */
	IFD_IOMMU_TEST_OP_CREATE_ACCESS = 5,	/* in-kernel access user of an IOAS */
	IFD_IOMMU_TEST_OP_DESTROY_ACCESS_PAGES = 6,
	IFD_IOMMU_TEST_OP_ACCESS_PAGES = 7,	/* pin pages through an access */
	IFD_IOMMU_TEST_OP_ACCESS_RW = 8,	/* read/write through an access */
	IFD_IOMMU_TEST_OP_SET_TEMP_MEMORY_LIMIT = 9,
	IFD_IOMMU_TEST_OP_MOCK_DOMAIN_REPLACE = 10,	/* reattach a mock device */
	IFD_IOMMU_TEST_OP_ACCESS_REPLACE_IOAS = 11,
	IFD_IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS = 12,	/* MOCK_DOMAIN with device flags */
	IFD_IOMMU_TEST_OP_DIRTY = 13,		/* mark mock pages dirty */
	IFD_IOMMU_TEST_OP_MD_CHECK_IOTLB = 14,
	IFD_IOMMU_TEST_OP_TRIGGER_IOPF = 15,	/* inject an I/O page fault */
	IFD_IOMMU_TEST_OP_DEV_CHECK_CACHE = 16,
	IFD_IOMMU_TEST_OP_TRIGGER_VEVENT = 17,	/* inject a vIOMMU event */
	IFD_IOMMU_TEST_OP_PASID_ATTACH = 18,	/* attach a PASID of a mock device */
	IFD_IOMMU_TEST_OP_PASID_REPLACE = 19,
	IFD_IOMMU_TEST_OP_PASID_DETACH = 20,
	IFD_IOMMU_TEST_OP_PASID_CHECK_HWPT = 21,	/* HWPT attached to a PASID */
	IFD_IOMMU_TEST_OP_DMABUF_GET = 22,	/* mock dma-buf exporter */
	IFD_IOMMU_TEST_OP_DMABUF_REVOKE = 23,
};

/* Page table formats of the mock domain. */
enum {
	IFD_MOCK_IOMMUPT_DEFAULT = 0,
	IFD_MOCK_IOMMUPT_HUGE,
};

/* Geometry of the default mock domain. */
enum {
	IFD_MOCK_APERTURE_START = 1UL << 24,
	IFD_MOCK_APERTURE_LAST = (1UL << 31) - 1,
	IFD_MOCK_PAGE_SIZE = 2048,
	IFD_MOCK_HUGE_PAGE_SIZE = 512 * IFD_MOCK_PAGE_SIZE,
};

/* Flags of CREATE_ACCESS. */
enum {
	IFD_MOCK_FLAGS_ACCESS_WRITE = 1 << 0,
	IFD_MOCK_FLAGS_ACCESS_SYZ = 1 << 16,
};

/* Flags of ACCESS_RW. */
enum {
	IFD_MOCK_ACCESS_RW_WRITE = 1 << 0,
	IFD_MOCK_ACCESS_RW_SLOW_PATH = 1 << 2,
};

/* More flags of CREATE_ACCESS. */
enum {
	IFD_MOCK_FLAGS_ACCESS_CREATE_NEEDS_PIN_PAGES = 1 << 0,
};

/* Mock device flags (mock_domain_flags.dev_flags). */
enum {
	IFD_MOCK_FLAGS_DEVICE_NO_DIRTY = 1 << 0,	/* no dirty tracking */
	IFD_MOCK_FLAGS_DEVICE_PASID = 1 << 2,		/* device supports PASID */
};

/* IOTLB entries of a mock nested domain. */
enum {
	IFD_MOCK_NESTED_DOMAIN_IOTLB_ID_MAX = 3,
	IFD_MOCK_NESTED_DOMAIN_IOTLB_NUM = 4,
};

/* Cache entries of a mock vIOMMU device. */
enum {
	IFD_MOCK_DEV_CACHE_ID_MAX = 3,
	IFD_MOCK_DEV_CACHE_NUM = 4,
};

/* PASID that the mock driver keeps for its own replace tests. */
#define IFD_IOMMU_TEST_PASID_RESERVED 1024

/* IOMMU_TEST_CMD argument: a header and one member per op. */
struct ifd_iommu_test_cmd {
	__u32 size;
	__u32 op;
	__u32 id;			/* object the op works on (IOAS, stdev, ...) */
	__u32 __reserved;
	union {
		struct {
			__aligned_u64 start;
			__aligned_u64 length;
		} add_reserved;
		struct {
			__u32 out_stdev_id;	/* the mock device object */
			__u32 out_hwpt_id;
			__u32 out_idev_id;	/* its iommufd device id */
		} mock_domain;
		struct {
			__u32 out_stdev_id;
			__u32 out_hwpt_id;
			__u32 out_idev_id;
			__u32 dev_flags;	/* IFD_MOCK_FLAGS_DEVICE_* */
		} mock_domain_flags;
		struct {
			__u32 pt_id;
		} mock_domain_replace;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} check_map;
		struct {
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 refs;
		} check_refs;
		struct {
			__u32 out_access_fd;
			__u32 flags;
		} create_access;
		struct {
			__u32 access_pages_id;
		} destroy_access_pages;
		struct {
			__u32 flags;
			__u32 out_access_pages_id;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
		} access_pages;
		struct {
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 uptr;
			__u32 flags;
		} access_rw;
		struct {
			__u32 limit;
		} memory_limit;
		struct {
			__u32 ioas_id;
		} access_replace_ioas;
		struct {
			__u32 flags;
			__aligned_u64 iova;
			__aligned_u64 length;
			__aligned_u64 page_size;
			__aligned_u64 uptr;
			__aligned_u64 out_nr_dirty;
		} dirty;
		struct {
			__u32 id;
			__u32 iotlb;
		} check_iotlb;
		struct {
			__u32 dev_id;
			__u32 pasid;
			__u32 grpid;
			__u32 perm;
			__u64 addr;
		} trigger_iopf;
		struct {
			__u32 id;
			__u32 cache;
		} check_dev_cache;
		struct {
			__u32 dev_id;
		} trigger_vevent;
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_attach;		/* id: stdev */
		struct {
			__u32 pasid;
			__u32 pt_id;
		} pasid_replace;	/* id: stdev */
		struct {
			__u32 pasid;
		} pasid_detach;		/* id: stdev */
		struct {
			__u32 pasid;
			__u32 hwpt_id;
		} pasid_check;		/* id: stdev */
		struct {
			__u32 length;
			__u32 open_flags;
		} dmabuf_get;
		struct {
			__s32 dmabuf_fd;
			__u32 revoked;
		} dmabuf_revoke;
	};
	__u32 last;
};
#define IFD_IOMMU_TEST_CMD _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_BASE + 32)

/* PASID width of the mock device and IOMMU. */
#define IFD_MOCK_PASID_WIDTH 20

/* hw_info payload type and register value of the mock IOMMU. */
#define IFD_IOMMU_HW_INFO_TYPE_SELFTEST 0xfeedbeef
#define IFD_IOMMU_HW_INFO_SELFTEST_REGVAL 0xdeadbeef

/* hw_info payload of IFD_IOMMU_HW_INFO_TYPE_SELFTEST. */
struct ifd_iommu_test_hw_info {
	__u32 flags;
	__u32 test_reg;			/* IFD_IOMMU_HW_INFO_SELFTEST_REGVAL */
};

/* HWPT data type of the mock driver, and initial IOTLB/cache values. */
#define IFD_IOMMU_HWPT_DATA_SELFTEST 0xdead
#define IFD_IOMMU_TEST_IOTLB_DEFAULT 0xbadbeef
#define IFD_IOMMU_TEST_DEV_CACHE_DEFAULT 0xbaddad

/* HWPT data of IFD_IOMMU_HWPT_DATA_SELFTEST. */
struct ifd_iommu_hwpt_selftest {
	__u32 iotlb;
	__u32 pagetable_type;		/* IFD_MOCK_IOMMUPT_* */
};

/* Invalidation data types of the mock driver (valid and invalid one). */
#define IFD_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST 0xdeadbeef
#define IFD_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/* Flag of the mock invalidation entries: invalidate everything. */
#define IFD_IOMMU_TEST_INVALIDATE_FLAG_ALL (1 << 0)

/* Invalidation entry of IFD_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST. */
struct ifd_iommu_hwpt_invalidate_selftest {
	__u32 flags;
	__u32 iotlb_id;
};

/* vIOMMU type of the mock driver. */
#define IFD_IOMMU_VIOMMU_TYPE_SELFTEST 0xdeadbeef

/* vIOMMU data of IFD_IOMMU_VIOMMU_TYPE_SELFTEST (out_data echoes in_data). */
struct ifd_iommu_viommu_selftest {
	__u32 in_data;
	__u32 out_data;
	__aligned_u64 out_mmap_offset;
	__aligned_u64 out_mmap_length;
};

/* vIOMMU invalidation data types of the mock driver. */
#define IFD_IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST 0xdeadbeef
#define IFD_IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID 0xdadbeef

/* Invalidation entry of IFD_IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST. */
struct ifd_iommu_viommu_invalidate_selftest {
	__u32 flags;
	__u32 vdev_id;
	__u32 cache_id;
};

/* vEVENTQ type of the mock driver and its event payload. */
#define IFD_IOMMU_VEVENTQ_TYPE_SELFTEST 0xbeefbeef

/* vEVENT payload of IFD_IOMMU_VEVENTQ_TYPE_SELFTEST. */
struct ifd_iommu_viommu_event_selftest {
	__u32 virt_id;
};

/* HW queue type of the mock driver and its queue count. */
#define IFD_IOMMU_HW_QUEUE_TYPE_SELFTEST 0xdeadbeef
#define IFD_IOMMU_TEST_HW_QUEUE_MAX 2

/*
 * Layout checks: struct sizes and member offsets of the Linux 7.3
 * self-test interface, its ioctl number and constants.
 * buildtools/abi-check compares the whole header with the kernel's own
 * headers; it defines IOMMUFD_UAPI_NO_LAYOUT_CHECKS to measure modified copies.
 */
#ifndef IOMMUFD_UAPI_NO_LAYOUT_CHECKS

/* IOMMUFD_UAPI_SIZE/_OFFSET/_VALUE: lib/iommufd/iommufd_uapi_layout.h. */

IOMMUFD_UAPI_SIZE(ifd_iommu_test_cmd, 72);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, op, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, __reserved, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, add_reserved, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, add_reserved.start, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, add_reserved.length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain.out_stdev_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain.out_hwpt_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain.out_idev_id, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_flags, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_flags.out_stdev_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_flags.out_hwpt_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_flags.out_idev_id, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_flags.dev_flags, 28);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_replace, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, mock_domain_replace.pt_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_map, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_map.iova, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_map.length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_map.uptr, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_refs, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_refs.length, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_refs.uptr, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_refs.refs, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, create_access, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, create_access.out_access_fd, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, create_access.flags, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, destroy_access_pages, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, destroy_access_pages.access_pages_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_pages, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_pages.flags, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_pages.out_access_pages_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_pages.iova, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_pages.length, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_pages.uptr, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_rw, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_rw.iova, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_rw.length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_rw.uptr, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_rw.flags, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, memory_limit, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, memory_limit.limit, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_replace_ioas, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, access_replace_ioas.ioas_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty.flags, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty.iova, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty.length, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty.page_size, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty.uptr, 48);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dirty.out_nr_dirty, 56);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_iotlb, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_iotlb.id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_iotlb.iotlb, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_iopf, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_iopf.dev_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_iopf.pasid, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_iopf.grpid, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_iopf.perm, 28);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_iopf.addr, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_dev_cache, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_dev_cache.id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, check_dev_cache.cache, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_vevent, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, trigger_vevent.dev_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_attach, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_attach.pasid, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_attach.pt_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_replace, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_replace.pasid, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_replace.pt_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_detach, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_detach.pasid, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_check, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_check.pasid, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, pasid_check.hwpt_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dmabuf_get, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dmabuf_get.length, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dmabuf_get.open_flags, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dmabuf_revoke, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dmabuf_revoke.dmabuf_fd, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, dmabuf_revoke.revoked, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_cmd, last, 64);

IOMMUFD_UAPI_SIZE(ifd_iommu_test_hw_info, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_hw_info, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_test_hw_info, test_reg, 4);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_selftest, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_selftest, iotlb, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_selftest, pagetable_type, 4);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_invalidate_selftest, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate_selftest, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate_selftest, iotlb_id, 4);

IOMMUFD_UAPI_SIZE(ifd_iommu_viommu_selftest, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_selftest, in_data, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_selftest, out_data, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_selftest, out_mmap_offset, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_selftest, out_mmap_length, 16);

IOMMUFD_UAPI_SIZE(ifd_iommu_viommu_invalidate_selftest, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_invalidate_selftest, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_invalidate_selftest, vdev_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_invalidate_selftest, cache_id, 8);

IOMMUFD_UAPI_SIZE(ifd_iommu_viommu_event_selftest, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_event_selftest, virt_id, 0);

IOMMUFD_UAPI_VALUE(IFD_IOMMU_TEST_PASID_RESERVED, 0x400);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_TEST_CMD, 0x3ba0);
IOMMUFD_UAPI_VALUE(IFD_MOCK_PASID_WIDTH, 0x14);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HW_INFO_TYPE_SELFTEST, 0xfeedbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HW_INFO_SELFTEST_REGVAL, 0xdeadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_DATA_SELFTEST, 0xdead);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_TEST_IOTLB_DEFAULT, 0xbadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_TEST_DEV_CACHE_DEFAULT, 0xbaddad);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST, 0xdeadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_INVALIDATE_DATA_SELFTEST_INVALID, 0xdadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_TEST_INVALIDATE_FLAG_ALL, 0x1);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VIOMMU_TYPE_SELFTEST, 0xdeadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST, 0xdeadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VIOMMU_INVALIDATE_DATA_SELFTEST_INVALID, 0xdadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VEVENTQ_TYPE_SELFTEST, 0xbeefbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HW_QUEUE_TYPE_SELFTEST, 0xdeadbeef);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_TEST_HW_QUEUE_MAX, 0x2);

#endif /* IOMMUFD_UAPI_NO_LAYOUT_CHECKS */

#endif /* _IOMMUFD_TEST_UAPI_H_ */
