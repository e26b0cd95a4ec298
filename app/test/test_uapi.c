/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Unit test of the project's uAPI headers: iommufd_uapi.h (and the self-test
 * header) must be usable together with the system's <linux/vfio.h>, and a
 * few well-known ioctl numbers, flags and layouts must hold at run time.
 * The full comparison with the kernel's headers is buildtools/abi-check.
 */

#include <stddef.h>
#include <linux/ioctl.h>
#include <linux/vfio.h>

#include "iommufd_uapi.h"
#include "iommufd_test_uapi.h"

#include "test.h"

/* Every iommufd and VFIO cdev ioctl is _IO(';', nr): no size, no direction. */
static int
check_io(unsigned long cmd, unsigned int nr)
{
	TEST_ASSERT_EQUAL(_IOC_TYPE(cmd), ';', "type of ioctl %#lx", cmd);
	TEST_ASSERT_EQUAL(_IOC_NR(cmd), nr, "nr of ioctl %#lx", cmd);
	TEST_ASSERT_EQUAL(_IOC_SIZE(cmd), 0, "size bits of ioctl %#lx", cmd);
	TEST_ASSERT_EQUAL(_IOC_DIR(cmd), _IOC_NONE, "direction of ioctl %#lx", cmd);
	return TEST_SUCCESS;
}

static int
test_iommufd_ioctl_numbers(void)
{
	static const struct {
		unsigned long cmd;
		unsigned long value;
	} cmds[] = {
		{ IFD_IOMMU_DESTROY, 0x3B80 },
		{ IFD_IOMMU_IOAS_ALLOC, 0x3B81 },
		{ IFD_IOMMU_IOAS_MAP, 0x3B85 },
		{ IFD_IOMMU_IOAS_UNMAP, 0x3B86 },
		{ IFD_IOMMU_HWPT_ALLOC, 0x3B89 },
		{ IFD_IOMMU_GET_HW_INFO, 0x3B8A },
		{ IFD_IOMMU_FAULT_QUEUE_ALLOC, 0x3B8E },
		{ IFD_IOMMU_IOAS_MAP_FILE, 0x3B8F },
		{ IFD_IOMMU_HW_QUEUE_ALLOC, 0x3B94 },
		{ IFD_IOMMU_IOAS_NOIOMMU_GET_PA, 0x3B95 },
		{ IFD_IOMMU_TEST_CMD, 0x3BA0 },
	};
	unsigned int i;

	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		TEST_ASSERT_EQUAL(cmds[i].cmd, cmds[i].value, "entry %u", i);
		if (check_io(cmds[i].cmd, cmds[i].value & 0xff) != TEST_SUCCESS)
			return TEST_FAILED;
	}
	TEST_ASSERT_EQUAL(IFD_IOMMU_GET_HW_INFO,
			  _IO(IFD_IOMMUFD_TYPE, IFD_IOMMUFD_CMD_GET_HW_INFO), "");
	return TEST_SUCCESS;
}

static int
test_vfio_cdev_ioctl_numbers(void)
{
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_BIND_IOMMUFD, 0x3B76, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, 0x3B77, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, 0x3B78, "");
	if (check_io(IFD_VFIO_DEVICE_BIND_IOMMUFD, 118) != TEST_SUCCESS ||
	    check_io(IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, 119) != TEST_SUCCESS ||
	    check_io(IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, 120) != TEST_SUCCESS)
		return TEST_FAILED;

	/* Same numbering space as the system's classic VFIO ioctls. */
	TEST_ASSERT_EQUAL(IFD_VFIO_TYPE, VFIO_TYPE, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_BASE, VFIO_BASE, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_BIND_IOMMUFD, VFIO_DEVICE_FEATURE + 1,
			  "BIND_IOMMUFD follows VFIO_DEVICE_FEATURE");
	TEST_ASSERT_EQUAL(VFIO_DEVICE_GET_INFO, 0x3B6B, "");
	return TEST_SUCCESS;
}

