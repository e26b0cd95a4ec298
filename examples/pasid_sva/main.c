/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * pasid_sva: give each worker lcore its own PASID on a PASID-capable
 * device, attach DPDK's address space to every PASID, let each worker do
 * real work through the device, print the PASID table and tear everything
 * down.
 *
 * Usage: dpdk-pasid_sva [EAL options] [-- --device BDF]
 * (librte_bus_iommufd.so loaded before EAL, e.g. through dpdk-iommufd-run).
 *   without --device  the first probed ethdev (EAL's -a BDF): PASIDs are
 *                     attached and detached, the NIC itself is not driven;
 *   --device BDF      a device this example drives itself, set up through
 *                     rte_vfio_setup_device(): the PASID test device
 *                     (buildtools/testdev, see ptd.c). Each worker copies a
 *                     buffer of its own through the device's copy engine
 *                     and checks it.
 *   --hold            keep the PASIDs attached until standard input closes
 *                     (to look at them: dpdk-telemetry.py, /iommufd/pasids).
 * Exit status: 0 on success, 1 on an error, 2 when the device has no
 * usable PASID.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_common.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_lcore.h>
#include <rte_launch.h>

#include <rte_bus_iommufd.h>
#include <rte_iommufd.h>

#include "ptd.h"

#define EXIT_NO_PASID 2
#define WORK_BYTES (64 * 1024)

struct worker {
	uint32_t pasid;     /* allocated PASID, 0 = none */
	bool attached;      /* attached to DPDK's address space */
	uint32_t seen;      /* the PASID the worker reported */
	uint64_t copied;    /* bytes the device copied and the worker checked */
	int error;          /* 0, or the negative errno of the worker's work */
};

static struct worker workers[RTE_MAX_LCORE];
static struct rte_bus_iommufd_caps dev_caps;
static struct ptd *ptd;	/* the driven device, with --device */

static int
worker_main(void *arg __rte_unused)
{
	unsigned int lcore = rte_lcore_id();
	struct worker *w = &workers[lcore];

	w->seen = w->pasid;
	if (ptd != NULL) {
		w->error = ptd_work(ptd, lcore, w->pasid, WORK_BYTES);
		if (w->error == 0)
			w->copied = WORK_BYTES;
	}
	printf("pasid_sva: lcore %u runs with PASID %" PRIu32 " on %s%s\n",
		lcore, w->pasid, dev_caps.name,
		ptd == NULL ? "" : w->error == 0 ? ": the device copied its buffer, checked" :
		": the device's copy FAILED");
	return 0;
}

static const char *
mode_name(enum rte_bus_iommufd_mode mode)
{
	switch (mode) {
	case RTE_BUS_IOMMUFD_MODE_IOMMUFD:
		return "iommufd";
	case RTE_BUS_IOMMUFD_MODE_TYPE1:
		return "type1";
	case RTE_BUS_IOMMUFD_MODE_FAILED:
		return "failed";
	default:
		return "undecided";
	}
}

/* The first probed ethdev's device, described by the adapter. */
static int
find_device(struct rte_bus_iommufd_caps *caps)
{
	struct rte_eth_dev_info info;
	uint16_t port;
	int ret;

	RTE_ETH_FOREACH_DEV(port) {
		ret = rte_eth_dev_info_get(port, &info);
		if (ret != 0 || info.device == NULL)
			continue;
		ret = rte_bus_iommufd_device_caps_by_dev(info.device, caps);
		if (ret == 0)
			return 0;
		fprintf(stderr, "pasid_sva: port %u: no iommufd capabilities: %s\n",
			port, strerror(-ret));
	}
	return -ENODEV;
}

static void
teardown(void)
{
	unsigned int lcore;
	int ret;

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct worker *w = &workers[lcore];

		if (w->attached) {
			ret = rte_bus_iommufd_pasid_detach(dev_caps.name, w->pasid);
			if (ret != 0)
				fprintf(stderr, "pasid_sva: detach PASID %" PRIu32 ": %s\n",
					w->pasid, strerror(-ret));
			else
				w->attached = false;
		}
		if (w->pasid != 0 && !w->attached) {
			ret = rte_bus_iommufd_pasid_free(w->pasid);
			if (ret != 0)
				fprintf(stderr, "pasid_sva: free PASID %" PRIu32 ": %s\n",
					w->pasid, strerror(-ret));
			else
				w->pasid = 0;
		}
	}
}

static const char *
iova_mode_name(void)
{
	return rte_eal_iova_mode() == RTE_IOVA_PA ? "IOVA as PA" : "IOVA as VA";
}

