/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Telemetry commands (dpdk-telemetry.py):
 *   /iommufd/devices           the mode and the devices served over iommufd
 *   /iommufd/caps,DDDD:BB:DD.F IOMMU hardware information of one device
 *   /iommufd/mappings          DMA mappings of the containers
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include <rte_telemetry.h>

#include "bus_iommufd_private.h"
#include "rte_bus_iommufd.h"

/* rte_tel_data_add_dict_u64 is deprecated in 24.11 and gone in 25.11. */
#if IFB_HAVE_TEL_UINT
#define tel_add_u64 rte_tel_data_add_dict_uint
#else
#define tel_add_u64 rte_tel_data_add_dict_u64
#endif

static const char *
mode_name(enum ifb_mode mode)
{
	switch (mode) {
	case IFB_MODE_IOMMUFD:
		return "iommufd";
	case IFB_MODE_TYPE1:
		return "type1";
	case IFB_MODE_FAILED:
		return "failed";
	default:
		return "undecided";
	}
}

static int
tel_devices(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *list;
	struct ifb_device *idev;

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	list = rte_tel_data_alloc();
	if (list == NULL)
		return -ENOMEM;
	rte_tel_data_start_dict(d);
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&ifb.lock);
	rte_tel_data_add_dict_string(d, "mode", mode_name(ifb.mode));
	rte_tel_data_add_dict_string(d, "reason", ifb.mode_reason);
	rte_tel_data_add_dict_int(d, "iommufd", ifb.ctx != NULL ? rte_iommufd_fd(ifb.ctx) : -1);
	TAILQ_FOREACH(idev, &ifb.devices, next)
		rte_tel_data_add_array_string(list, idev->name);
	pthread_mutex_unlock(&ifb.lock);
	rte_tel_data_add_dict_container(d, "devices", list, 0);
	return 0;
}

static int
tel_caps(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_bus_iommufd_caps caps;
	struct rte_iommufd_hw_info info;
	struct ifb_device *idev;
	bool regs = false;
	int fd;

	RTE_SET_USED(cmd);
	if (params == NULL || rte_bus_iommufd_device_caps(params, &caps) < 0)
		return -EINVAL;
	pthread_mutex_lock(&ifb.lock);
	idev = ifb_device_find(caps.name);
	fd = idev != NULL ? idev->fd : -1;
	/* VT-d: flags, cap_reg, ecap_reg (the kernel's current answer). */
	if (idev != NULL && idev->dev != NULL && caps.hw_info_type == 1) {
		ifb_quiet_begin();
		regs = rte_iommufd_device_hw_info(idev->dev, &info) == 0 && info.data_len >= 16;
		ifb_quiet_end();
	}
	pthread_mutex_unlock(&ifb.lock);
	rte_tel_data_start_dict(d);
	rte_tel_data_add_dict_string(d, "device", caps.name);
	rte_tel_data_add_dict_int(d, "iommu_group", caps.iommu_group);
	rte_tel_data_add_dict_int(d, "fd", fd);
	if (caps.dev_id != 0)
		rte_tel_data_add_dict_int(d, "dev_id", (int)caps.dev_id);
	rte_tel_data_add_dict_int(d, "page_table", (int)caps.page_table_id);
	rte_tel_data_add_dict_int(d, "pasid_capable_page_table", caps.pasid_page_table);
	rte_tel_data_add_dict_int(d, "ioas", (int)caps.ioas_id);
	rte_tel_data_add_dict_int(d, "hw_info_valid", caps.hw_info_valid);
	if (caps.hw_info_valid) {
		rte_tel_data_add_dict_int(d, "hw_info_type", (int)caps.hw_info_type);
		tel_add_u64(d, "capabilities", caps.capabilities);
		rte_tel_data_add_dict_int(d, "max_pasid_log2", caps.max_pasid_log2);
		rte_tel_data_add_dict_string(d, "pasid", caps.pasid_reason);
		if (regs) {
			tel_add_u64(d, "vtd_cap_reg", info.data[1]);
			tel_add_u64(d, "vtd_ecap_reg", info.data[2]);
		}
	}
	return 0;
}

static int
tel_mappings(const char *cmd, const char *params, struct rte_tel_data *d)
{
	struct rte_tel_data *c;
	unsigned int i;
	char name[32];

	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	rte_tel_data_start_dict(d);
	pthread_mutex_lock(&ifb.lock);
	tel_add_u64(d, "memseg_bytes", ifb.memseg_bytes);
	tel_add_u64(d, "map_calls", ifb.map_calls);
	tel_add_u64(d, "map_splits", ifb.map_splits);
	rte_tel_data_add_dict_int(d, "match_allocations", ifb.match_allocations);
	tel_add_u64(d, "unmap_calls", ifb.unmap_calls);
	tel_add_u64(d, "map_errors", ifb.map_errors);
	for (i = 0; i < IFB_MAX_CONTAINERS; i++) {
		const struct ifb_container *cont = &ifb.conts[i];
		char ranges[256];

		if (!cont->used)
			continue;
		c = rte_tel_data_alloc();
		if (c == NULL)
			break;
		rte_tel_data_start_dict(c);
		rte_tel_data_add_dict_int(c, "container_fd", cont->key);
		rte_tel_data_add_dict_int(c, "ioas", (int)cont->ioas_id);
		rte_tel_data_add_dict_int(c, "devices", (int)cont->nb_devices);
		rte_tel_data_add_dict_int(c, "groups", (int)cont->nb_groups);
		rte_tel_data_add_dict_int(c, "user_mappings", (int)cont->nb_maps);
		rte_tel_data_add_dict_int(c, "page_tables",
					  (int)rte_iommufd_space_hwpts(cont->space));
		ifb_ranges_str(cont, ranges, sizeof(ranges));
		rte_tel_data_add_dict_string(c, "iova_ranges", ranges);
		snprintf(name, sizeof(name), "container%u", i);
		rte_tel_data_add_dict_container(d, name, c, 0);
	}
	pthread_mutex_unlock(&ifb.lock);
	return 0;
}

static int
tel_pasids(const char *cmd, const char *params, struct rte_tel_data *d)
{
	RTE_SET_USED(cmd);
	RTE_SET_USED(params);
	return ifb_pasid_telemetry(d);
}

void
ifb_telemetry_init(void)
{
	rte_telemetry_register_cmd("/iommufd/devices", tel_devices,
		"The VFIO mode (iommufd or type1) and the devices served over iommufd. No parameters");
	rte_telemetry_register_cmd("/iommufd/caps", tel_caps,
		"IOMMU information of a device (hardware info, PASID width, page table). Parameters: PCI address");
	rte_telemetry_register_cmd("/iommufd/mappings", tel_mappings,
		"DMA mappings: DPDK memory and user mappings per container. No parameters");
	rte_telemetry_register_cmd("/iommufd/pasids", tel_pasids,
		"PASIDs this process has attached, as DEVICE:PASID. No parameters");
}
