/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* The PCI devices bound to vfio-pci, and what the library says of each. */

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "info.h"

/* ------------------------------------------------------------------ */
/* sysfs                                                               */
/* ------------------------------------------------------------------ */

static int
read_line(const char *dir, const char *name, char *buf, size_t len)
{
	char path[PATH_MAX];
	FILE *f;

	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return -ENAMETOOLONG;
	f = fopen(path, "r");
	if (f == NULL)
		return -errno;
	if (fgets(buf, (int)len, f) == NULL) {
		fclose(f);
		return -EIO;
	}
	fclose(f);
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static void
link_base(const char *dir, const char *name, char *out, size_t len)
{
	char path[PATH_MAX], target[PATH_MAX];
	const char *b;
	ssize_t n;

	out[0] = '\0';
	if (snprintf(path, sizeof(path), "%s/%s", dir, name) >= (int)sizeof(path))
		return;
	n = readlink(path, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	b = strrchr(target, '/');
	snprintf(out, len, "%.*s", (int)len - 1, b != NULL ? b + 1 : target);
}

static int
pci_dev_read(const char *sysfs, const char *bdf, struct pci_dev *d)
{
	char dir[PATH_MAX], buf[64];

	memset(d, 0, sizeof(*d));
	if (strlen(bdf) >= sizeof(d->bdf))
		return -ENAMETOOLONG;
	memcpy(d->bdf, bdf, strlen(bdf) + 1);
	if (snprintf(dir, sizeof(dir), "%s/bus/pci/devices/%s", sysfs, bdf) >= (int)sizeof(dir))
		return -ENAMETOOLONG;
	link_base(dir, "driver", d->driver, sizeof(d->driver));
	link_base(dir, "iommu_group", d->group, sizeof(d->group));
	d->numa_node = read_line(dir, "numa_node", buf, sizeof(buf)) == 0 ? atoi(buf) : -1;
	if (read_line(dir, "vendor", buf, sizeof(buf)) == 0)
		d->vendor = (unsigned int)strtoul(buf, NULL, 16);
	if (read_line(dir, "device", buf, sizeof(buf)) == 0)
		d->device = (unsigned int)strtoul(buf, NULL, 16);
	if (strcmp(d->driver, "vfio-pci") == 0 &&
	    rte_iommufd_device_find_cdev(bdf, sysfs, d->cdev, sizeof(d->cdev)) < 0)
		d->cdev[0] = '\0';
	return 0;
}

static int
cmp_dev(const void *a, const void *b)
{
	return strcmp(((const struct pci_dev *)a)->bdf, ((const struct pci_dev *)b)->bdf);
}

int
list_vfio_devices(const char *sysfs, struct pci_dev **out, unsigned int *n)
{
	char dir[PATH_MAX];
	struct pci_dev *devs = NULL, *tmp;
	struct dirent *de;
	unsigned int cnt = 0;
	DIR *d;

	snprintf(dir, sizeof(dir), "%s/bus/pci/devices", sysfs);
	d = opendir(dir);
	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		struct pci_dev pd;

		if (de->d_name[0] == '.' || pci_dev_read(sysfs, de->d_name, &pd) < 0 ||
		    strcmp(pd.driver, "vfio-pci") != 0)
			continue;
		tmp = realloc(devs, (cnt + 1) * sizeof(*devs));
		if (tmp == NULL) {
			free(devs);
			closedir(d);
			return -ENOMEM;
		}
		devs = tmp;
		devs[cnt++] = pd;
	}
	closedir(d);
	if (cnt > 1)
		qsort(devs, cnt, sizeof(*devs), cmp_dev);
	*out = devs;
	*n = cnt;
	return 0;
}

/* ------------------------------------------------------------------ */
/* Querying a device: what both output forms are made from            */
/* ------------------------------------------------------------------ */

static void
query_ranges(struct rte_iommufd *ctx, struct rte_iommufd_device *dev, struct dev_report *rep)
{
	struct rte_iommufd_ioas *ioas = NULL;

	/* The ranges a device allows show once it is attached to an IOAS. */
	if (rte_iommufd_ioas_alloc(ctx, &ioas) < 0)
		return;
	if (rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL) == 0 &&
	    rte_iommufd_ioas_iova_ranges(ioas, &rep->ranges, &rep->nranges, &rep->align) == 0)
		rep->has_ranges = true;
	rte_iommufd_device_detach(dev);
	rte_iommufd_ioas_free(ioas);
}

