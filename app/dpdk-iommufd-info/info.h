/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _INFO_H_
#define _INFO_H_

/*
 * dpdk-iommufd-info: the devices and their reports (devices.c), rendered
 * for people (human.c) or as one JSON document (json.c); main.c drives.
 */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "rte_iommufd.h"
#include "rte_iommufd_hw_caps.h"

/* Exit codes (documented in --help and the guide). */
enum {
	EXIT_OK = 0,          /* every device listed could be queried (busy ones are reported) */
	EXIT_DEVICE_ERROR = 1,/* a device could not be queried for another reason, or no memory */
	EXIT_USAGE = 2,       /* bad command line */
	EXIT_NO_IOMMUFD = 3,  /* /dev/iommu missing: no iommufd in the kernel */
	EXIT_NO_ACCESS = 4,   /* permission denied */
	EXIT_NO_DEVICE = 5,   /* --device names no vfio-pci device */
};

#define JSON_SCHEMA_VERSION 1

struct pci_dev {
	char bdf[16];
	char driver[32];
	char cdev[32];
	char group[16];
	int numa_node;
	unsigned int vendor, device;
};

/* What both output forms are made from. */
struct dev_report {
	const struct pci_dev *pd;
	const char *status;             /* "ok", "busy" or "error" */
	char message[512];              /* "" for none */
	bool has_info;                  /* info and pc are set */
	struct rte_iommufd_hw_info info;
	size_t info_len;                /* valid bytes of info.data */
	struct rte_iommufd_pasid_caps pc;
	bool has_ranges;                /* align, ranges, nranges are set */
	uint64_t align;
	struct rte_iommufd_iova_range *ranges;
	uint32_t nranges;
};

/* devices.c */

/* The PCI devices bound to vfio-pci under @sysfs, sorted by address. */
int list_vfio_devices(const char *sysfs, struct pci_dev **out, unsigned int *n);
/* Returns EXIT_OK, or EXIT_DEVICE_ERROR for a failure other than busy. */
int query_device(struct rte_iommufd *ctx, const struct pci_dev *pd, struct dev_report *rep);
const char *hw_type_name(uint32_t type);
/* Why the vendor registers are not valid (a reserved encoding), or NULL. */
const char *registers_note(const struct dev_report *rep);
/* The fields of one group: "summary" (hw_info_type aside) or the vendor's. */
bool cap_field_in(const struct rte_iommufd_cap_field *f, bool summary);
/* Number of kernel lacks known; the k-th in words, or NULL when the kernel
 * has that feature. */
size_t kernel_lack_count(void);
const char *kernel_lack(size_t k, uint64_t features, bool pasid_probed);

/* human.c */

void human_set_colour(bool on);
void h_features(uint64_t f, bool pasid_probed);
/* A device, at depth 1 (the "devices" list has no title). */
void h_device(const struct dev_report *rep);

/* json.c: NULL when out of memory. */

/* The document without its devices, which the caller appends to "devices". */
json_t *j_document(uint64_t f, bool pasid_probed);
json_t *j_device(const struct dev_report *rep);

#endif /* _INFO_H_ */
