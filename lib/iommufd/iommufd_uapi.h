/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _IOMMUFD_UAPI_H_
#define _IOMMUFD_UAPI_H_

/**
 * @file
 * Userspace ABI of Linux iommufd (/dev/iommu) and of the VFIO device cdev
 * ioctls that work with it, at the level of Linux 7.3.
 *
 * The <linux/iommufd.h> of older distributions is missing or incomplete, so
 * the project carries its own definitions. Naming is mechanical: each kernel
 * type gets the prefix ifd_ and each kernel macro or enumerator the prefix
 * IFD_; struct members keep the kernel's names, types and offsets.
 * Layouts are asserted in iommufd_uapi_layout.h and compared against the
 * kernel's own headers by buildtools/abi-check.
 *
 * The classic VFIO definitions (device info, regions, irqs, features) come
 * from the system's <linux/vfio.h>; only what Linux 6.1 lacks is defined
 * here, and the two headers can be included together.
 *
 * All iommufd ioctls are _IO(';', nr) without size or direction bits: the
 * argument struct starts with its own size (iommufd) or argsz (VFIO).
 */

#include <stddef.h>
#include <linux/ioctl.h>
#include <linux/types.h>

/* ioctl type character shared by iommufd and VFIO. */
#define IFD_IOMMUFD_TYPE (';')

/* iommufd command numbers (the nr of the ioctl). */
enum {
	IFD_IOMMUFD_CMD_BASE = 0x80,
	IFD_IOMMUFD_CMD_DESTROY = IFD_IOMMUFD_CMD_BASE,
	IFD_IOMMUFD_CMD_IOAS_ALLOC = 0x81,
	IFD_IOMMUFD_CMD_IOAS_ALLOW_IOVAS = 0x82,
	IFD_IOMMUFD_CMD_IOAS_COPY = 0x83,
	IFD_IOMMUFD_CMD_IOAS_IOVA_RANGES = 0x84,
	IFD_IOMMUFD_CMD_IOAS_MAP = 0x85,
	IFD_IOMMUFD_CMD_IOAS_UNMAP = 0x86,
	IFD_IOMMUFD_CMD_OPTION = 0x87,
	IFD_IOMMUFD_CMD_VFIO_IOAS = 0x88,
	IFD_IOMMUFD_CMD_HWPT_ALLOC = 0x89,
	IFD_IOMMUFD_CMD_GET_HW_INFO = 0x8a,
	IFD_IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING = 0x8b,
	IFD_IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP = 0x8c,
	IFD_IOMMUFD_CMD_HWPT_INVALIDATE = 0x8d,
	IFD_IOMMUFD_CMD_FAULT_QUEUE_ALLOC = 0x8e,
	IFD_IOMMUFD_CMD_IOAS_MAP_FILE = 0x8f,
	IFD_IOMMUFD_CMD_VIOMMU_ALLOC = 0x90,
	IFD_IOMMUFD_CMD_VDEVICE_ALLOC = 0x91,
	IFD_IOMMUFD_CMD_IOAS_CHANGE_PROCESS = 0x92,
	IFD_IOMMUFD_CMD_VEVENTQ_ALLOC = 0x93,
	IFD_IOMMUFD_CMD_HW_QUEUE_ALLOC = 0x94,
	IFD_IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA = 0x95,
};

/*
 * Objects
 */

/* IOMMU_DESTROY: destroy the object @id (IOAS, HWPT, fault queue, ...). */
struct ifd_iommu_destroy {
	__u32 size;
	__u32 id;
};
#define IFD_IOMMU_DESTROY _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_DESTROY)

/*
 * I/O address spaces (IOAS)
 */

/* IOMMU_IOAS_ALLOC: create an empty IOAS; flags must be 0. */
struct ifd_iommu_ioas_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_ioas_id;
};
#define IFD_IOMMU_IOAS_ALLOC _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_ALLOC)

/* One inclusive IOVA range [start, last]. */
struct ifd_iommu_iova_range {
	__aligned_u64 start;
	__aligned_u64 last;
};

