/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Layout checks of iommufd_uapi.h (included at its end, only there):
 * struct sizes and member offsets of Linux 7.3 (the same for 32- and
 * 64-bit userspace), and the ioctl numbers. Written with
 * "buildtools/abi-check/abi-check.py --emit-asserts lib/iommufd/iommufd_uapi.h",
 * which takes the values from the kernel's own headers; the abi suite
 * compares the whole header with them again.
 */

#ifndef _IOMMUFD_UAPI_LAYOUT_H_
#define _IOMMUFD_UAPI_LAYOUT_H_

/* Also used by the self-test header's checks (app/test/iommufd_test_uapi.h). */
#define IOMMUFD_UAPI_SIZE(s, n) \
	_Static_assert(sizeof(struct s) == (n), "size of struct " #s)
#define IOMMUFD_UAPI_OFFSET(s, f, n) \
	_Static_assert(offsetof(struct s, f) == (n), "offset of " #s "." #f)
#define IOMMUFD_UAPI_VALUE(m, v) \
	_Static_assert((m) == (v), "value of " #m)

IOMMUFD_UAPI_SIZE(ifd_iommu_destroy, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_destroy, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_destroy, id, 4);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_alloc, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_alloc, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_alloc, out_ioas_id, 8);

IOMMUFD_UAPI_SIZE(ifd_iommu_iova_range, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_iova_range, start, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_iova_range, last, 8);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_iova_ranges, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_iova_ranges, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_iova_ranges, ioas_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_iova_ranges, num_iovas, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_iova_ranges, __reserved, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_iova_ranges, allowed_iovas, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_iova_ranges, out_iova_alignment, 24);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_allow_iovas, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_allow_iovas, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_allow_iovas, ioas_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_allow_iovas, num_iovas, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_allow_iovas, __reserved, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_allow_iovas, allowed_iovas, 16);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_map, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, ioas_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, __reserved, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, user_va, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map, iova, 32);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_noiommu_get_pa, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, ioas_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, __reserved, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, iova, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_noiommu_get_pa, out_phys, 32);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_map_file, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, ioas_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, fd, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, start, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_map_file, iova, 32);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_copy, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, dst_ioas_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, src_ioas_id, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, length, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, dst_iova, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_copy, src_iova, 32);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_unmap, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_unmap, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_unmap, ioas_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_unmap, iova, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_unmap, length, 16);

IOMMUFD_UAPI_SIZE(ifd_iommu_option, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_option, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_option, option_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_option, op, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_option, __reserved, 10);
IOMMUFD_UAPI_OFFSET(ifd_iommu_option, object_id, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_option, val64, 16);

IOMMUFD_UAPI_SIZE(ifd_iommu_vfio_ioas, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vfio_ioas, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vfio_ioas, ioas_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vfio_ioas, op, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vfio_ioas, __reserved, 10);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_vtd_s1, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1, pgtbl_addr, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1, addr_width, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1, __reserved, 20);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_arm_smmuv3, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_arm_smmuv3, ste, 0);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_amd_guest, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_amd_guest, dte, 0);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_alloc, 48);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, dev_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, pt_id, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, out_hwpt_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, __reserved, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, data_type, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, data_len, 28);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, data_uptr, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, fault_id, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_alloc, __reserved2, 44);

IOMMUFD_UAPI_SIZE(ifd_iommu_hw_info_vtd, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_vtd, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_vtd, __reserved, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_vtd, cap_reg, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_vtd, ecap_reg, 16);

IOMMUFD_UAPI_SIZE(ifd_iommu_hw_info_arm_smmuv3, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_arm_smmuv3, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_arm_smmuv3, __reserved, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_arm_smmuv3, idr, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_arm_smmuv3, iidr, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_arm_smmuv3, aidr, 36);

IOMMUFD_UAPI_SIZE(ifd_iommu_hw_info_tegra241_cmdqv, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_tegra241_cmdqv, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_tegra241_cmdqv, version, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_tegra241_cmdqv, log2vcmdqs, 5);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_tegra241_cmdqv, log2vsids, 6);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_tegra241_cmdqv, __reserved, 7);

IOMMUFD_UAPI_SIZE(ifd_iommu_hw_info_amd, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_amd, efr, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info_amd, efr2, 8);

IOMMUFD_UAPI_SIZE(ifd_iommu_hw_info, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, dev_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, data_len, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, data_uptr, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, in_data_type, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, out_data_type, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, out_max_pasid_log2, 28);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, __reserved, 29);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_info, out_capabilities, 32);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_set_dirty_tracking, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_set_dirty_tracking, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_set_dirty_tracking, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_set_dirty_tracking, hwpt_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_set_dirty_tracking, __reserved, 12);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_get_dirty_bitmap, 48);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, hwpt_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, flags, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, __reserved, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, iova, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, length, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, page_size, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_get_dirty_bitmap, data, 40);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_vtd_s1_invalidate, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1_invalidate, addr, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1_invalidate, npages, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1_invalidate, flags, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_vtd_s1_invalidate, __reserved, 20);

IOMMUFD_UAPI_SIZE(ifd_iommu_viommu_arm_smmuv3_invalidate, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_arm_smmuv3_invalidate, cmd, 0);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_invalidate, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, hwpt_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, data_uptr, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, data_type, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, entry_len, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, entry_num, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_invalidate, __reserved, 28);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_pgfault, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, dev_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, pasid, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, grpid, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, perm, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, __reserved, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, addr, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, length, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_pgfault, cookie, 36);

IOMMUFD_UAPI_SIZE(ifd_iommu_hwpt_page_response, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_page_response, cookie, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hwpt_page_response, code, 4);

