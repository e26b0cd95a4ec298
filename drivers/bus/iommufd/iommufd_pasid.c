/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * PASIDs sharing DPDK's address space.
 *
 * The PASID namespace (lib/pasid) lives in a memzone, so that the primary
 * and its secondaries hand out distinct values; each process is an owner of
 * the namespace. A PASID is attached to the page table of the device's RID,
 * which the adapter allocated with ALLOC_PASID when the device has PASIDs:
 * DMA tagged with the PASID then sees exactly DPDK's memory.
 *
 * The ownership rule of lib/iommufd's PASID bindings holds here too: a
 * PASID goes back to the namespace only when no device of this process
 * has it attached. The attachments are the ones lib/iommufd's address
 * spaces (the containers) record; a released device takes its own along.
 *
 * Lock order: pasid_lock, then EAL's memory locks (memzone), then ifb.lock,
 * then the spaces' lock (lib/iommufd).
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <rte_dev.h>
#include <rte_errno.h>
#include <rte_memzone.h>
#include <rte_telemetry.h>

#include <rte_pasid.h>

#include "bus_iommufd_private.h"
#include "rte_bus_iommufd.h"

#define PASID_MZ_NAME "bus_iommufd_pasid"

static pthread_mutex_t pasid_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rte_pasid_space *pasid_space;
static unsigned int pasid_owner;

static int
fail(int err)
{
	rte_errno = -err;
	return err;
}

/*
 * The shared PASID width of the devices set up over iommufd in this
 * process that have PASIDs (rte_pasid_shared_width() of their widths), 0
 * when none has. Takes ifb.lock.
 */
static int
devices_width(void)
{
	struct rte_iommufd_pasid_caps caps;
	unsigned int widths[64], n = 0;
	struct ifb_device *idev;

	pthread_mutex_lock(&ifb.lock);
	ifb_quiet_begin();
	TAILQ_FOREACH(idev, &ifb.devices, next) {
		if (n < RTE_DIM(widths) && idev->dev != NULL && idev->pasid_pt &&
		    rte_iommufd_device_pasid_caps(idev->dev, &caps) == 0 && caps.width > 0)
			widths[n++] = caps.width;
	}
	ifb_quiet_end();
	pthread_mutex_unlock(&ifb.lock);
	return n == 0 ? 0 : rte_pasid_shared_width(widths, n);
}

/* The namespace, made or found on first use; pasid_lock held. */
static int
space_get(void)
{
	const struct rte_memzone *mz;
	ssize_t size;
	int ret, width;

	if (pasid_space != NULL)
		return 0;
	if (ifb_mode_get() != IFB_MODE_IOMMUFD || !ifb.enabled) {
		IFB_LOG(ERR, "PASIDs need the iommufd mode (RTE_IOMMUFD_MODE=auto or iommufd) and rte_eal_init()");
		return -ENOTSUP;
	}
	size = rte_pasid_space_size(RTE_PASID_WIDTH_MAX);
	if (size < 0)
		return (int)size;
	width = devices_width();
	if (width <= 0 && !ifb.secondary) {
		IFB_LOG(ERR, "no device set up over iommufd in this process has PASIDs: no PASID namespace");
		return -EOPNOTSUPP;
	}
	mz = rte_memzone_lookup(PASID_MZ_NAME);
	if (mz == NULL && !ifb.secondary) {
		mz = rte_memzone_reserve_aligned(PASID_MZ_NAME, size, SOCKET_ID_ANY, 0, 64);
		if (mz == NULL) {
			IFB_LOG(ERR, "cannot reserve %zd bytes for the PASID namespace: %s", size,
				rte_strerror(rte_errno));
			return -ENOMEM;
		}
		ret = rte_pasid_space_init(mz->addr, mz->len, RTE_PASID_WIDTH_MAX, 0,
					   &pasid_space);
		/* Values valid on every device that may use them. */
		if (ret == 0)
			ret = rte_pasid_space_narrow(pasid_space, width);
		if (ret >= 0)
			IFB_LOG(DEBUG, "PASID namespace of %d bits (the narrowest PASID-capable device)",
				width);
	} else if (mz == NULL) {
		IFB_LOG(ERR, "the primary process has no PASID namespace yet: allocate a PASID there first");
		return -ENOENT;
	} else {
		ret = rte_pasid_space_attach(mz->addr, mz->len, &pasid_space);
	}
	if (ret < 0) {
		IFB_LOG(ERR, "cannot use the PASID namespace: %s", strerror(-ret));
		pasid_space = NULL;
		return ret;
	}
	/* Give back the PASIDs of processes that ended (secondaries). */
	rte_pasid_space_reclaim(pasid_space, NULL, NULL);
	ret = rte_pasid_owner_register(pasid_space, 0);
	if (ret < 0) {
		IFB_LOG(ERR, "cannot register this process as a PASID owner: %s", strerror(-ret));
		pasid_space = NULL;
		return ret;
	}
	pasid_owner = ret;
	return 0;
}