/* IOMMU_IOAS_IOVA_RANGES: read the usable IOVA ranges of an IOAS. */
struct ifd_iommu_ioas_iova_ranges {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;		/* in: array capacity, out: range count */
	__u32 __reserved;
	__aligned_u64 allowed_iovas;	/* user pointer to ifd_iommu_iova_range[] */
	__aligned_u64 out_iova_alignment;
};
#define IFD_IOMMU_IOAS_IOVA_RANGES \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_IOVA_RANGES)

/* IOMMU_IOAS_ALLOW_IOVAS: ranges that later attachments must keep usable. */
struct ifd_iommu_ioas_allow_iovas {
	__u32 size;
	__u32 ioas_id;
	__u32 num_iovas;
	__u32 __reserved;
	__aligned_u64 allowed_iovas;	/* user pointer to ifd_iommu_iova_range[] */
};
#define IFD_IOMMU_IOAS_ALLOW_IOVAS \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_ALLOW_IOVAS)

/* Flags of IOAS_MAP, IOAS_MAP_FILE and IOAS_COPY. */
enum ifd_iommufd_ioas_map_flags {
	IFD_IOMMU_IOAS_MAP_FIXED_IOVA = 1 << 0,	/* use the given iova */
	IFD_IOMMU_IOAS_MAP_WRITEABLE = 1 << 1,	/* device may write */
	IFD_IOMMU_IOAS_MAP_READABLE = 1 << 2,	/* device may read */
};

/* IOMMU_IOAS_MAP: map user memory into an IOAS. */
struct ifd_iommu_ioas_map {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 user_va;
	__aligned_u64 length;
	__aligned_u64 iova;		/* in with FIXED_IOVA, else out */
};
#define IFD_IOMMU_IOAS_MAP _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_MAP)

/* IOMMU_IOAS_NOIOMMU_GET_PA: physical address behind an IOVA (noiommu only). */
struct ifd_iommu_ioas_noiommu_get_pa {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;		/* in: max bytes, out: contiguous bytes */
	__aligned_u64 out_phys;
};
#define IFD_IOMMU_IOAS_NOIOMMU_GET_PA \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_NOIOMMU_GET_PA)

/* IOMMU_IOAS_MAP_FILE: map a range of a memfd (or dma-buf) into an IOAS. */
struct ifd_iommu_ioas_map_file {
	__u32 size;
	__u32 flags;
	__u32 ioas_id;
	__s32 fd;
	__aligned_u64 start;		/* byte offset in the file */
	__aligned_u64 length;
	__aligned_u64 iova;		/* in with FIXED_IOVA, else out */
};
#define IFD_IOMMU_IOAS_MAP_FILE \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_MAP_FILE)

/* IOMMU_IOAS_COPY: map pages of an existing mapping into another IOAS. */
struct ifd_iommu_ioas_copy {
	__u32 size;
	__u32 flags;
	__u32 dst_ioas_id;
	__u32 src_ioas_id;
	__aligned_u64 length;
	__aligned_u64 dst_iova;
	__aligned_u64 src_iova;
};
#define IFD_IOMMU_IOAS_COPY _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_COPY)

/* IOMMU_IOAS_UNMAP: remove whole mappings from an IOAS. */
struct ifd_iommu_ioas_unmap {
	__u32 size;
	__u32 ioas_id;
	__aligned_u64 iova;
	__aligned_u64 length;		/* in: range, out: bytes unmapped */
};
#define IFD_IOMMU_IOAS_UNMAP _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_UNMAP)

/*
 * Options and the VFIO container compatibility path
 */

/* option_id values of IOMMU_OPTION. */
enum ifd_iommufd_option {
	IFD_IOMMU_OPTION_RLIMIT_MODE = 0,	/* global: 0 per user, 1 per process */
	IFD_IOMMU_OPTION_HUGE_PAGES = 1,	/* per IOAS: 1 allow large pages */
};

/* op values of IOMMU_OPTION. */
enum ifd_iommufd_option_ops {
	IFD_IOMMU_OPTION_OP_SET = 0,
	IFD_IOMMU_OPTION_OP_GET = 1,
};