IOMMUFD_UAPI_SIZE(ifd_iommu_fault_alloc, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_fault_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_fault_alloc, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_fault_alloc, out_fault_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_fault_alloc, out_fault_fd, 12);

IOMMUFD_UAPI_SIZE(ifd_iommu_viommu_tegra241_cmdqv, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_tegra241_cmdqv, out_vintf_mmap_offset, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_tegra241_cmdqv, out_vintf_mmap_length, 8);

IOMMUFD_UAPI_SIZE(ifd_iommu_viommu_alloc, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, type, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, dev_id, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, hwpt_id, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, out_viommu_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, data_len, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, __reserved, 28);
IOMMUFD_UAPI_OFFSET(ifd_iommu_viommu_alloc, data_uptr, 32);

IOMMUFD_UAPI_SIZE(ifd_iommu_vdevice_alloc, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vdevice_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vdevice_alloc, viommu_id, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vdevice_alloc, dev_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vdevice_alloc, out_vdevice_id, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vdevice_alloc, virt_id, 16);

IOMMUFD_UAPI_SIZE(ifd_iommu_ioas_change_process, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_change_process, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_ioas_change_process, __reserved, 4);

IOMMUFD_UAPI_SIZE(ifd_iommufd_vevent_header, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommufd_vevent_header, flags, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommufd_vevent_header, sequence, 4);

IOMMUFD_UAPI_SIZE(ifd_iommu_vevent_arm_smmuv3, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vevent_arm_smmuv3, evt, 0);

IOMMUFD_UAPI_SIZE(ifd_iommu_vevent_tegra241_cmdqv, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_vevent_tegra241_cmdqv, lvcmdq_err_map, 0);

IOMMUFD_UAPI_SIZE(ifd_iommu_veventq_alloc, 32);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, viommu_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, type, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, veventq_depth, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, out_veventq_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, out_veventq_fd, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_veventq_alloc, __reserved, 28);

IOMMUFD_UAPI_SIZE(ifd_iommu_hw_queue_alloc, 40);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, size, 0);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, viommu_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, type, 12);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, index, 16);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, out_hw_queue_id, 20);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, nesting_parent_iova, 24);
IOMMUFD_UAPI_OFFSET(ifd_iommu_hw_queue_alloc, length, 32);

IOMMUFD_UAPI_SIZE(ifd_vfio_device_bind_iommufd, 24);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_bind_iommufd, argsz, 0);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_bind_iommufd, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_bind_iommufd, iommufd, 8);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_bind_iommufd, out_devid, 12);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_bind_iommufd, token_uuid_ptr, 16);

IOMMUFD_UAPI_SIZE(ifd_vfio_device_attach_iommufd_pt, 16);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_attach_iommufd_pt, argsz, 0);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_attach_iommufd_pt, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_attach_iommufd_pt, pt_id, 8);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_attach_iommufd_pt, pasid, 12);

IOMMUFD_UAPI_SIZE(ifd_vfio_device_detach_iommufd_pt, 12);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_detach_iommufd_pt, argsz, 0);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_detach_iommufd_pt, flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_detach_iommufd_pt, pasid, 8);

IOMMUFD_UAPI_SIZE(ifd_vfio_region_dma_range, 16);
IOMMUFD_UAPI_OFFSET(ifd_vfio_region_dma_range, offset, 0);
IOMMUFD_UAPI_OFFSET(ifd_vfio_region_dma_range, length, 8);

IOMMUFD_UAPI_SIZE(ifd_vfio_device_feature_dma_buf, 16);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_feature_dma_buf, region_index, 0);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_feature_dma_buf, open_flags, 4);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_feature_dma_buf, flags, 8);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_feature_dma_buf, nr_ranges, 12);
IOMMUFD_UAPI_OFFSET(ifd_vfio_device_feature_dma_buf, dma_ranges, 16);

IOMMUFD_UAPI_VALUE(IFD_IOMMUFD_TYPE, 0x3b);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_DESTROY, 0x3b80);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_ALLOC, 0x3b81);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_IOVA_RANGES, 0x3b84);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_ALLOW_IOVAS, 0x3b82);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_MAP, 0x3b85);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_NOIOMMU_GET_PA, 0x3b95);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_MAP_FILE, 0x3b8f);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_COPY, 0x3b83);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_UNMAP, 0x3b86);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_OPTION, 0x3b87);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VFIO_IOAS, 0x3b88);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_ALLOC, 0x3b89);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_GET_HW_INFO, 0x3b8a);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_SET_DIRTY_TRACKING, 0x3b8b);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_GET_DIRTY_BITMAP, 0x3b8c);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HWPT_INVALIDATE, 0x3b8d);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_FAULT_QUEUE_ALLOC, 0x3b8e);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VIOMMU_ALLOC, 0x3b90);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VDEVICE_ALLOC, 0x3b91);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_IOAS_CHANGE_PROCESS, 0x3b92);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_VEVENTQ_ALLOC, 0x3b93);
IOMMUFD_UAPI_VALUE(IFD_IOMMU_HW_QUEUE_ALLOC, 0x3b94);
IOMMUFD_UAPI_VALUE(IFD_VFIO_TYPE, 0x3b);
IOMMUFD_UAPI_VALUE(IFD_VFIO_BASE, 0x64);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_BIND_FLAG_TOKEN, 0x1);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_BIND_IOMMUFD, 0x3b76);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_ATTACH_PASID, 0x1);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x3b77);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_DETACH_PASID, 0x1);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, 0x3b78);
IOMMUFD_UAPI_VALUE(IFD_VFIO_DEVICE_FEATURE_DMA_BUF, 0xb);

#endif /* _IOMMUFD_UAPI_LAYOUT_H_ */