int
query_device(struct rte_iommufd *ctx, const struct pci_dev *pd, struct dev_report *rep)
{
	struct rte_iommufd_device *dev = NULL;
	int ret, rc = EXIT_OK;

	memset(rep, 0, sizeof(*rep));
	rep->pd = pd;
	ret = ctx != NULL ? rte_iommufd_device_open(ctx, pd->bdf, NULL, &dev) : -ENODEV;
	if (ret == -EBUSY) {
		rep->status = "busy";
		snprintf(rep->message, sizeof(rep->message), "in use by another process or iommufd");
		return EXIT_OK;
	}
	if (ret < 0) {
		rep->status = "error";
		snprintf(rep->message, sizeof(rep->message), "%s",
			 ctx != NULL ? rte_iommufd_last_error() : "no iommufd");
		return EXIT_DEVICE_ERROR;
	}
	rep->status = "ok";
	if (rte_iommufd_device_hw_info(dev, &rep->info) < 0) {
		snprintf(rep->message, sizeof(rep->message), "%s", rte_iommufd_last_error());
		rc = EXIT_DEVICE_ERROR;
	} else {
		rep->has_info = true;
		rep->info_len = rep->info.data_len < sizeof(rep->info.data) ?
			rep->info.data_len : sizeof(rep->info.data);
		rte_iommufd_pasid_caps_from_hw_info(&rep->info, &rep->pc);
		query_ranges(ctx, dev, rep);
	}
	rte_iommufd_device_close(dev);
	return rc;
}

const char *
hw_type_name(uint32_t type)
{
	switch (type) {
	case RTE_IOMMUFD_HW_INFO_TYPE_NONE: return "none";
	case RTE_IOMMUFD_HW_INFO_TYPE_INTEL_VTD: return "intel-vtd";
	case RTE_IOMMUFD_HW_INFO_TYPE_ARM_SMMUV3: return "arm-smmuv3";
	case RTE_IOMMUFD_HW_INFO_TYPE_TEGRA241_CMDQV: return "tegra241-cmdqv";
	case RTE_IOMMUFD_HW_INFO_TYPE_AMD: return "amd";
	default: return "unknown";
	}
}

const char *
registers_note(const struct dev_report *rep)
{
	struct rte_iommufd_iommu_caps s;

	if (rte_iommufd_iommu_caps_from_raw(rep->info.type, rep->info.data, rep->info_len, &s) < 0 ||
	    s.valid)
		return NULL;
	return s.note;
}

bool
cap_field_in(const struct rte_iommufd_cap_field *f, bool summary)
{
	return (strcmp(f->group, "summary") == 0) == summary &&
		strcmp(f->name, "hw_info_type") != 0;
}

/*
 * What the running kernel lacks, in words: each feature the probe found
 * missing, with the kernel release that brought it. The probe decides,
 * never the version number.
 */
static const struct {
	uint64_t feature;
	const char *lack;
} kernel_lacks[] = {
	{ RTE_IOMMUFD_FEAT_HWPT_ALLOC, "kernel: no IOMMU_HWPT_ALLOC (needs Linux 6.6+)" },
	{ RTE_IOMMUFD_FEAT_HW_INFO, "kernel: no IOMMU_GET_HW_INFO (needs Linux 6.6+)" },
	{ RTE_IOMMUFD_FEAT_DIRTY_TRACKING, "kernel: no dirty tracking (needs Linux 6.7+)" },
	{ RTE_IOMMUFD_FEAT_HWPT_INVALIDATE, "kernel: no IOMMU_HWPT_INVALIDATE (needs Linux 6.8+)" },
	{ RTE_IOMMUFD_FEAT_FAULT_QUEUE, "kernel: no fault queues, IOMMU_FAULT_QUEUE_ALLOC (needs Linux 6.11+)" },
	{ RTE_IOMMUFD_FEAT_IOAS_MAP_FILE, "kernel: no IOMMU_IOAS_MAP_FILE (needs Linux 6.13+)" },
	{ RTE_IOMMUFD_FEAT_VIOMMU, "kernel: no vIOMMU objects (needs Linux 6.13+)" },
	{ RTE_IOMMUFD_FEAT_IOAS_CHANGE_PROCESS, "kernel: no IOMMU_IOAS_CHANGE_PROCESS (needs Linux 6.13+)" },
	{ RTE_IOMMUFD_FEAT_VEVENTQ, "kernel: no vEVENTQs (needs Linux 6.15+)" },
	{ RTE_IOMMUFD_FEAT_HW_INFO_PASID, "kernel: no PASID reporting in IOMMU_GET_HW_INFO (needs Linux 6.15+)" },
	{ RTE_IOMMUFD_FEAT_PASID, "kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)" },
	{ RTE_IOMMUFD_FEAT_HW_QUEUE, "kernel: no IOMMU_HW_QUEUE_ALLOC (needs Linux 6.17+)" },
	{ RTE_IOMMUFD_FEAT_HW_INFO_INPUT_TYPE, "kernel: no IOMMU type selection in IOMMU_GET_HW_INFO (needs Linux 6.17+)" },
};

size_t
kernel_lack_count(void)
{
	return sizeof(kernel_lacks) / sizeof(kernel_lacks[0]);
}

const char *
kernel_lack(size_t k, uint64_t features, bool pasid_probed)
{
	if (features & kernel_lacks[k].feature)
		return NULL;
	if (kernel_lacks[k].feature == RTE_IOMMUFD_FEAT_PASID && !pasid_probed)
		return "kernel: PASID attach not probed (no device could be opened)";
	return kernel_lacks[k].lack;
}