/* IOMMU_OPTION: read or change a global or per-object option. */
struct ifd_iommu_option {
	__u32 size;
	__u32 option_id;
	__u16 op;
	__u16 __reserved;
	__u32 object_id;
	__aligned_u64 val64;
};
#define IFD_IOMMU_OPTION _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_OPTION)

/* op values of IOMMU_VFIO_IOAS. */
enum ifd_iommufd_vfio_ioas_op {
	IFD_IOMMU_VFIO_IOAS_GET = 0,
	IFD_IOMMU_VFIO_IOAS_SET = 1,
	IFD_IOMMU_VFIO_IOAS_CLEAR = 2,
};

/* IOMMU_VFIO_IOAS: IOAS served through the /dev/vfio/vfio emulation. */
struct ifd_iommu_vfio_ioas {
	__u32 size;
	__u32 ioas_id;
	__u16 op;
	__u16 __reserved;
};
#define IFD_IOMMU_VFIO_IOAS _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_VFIO_IOAS)

/*
 * Hardware page tables (HWPT)
 */

/* Flags of IOMMU_HWPT_ALLOC. */
enum ifd_iommufd_hwpt_alloc_flags {
	IFD_IOMMU_HWPT_ALLOC_NEST_PARENT = 1 << 0,	/* may be a stage-2 parent */
	IFD_IOMMU_HWPT_ALLOC_DIRTY_TRACKING = 1 << 1,	/* needs dirty tracking */
	IFD_IOMMU_HWPT_FAULT_ID_VALID = 1 << 2,		/* fault_id is set */
	IFD_IOMMU_HWPT_ALLOC_PASID = 1 << 3,		/* attachable to PASIDs */
};

/* Flags of ifd_iommu_hwpt_vtd_s1. */
enum ifd_iommu_hwpt_vtd_s1_flags {
	IFD_IOMMU_VTD_S1_SRE = 1 << 0,	/* supervisor requests */
	IFD_IOMMU_VTD_S1_EAFE = 1 << 1,	/* extended access flag */
	IFD_IOMMU_VTD_S1_WPE = 1 << 2,	/* write protect */
};

/* HWPT data of IOMMU_HWPT_DATA_VTD_S1: an Intel VT-d stage-1 table. */
struct ifd_iommu_hwpt_vtd_s1 {
	__aligned_u64 flags;
	__aligned_u64 pgtbl_addr;
	__u32 addr_width;
	__u32 __reserved;
};

/* HWPT data of IOMMU_HWPT_DATA_ARM_SMMUV3: a guest stream table entry. */
struct ifd_iommu_hwpt_arm_smmuv3 {
	__aligned_le64 ste[2];
};

/* HWPT data of IOMMU_HWPT_DATA_AMD_GUEST: a guest device table entry. */
struct ifd_iommu_hwpt_amd_guest {
	__aligned_u64 dte[4];
};

/* data_type values of IOMMU_HWPT_ALLOC. */
enum ifd_iommu_hwpt_data_type {
	IFD_IOMMU_HWPT_DATA_NONE = 0,
	IFD_IOMMU_HWPT_DATA_VTD_S1 = 1,
	IFD_IOMMU_HWPT_DATA_ARM_SMMUV3 = 2,
	IFD_IOMMU_HWPT_DATA_AMD_GUEST = 3,
};

/* IOMMU_HWPT_ALLOC: create a paging or nested HWPT (does not attach it). */
struct ifd_iommu_hwpt_alloc {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 pt_id;			/* IOAS, parent HWPT or vIOMMU */
	__u32 out_hwpt_id;
	__u32 __reserved;
	__u32 data_type;
	__u32 data_len;
	__aligned_u64 data_uptr;
	__u32 fault_id;			/* with IOMMU_HWPT_FAULT_ID_VALID */
	__u32 __reserved2;
};
#define IFD_IOMMU_HWPT_ALLOC _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_HWPT_ALLOC)

/*
 * Hardware information
 */

/* Flags of ifd_iommu_hw_info_vtd. */
enum ifd_iommu_hw_info_vtd_flags {
	IFD_IOMMU_HW_INFO_VTD_ERRATA_772415_SPR17 = 1 << 0,	/* no RO nest parents */
};

