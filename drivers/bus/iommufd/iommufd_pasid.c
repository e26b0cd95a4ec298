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
 * has it attached.
 *
 * Lock order: pasid_lock, then EAL's memory locks (memzone), then ifb.lock.
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

struct pasid_attachment {
	char dev[16];
	uint64_t serial;	/* of the ifb_device it was made on */
	uint32_t pasid;
};

static pthread_mutex_t pasid_lock = PTHREAD_MUTEX_INITIALIZER;
static struct rte_pasid_space *pasid_space;
static unsigned int pasid_owner;
static struct pasid_attachment *atts;
static unsigned int nb_atts, max_atts;

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

/*
 * Forget the attachments of devices released since (their PASIDs went
 * with the device); pasid_lock held.
 */
static void
atts_prune(void)
{
	struct ifb_device *idev;
	unsigned int i = 0;

	pthread_mutex_lock(&ifb.lock);
	while (i < nb_atts) {
		idev = ifb_device_find(atts[i].dev);
		if (idev == NULL || idev->serial != atts[i].serial)
			atts[i] = atts[--nb_atts];
		else
			i++;
	}
	pthread_mutex_unlock(&ifb.lock);
}

static struct pasid_attachment *
att_find(const char *dev, uint32_t pasid)
{
	unsigned int i;

	for (i = 0; i < nb_atts; i++)
		if (atts[i].pasid == pasid && (dev == NULL || strcmp(atts[i].dev, dev) == 0))
			return &atts[i];
	return NULL;
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
	int ret;

	pthread_mutex_lock(&pasid_lock);
	ret = space_get();
	if (ret == 0 && !pasid_ours(pasid))
		ret = -ENOENT;
	atts_prune();
	if (ret == 0 && att_find(NULL, pasid) != NULL) {
		IFB_LOG(ERR, "PASID %u is still attached to %s: detach it first", pasid,
			att_find(NULL, pasid)->dev);
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
	struct pasid_attachment *a;
	uint64_t serial = 0;
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
	atts_prune();
	if (ret == 0 && att_find(addr, pasid) != NULL)
		ret = -EEXIST;
	if (ret == 0 && nb_atts == max_atts) {
		unsigned int n = max_atts != 0 ? 2 * max_atts : 8;

		a = realloc(atts, n * sizeof(*atts));
		if (a == NULL) {
			ret = -ENOMEM;
		} else {
			atts = a;
			max_atts = n;
		}
	}
	if (ret == 0) {
		pthread_mutex_lock(&ifb.lock);
		ret = pasid_target(addr, &idev);
		if (ret == 0) {
			serial = idev->serial;
			ret = rte_iommufd_space_attach(idev->cont->space, idev->dev, pasid, &pt_id);
		}
		pthread_mutex_unlock(&ifb.lock);
	}
	if (ret == 0) {
		a = &atts[nb_atts++];
		memcpy(a->dev, addr, sizeof(a->dev));
		a->serial = serial;
		a->pasid = pasid;
		IFB_LOG(DEBUG, "%s: PASID %u attached to page table %u", addr, pasid, pt_id);
	}
	pthread_mutex_unlock(&pasid_lock);
	return ret < 0 ? fail(ret) : 0;
}

int
rte_bus_iommufd_pasid_detach(const char *pci_addr, uint32_t pasid)
{
	struct ifb_device *idev = NULL;
	struct pasid_attachment *a;
	char addr[16];
	int ret;

	if (pci_addr == NULL || rte_iommufd_pci_addr_parse(pci_addr, addr, sizeof(addr)) < 0)
		return fail(-EINVAL);
	pthread_mutex_lock(&pasid_lock);
	a = att_find(addr, pasid);
	if (a == NULL) {
		pthread_mutex_unlock(&pasid_lock);
		return fail(-ENOENT);
	}
	pthread_mutex_lock(&ifb.lock);
	ret = pasid_target(addr, &idev);
	if (ret == 0)
		ret = rte_iommufd_space_detach(idev->cont->space, idev->dev, pasid);
	pthread_mutex_unlock(&ifb.lock);
	/* A device gone (released) has no PASID attached any more. */
	if (ret == 0 || ret == -ENODEV)
		*a = atts[--nb_atts];
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
	unsigned int i;

	rte_tel_data_start_dict(d);
	list = rte_tel_data_alloc();
	if (list == NULL)
		return -ENOMEM;
	rte_tel_data_start_array(list, RTE_TEL_STRING_VAL);
	pthread_mutex_lock(&pasid_lock);
	atts_prune();
	for (i = 0; i < nb_atts; i++) {
		char entry[48];

		snprintf(entry, sizeof(entry), "%s:%u", atts[i].dev, atts[i].pasid);
		rte_tel_data_add_array_string(list, entry);
	}
	rte_tel_data_add_dict_int(d, "namespace", pasid_space != NULL);
	rte_tel_data_add_dict_int(d, "attached", (int)nb_atts);
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