int
main(int argc, char **argv)
{
	const char *device = NULL;
	bool hold = false;
	unsigned int lcore;
	int status = EXIT_FAILURE;
	int ret, i;

	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		fprintf(stderr, "pasid_sva: rte_eal_init: %s\n", rte_strerror(rte_errno));
		return EXIT_FAILURE;
	}
	argc -= ret;
	argv += ret;
	for (i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--device") == 0 && i + 1 < argc) {
			device = argv[++i];
		} else if (strcmp(argv[i], "--hold") == 0) {
			hold = true;
		} else {
			fprintf(stderr, "pasid_sva: unknown argument '%s' (usage: [EAL options] -- [--device BDF] [--hold])\n",
				argv[i]);
			goto out;
		}
	}

	if (rte_bus_iommufd_mode() != RTE_BUS_IOMMUFD_MODE_IOMMUFD) {
		fprintf(stderr, "pasid_sva: DPDK's VFIO layer runs in %s mode, not over iommufd\n",
			mode_name(rte_bus_iommufd_mode()));
		goto out;
	}
	if (rte_lcore_count() < 2) {
		fprintf(stderr, "pasid_sva: no worker lcore (give at least two with -l)\n");
		goto out;
	}
	if (device != NULL) {
		ret = ptd_open(device, &ptd);
		if (ret == 0)
			ret = rte_bus_iommufd_device_caps(device, &dev_caps);
		if (ret != 0) {
			fprintf(stderr, "pasid_sva: %s: %s\n", device, strerror(-ret));
			goto out;
		}
	} else {
		ret = find_device(&dev_caps);
		if (ret != 0) {
			fprintf(stderr, "pasid_sva: no probed device served over iommufd (use -a BDF, or -- --device BDF)\n");
			goto out;
		}
	}
	if (dev_caps.max_pasid_log2 == 0) {
		printf("pasid_sva: %s has no usable PASID (out_max_pasid_log2 = 0: %s); nothing to do\n",
			dev_caps.name,
			dev_caps.pasid_reason != NULL ? dev_caps.pasid_reason : "unknown");
		status = EXIT_NO_PASID;
		goto out;
	}
	printf("pasid_sva: %s: IOMMU group %d, PASID width %u bits, EXEC %s, PRIV %s, %s\n",
		dev_caps.name, dev_caps.iommu_group, dev_caps.max_pasid_log2,
		dev_caps.capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_EXEC ? "yes" : "no",
		dev_caps.capabilities & RTE_IOMMUFD_HW_CAP_PCI_PASID_PRIV ? "yes" : "no",
		iova_mode_name());

	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct worker *w = &workers[lcore];

		ret = rte_bus_iommufd_pasid_alloc(&w->pasid);
		if (ret != 0) {
			w->pasid = 0;
			fprintf(stderr, "pasid_sva: lcore %u: PASID allocation: %s\n",
				lcore, strerror(-ret));
			goto teardown;
		}
		ret = rte_bus_iommufd_pasid_attach(dev_caps.name, w->pasid);
		if (ret != 0) {
			fprintf(stderr, "pasid_sva: lcore %u: attach PASID %" PRIu32 " to %s: %s\n",
				lcore, w->pasid, dev_caps.name, strerror(-ret));
			goto teardown;
		}
		w->attached = true;
		/*
		 * The ownership rule: an attached PASID is neither freed (it
		 * could be handed out while the device still uses it) nor
		 * attached twice. Shown on the first worker's PASID.
		 */
		if (lcore == rte_get_next_lcore(-1, 1, 0) &&
		    (rte_bus_iommufd_pasid_free(w->pasid) != -EBUSY ||
		     rte_bus_iommufd_pasid_attach(dev_caps.name, w->pasid) != -EEXIST)) {
			fprintf(stderr, "pasid_sva: PASID %" PRIu32 ": an attached PASID was freed or attached again\n",
				w->pasid);
			goto teardown;
		}
	}
	printf("pasid_sva: an attached PASID is not freed (EBUSY) nor attached twice (EEXIST)\n");

	RTE_LCORE_FOREACH_WORKER(lcore)
		rte_eal_remote_launch(worker_main, NULL, lcore);
	rte_eal_mp_wait_lcore();

	printf("pasid_sva: PASID table of %s\n", dev_caps.name);
	printf("%-6s %-8s %-6s %-10s %s\n", "lcore", "PASID", "HWPT", "copied", "address space");
	RTE_LCORE_FOREACH_WORKER(lcore) {
		struct worker *w = &workers[lcore];

		printf("%-6u %-8" PRIu32 " %-6" PRIu32 " %-10" PRIu64 " IOAS %" PRIu32 " (DPDK memory, %s)\n",
			lcore, w->pasid, dev_caps.page_table_id, w->copied, dev_caps.ioas_id,
			iova_mode_name());
		if (w->seen != w->pasid) {
			fprintf(stderr, "pasid_sva: lcore %u did not report its PASID\n", lcore);
			goto teardown;
		}
		if (ptd != NULL && w->error != 0) {
			fprintf(stderr, "pasid_sva: lcore %u: the device's copy failed: %s\n",
				lcore, strerror(-w->error));
			goto teardown;
		}
	}
	if (hold) {
		char c;

		printf("pasid_sva: holding the PASIDs attached until standard input closes (see /iommufd/pasids with dpdk-telemetry.py)\n");
		fflush(stdout);
		while (fread(&c, 1, 1, stdin) == 1)
			;
	}
	if (ptd != NULL)
		printf("pasid_sva: %s copied %" PRIu64 " bytes for the workers; its requests carry no PASID (the device's DMA is its RID's), so every PASID shares the RID's address space\n",
		       dev_caps.name, ptd_bytes(ptd));
	status = EXIT_SUCCESS;

teardown:
	teardown();
	if (ptd != NULL)
		ptd_close(ptd);
	RTE_LCORE_FOREACH_WORKER(lcore) {
		if (workers[lcore].pasid != 0)
			status = EXIT_FAILURE;
	}
	if (status == EXIT_SUCCESS)
		printf("pasid_sva: all PASIDs detached and freed\n");
out:
	fflush(stdout);
	rte_eal_cleanup();
	return status;
}