/* hw_info payload of IOMMU_HW_INFO_TYPE_INTEL_VTD. */
struct ifd_iommu_hw_info_vtd {
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 cap_reg;		/* raw VT-d capability register */
	__aligned_u64 ecap_reg;		/* raw VT-d extended capability register */
};

/* Flags of ifd_iommu_hw_info_arm_smmuv3. */
enum ifd_iommu_hw_info_arm_smmuv3_flags {
	IFD_IOMMU_HW_INFO_ARM_SMMUV3_ERRATA_REPEAT_TLBI_CFGI = 1 << 0,
};

/* hw_info payload of IOMMU_HW_INFO_TYPE_ARM_SMMUV3. */
struct ifd_iommu_hw_info_arm_smmuv3 {
	__u32 flags;
	__u32 __reserved;
	__u32 idr[6];			/* raw IDR0..IDR5 */
	__u32 iidr;
	__u32 aidr;
};

/* hw_info payload of IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV. */
struct ifd_iommu_hw_info_tegra241_cmdqv {
	__u32 flags;
	__u8 version;
	__u8 log2vcmdqs;
	__u8 log2vsids;
	__u8 __reserved;
};

/* hw_info payload of IOMMU_HW_INFO_TYPE_AMD. */
struct ifd_iommu_hw_info_amd {
	__aligned_u64 efr;		/* raw extended feature register */
	__aligned_u64 efr2;		/* raw extended feature register 2 */
};

/* Vendor payload types of IOMMU_GET_HW_INFO. */
enum ifd_iommu_hw_info_type {
	IFD_IOMMU_HW_INFO_TYPE_NONE = 0,
	IFD_IOMMU_HW_INFO_TYPE_DEFAULT = 0,
	IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD = 1,
	IFD_IOMMU_HW_INFO_TYPE_ARM_SMMUV3 = 2,
	IFD_IOMMU_HW_INFO_TYPE_TEGRA241_CMDQV = 3,
	IFD_IOMMU_HW_INFO_TYPE_AMD = 4,
};

/* Bits of ifd_iommu_hw_info.out_capabilities. */
enum ifd_iommufd_hw_capabilities {
	IFD_IOMMU_HW_CAP_DIRTY_TRACKING = 1 << 0,	/* dirty tracking usable */
	IFD_IOMMU_HW_CAP_PCI_PASID_EXEC = 1 << 1,	/* PASID execute enabled */
	IFD_IOMMU_HW_CAP_PCI_PASID_PRIV = 1 << 2,	/* PASID privileged enabled */
	IFD_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED = 1 << 3, /* ATS unusable */
};

/* Flags of IOMMU_GET_HW_INFO. */
enum ifd_iommufd_hw_info_flags {
	IFD_IOMMU_HW_INFO_FLAG_INPUT_TYPE = 1 << 0,	/* in_data_type is valid */
};

/* IOMMU_GET_HW_INFO: IOMMU facts about a bound device, PASID width included. */
struct ifd_iommu_hw_info {
	__u32 size;
	__u32 flags;
	__u32 dev_id;
	__u32 data_len;			/* in: buffer size, out: payload size */
	__aligned_u64 data_uptr;
	union {
		__u32 in_data_type;	/* with IOMMU_HW_INFO_FLAG_INPUT_TYPE */
		__u32 out_data_type;
	};
	__u8 out_max_pasid_log2;	/* 0: no PASID */
	__u8 __reserved[3];
	__aligned_u64 out_capabilities;
};
#define IFD_IOMMU_GET_HW_INFO _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_GET_HW_INFO)

/*
 * Dirty tracking
 */

/* Flags of IOMMU_HWPT_SET_DIRTY_TRACKING. */
enum ifd_iommufd_hwpt_set_dirty_tracking_flags {
	IFD_IOMMU_HWPT_DIRTY_TRACKING_ENABLE = 1,
};

