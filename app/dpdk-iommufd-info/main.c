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

#include "rte_iommufd.h"
#include "rte_iommufd_hw_caps.h"

/* Exit codes (documented in --help and the guide). */
enum {
	EXIT_OK = 0,          /* every device listed could be queried (busy ones are reported) */
	EXIT_DEVICE_ERROR = 1,/* a device could not be queried for another reason */
	EXIT_USAGE = 2,       /* bad command line */
	EXIT_NO_IOMMUFD = 3,  /* /dev/iommu missing: no iommufd in the kernel */
	EXIT_NO_ACCESS = 4,   /* permission denied */
	EXIT_NO_DEVICE = 5,   /* --device names no vfio-pci device */
};

#define JSON_SCHEMA_VERSION 1

static const char *sysfs = "/sys";
static bool json, colour;

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
/* Output: one small writer for both human and JSON forms              */
/* ------------------------------------------------------------------ */

static int depth;
static bool need_comma;

static void
json_str(const char *s)
{
	putchar('"');
	for (; *s != '\0'; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c < 0x20)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void
json_key(const char *key)
{
	if (need_comma)
		putchar(',');
	printf("\n%*s", depth * 2, "");
	if (key != NULL) {
		json_str(key);
		printf(": ");
	}
	need_comma = true;
}

static void
obj_open(const char *key, const char *title)
{
	if (json) {
		json_key(key);
		putchar('{');
		need_comma = false;
	} else if (title != NULL) {
		printf("%*s%s%s%s\n", depth * 2, "", colour ? "\033[1m" : "", title,
		       colour ? "\033[0m" : "");
	}
	depth++;
}

static void
obj_close(void)
{
	depth--;
	if (json) {
		printf("\n%*s}", depth * 2, "");
		need_comma = true;
	}
}

static void
arr_open(const char *key, const char *title)
{
	if (json) {
		json_key(key);
		putchar('[');
		need_comma = false;
	} else if (title != NULL) {
		printf("%*s%s:\n", depth * 2, "", title);
	}
	depth++;
}

static void
arr_close(void)
{
	depth--;
	if (json) {
		printf("\n%*s]", depth * 2, "");
		need_comma = true;
	}
}

static void
kv_str(const char *key, const char *val)
{
	if (json) {
		json_key(key);
		if (val == NULL)
			printf("null");
		else
			json_str(val);
	} else {
		printf("%*s%-22s %s\n", depth * 2, "", key, val != NULL ? val : "-");
	}
}

static void
kv_uint(const char *key, unsigned long long val)
{
	if (json) {
		json_key(key);
		printf("%llu", val);
	} else {
		printf("%*s%-22s %llu\n", depth * 2, "", key, val);
	}
}

static void
kv_int(const char *key, long long val)
{
	if (json) {
		json_key(key);
		printf("%lld", val);
	} else {
		printf("%*s%-22s %lld\n", depth * 2, "", key, val);
	}
}

static void
kv_hex(const char *key, unsigned long long val)
{
	char buf[24];

	if (json) {
		/* JSON numbers lose 64-bit precision: hex values are strings. */
		snprintf(buf, sizeof(buf), "0x%llx", val);
		kv_str(key, buf);
	} else {
		printf("%*s%-22s 0x%llx\n", depth * 2, "", key, val);
	}
}

static void
kv_bool(const char *key, bool val)
{
	if (json) {
		json_key(key);
		printf("%s", val ? "true" : "false");
	} else {
		printf("%*s%-22s %s\n", depth * 2, "", key, val ? "yes" : "no");
	}
}

/* ------------------------------------------------------------------ */
/* Device report                                                       */
/* ------------------------------------------------------------------ */

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

/* Print the fields of one group: "summary" or the vendor's. */
static int
print_cap_field(const struct rte_iommufd_cap_field *f, void *arg)
{
	bool want_summary = *(const bool *)arg;

	if ((strcmp(f->group, "summary") == 0) != want_summary ||
	    strcmp(f->name, "hw_info_type") == 0)
		return 0;
	if (!json && getenv("IOMMUFD_INFO_DESCRIBE") != NULL)
		printf("%*s# %s\n", depth * 2, "", f->desc);
	switch (f->kind) {
	case RTE_IOMMUFD_CAP_BOOL:
		kv_bool(f->name, f->value != 0);
		break;
	case RTE_IOMMUFD_CAP_HEX:
		kv_hex(f->name, f->value);
		break;
	default:
		kv_uint(f->name, f->value);
		break;
	}
	return 0;
}

static void
print_ranges(struct rte_iommufd *ctx, struct rte_iommufd_device *dev)
{
	struct rte_iommufd_iova_range *r = NULL;
	struct rte_iommufd_ioas *ioas = NULL;
	uint64_t align = 0;
	uint32_t n = 0, i;

	/* The ranges a device allows show once it is attached to an IOAS. */
	if (rte_iommufd_ioas_alloc(ctx, &ioas) < 0)
		return;
	if (rte_iommufd_device_attach(dev, rte_iommufd_ioas_id(ioas), NULL) == 0 &&
	    rte_iommufd_ioas_iova_ranges(ioas, &r, &n, &align) == 0) {
		kv_uint("iova_alignment", align);
		arr_open("iova_ranges", "iova_ranges");
		for (i = 0; i < n; i++) {
			if (json) {
				obj_open(NULL, NULL);
				kv_hex("start", r[i].start);
				kv_hex("last", r[i].last);
				obj_close();
			} else {
				printf("%*s0x%016llx - 0x%016llx\n", depth * 2, "",
				       (unsigned long long)r[i].start,
				       (unsigned long long)r[i].last);
			}
		}
		arr_close();
		free(r);
	}
	rte_iommufd_device_detach(dev);
	rte_iommufd_ioas_free(ioas);
}

/* Returns EXIT_OK, or EXIT_DEVICE_ERROR for a failure other than busy. */
static int
report_device(struct rte_iommufd *ctx, const struct pci_dev *pd)
{
	struct rte_iommufd_device *dev = NULL;
	struct rte_iommufd_pasid_caps pc;
	struct rte_iommufd_hw_info info;
	size_t len;
	bool summary;
	char title[96], id[16];
	int ret, rc = EXIT_OK;

	snprintf(title, sizeof(title), "%s  %04x:%04x", pd->bdf, pd->vendor, pd->device);
	obj_open(NULL, title);
	kv_str("pci_address", pd->bdf);
	snprintf(id, sizeof(id), "%04x:%04x", pd->vendor, pd->device);
	kv_str("id", id);
	kv_str("driver", pd->driver);
	kv_str("cdev", pd->cdev[0] ? pd->cdev : NULL);
	kv_str("iommu_group", pd->group[0] ? pd->group : NULL);
	kv_int("numa_node", pd->numa_node);

	ret = ctx != NULL ? rte_iommufd_device_open(ctx, pd->bdf, NULL, &dev) : -ENODEV;
	if (ret == -EBUSY) {
		kv_str("status", "busy");
		kv_str("message", "in use by another process or iommufd");
		goto out;
	}
	if (ret < 0) {
		kv_str("status", "error");
		kv_str("message", ctx != NULL ? rte_iommufd_last_error() : "no iommufd");
		rc = EXIT_DEVICE_ERROR;
		goto out;
	}
	kv_str("status", "ok");
	ret = rte_iommufd_device_hw_info(dev, &info);
	if (ret < 0) {
		kv_str("message", rte_iommufd_last_error());
		rc = EXIT_DEVICE_ERROR;
		goto close;
	}
	len = info.data_len < sizeof(info.data) ? info.data_len : sizeof(info.data);
	obj_open("iommu", "iommu");
	kv_str("type", hw_type_name(info.type));
	kv_uint("type_id", info.type);
	summary = true;
	rte_iommufd_hw_caps_foreach(info.type, info.data, len, print_cap_field, &summary);
	obj_open("vendor", "vendor registers, decoded");
	summary = false;
	rte_iommufd_hw_caps_foreach(info.type, info.data, len, print_cap_field, &summary);
	obj_close();
	obj_close();

	rte_iommufd_pasid_caps_from_hw_info(&info, &pc);
	obj_open("pasid", "pasid");
	kv_uint("width", pc.width);
	kv_uint("max_pasid", pc.max_pasid);
	kv_bool("exec", pc.exec);
	kv_bool("priv", pc.priv);
	kv_str("reason", rte_iommufd_pasid_reason_str(pc.reason));
	obj_close();
	kv_bool("ats", pc.ats);
	kv_bool("dirty_tracking", (info.capabilities & RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING) != 0);
	kv_hex("capabilities", info.capabilities);
	print_ranges(ctx, dev);
close:
	rte_iommufd_device_close(dev);
out:
	obj_close();
	if (!json)
		putchar('\n');
	return rc;
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

/* PASID attach is probed through a device: true once one could be opened. */
static bool pasid_probed;

static void
report_features(struct rte_iommufd *ctx)
{
	uint64_t f = rte_iommufd_features(ctx);
	size_t k, shown = 0;
	int i;

	obj_open("kernel_features", "iommufd features of the running kernel");
	for (i = 0; i < RTE_IOMMUFD_FEAT_COUNT; i++)
		kv_bool(rte_iommufd_feature_name(1ull << i), (f >> i) & 1);
	obj_close();
	arr_open("kernel_lacks", "what the running kernel lacks");
	for (k = 0; k < sizeof(kernel_lacks) / sizeof(kernel_lacks[0]); k++) {
		const char *s = kernel_lacks[k].lack;

		if (f & kernel_lacks[k].feature)
			continue;
		if (kernel_lacks[k].feature == RTE_IOMMUFD_FEAT_PASID && !pasid_probed)
			s = "kernel: PASID attach not probed (no device could be opened)";
		if (json) {
			json_key(NULL);
			json_str(s);
		} else {
			printf("%*s%s\n", depth * 2, "", s);
		}
		shown++;
	}
	if (!json && shown == 0)
		printf("%*snothing the library uses\n", depth * 2, "");
	arr_close();
	if (!json)
		putchar('\n');
}

/* Open and close one device so that the library probes PASID attach. */
static void
probe_pasid(struct rte_iommufd *ctx, const struct pci_dev *devs, unsigned int n)
{
	struct rte_iommufd_device *dev;
	unsigned int i;

	for (i = 0; i < n && !pasid_probed; i++) {
		if (devs[i].cdev[0] == '\0' ||
		    rte_iommufd_device_open(ctx, devs[i].bdf, NULL, &dev) < 0)
			continue;
		rte_iommufd_device_close(dev);
		pasid_probed = true;
	}
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
		"1 a device could not be queried, 2 usage, 3 no /dev/iommu,\n"
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
	bool no_colour = false;
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

	if (json) {
		printf("{");
		depth = 1;
		need_comma = false;
		kv_uint("schema_version", JSON_SCHEMA_VERSION);
	}
	probe_pasid(ctx, devs, ndev);
	report_features(ctx);
	arr_open("devices", NULL);
	for (i = 0; i < ndev; i++) {
		bool take = nwanted == 0;

		for (j = 0; j < nwanted && !take; j++)
			take = strcmp(devs[i].bdf, wanted[j]) == 0;
		if (!take)
			continue;
		shown++;
		if (report_device(ctx, &devs[i]) != EXIT_OK)
			rc = EXIT_DEVICE_ERROR;
	}
	arr_close();
	if (json)
		printf("\n}\n");
	else if (shown == 0)
		printf("no PCI device is bound to vfio-pci\n");
out:
	rte_iommufd_close(ctx);
	free(devs);
	for (i = 0; i < nwanted; i++)
		free((void *)(uintptr_t)wanted[i]);
	free(wanted);
	return rc;
}
