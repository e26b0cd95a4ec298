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

/* The namespace, made or found on first use; pasid_lock held. */
static int
space_get(void)
{
	const struct rte_memzone *mz;
	ssize_t size;
	int ret;

	if (pasid_space != NULL)
		return 0;
	if (ifb_mode_get() != IFB_MODE_IOMMUFD || !ifb.enabled) {
		IFB_LOG(ERR, "PASIDs need the iommufd mode (RTE_IOMMUFD_MODE=auto or iommufd) and rte_eal_init()");
		return -ENOTSUP;
	}
	size = rte_pasid_space_size(RTE_PASID_WIDTH_MAX);
	if (size < 0)
		return (int)size;
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
 * The device's iommufd handle and RID page table; ifb.lock held. Returns 0
 * or a negative errno (message logged).
 */
static int
pasid_target(const char *addr, struct rte_iommufd_device **dev, uint32_t *pt_id)
{
	struct ifb_device *idev = ifb_device_find(addr);

	if (idev == NULL) {
		IFB_LOG(ERR, "%s is not a device set up over iommufd in this process", addr);
		return -ENODEV;
	}
	if (idev->dev == NULL) {
		IFB_LOG(ERR, "%s: PASIDs can only be attached in the primary process", addr);
		return -ENOTSUP;
	}
	if (!idev->hw_info_valid || idev->hw_info.max_pasid_log2 == 0) {
		IFB_LOG(ERR, "%s has no usable PASID: %s", addr,
			idev->hw_info_valid ?
			rte_iommufd_pasid_reason_str(idev->hw_info.pasid_reason) :
			"the kernel gives no IOMMU information");
		return -EOPNOTSUPP;
	}
	if (idev->hwpt == NULL) {
		IFB_LOG(ERR, "%s: its page table was not allocated for PASID use (see the warning at setup)",
			addr);
		return -EOPNOTSUPP;
	}
	*dev = idev->dev;
	*pt_id = idev->pt_id;
	return 0;
}

int
rte_bus_iommufd_pasid_attach(const char *pci_addr, uint32_t pasid)
{
	struct rte_iommufd_device *dev = NULL;
	struct pasid_attachment *a;
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
		ret = pasid_target(addr, &dev, &pt_id);
		if (ret == 0)
			ret = rte_iommufd_device_pasid_attach(dev, pasid, pt_id, NULL);
		pthread_mutex_unlock(&ifb.lock);
	}
	if (ret == 0) {
		a = &atts[nb_atts++];
		memcpy(a->dev, addr, sizeof(a->dev));
		a->pasid = pasid;
		IFB_LOG(DEBUG, "%s: PASID %u attached to page table %u", addr, pasid, pt_id);
	}
	pthread_mutex_unlock(&pasid_lock);
	return ret < 0 ? fail(ret) : 0;
}

int
rte_bus_iommufd_pasid_detach(const char *pci_addr, uint32_t pasid)
{
	struct rte_iommufd_device *dev = NULL;
	struct pasid_attachment *a;
	uint32_t pt_id;
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
	ret = pasid_target(addr, &dev, &pt_id);
	if (ret == 0)
		ret = rte_iommufd_device_pasid_detach(dev, pasid);
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
	caps->pasid_page_table = idev->hwpt != NULL;
	caps->hw_info_valid = idev->hw_info_valid;
	if (idev->hw_info_valid) {
		caps->hw_info_type = idev->hw_info.type;
		caps->capabilities = idev->hw_info.capabilities;
		caps->max_pasid_log2 = idev->hw_info.max_pasid_log2;
		caps->pasid_reason = rte_iommufd_pasid_reason_str(idev->hw_info.pasid_reason);
	} else {
		caps->pasid_reason = "no IOMMU information from the kernel";
	}
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

/*
 * Process end: detach what this process attached. The namespace itself is
 * not touched: rte_eal_cleanup() may have unmapped the memzone already. The
 * PASIDs of this process go back when another process reclaims the slots
 * of dead owners (space_get()).
 */
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
ifb_pasid_fini(void)
{
	struct rte_iommufd_device *dev;
	uint32_t pt_id;
	unsigned int i, kept = 0;

	pthread_mutex_lock(&pasid_lock);
	pthread_mutex_lock(&ifb.lock);
	ifb_quiet_begin();
	for (i = 0; i < nb_atts; i++) {
		if (pasid_target(atts[i].dev, &dev, &pt_id) == 0 &&
		    rte_iommufd_device_pasid_detach(dev, atts[i].pasid) < 0)
			atts[kept++] = atts[i];
	}
	ifb_quiet_end();
	pthread_mutex_unlock(&ifb.lock);
	nb_atts = kept;
	pthread_mutex_unlock(&pasid_lock);
}