/* IOMMU_HWPT_SET_DIRTY_TRACKING: start or stop dirty tracking of a HWPT. */
struct ifd_iommu_hwpt_set_dirty_tracking {
	__u32 size;
	__u32 flags;
	__u32 hwpt_id;
	__u32 __reserved;
};
#define IFD_IOMMU_HWPT_SET_DIRTY_TRACKING \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_HWPT_SET_DIRTY_TRACKING)

/* Flags of IOMMU_HWPT_GET_DIRTY_BITMAP. */
enum ifd_iommufd_hwpt_get_dirty_bitmap_flags {
	IFD_IOMMU_HWPT_GET_DIRTY_BITMAP_NO_CLEAR = 1,
};

/* IOMMU_HWPT_GET_DIRTY_BITMAP: read (and clear) the dirty bits of a range. */
struct ifd_iommu_hwpt_get_dirty_bitmap {
	__u32 size;
	__u32 hwpt_id;
	__u32 flags;
	__u32 __reserved;
	__aligned_u64 iova;
	__aligned_u64 length;
	__aligned_u64 page_size;
	__aligned_u64 data;		/* user pointer to the bitmap */
};
#define IFD_IOMMU_HWPT_GET_DIRTY_BITMAP \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_HWPT_GET_DIRTY_BITMAP)

/*
 * Cache invalidation of nested HWPTs and vIOMMUs
 */

/* data_type values of IOMMU_HWPT_INVALIDATE. */
enum ifd_iommu_hwpt_invalidate_data_type {
	IFD_IOMMU_HWPT_INVALIDATE_DATA_VTD_S1 = 0,
	IFD_IOMMU_VIOMMU_INVALIDATE_DATA_ARM_SMMUV3 = 1,
};

/* Flags of ifd_iommu_hwpt_vtd_s1_invalidate. */
enum ifd_iommu_hwpt_vtd_s1_invalidate_flags {
	IFD_IOMMU_VTD_INV_FLAGS_LEAF = 1 << 0,
};

/* One VT-d stage-1 invalidation entry. */
struct ifd_iommu_hwpt_vtd_s1_invalidate {
	__aligned_u64 addr;
	__aligned_u64 npages;
	__u32 flags;
	__u32 __reserved;
};

/* One SMMUv3 invalidation command. */
struct ifd_iommu_viommu_arm_smmuv3_invalidate {
	__aligned_le64 cmd[2];
};

/* IOMMU_HWPT_INVALIDATE: run an array of invalidation entries. */
struct ifd_iommu_hwpt_invalidate {
	__u32 size;
	__u32 hwpt_id;			/* nested HWPT or vIOMMU */
	__aligned_u64 data_uptr;
	__u32 data_type;
	__u32 entry_len;
	__u32 entry_num;		/* in: entries, out: entries handled */
	__u32 __reserved;
};
#define IFD_IOMMU_HWPT_INVALIDATE \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_HWPT_INVALIDATE)

/*
 * I/O page fault queues
 */

/* Flags of ifd_iommu_hwpt_pgfault. */
enum ifd_iommu_hwpt_pgfault_flags {
	IFD_IOMMU_PGFAULT_FLAGS_PASID_VALID = (1 << 0),
	IFD_IOMMU_PGFAULT_FLAGS_LAST_PAGE = (1 << 1),	/* last of its group */
};

/* Access bits of ifd_iommu_hwpt_pgfault.perm. */
enum ifd_iommu_hwpt_pgfault_perm {
	IFD_IOMMU_PGFAULT_PERM_READ = (1 << 0),
	IFD_IOMMU_PGFAULT_PERM_WRITE = (1 << 1),
	IFD_IOMMU_PGFAULT_PERM_EXEC = (1 << 2),
	IFD_IOMMU_PGFAULT_PERM_PRIV = (1 << 3),
};

/* A page fault record, read() from a fault queue fd. */
struct ifd_iommu_hwpt_pgfault {
	__u32 flags;
	__u32 dev_id;
	__u32 pasid;
	__u32 grpid;
	__u32 perm;
	__u32 __reserved;
	__aligned_u64 addr;
	__u32 length;
	__u32 cookie;			/* echo in the response */
};

