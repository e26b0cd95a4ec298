/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * dpdk-iommufd-info: what iommufd and the IOMMU say about the PCI devices
 * bound to vfio-pci. See doc/guides/info_tool.rst for the JSON schema.
 */

#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

static const char *sysfs = "/sys";
static bool colour;

struct pci_dev {
	char bdf[16];
	char driver[32];
	char cdev[32];
	char group[16];
	int numa_node;
	unsigned int vendor, device;
};

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
pci_dev_read(const char *bdf, struct pci_dev *d)
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

/* The PCI devices bound to vfio-pci, sorted by address. */
static int
list_vfio_devices(struct pci_dev **out, unsigned int *n)
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

		if (de->d_name[0] == '.' || pci_dev_read(de->d_name, &pd) < 0 ||
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

/* Returns EXIT_OK, or EXIT_DEVICE_ERROR for a failure other than busy. */
static int
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

static const char *
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

/* The fields of one group: "summary" (hw_info_type aside) or the vendor's. */
static bool
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

#define N_KERNEL_LACKS (sizeof(kernel_lacks) / sizeof(kernel_lacks[0]))

/* The k-th lack in words, or NULL when the kernel has that feature. */
static const char *
kernel_lack(size_t k, uint64_t features, bool pasid_probed)
{
	if (features & kernel_lacks[k].feature)
		return NULL;
	if (kernel_lacks[k].feature == RTE_IOMMUFD_FEAT_PASID && !pasid_probed)
		return "kernel: PASID attach not probed (no device could be opened)";
	return kernel_lacks[k].lack;
}

/* ------------------------------------------------------------------ */
/* Human output                                                        */
/* ------------------------------------------------------------------ */

static void
h_title(int depth, const char *title)
{
	printf("%*s%s%s%s\n", depth * 2, "", colour ? "\033[1m" : "", title,
	       colour ? "\033[0m" : "");
}

static void __attribute__((format(printf, 3, 4)))
h_kv(int depth, const char *key, const char *fmt, ...)
{
	va_list ap;

	printf("%*s%-22s ", depth * 2, "", key);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static const char *
yes_no(bool b)
{
	return b ? "yes" : "no";
}

struct h_caps {
	bool summary;
	int depth;
};

static int
h_cap_field(const struct rte_iommufd_cap_field *f, void *arg)
{
	const struct h_caps *hc = arg;
	unsigned long long v = f->value;

	if (!cap_field_in(f, hc->summary))
		return 0;
	if (getenv("IOMMUFD_INFO_DESCRIBE") != NULL)
		printf("%*s# %s\n", hc->depth * 2, "", f->desc);
	switch (f->kind) {
	case RTE_IOMMUFD_CAP_BOOL: h_kv(hc->depth, f->name, "%s", yes_no(v != 0)); break;
	case RTE_IOMMUFD_CAP_HEX: h_kv(hc->depth, f->name, "0x%llx", v); break;
	default: h_kv(hc->depth, f->name, "%llu", v); break;
	}
	return 0;
}

static void
h_features(uint64_t f, bool pasid_probed)
{
	size_t k, shown = 0;
	int i;

	h_title(0, "iommufd features of the running kernel");
	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++)
		h_kv(1, rte_iommufd_feature_name(1ull << i), "%s", yes_no((f >> i) & 1));
	printf("what the running kernel lacks:\n");
	for (k = 0; k < N_KERNEL_LACKS; k++) {
		const char *s = kernel_lack(k, f, pasid_probed);

		if (s != NULL) {
			printf("  %s\n", s);
			shown++;
		}
	}
	if (shown == 0)
		printf("  nothing the library uses\n");
	putchar('\n');
}

/* A device, at depth 1 (the "devices" list has no title). */
static void
h_device(const struct dev_report *rep)
{
	const struct pci_dev *pd = rep->pd;
	const struct rte_iommufd_pasid_caps *pc = &rep->pc;
	const struct rte_iommufd_hw_info *info = &rep->info;
	struct h_caps hc;
	char title[96];
	uint32_t i;

	snprintf(title, sizeof(title), "%s  %04x:%04x", pd->bdf, pd->vendor, pd->device);
	h_title(1, title);
	h_kv(2, "pci_address", "%s", pd->bdf);
	h_kv(2, "id", "%04x:%04x", pd->vendor, pd->device);
	h_kv(2, "driver", "%s", pd->driver);
	h_kv(2, "cdev", "%s", pd->cdev[0] ? pd->cdev : "-");
	h_kv(2, "iommu_group", "%s", pd->group[0] ? pd->group : "-");
	h_kv(2, "numa_node", "%d", pd->numa_node);
	h_kv(2, "status", "%s", rep->status);
	if (rep->message[0] != '\0')
		h_kv(2, "message", "%s", rep->message);
	if (rep->has_info) {
		h_title(2, "iommu");
		h_kv(3, "type", "%s", hw_type_name(info->type));
		h_kv(3, "type_id", "%u", info->type);
		hc = (struct h_caps){ .summary = true, .depth = 3 };
		rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, h_cap_field, &hc);
		h_title(3, "vendor registers, decoded");
		hc = (struct h_caps){ .summary = false, .depth = 4 };
		rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, h_cap_field, &hc);
		h_title(2, "pasid");
		h_kv(3, "width", "%u", (unsigned int)pc->width);
		h_kv(3, "max_pasid", "%llu", (unsigned long long)pc->max_pasid);
		h_kv(3, "exec", "%s", yes_no(pc->exec));
		h_kv(3, "priv", "%s", yes_no(pc->priv));
		h_kv(3, "reason", "%s", rte_iommufd_pasid_reason_str(pc->reason));
		h_kv(2, "ats", "%s", yes_no(pc->ats));
		h_kv(2, "dirty_tracking", "%s",
		     yes_no((info->capabilities & RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING) != 0));
		h_kv(2, "capabilities", "0x%llx", (unsigned long long)info->capabilities);
	}
	if (rep->has_ranges) {
		h_kv(2, "iova_alignment", "%llu", (unsigned long long)rep->align);
		printf("    iova_ranges:\n");
		for (i = 0; i < rep->nranges; i++)
			printf("      0x%016llx - 0x%016llx\n",
			       (unsigned long long)rep->ranges[i].start,
			       (unsigned long long)rep->ranges[i].last);
	}
	putchar('\n');
}