/* A walk over the PASID attachments that lib/iommufd's spaces record. */
struct att_walk {
	const struct rte_iommufd_device *dev;
	const char *name;
	uint32_t pasid;			/* RTE_IOMMUFD_NO_PASID: any PASID */
	struct rte_tel_data *list;	/* NULL, or gets "<device>:<PASID>" */
	unsigned int n;
	char first[64];			/* the device of the first one found */
};

static int
att_count(const struct rte_iommufd_device *dev, uint32_t pasid, void *arg)
{
	struct att_walk *w = arg;
	char entry[48];

	if (dev != w->dev || pasid == RTE_IOMMUFD_NO_PASID ||
	    (w->pasid != RTE_IOMMUFD_NO_PASID && pasid != w->pasid))
		return 0;
	if (w->list != NULL) {
		snprintf(entry, sizeof(entry), "%s:%u", w->name, pasid);
		rte_tel_data_add_array_string(w->list, entry);
	}
	if (w->n++ == 0)
		snprintf(w->first, sizeof(w->first), "%s", w->name);
	return 0;
}

/*
 * The PASID attachments of the devices of this process (@p addr, or every
 * device for NULL) to @p pasid (RTE_IOMMUFD_NO_PASID: any), listed into
 * @p list unless NULL; @p first (unless NULL) gets the first one's device. Released devices have none: closing a device drops
 * its attachments from the spaces. Takes ifb.lock.
 */
static unsigned int
atts_count(const char *addr, uint32_t pasid, struct rte_tel_data *list, char *first,
	   size_t first_len)
{
	struct att_walk w = { .pasid = pasid, .list = list };
	struct ifb_device *idev;

	pthread_mutex_lock(&ifb.lock);
	TAILQ_FOREACH(idev, &ifb.devices, next) {
		if (idev->dev == NULL || (addr != NULL && strcmp(idev->name, addr) != 0))
			continue;
		w.dev = idev->dev;
		w.name = idev->name;
		rte_iommufd_space_foreach(idev->cont->space, att_count, &w);
	}
	pthread_mutex_unlock(&ifb.lock);
	if (first != NULL)
		snprintf(first, first_len, "%s", w.first);
	return w.n;
}

/* The PASID is allocated to this process; pasid_lock held. */
static bool
pasid_ours(uint32_t pasid)
{
	unsigned int owner;

	return rte_pasid_state(pasid_space, pasid, &owner) == RTE_PASID_STATE_ALLOCATED &&
		owner == pasid_owner;
}

int
rte_bus_iommufd_pasid_alloc(uint32_t *pasid)
{
	int ret;

	if (pasid == NULL)
		return fail(-EINVAL);
	pthread_mutex_lock(&pasid_lock);
	ret = space_get();
	if (ret == 0)
		ret = rte_pasid_alloc(pasid_space, pasid_owner);
	pthread_mutex_unlock(&pasid_lock);
	if (ret < 0)
		return fail(ret);
	*pasid = (uint32_t)ret;
	return 0;
}