static int
test_pasid_flags(void)
{
	TEST_ASSERT_EQUAL(IFD_IOMMU_HWPT_ALLOC_PASID, 1 << 3, "");
	TEST_ASSERT_EQUAL(IFD_IOMMU_HW_CAP_DIRTY_TRACKING, 1 << 0, "");
	TEST_ASSERT_EQUAL(IFD_IOMMU_HW_CAP_PCI_PASID_EXEC, 1 << 1, "");
	TEST_ASSERT_EQUAL(IFD_IOMMU_HW_CAP_PCI_PASID_PRIV, 1 << 2, "");
	TEST_ASSERT_EQUAL(IFD_IOMMU_HW_CAP_PCI_ATS_NOT_SUPPORTED, 1 << 3, "");
	TEST_ASSERT_EQUAL(IFD_IOMMU_HW_INFO_FLAG_INPUT_TYPE, 1 << 0, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_BIND_FLAG_TOKEN, 1 << 0, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_ATTACH_PASID, 1 << 0, "");
	TEST_ASSERT_EQUAL(IFD_VFIO_DEVICE_DETACH_PASID, 1 << 0, "");
	TEST_ASSERT_EQUAL(IFD_MOCK_FLAGS_DEVICE_PASID, 1 << 2, "");
	return TEST_SUCCESS;
}

static int
test_layouts(void)
{
	struct ifd_iommu_hw_info info = { .size = sizeof(info) };
	struct ifd_vfio_device_attach_iommufd_pt attach = {
		.argsz = sizeof(attach),
		.flags = IFD_VFIO_DEVICE_ATTACH_PASID,
		.pt_id = 7,
		.pasid = 1,
	};

	TEST_ASSERT_EQUAL(sizeof(info), 40, "");
	TEST_ASSERT_EQUAL(offsetof(struct ifd_iommu_hw_info, out_max_pasid_log2), 28, "");
	TEST_ASSERT_EQUAL(offsetof(struct ifd_iommu_hw_info, out_capabilities), 32,
			  "end of the Linux 6.6 struct");
	info.in_data_type = IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD;
	TEST_ASSERT_EQUAL(info.out_data_type, IFD_IOMMU_HW_INFO_TYPE_INTEL_VTD,
			  "in_data_type and out_data_type share their storage");

	TEST_ASSERT_EQUAL(sizeof(struct ifd_vfio_device_bind_iommufd), 24, "");
	TEST_ASSERT_EQUAL(offsetof(struct ifd_vfio_device_bind_iommufd, token_uuid_ptr),
			  16, "end of the Linux 6.6 struct");
	TEST_ASSERT_EQUAL(attach.argsz, 16, "");
	TEST_ASSERT_EQUAL(offsetof(struct ifd_vfio_device_attach_iommufd_pt, pasid), 12, "");
	TEST_ASSERT_EQUAL(sizeof(struct ifd_vfio_device_detach_iommufd_pt), 12, "");
	TEST_ASSERT_EQUAL(sizeof(struct ifd_iommu_hwpt_alloc), 48, "");
	TEST_ASSERT_EQUAL(sizeof(struct ifd_iommu_hwpt_pgfault), 40, "");
	TEST_ASSERT_EQUAL(sizeof(struct ifd_iommu_hwpt_page_response), 8, "");
	TEST_ASSERT_EQUAL(sizeof(struct ifd_iommu_test_cmd), 72, "");
	TEST_ASSERT_EQUAL(offsetof(struct ifd_iommu_test_cmd, pasid_check.hwpt_id), 20, "");

	/* A classic definition of the system header stays usable alongside. */
	TEST_ASSERT(sizeof(struct vfio_device_info) >= 16, "");
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE(test_iommufd_ioctl_numbers),
	TEST_CASE(test_vfio_cdev_ioctl_numbers),
	TEST_CASE(test_pasid_flags),
	TEST_CASE(test_layouts),
	TEST_CASES_END(),
};

int
main(void)
{
	return test_run("uapi", cases);
}