/* ------------------------------------------------------------------ */
/* JSON output: one jansson document, dumped at the end                */
/* ------------------------------------------------------------------ */

/*
 * jansson's setters take ownership of the new value and return -1 when it
 * is NULL (allocation failed): each builder ORs them into one error flag.
 */

/* A string; bytes that are not UTF-8 (jansson refuses them) become '?'. */
static json_t *
j_str(const char *s)
{
	json_t *v;
	char *copy;
	size_t i;

	if (s == NULL)
		return json_null();
	v = json_string(s);
	if (v != NULL || (copy = strdup(s)) == NULL)
		return v;
	for (i = 0; copy[i] != '\0'; i++)
		if ((unsigned char)copy[i] >= 0x80)
			copy[i] = '?';
	v = json_string(copy);
	free(copy);
	return v;
}

/* 64-bit values are strings of hexadecimal: JSON numbers lose precision. */
static json_t *
j_hex(unsigned long long v)
{
	char buf[24];

	snprintf(buf, sizeof(buf), "0x%llx", v);
	return json_string(buf);
}

static int
j_set(json_t *obj, const char *key, json_t *val)
{
	return json_object_set_new(obj, key, val);
}

struct j_caps {
	bool summary;
	json_t *obj;
	int err;
};

static int
j_cap_field(const struct rte_iommufd_cap_field *f, void *arg)
{
	struct j_caps *jc = arg;
	json_t *v;

	if (!cap_field_in(f, jc->summary))
		return 0;
	switch (f->kind) {
	case RTE_IOMMUFD_CAP_BOOL: v = json_boolean(f->value != 0); break;
	case RTE_IOMMUFD_CAP_HEX: v = j_hex(f->value); break;
	default: v = json_integer((json_int_t)f->value); break;
	}
	jc->err |= j_set(jc->obj, f->name, v);
	return 0;
}