/* code values of ifd_iommu_hwpt_page_response. */
enum ifd_iommufd_page_response_code {
	IFD_IOMMUFD_PAGE_RESP_SUCCESS = 0,
	IFD_IOMMUFD_PAGE_RESP_INVALID = 1,
};

/* A page fault response, write() to a fault queue fd. */
struct ifd_iommu_hwpt_page_response {
	__u32 cookie;
	__u32 code;
};

/* IOMMU_FAULT_QUEUE_ALLOC: create a fault queue object and its fd. */
struct ifd_iommu_fault_alloc {
	__u32 size;
	__u32 flags;
	__u32 out_fault_id;
	__u32 out_fault_fd;
};
#define IFD_IOMMU_FAULT_QUEUE_ALLOC \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_FAULT_QUEUE_ALLOC)

/*
 * Virtual IOMMUs, virtual devices, event queues, hardware queues
 */

/* type values of IOMMU_VIOMMU_ALLOC. */
enum ifd_iommu_viommu_type {
	IFD_IOMMU_VIOMMU_TYPE_DEFAULT = 0,
	IFD_IOMMU_VIOMMU_TYPE_ARM_SMMUV3 = 1,
	IFD_IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV = 2,
};

/* vIOMMU data of IOMMU_VIOMMU_TYPE_TEGRA241_CMDQV: mmap window of the VINTF. */
struct ifd_iommu_viommu_tegra241_cmdqv {
	__aligned_u64 out_vintf_mmap_offset;
	__aligned_u64 out_vintf_mmap_length;
};

/* IOMMU_VIOMMU_ALLOC: create a vIOMMU over a nesting parent HWPT. */
struct ifd_iommu_viommu_alloc {
	__u32 size;
	__u32 flags;
	__u32 type;
	__u32 dev_id;
	__u32 hwpt_id;
	__u32 out_viommu_id;
	__u32 data_len;
	__u32 __reserved;
	__aligned_u64 data_uptr;
};
#define IFD_IOMMU_VIOMMU_ALLOC _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_VIOMMU_ALLOC)

/* IOMMU_VDEVICE_ALLOC: give a device its guest-visible ID in a vIOMMU. */
struct ifd_iommu_vdevice_alloc {
	__u32 size;
	__u32 viommu_id;
	__u32 dev_id;
	__u32 out_vdevice_id;
	__aligned_u64 virt_id;
};
#define IFD_IOMMU_VDEVICE_ALLOC \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_VDEVICE_ALLOC)

/* IOMMU_IOAS_CHANGE_PROCESS: charge all pinned pages to the caller. */
struct ifd_iommu_ioas_change_process {
	__u32 size;
	__u32 __reserved;
};
#define IFD_IOMMU_IOAS_CHANGE_PROCESS \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_IOAS_CHANGE_PROCESS)

/* Flags of ifd_iommufd_vevent_header. */
enum ifd_iommu_veventq_flag {
	IFD_IOMMU_VEVENTQ_FLAG_LOST_EVENTS = (1U << 0),
};

/* Header of each record read() from a vEVENTQ fd. */
struct ifd_iommufd_vevent_header {
	__u32 flags;
	__u32 sequence;
};

/* type values of IOMMU_VEVENTQ_ALLOC. */
enum ifd_iommu_veventq_type {
	IFD_IOMMU_VEVENTQ_TYPE_DEFAULT = 0,
	IFD_IOMMU_VEVENTQ_TYPE_ARM_SMMUV3 = 1,
	IFD_IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV = 2,
};

/* vEVENT payload of IOMMU_VEVENTQ_TYPE_ARM_SMMUV3. */
struct ifd_iommu_vevent_arm_smmuv3 {
	__aligned_le64 evt[4];
};

/* vEVENT payload of IOMMU_VEVENTQ_TYPE_TEGRA241_CMDQV. */
struct ifd_iommu_vevent_tegra241_cmdqv {
	__aligned_le64 lvcmdq_err_map[2];
};

/* IOMMU_VEVENTQ_ALLOC: create a vIOMMU event queue and its fd. */
struct ifd_iommu_veventq_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 veventq_depth;
	__u32 out_veventq_id;
	__u32 out_veventq_fd;
	__u32 __reserved;
};
#define IFD_IOMMU_VEVENTQ_ALLOC \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_VEVENTQ_ALLOC)