int
rte_bus_iommufd_pasid_free(uint32_t pasid)
{
	char dev[64];
	unsigned int n;
	int ret;

	pthread_mutex_lock(&pasid_lock);
	ret = space_get();
	if (ret == 0 && !pasid_ours(pasid))
		ret = -ENOENT;
	n = ret == 0 ? atts_count(NULL, pasid, NULL, dev, sizeof(dev)) : 0;
	if (n != 0) {
		IFB_LOG(ERR, "PASID %u is still attached to %s%s: detach it first", pasid, dev,
			n > 1 ? " and other devices" : "");
		ret = -EBUSY;
	}
	if (ret == 0)
		ret = rte_pasid_free(pasid_space, pasid_owner, pasid);
	pthread_mutex_unlock(&pasid_lock);
	return ret < 0 ? fail(ret) : 0;
}

/*
 * The device set up over iommufd whose RID page table PASIDs can join;
 * ifb.lock held. Returns 0 or a negative errno (message logged).
 */
static int
pasid_target(const char *addr, struct ifb_device **idevp)
{
	struct ifb_device *idev = ifb_device_find(addr);
	struct rte_iommufd_pasid_caps caps;

	if (idev == NULL) {
		IFB_LOG(ERR, "%s is not a device set up over iommufd in this process", addr);
		return -ENODEV;
	}
	if (idev->dev == NULL) {
		IFB_LOG(ERR, "%s: PASIDs can only be attached in the primary process", addr);
		return -ENOTSUP;
	}
	if (rte_iommufd_device_pasid_caps(idev->dev, &caps) < 0 || caps.width == 0) {
		IFB_LOG(ERR, "%s has no usable PASID: %s", addr,
			rte_iommufd_pasid_reason_str(caps.reason));
		return -EOPNOTSUPP;
	}
	if (!idev->pasid_pt) {
		IFB_LOG(ERR, "%s: its page table was not allocated for PASID use (see the warning at setup)",
			addr);
		return -EOPNOTSUPP;
	}
	*idevp = idev;
	return 0;
}

int
rte_bus_iommufd_pasid_attach(const char *pci_addr, uint32_t pasid)
{
	struct ifb_device *idev = NULL;
	uint32_t pt_id = 0;
	char addr[16];
	int ret;

	if (pci_addr == NULL || rte_iommufd_pci_addr_parse(pci_addr, addr, sizeof(addr)) < 0)
		return fail(-EINVAL);
	pthread_mutex_lock(&pasid_lock);
	ret = space_get();
	if (ret == 0 && !pasid_ours(pasid)) {
		IFB_LOG(ERR, "PASID %u is not allocated to this process (rte_bus_iommufd_pasid_alloc)",
			pasid);
		ret = -ENOENT;
	}
	if (ret == 0 && atts_count(addr, pasid, NULL, NULL, 0) != 0)
		ret = -EEXIST;
	if (ret == 0) {
		pthread_mutex_lock(&ifb.lock);
		ret = pasid_target(addr, &idev);
		if (ret == 0)
			ret = rte_iommufd_space_attach(idev->cont->space, idev->dev, pasid, &pt_id);
		pthread_mutex_unlock(&ifb.lock);
	}
	if (ret == 0)
		IFB_LOG(DEBUG, "%s: PASID %u attached to page table %u", addr, pasid, pt_id);
	pthread_mutex_unlock(&pasid_lock);
	return ret < 0 ? fail(ret) : 0;
}

int
rte_bus_iommufd_pasid_detach(const char *pci_addr, uint32_t pasid)
{
	struct ifb_device *idev = NULL;
	char addr[16];
	int ret;

	if (pci_addr == NULL || rte_iommufd_pci_addr_parse(pci_addr, addr, sizeof(addr)) < 0)
		return fail(-EINVAL);
	pthread_mutex_lock(&pasid_lock);
	ret = atts_count(addr, pasid, NULL, NULL, 0) != 0 ? 0 : -ENOENT;
	if (ret == 0) {
		pthread_mutex_lock(&ifb.lock);
		ret = pasid_target(addr, &idev);
		if (ret == 0)
			ret = rte_iommufd_space_detach(idev->cont->space, idev->dev, pasid);
		pthread_mutex_unlock(&ifb.lock);
	}
	pthread_mutex_unlock(&pasid_lock);
	return ret < 0 ? fail(ret) : 0;
}