static json_t *
j_iommu(const struct dev_report *rep)
{
	const struct rte_iommufd_hw_info *info = &rep->info;
	json_t *o = json_object(), *vendor = json_object();
	struct j_caps jc = { .summary = true, .obj = o, .err = o == NULL || vendor == NULL };

	if (jc.err) {
		json_decref(vendor);
		json_decref(o);
		return NULL;
	}
	jc.err |= j_set(o, "type", json_string(hw_type_name(info->type)));
	jc.err |= j_set(o, "type_id", json_integer(info->type));
	rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, j_cap_field, &jc);
	jc.summary = false;
	jc.obj = vendor;
	rte_iommufd_hw_caps_foreach(info->type, info->data, rep->info_len, j_cap_field, &jc);
	jc.err |= j_set(o, "vendor", vendor);
	if (jc.err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
j_pasid(const struct rte_iommufd_pasid_caps *pc)
{
	json_t *o = json_object();
	int err = o == NULL;

	if (err)
		return NULL;
	err |= j_set(o, "width", json_integer(pc->width));
	err |= j_set(o, "max_pasid", json_integer((json_int_t)pc->max_pasid));
	err |= j_set(o, "exec", json_boolean(pc->exec));
	err |= j_set(o, "priv", json_boolean(pc->priv));
	err |= j_set(o, "reason", json_string(rte_iommufd_pasid_reason_str(pc->reason)));
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

static json_t *
j_ranges(const struct dev_report *rep)
{
	json_t *a = json_array(), *r;
	int err = a == NULL;
	uint32_t i;

	for (i = 0; i < rep->nranges && !err; i++) {
		r = json_object();
		err |= r == NULL;
		err |= j_set(r, "start", j_hex(rep->ranges[i].start));
		err |= j_set(r, "last", j_hex(rep->ranges[i].last));
		err |= json_array_append_new(a, r);
	}
	if (err) {
		json_decref(a);
		return NULL;
	}
	return a;
}

static json_t *
j_device(const struct dev_report *rep)
{
	const struct pci_dev *pd = rep->pd;
	const struct rte_iommufd_hw_info *info = &rep->info;
	json_t *o = json_object();
	char id[16];
	int err = o == NULL;

	if (err)
		return NULL;
	snprintf(id, sizeof(id), "%04x:%04x", pd->vendor, pd->device);
	err |= j_set(o, "pci_address", j_str(pd->bdf));
	err |= j_set(o, "id", j_str(id));
	err |= j_set(o, "driver", j_str(pd->driver));
	err |= j_set(o, "cdev", j_str(pd->cdev[0] ? pd->cdev : NULL));
	err |= j_set(o, "iommu_group", j_str(pd->group[0] ? pd->group : NULL));
	err |= j_set(o, "numa_node", json_integer(pd->numa_node));
	err |= j_set(o, "status", json_string(rep->status));
	if (rep->message[0] != '\0')
		err |= j_set(o, "message", j_str(rep->message));
	if (rep->has_info) {
		err |= j_set(o, "iommu", j_iommu(rep));
		err |= j_set(o, "pasid", j_pasid(&rep->pc));
		err |= j_set(o, "ats", json_boolean(rep->pc.ats));
		err |= j_set(o, "dirty_tracking", json_boolean(
			(info->capabilities & RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING) != 0));
		err |= j_set(o, "capabilities", j_hex(info->capabilities));
	}
	if (rep->has_ranges) {
		err |= j_set(o, "iova_alignment", json_integer((json_int_t)rep->align));
		err |= j_set(o, "iova_ranges", j_ranges(rep));
	}
	if (err) {
		json_decref(o);
		return NULL;
	}
	return o;
}

/* The document without its devices, which the caller appends to "devices". */
static json_t *
j_document(uint64_t f, bool pasid_probed)
{
	json_t *doc = json_object(), *feat = json_object(), *lacks = json_array();
	int err = doc == NULL || feat == NULL || lacks == NULL;
	size_t k;
	int i;

	if (err) {
		json_decref(doc);
		json_decref(feat);
		json_decref(lacks);
		return NULL;
	}
	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++)
		err |= j_set(feat, rte_iommufd_feature_name(1ull << i), json_boolean((f >> i) & 1));
	for (k = 0; k < N_KERNEL_LACKS; k++) {
		const char *s = kernel_lack(k, f, pasid_probed);

		if (s != NULL)
			err |= json_array_append_new(lacks, json_string(s));
	}
	err |= j_set(doc, "schema_version", json_integer(JSON_SCHEMA_VERSION));
	err |= j_set(doc, "kernel_features", feat);
	err |= j_set(doc, "kernel_lacks", lacks);
	err |= j_set(doc, "devices", json_array());
	if (err) {
		json_decref(doc);
		return NULL;
	}
	return doc;
}

/* ------------------------------------------------------------------ */
/* Main                                                                */
/* ------------------------------------------------------------------ */

/* Open and close one device so that the library probes PASID attach. */
static bool
probe_pasid(struct rte_iommufd *ctx, const struct pci_dev *devs, unsigned int n)
{
	struct rte_iommufd_device *dev;
	unsigned int i;

	for (i = 0; i < n; i++) {
		if (devs[i].cdev[0] == '\0' ||
		    rte_iommufd_device_open(ctx, devs[i].bdf, NULL, &dev) < 0)
			continue;
		rte_iommufd_device_close(dev);
		return true;
	}
	return false;
}

static void
quiet_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static void
usage(FILE *out, const char *prog)
{
	fprintf(out,
		"Usage: %s [--json] [--device BDF]... [--sysfs DIR] [--no-color]\n"
		"\n"
		"Lists the PCI devices bound to vfio-pci and, for each one it can open,\n"
		"what iommufd and the IOMMU report: IOMMU type and capabilities, PASID\n"
		"width, EXEC/PRIV, ATS, dirty tracking, IOVA ranges; and the iommufd\n"
		"features of the running kernel.\n"
		"\n"
		"  --json        machine-readable output (schema version %d)\n"
		"  --device BDF  only this device (repeatable)\n"
		"  --sysfs DIR   sysfs mount point (default /sys)\n"
		"  --no-color    no colour even on a terminal\n"
		"\n"
		"Exit status: 0 all listed devices queried (busy ones reported as busy),\n"
		"1 a device could not be queried or no memory, 2 usage, 3 no /dev/iommu,\n"
		"4 permission denied, 5 --device names no vfio-pci device.\n",
		prog, JSON_SCHEMA_VERSION);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "device", required_argument, NULL, 'd' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "no-color", no_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct pci_dev *devs = NULL;
	struct rte_iommufd *ctx = NULL;
	const char **wanted = NULL;
	unsigned int ndev = 0, nwanted = 0, i, j, shown = 0;
	bool json = false, no_colour = false, pasid_probed;
	json_t *doc = NULL;
	int c, ret, rc = EXIT_OK;

	wanted = calloc((size_t)argc, sizeof(*wanted));
	if (wanted == NULL)
		return EXIT_DEVICE_ERROR;
	while ((c = getopt_long(argc, argv, "jd:s:nh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': json = true; break;
		case 'd': wanted[nwanted++] = optarg; break;
		case 's': sysfs = optarg; break;
		case 'n': no_colour = true; break;
		case 'h': usage(stdout, argv[0]); free(wanted); return EXIT_OK;
		default: usage(stderr, argv[0]); free(wanted); return EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[optind]);
		usage(stderr, argv[0]);
		free(wanted);
		return EXIT_USAGE;
	}
	for (i = 0; i < nwanted; i++) {
		char norm[16];

		if (rte_iommufd_pci_addr_parse(wanted[i], norm, sizeof(norm)) < 0) {
			fprintf(stderr, "%s: --device %s: not a PCI address (DDDD:BB:DD.F)\n",
				argv[0], wanted[i]);
			free(wanted);
			return EXIT_USAGE;
		}
		wanted[i] = strdup(norm);
	}
	colour = !json && !no_colour && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL;
	/* Failures are reported in the output, not as log lines. */
	rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR);
	rte_iommufd_log_set_handler(quiet_log, NULL);

	ret = list_vfio_devices(&devs, &ndev);
	if (ret < 0) {
		fprintf(stderr, "%s: cannot list PCI devices under %s/bus/pci/devices: %s\n",
			argv[0], sysfs, strerror(-ret));
		rc = EXIT_DEVICE_ERROR;
		goto out;
	}
	for (i = 0; i < nwanted; i++) {
		for (j = 0; j < ndev; j++)
			if (strcmp(devs[j].bdf, wanted[i]) == 0)
				break;
		if (j == ndev) {
			fprintf(stderr, "%s: %s is not a PCI device bound to vfio-pci "
				"(bind it: echo vfio-pci > %s/bus/pci/devices/%s/driver_override; "
				"echo %s > %s/bus/pci/drivers_probe)\n", argv[0], wanted[i],
				sysfs, wanted[i], wanted[i], sysfs);
			rc = EXIT_NO_DEVICE;
			goto out;
		}
	}

	ret = rte_iommufd_open(&ctx);
	if (ret == -EACCES || ret == -EPERM) {
		fprintf(stderr, "%s: %s\n", argv[0], rte_iommufd_last_error());
		rc = EXIT_NO_ACCESS;
		goto out;
	}
	if (ret < 0) {
		fprintf(stderr, "%s: %s\n", argv[0], rte_iommufd_last_error());
		rc = EXIT_NO_IOMMUFD;
		goto out;
	}

	pasid_probed = probe_pasid(ctx, devs, ndev);
	if (json) {
		doc = j_document(rte_iommufd_features(ctx), pasid_probed);
		if (doc == NULL)
			goto nomem;
	} else {
		h_features(rte_iommufd_features(ctx), pasid_probed);
	}
	for (i = 0; i < ndev; i++) {
		struct dev_report rep;
		bool take = nwanted == 0;

		for (j = 0; j < nwanted && !take; j++)
			take = strcmp(devs[i].bdf, wanted[j]) == 0;
		if (!take)
			continue;
		shown++;
		if (query_device(ctx, &devs[i], &rep) != EXIT_OK)
			rc = EXIT_DEVICE_ERROR;
		if (json)
			ret = json_array_append_new(json_object_get(doc, "devices"), j_device(&rep));
		else
			h_device(&rep);
		free(rep.ranges);
		if (json && ret < 0)
			goto nomem;
	}
	if (json) {
		if (json_dumpf(doc, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) < 0)
			goto nomem;
		putchar('\n');
	} else if (shown == 0) {
		printf("no PCI device is bound to vfio-pci\n");
	}
	goto out;
nomem:
	fprintf(stderr, "%s: cannot build the JSON output: out of memory\n", argv[0]);
	rc = EXIT_DEVICE_ERROR;
out:
	json_decref(doc);
	rte_iommufd_close(ctx);
	free(devs);
	for (i = 0; i < nwanted; i++)
		free((void *)(uintptr_t)wanted[i]);
	free(wanted);
	return rc;
}
