/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * VFIO containers as IOASes, IOMMU groups as tokens, devices as bound and
 * attached VFIO cdevs, and user DMA maps.
 *
 * A "container fd" handed to DPDK is a duplicate of the iommufd (the
 * default container's is the iommufd itself), a "group fd" another
 * duplicate: callers only store these numbers and give them back, and an
 * fd keeps them unique while they are in use.
 */

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_uuid.h>

#include "bus_iommufd_private.h"

static int
new_token(void)
{
	int fd = fcntl(rte_iommufd_fd(ifb.ctx), F_DUPFD_CLOEXEC, 3);

	if (fd < 0) {
		fd = -errno;
		IFB_LOG(ERR, "cannot duplicate the iommufd descriptor: %s", strerror(-fd));
	}
	return fd;
}

/* ------------------------------------------------------------------ */
/* Containers                                                          */
/* ------------------------------------------------------------------ */

/*
 * A container's IOAS and the address space over it: lib/iommufd decides
 * which page table each device's RID and PASIDs get, and shares them.
 */
static int
container_ioas_new(struct ifb_container *cont)
{
	int ret = rte_iommufd_ioas_alloc(ifb.ctx, &cont->ioas);

	if (ret < 0)
		return ret;
	ret = rte_iommufd_space_create(ifb.ctx, cont->ioas, NULL, &cont->space);
	if (ret < 0) {
		rte_iommufd_ioas_free(cont->ioas);
		cont->ioas = NULL;
	}
	return ret;
}

/* Free a container's address space and IOAS (no device attached). */
static void
container_ioas_free(struct ifb_container *cont)
{
	if (cont->space != NULL && rte_iommufd_space_free(cont->space) < 0)
		IFB_LOG(DEBUG, "address space over IOAS %u still in use; left to the kernel",
			cont->ioas_id);
	cont->space = NULL;
	if (cont->ioas != NULL && rte_iommufd_ioas_free(cont->ioas) < 0)
		IFB_LOG(DEBUG, "IOAS %u still in use; left to the kernel", cont->ioas_id);
	cont->ioas = NULL;
}

int
ifb_open_default(void)
{
	struct ifb_container *cont = &ifb.conts[0];
	int ret;

	ret = rte_iommufd_open(&ifb.ctx);
	if (ret < 0)
		return ret;
	ret = container_ioas_new(cont);
	if (ret < 0) {
		rte_iommufd_close(ifb.ctx);
		ifb.ctx = NULL;
		return ret;
	}
	cont->used = true;
	cont->key = rte_iommufd_fd(ifb.ctx);
	cont->ioas_id = rte_iommufd_ioas_id(cont->ioas);
	IFB_LOG(DEBUG, "iommufd %d, default IOAS %u", cont->key, cont->ioas_id);
	return 0;
}

int
ifb_fall_back_unused(const char *why)
{
	struct ifb_container *cont = &ifb.conts[0];
	unsigned int i;

	if (ifb.secondary || ifb_mode_forced() || !TAILQ_EMPTY(&ifb.devices) ||
	    cont->nb_groups > 0 || cont->had_device)
		return -EBUSY;
	for (i = 1; i < IFB_MAX_CONTAINERS; i++)
		if (ifb.conts[i].used)
			return -EBUSY;
	/* Secondaries asking from now on hear "type1" (iommufd_mp.c). */
	ifb.enabled = false;
	if (ifb_mode_fall_back(why) < 0) {
		ifb.enabled = true;
		return -EBUSY;
	}
	container_ioas_free(cont);
	free(cont->ranges);
	memset(cont, 0, sizeof(*cont));
	rte_iommufd_close(ifb.ctx);	/* closes the default container's key */
	ifb.ctx = NULL;
	return 0;
}

struct ifb_container *
ifb_container_by_key(int key)
{
	unsigned int i;

	if (key < 0)
		return NULL;
	for (i = 0; i < IFB_MAX_CONTAINERS; i++)
		if (ifb.conts[i].used && ifb.conts[i].key == key)
			return &ifb.conts[i];
	return NULL;
}

struct ifb_group *
ifb_group_find(struct ifb_container *cont, int num)
{
	unsigned int i;

	for (i = 0; i < cont->nb_groups; i++)
		if (cont->groups[i].num == num)
			return &cont->groups[i];
	return NULL;
}

struct ifb_container *
ifb_container_of_group(int group_num)
{
	unsigned int i;

	for (i = 0; i < IFB_MAX_CONTAINERS; i++)
		if (ifb.conts[i].used && ifb_group_find(&ifb.conts[i], group_num) != NULL)
			return &ifb.conts[i];
	return NULL;
}

struct ifb_group *
ifb_group_by_token(int token, struct ifb_container **contp)
{
	unsigned int i, j;

	if (token < 0)
		return NULL;
	for (i = 0; i < IFB_MAX_CONTAINERS; i++) {
		if (!ifb.conts[i].used)
			continue;
		for (j = 0; j < ifb.conts[i].nb_groups; j++) {
			if (ifb.conts[i].groups[j].token == token) {
				*contp = &ifb.conts[i];
				return &ifb.conts[i].groups[j];
			}
		}
	}
	return NULL;
}

/*
 * Record a group in a container. With @want_token, return its token
 * (created on first request); else 0. -1 on failure (message logged).
 */
int
ifb_group_add(struct ifb_container *cont, int num, bool want_token)
{
	struct ifb_group *grp = ifb_group_find(cont, num);

	if (grp == NULL) {
		if (cont->nb_groups == IFB_MAX_GROUPS) {
			IFB_LOG(ERR, "IOMMU group %d: the container already holds %d groups",
				num, IFB_MAX_GROUPS);
			return -1;
		}
		grp = &cont->groups[cont->nb_groups++];
		grp->num = num;
		grp->token = -1;
	}
	if (!want_token)
		return 0;
	if (grp->token < 0) {
		grp->token = new_token();
		if (grp->token < 0)
			return -1;
	}
	return grp->token;
}

/* Forget a group; its token is closed unless @keep_token. */
static void
group_forget(struct ifb_container *cont, struct ifb_group *grp, bool keep_token)
{
	unsigned int idx = grp - cont->groups;

	if (!keep_token && grp->token >= 0)
		close(grp->token);
	cont->groups[idx] = cont->groups[--cont->nb_groups];
}

void
ifb_group_remove(struct ifb_container *cont, struct ifb_group *grp)
{
	group_forget(cont, grp, false);
}

/* rte_vfio_clear_group(): like EAL, the caller closes the descriptor. */
int
ifb_group_clear(int token)
{
	struct ifb_container *cont;
	struct ifb_group *grp = ifb_group_by_token(token, &cont);

	if (grp == NULL)
		return -1;
	group_forget(cont, grp, true);
	return 0;
}

int
ifb_container_read_ranges(struct ifb_container *cont)
{
	struct rte_iommufd_iova_range *ranges;
	uint32_t nr;
	int ret;

	if (cont->ioas == NULL)
		return 0;
	ret = rte_iommufd_ioas_iova_ranges(cont->ioas, &ranges, &nr, NULL);
	if (ret < 0)
		return ret;
	free(cont->ranges);
	cont->ranges = ranges;
	cont->nb_ranges = nr;
	return 0;
}

bool
ifb_iova_usable(const struct ifb_container *cont, uint64_t iova, uint64_t len)
{
	uint64_t last = iova + len - 1;
	uint32_t i;

	if (len == 0 || last < iova)
		return false;
	if (cont->ranges == NULL)
		return true;
	for (i = 0; i < cont->nb_ranges; i++)
		if (iova >= cont->ranges[i].start && last <= cont->ranges[i].last)
			return true;
	return false;
}

void
ifb_ranges_str(const struct ifb_container *cont, char *buf, size_t len)
{
	size_t off = 0;
	uint32_t i;
	int n;

	buf[0] = '\0';
	if (cont->ranges == NULL) {
		snprintf(buf, len, "unknown");
		return;
	}
	for (i = 0; i < cont->nb_ranges && off < len; i++) {
		n = snprintf(buf + off, len - off, "%s0x%" PRIx64 "-0x%" PRIx64,
			     i ? ", " : "", cont->ranges[i].start, cont->ranges[i].last);
		if (n < 0)
			break;
		off += n;
	}
	if (cont->nb_ranges == 0)
		snprintf(buf, len, "none");
}

int
ifb_container_create(void)
{
	struct ifb_container *cont = NULL;
	unsigned int i;
	int key, ret;

	for (i = 1; i < IFB_MAX_CONTAINERS; i++) {
		if (!ifb.conts[i].used) {
			cont = &ifb.conts[i];
			break;
		}
	}
	if (cont == NULL) {
		IFB_LOG(ERR, "cannot create a VFIO container: all %d are in use",
			IFB_MAX_CONTAINERS);
		return -ENOSPC;
	}
	key = new_token();
	if (key < 0)
		return key;
	ret = container_ioas_new(cont);
	if (ret < 0) {
		close(key);
		return ret;
	}
	cont->used = true;
	cont->key = key;
	cont->ioas_id = rte_iommufd_ioas_id(cont->ioas);
	IFB_LOG(DEBUG, "container %d: IOAS %u", key, cont->ioas_id);
	return key;
}

static void
container_release(struct ifb_container *cont)
{
	while (cont->nb_groups > 0)
		group_forget(cont, &cont->groups[0], false);
	if (cont->ioas != NULL) {
		rte_iommufd_ioas_unmap_all(cont->ioas, NULL);
		container_ioas_free(cont);
	}
	free(cont->ranges);
	memset(cont, 0, sizeof(*cont));
}

int
ifb_container_destroy(struct ifb_container *cont)
{
	int key = cont->key;

	if (cont == &ifb.conts[0]) {
		IFB_LOG(ERR, "the default VFIO container holds DPDK's memory and cannot be destroyed");
		return -EINVAL;
	}
	if (cont->nb_devices > 0) {
		IFB_LOG(ERR, "container %d still has %u device(s) attached: release them first (rte_vfio_release_device)",
			key, cont->nb_devices);
		return -EBUSY;
	}
	container_release(cont);
	close(key);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Devices                                                             */
/* ------------------------------------------------------------------ */

struct ifb_device *
ifb_device_find(const char *name)
{
	struct ifb_device *idev;

	TAILQ_FOREACH(idev, &ifb.devices, next)
		if (strcmp(idev->name, name) == 0)
			return idev;
	return NULL;
}

struct ifb_device *
ifb_device_by_fd(int fd)
{
	struct ifb_device *idev;

	TAILQ_FOREACH(idev, &ifb.devices, next)
		if (idev->fd == fd)
			return idev;
	return NULL;
}

/*
 * Attach the RID of a device to the container's address space. lib/iommufd
 * gives a device with PASIDs a page table allocated for PASID use, so that
 * PASIDs can be attached to DPDK's address space later, and shares page
 * tables between the devices whose IOMMU accepts them.
 */
static int
attach_rid(struct ifb_container *cont, struct ifb_device *idev)
{
	struct rte_iommufd_pasid_caps caps;
	uint32_t flags = 0;
	int ret;

	ret = rte_iommufd_space_attach(cont->space, idev->dev, RTE_IOMMUFD_NO_PASID,
				       &idev->pt_id);
	if (ret < 0)
		return ret;
	rte_iommufd_space_page_table(cont->space, idev->dev, RTE_IOMMUFD_NO_PASID, NULL, &flags);
	idev->pasid_pt = (flags & RTE_IOMMUFD_HWPT_ALLOC_PASID) != 0;
	ifb_quiet_begin();
	if (!idev->pasid_pt && rte_iommufd_device_pasid_caps(idev->dev, &caps) == 0 &&
	    caps.width > 0)
		IFB_LOG(WARNING, "%s: its RID page table is not PASID-capable (see above): PASIDs cannot use DPDK's address space",
			idev->name);
	ifb_quiet_end();
	IFB_LOG(DEBUG, "%s: attached to page table %u over IOAS %u%s", idev->name, idev->pt_id,
		cont->ioas_id, idev->pasid_pt ? " (PASID-capable)" : "");
	return 0;
}

int
ifb_device_attach(struct ifb_container *cont, const char *addr, const char *sysfs_root,
		int group_num, struct ifb_device **devp)
{
	struct rte_iommufd_device_params params = { .sysfs_root = sysfs_root };
	struct ifb_device *idev;
	rte_uuid_t token;
	bool first;
	int ret;

	idev = calloc(1, sizeof(*idev));
	if (idev == NULL)
		return -ENOMEM;
	snprintf(idev->name, sizeof(idev->name), "%s", addr);
	idev->group_num = group_num;
	idev->cont = cont;
	rte_eal_vfio_get_vf_token(token);
	if (!rte_uuid_is_null(token))
		params.vf_token = token;
	ret = rte_iommufd_device_open(ifb.ctx, addr, &params, &idev->dev);
	if (ret < 0)
		goto fail;
	idev->fd = rte_iommufd_device_fd(idev->dev);

	ret = attach_rid(cont, idev);
	if (ret < 0)
		goto fail_close;
	ret = ifb_container_read_ranges(cont);
	if (ret < 0)
		goto fail_close;

	first = cont == &ifb.conts[0] && !cont->mem_mapped;
	if (first) {
		ret = ifb_mem_map_all(cont);
		if (ret < 0)
			goto fail_close;
		cont->mem_mapped = true;
	}
	cont->had_device = true;
	cont->nb_devices++;
	idev->refs = 1;
	TAILQ_INSERT_TAIL(&ifb.devices, idev, next);
	*devp = idev;
	IFB_LOG(DEBUG, "%s: VFIO cdev fd %d, iommufd dev %u, page table %u%s", addr, idev->fd,
		rte_iommufd_device_id(idev->dev), idev->pt_id,
		idev->pasid_pt ? " (PASID-capable)" : "");
	return 0;

fail_close:
	rte_iommufd_device_close(idev->dev);	/* its page table goes with it */
	if (cont->nb_devices == 0)
		ifb_container_read_ranges(cont);
fail:
	free(idev);
	return ret;
}

void
ifb_device_detach(struct ifb_device *idev)
{
	struct ifb_container *cont = idev->cont;

	TAILQ_REMOVE(&ifb.devices, idev, next);
	/*
	 * EAL stopped the device's bus mastering before releasing it. Detach
	 * explicitly: DPDK unmaps the BARs only after the release, and the
	 * mappings keep the device file (and its attachment) alive until
	 * then; the page table and the container's IOVA ranges must not.
	 */
	if (idev->dev != NULL) {
		if (rte_iommufd_space_detach(cont->space, idev->dev, RTE_IOMMUFD_NO_PASID) < 0)
			IFB_LOG(WARNING, "%s: detach at release: %s; the kernel detaches it when its file closes",
				idev->name, rte_iommufd_last_error());
		rte_iommufd_device_close(idev->dev);	/* closes idev->fd */
	} else if (idev->fd >= 0) {
		close(idev->fd);
	}
	if (cont != NULL) {
		cont->nb_devices--;
		ifb_quiet_begin();
		ifb_container_read_ranges(cont);
		ifb_quiet_end();
	}
	IFB_LOG(DEBUG, "%s: released", idev->name);
	free(idev);
}

/* ------------------------------------------------------------------ */
/* User DMA maps                                                       */
/* ------------------------------------------------------------------ */

/* Add to *@covered the bytes of [iova, iova + len) that [m_iova, m_iova + m_len) maps to @va. */
static bool
overlap_one(uint64_t va, uint64_t iova, uint64_t len, uint64_t m_va, uint64_t m_iova,
	    uint64_t m_len, uint64_t *covered)
{
	uint64_t lo = RTE_MAX(iova, m_iova), hi = RTE_MIN(iova + len, m_iova + m_len);

	if (lo >= hi)
		return false;
	if (m_va - m_iova == va - iova)
		*covered += hi - lo;
	return true;
}

int
ifb_mapped_as(const struct ifb_container *cont, uint64_t va, uint64_t iova, uint64_t len,
		char *desc, size_t size)
{
	const struct ifb_user_map *m;
	const struct ifb_area *a;
	uint64_t covered = 0;
	bool any = false;
	unsigned int i;

	desc[0] = '\0';
	/* Kernel mappings never overlap: their intersections add up. */
	for (i = 0; i < cont->nb_maps; i++) {
		m = &cont->maps[i];
		if (!m->owned ||
		    !overlap_one(va, iova, len, m->va, m->iova, m->len, &covered))
			continue;
		if (!any)
			snprintf(desc, size, "the user mapping of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 "-0x%" PRIx64,
				 m->va, m->iova, m->iova + m->len - 1);
		any = true;
	}
	for (i = 0; cont == &ifb.conts[0] && i < ifb.nb_areas; i++) {
		a = &ifb.areas[i];
		if (!overlap_one(va, iova, len, a->va, a->iova, a->len, &covered))
			continue;
		if (!any)
			snprintf(desc, size, "DPDK memory at VA 0x%" PRIx64 " mapped at IOVA 0x%" PRIx64 "-0x%" PRIx64,
				 a->va, a->iova, a->iova + a->len - 1);
		any = true;
	}
	if (!any)
		return 0;
	return covered == len ? 1 : -1;
}

int
ifb_mapped_known(const struct ifb_container *cont, uint64_t va, uint64_t iova, uint64_t len,
		char *desc, size_t size)
{
	int ret = ifb_mapped_as(cont, va, iova, len, desc, size);

	if (ret != 0 || !ifb.secondary || cont != &ifb.conts[0])
		return ret;
	ret = ifb_mp_mapped(va, iova, len, desc, size);
	if (ret < -1) {
		snprintf(desc, size, "a mapping the primary process could not describe (%s)",
			 strerror(-ret));
		return -1;
	}
	return ret;
}

int
ifb_user_map(struct ifb_container *cont, uint64_t va, uint64_t iova, uint64_t len)
{
	struct ifb_user_map *m;
	uint64_t io = iova;
	char ranges[256], other[160];
	unsigned int i;
	int ret;

	if (!cont->had_device)
		return -ENODEV;
	for (i = 0; i < cont->nb_maps; i++) {
		m = &cont->maps[i];
		if (m->va == va && m->iova == iova && m->len == len) {
			m->refs++;
			return 0;
		}
	}
	if (cont->nb_maps == IFB_MAX_USER_MAPS) {
		IFB_LOG(ERR, "DMA map of VA 0x%" PRIx64 ": container %d already holds %d user mappings",
			va, cont->key, IFB_MAX_USER_MAPS);
		return -ENOMEM;
	}
	if (!ifb_iova_usable(cont, iova, len)) {
		ifb_ranges_str(cont, ranges, sizeof(ranges));
		IFB_LOG(ERR, "DMA map of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 "-0x%" PRIx64 ": outside the IOMMU's usable IOVA ranges (%s)",
			va, iova, iova + len - 1, ranges);
		return -EINVAL;
	}
	m = &cont->maps[cont->nb_maps];
	m->owned = true;
	/*
	 * The kernel answers EEXIST to any overlap; what the adapter mapped
	 * tells an IOVA range already mapped to this memory (accepted, as EAL
	 * accepts EEXIST) from a partial or conflicting overlap (refused).
	 */
	ret = ifb_mapped_as(cont, va, iova, len, other, sizeof(other));
	if (ret < 0) {
		ifb.map_errors++;
		IFB_LOG(ERR, "DMA map of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 "-0x%" PRIx64 " in container %d conflicts with %s: a range must be free, or already mapped to the same memory in full",
			va, iova, iova + len - 1, cont->key, other);
		return -EEXIST;
	}
	if (ret > 0) {
		IFB_LOG(DEBUG, "IOVA 0x%" PRIx64 "-0x%" PRIx64 " is already mapped to VA 0x%" PRIx64 " (%s); using the existing mapping",
			iova, iova + len - 1, va, other);
		m->owned = false;
		goto record;
	}
	ifb_quiet_begin();
	ret = rte_iommufd_ioas_map(cont->ioas, (void *)(uintptr_t)va, len, &io,
				   RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
	ifb_quiet_end();
	ifb.map_calls++;
	if (ret == -EEXIST && ifb.secondary &&
	    ifb_mapped_known(cont, va, iova, len, other, sizeof(other)) > 0) {
		IFB_LOG(DEBUG, "IOVA 0x%" PRIx64 "-0x%" PRIx64 " is already mapped to VA 0x%" PRIx64 " (%s); using the existing mapping",
			iova, iova + len - 1, va, other);
		m->owned = false;
		goto record;
	}
	if (ret == -EEXIST) {
		ifb.map_errors++;
		IFB_LOG(ERR, "DMA map of VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 "-0x%" PRIx64 " in container %d overlaps %s (IOAS %u)",
			va, iova, iova + len - 1, cont->key,
			ifb.secondary && other[0] != '\0' ? other : "a mapping the adapter did not make",
			cont->ioas_id);
		return ret;
	} else if (ret < 0) {
		ifb.map_errors++;
		IFB_LOG(ERR, "DMA map VA 0x%" PRIx64 " IOVA 0x%" PRIx64 " len 0x%" PRIx64 " in container %d: %s",
			va, iova, len, cont->key, rte_iommufd_last_error());
		return ret;
	}
record:
	m->va = va;
	m->iova = iova;
	m->len = len;
	m->refs = 1;
	cont->nb_maps++;
	return 0;
}

int
ifb_user_unmap(struct ifb_container *cont, uint64_t va, uint64_t iova, uint64_t len)
{
	uint64_t end = iova + len;
	struct ifb_user_map *m;
	unsigned int i, found = 0;
	int ret, err = 0;

	if (!cont->had_device)
		return -ENODEV;
	/* A range recorded as such (one accepted inside another included). */
	for (i = 0; i < cont->nb_maps; i++) {
		m = &cont->maps[i];
		if (m->va != va || m->iova != iova || m->len != len)
			continue;
		if (--m->refs > 0)
			return 0;
		ret = 0;
		if (m->owned) {
			ret = rte_iommufd_ioas_unmap(cont->ioas, m->iova, m->len, NULL);
			ifb.unmap_calls++;
		}
		cont->maps[i] = cont->maps[--cont->nb_maps];
		return ret;
	}
	for (i = 0; i < cont->nb_maps; i++) {
		m = &cont->maps[i];
		if (m->iova >= end || m->iova + m->len <= iova)
			continue;
		if (m->iova < iova || m->iova + m->len > end) {
			IFB_LOG(ERR, "DMA unmap IOVA 0x%" PRIx64 " len 0x%" PRIx64 " cuts the mapping IOVA 0x%" PRIx64 " len 0x%" PRIx64 ": only whole mappings can be unmapped",
				iova, len, m->iova, m->len);
			return -ENOTSUP;
		}
		if (m->va - va != m->iova - iova) {
			IFB_LOG(ERR, "DMA unmap VA 0x%" PRIx64 " IOVA 0x%" PRIx64 ": the mapping at IOVA 0x%" PRIx64 " has VA 0x%" PRIx64,
				va, iova, m->iova, m->va);
			return -EINVAL;
		}
		found++;
	}
	if (found == 0) {
		IFB_LOG(DEBUG, "DMA unmap VA 0x%" PRIx64 " IOVA 0x%" PRIx64 " len 0x%" PRIx64 ": no such mapping",
			va, iova, len);
		return -EINVAL;
	}
	for (i = 0; i < cont->nb_maps;) {
		m = &cont->maps[i];
		if (m->iova >= end || m->iova + m->len <= iova) {
			i++;
			continue;
		}
		if (--m->refs > 0) {
			i++;
			continue;
		}
		if (m->owned) {
			ret = rte_iommufd_ioas_unmap(cont->ioas, m->iova, m->len, NULL);
			ifb.unmap_calls++;
			if (ret < 0 && err == 0)
				err = ret;
		}
		cont->maps[i] = cont->maps[--cont->nb_maps];
	}
	return err;
}