static int
caps_fill(const char *addr, struct rte_bus_iommufd_caps *caps)
{
	struct rte_iommufd_hw_info info;
	struct ifb_device *idev;

	memset(caps, 0, sizeof(*caps));
	if (ifb_mode_get() != IFB_MODE_IOMMUFD)
		return -ENOTSUP;
	pthread_mutex_lock(&ifb.lock);
	idev = ifb_device_find(addr);
	if (idev == NULL) {
		pthread_mutex_unlock(&ifb.lock);
		return -ENODEV;
	}
	memcpy(caps->name, idev->name, sizeof(caps->name) - 1);
	caps->iommu_group = idev->group_num;
	caps->dev_id = rte_iommufd_device_id(idev->dev);
	caps->ioas_id = idev->cont != NULL ? idev->cont->ioas_id : ifb.conts[0].ioas_id;
	caps->page_table_id = idev->pt_id;
	caps->pasid_page_table = idev->pasid_pt;
	caps->pasid_reason = "no IOMMU information from the kernel";
	ifb_quiet_begin();
	if (idev->dev != NULL && rte_iommufd_device_hw_info(idev->dev, &info) == 0) {
		caps->hw_info_valid = true;
		caps->hw_info_type = info.type;
		caps->capabilities = info.capabilities;
		caps->max_pasid_log2 = info.max_pasid_log2;
		caps->pasid_reason = rte_iommufd_pasid_reason_str(info.pasid_reason);
	}
	ifb_quiet_end();
	pthread_mutex_unlock(&ifb.lock);
	return 0;
}

int
rte_bus_iommufd_device_caps(const char *pci_addr, struct rte_bus_iommufd_caps *caps)
{
	char addr[16];
	int ret;

	if (pci_addr == NULL || caps == NULL ||
	    rte_iommufd_pci_addr_parse(pci_addr, addr, sizeof(addr)) < 0)
		return fail(-EINVAL);
	ret = caps_fill(addr, caps);
	return ret < 0 ? fail(ret) : 0;
}

int
rte_bus_iommufd_device_caps_by_dev(const struct rte_device *dev,
		struct rte_bus_iommufd_caps *caps)
{
	if (dev == NULL)
		return fail(-EINVAL);
	return rte_bus_iommufd_device_caps(rte_dev_name(dev), caps);
}

int
ifb_pasid_telemetry(struct rte_tel_data *d)
{
	struct rte_tel_data *list;
	unsigned int n;

	rte_tel_data_start_dict(d);
	list = rte_tel_data_alloc();
	if (list == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&pasid_lock);
	n = atts_count(NULL, RTE_IOMMUFD_NO_PASID, list, NULL, 0);
	rte_tel_data_add_dict_int(d, "namespace", pasid_space != NULL);
	rte_tel_data_add_dict_int(d, "attached", (int)n);
	pthread_mutex_unlock(&pasid_lock);
	rte_tel_data_add_dict_container(d, "attachments", list, 0);
	return 0;
}

void
ifb_pasid_narrow(void)
{
	int width, ret;

	pthread_mutex_lock(&pasid_lock);
	if (pasid_space != NULL && !ifb.secondary) {
		width = devices_width();
		ret = width > 0 ? rte_pasid_space_narrow(pasid_space, width) : 0;
		if (ret < 0)
			IFB_LOG(WARNING, "the PASID namespace cannot narrow to %d bits (a new device's width): %s; PASIDs above it stay allocated and are refused on that device",
				width, rte_pasid_last_error());
	}
	pthread_mutex_unlock(&pasid_lock);
}

void
ifb_pasid_reclaim(void)
{
	int ret;

	pthread_mutex_lock(&pasid_lock);
	if (pasid_space != NULL) {
		ret = rte_pasid_space_reclaim(pasid_space, NULL, NULL);
		if (ret > 0)
			IFB_LOG(INFO, "a process sharing the PASID namespace ended: %d of its PASIDs freed",
				ret);
	}
	pthread_mutex_unlock(&pasid_lock);
}