/* type values of IOMMU_HW_QUEUE_ALLOC. */
enum ifd_iommu_hw_queue_type {
	IFD_IOMMU_HW_QUEUE_TYPE_DEFAULT = 0,
	IFD_IOMMU_HW_QUEUE_TYPE_TEGRA241_CMDQV = 1,
};

/* IOMMU_HW_QUEUE_ALLOC: hand a guest queue to the vIOMMU hardware. */
struct ifd_iommu_hw_queue_alloc {
	__u32 size;
	__u32 flags;
	__u32 viommu_id;
	__u32 type;
	__u32 index;
	__u32 out_hw_queue_id;
	__aligned_u64 nesting_parent_iova;
	__aligned_u64 length;
};
#define IFD_IOMMU_HW_QUEUE_ALLOC \
	_IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_HW_QUEUE_ALLOC)

/*
 * VFIO device cdev (/dev/vfio/devices/vfioN) ioctls for iommufd
 */

/* ioctl type character and first nr of VFIO. */
#define IFD_VFIO_TYPE (';')
#define IFD_VFIO_BASE 100

/* VFIO_DEVICE_BIND_IOMMUFD: bind a device cdev to an iommufd. */
struct ifd_vfio_device_bind_iommufd {
	__u32 argsz;
	__u32 flags;
	__s32 iommufd;
	__u32 out_devid;		/* dev_id for the iommufd ioctls */
	__aligned_u64 token_uuid_ptr;	/* 16-byte VF token, with FLAG_TOKEN */
};
#define IFD_VFIO_DEVICE_BIND_FLAG_TOKEN (1 << 0)
#define IFD_VFIO_DEVICE_BIND_IOMMUFD _IO(IFD_VFIO_TYPE, IFD_VFIO_BASE + 18)

/* VFIO_DEVICE_ATTACH_IOMMUFD_PT: attach the RID or a PASID to an IOAS/HWPT. */
struct ifd_vfio_device_attach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pt_id;			/* in: IOAS or HWPT, out: HWPT */
	__u32 pasid;			/* with VFIO_DEVICE_ATTACH_PASID */
};
#define IFD_VFIO_DEVICE_ATTACH_PASID (1 << 0)
#define IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT _IO(IFD_VFIO_TYPE, IFD_VFIO_BASE + 19)

/* VFIO_DEVICE_DETACH_IOMMUFD_PT: detach the RID or a PASID (DMA blocked). */
struct ifd_vfio_device_detach_iommufd_pt {
	__u32 argsz;
	__u32 flags;
	__u32 pasid;			/* with VFIO_DEVICE_DETACH_PASID */
};
#define IFD_VFIO_DEVICE_DETACH_PASID (1 << 0)
#define IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT _IO(IFD_VFIO_TYPE, IFD_VFIO_BASE + 20)

/* VFIO_DEVICE_FEATURE index: export BAR ranges as a dma-buf. */
#define IFD_VFIO_DEVICE_FEATURE_DMA_BUF 11

/* One byte range of a region. */
struct ifd_vfio_region_dma_range {
	__u64 offset;
	__u64 length;
};

/* Feature data of VFIO_DEVICE_FEATURE_DMA_BUF. */
struct ifd_vfio_device_feature_dma_buf {
	__u32 region_index;
	__u32 open_flags;		/* O_* flags of the dma-buf file */
	__u32 flags;
	__u32 nr_ranges;
	struct ifd_vfio_region_dma_range dma_ranges[];
};

/*
 * Layout checks (iommufd_uapi_layout.h). buildtools/abi-check compares the
 * whole header with the kernel's own headers; it defines
 * IOMMUFD_UAPI_NO_LAYOUT_CHECKS to measure modified copies.
 */
#ifndef IOMMUFD_UAPI_NO_LAYOUT_CHECKS
#include "iommufd_uapi_layout.h"
#endif

#endif /* _IOMMUFD_UAPI_H_ */
