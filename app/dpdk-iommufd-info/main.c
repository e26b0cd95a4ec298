/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * dpdk-iommufd-info: what iommufd and the IOMMU say about the PCI devices
 * bound to vfio-pci. See doc/guides/info_tool.rst for the JSON schema.
 */

#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "info.h"

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

/* Failures are reported in the output, not as log lines. */
static void
quiet_log(enum rte_iommufd_log_level level __attribute__((unused)),
	  const char *msg __attribute__((unused)), void *arg __attribute__((unused)))
{
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
	const char *sysfs = "/sys";
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
	human_set_colour(!json && !no_colour && isatty(STDOUT_FILENO) && getenv("NO_COLOR") == NULL);
	rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR);
	rte_iommufd_log_set_handler(quiet_log, NULL);

	ret = list_vfio_devices(sysfs, &devs, &ndev);
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
