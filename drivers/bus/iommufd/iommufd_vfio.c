/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The rte_vfio_* functions of EAL (15 in DPDK 22.11, rte_vfio_get_device_info
 * too since 24.03), compiled against EAL's own rte_vfio.h and exported under
 * the version node of that EAL (version.map.in).
 *
 * In type1 mode every call goes to EAL's implementation, so EAL's internal
 * calls (which reach these definitions through its PLT) stay consistent
 * with its own state. In iommufd mode EAL's implementation is never used.
 */

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_eal_memconfig.h>
#include <rte_errno.h>
#include <rte_vfio.h>

#include "bus_iommufd_private.h"

#define PCI_SYSFS_SUFFIX "/bus/pci/devices"

/* Map the mode to: 1 forward to EAL, 0 handle here, -1 fail. */
static int
route(void)
{
	switch (ifb_mode_get()) {
	case IFB_MODE_TYPE1:
		return 1;
	case IFB_MODE_IOMMUFD:
		return 0;
	default:
		return -1;
	}
}

/*
 * The start of an rte_vfio_* function: in type1 mode return what EAL's own
 * returns (@call: the function of ifb.real with its arguments); without a
 * mode return @fail.
 */
#define ROUTE_OR_RETURN(call, fail) do { \
	int route_ = route(); \
	if (route_ > 0) \
		return ifb.real.call; \
	if (route_ < 0) \
		return fail; \
} while (0)

/* Like EAL: 1 with the group number, 0 without an IOMMU group, -1 on error. */
static int
group_num_get(const char *sysfs_base, const char *dev_addr, int *num)
{
	char link[PATH_MAX], target[PATH_MAX], *base, *end;
	ssize_t n;
	long v;

	if (sysfs_base == NULL || dev_addr == NULL || num == NULL)
		return -1;
	if (snprintf(link, sizeof(link), "%s/%s/iommu_group", sysfs_base, dev_addr) >=
	    (int)sizeof(link))
		return -1;
	n = readlink(link, target, sizeof(target) - 1);
	if (n < 0)
		return 0;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	errno = 0;
	v = strtol(base, &end, 10);
	if (end == base || *end != '\0' || errno != 0 || v < 0 || v > INT_MAX) {
		IFB_LOG(ERR, "%s: cannot read the IOMMU group number from %s -> %s",
			dev_addr, link, target);
		return -1;
	}
	*num = (int)v;
	return 1;
}

/*
 * The sysfs root for lib/iommufd from EAL's sysfs_base: NULL (meaning
 * "/sys") or a copy of the prefix before "/bus/pci/devices". Returns false
 * for non-PCI buses.
 */
static bool
sysfs_root_of(const char *sysfs_base, char *root, size_t len, const char **out)
{
	size_t n = strlen(sysfs_base), s = strlen(PCI_SYSFS_SUFFIX);

	while (n > 1 && sysfs_base[n - 1] == '/')
		n--;
	if (n < s || strncmp(sysfs_base + n - s, PCI_SYSFS_SUFFIX, s) != 0)
		return false;
	n -= s;
	if (n == 4 && strncmp(sysfs_base, "/sys", 4) == 0) {
		*out = NULL;
		return true;
	}
	if (n + 1 > len)
		return false;
	memcpy(root, sysfs_base, n);
	root[n] = '\0';
	*out = root;
	return true;
}

/* ------------------------------------------------------------------ */
/* Device setup and release                                            */
/* ------------------------------------------------------------------ */

static int enable_type1(const char *modname);

/*
 * Whether the legacy type1 path could serve a device that iommufd refused
 * with @err: NULL if so (a fallback may help), else why not, as the end
 * of a message. Only the bind's EPERM (no MSI isolation) is iommufd's
 * own: type1 applies its own switch, which the administrator may have set.
 */
static const char *
type1_can_serve(int err)
{
	static const char knob[] = "/sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts";
	FILE *f;
	int c = 0;

	if (err != -EPERM)
		return " (the legacy type1 path would refuse it too)";
	f = fopen(knob, "re");
	if (f != NULL) {
		c = fgetc(f);
		fclose(f);
	}
	return c == 'Y' ? NULL :
		" (the legacy type1 path would refuse it too: vfio_iommu_type1.allow_unsafe_interrupts is off)";
}

static int
device_info_get(const char *addr, int fd, struct vfio_device_info *info)
{
	if (ioctl(fd, VFIO_DEVICE_GET_INFO, info) < 0) {
		IFB_LOG(ERR, "%s: VFIO_DEVICE_GET_INFO failed: %s", addr, strerror(errno));
		return -1;
	}
	return 0;
}

static int
setup_secondary(const char *addr, int group_num, int *vfio_dev_fd,
		struct vfio_device_info *info)
{
	struct ifb_device *idev;
	int fd, ret;

	pthread_mutex_lock(&ifb.lock);
	idev = ifb_device_find(addr);
	if (idev != NULL) {
		fd = fcntl(idev->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			pthread_mutex_unlock(&ifb.lock);
			IFB_LOG(ERR, "%s: cannot duplicate the device descriptor: %s", addr,
				strerror(errno));
			return -1;
		}
		idev->refs++;
		pthread_mutex_unlock(&ifb.lock);
		goto info;
	}
	pthread_mutex_unlock(&ifb.lock);

	ret = ifb_mp_get_device(addr, &fd);
	if (ret < 0) {
		IFB_LOG(ERR, "%s: the primary process did not give its VFIO device (%s): is the device probed there?",
			addr, strerror(-ret));
		return -1;
	}
	idev = calloc(1, sizeof(*idev));
	if (idev == NULL) {
		close(fd);
		return -1;
	}
	snprintf(idev->name, sizeof(idev->name), "%s", addr);
	idev->group_num = group_num;
	idev->fd = fd;
	idev->refs = 1;
	pthread_mutex_lock(&ifb.lock);
	TAILQ_INSERT_TAIL(&ifb.devices, idev, next);
	pthread_mutex_unlock(&ifb.lock);
info:
	if (device_info_get(addr, fd, info) < 0) {
		rte_vfio_release_device(NULL, addr, fd);
		return -1;
	}
	*vfio_dev_fd = fd;
	return 0;
}

int
rte_vfio_setup_device(const char *sysfs_base, const char *dev_addr,
		int *vfio_dev_fd, struct vfio_device_info *device_info)
{
	struct ifb_container *cont;
	struct ifb_device *idev;
	const char *sysfs_root;
	char addr[16], root[PATH_MAX], why[384];
	bool need_events = false, new_dev = false;
	int group_num, ret, fd;

	ROUTE_OR_RETURN(setup_device(sysfs_base, dev_addr, vfio_dev_fd, device_info), -1);
	if (sysfs_base == NULL || dev_addr == NULL || vfio_dev_fd == NULL ||
	    device_info == NULL) {
		rte_errno = EINVAL;
		return -1;
	}

	ret = group_num_get(sysfs_base, dev_addr, &group_num);
	if (ret == 0) {
		IFB_LOG(NOTICE, "%s not managed by VFIO driver, skipping", dev_addr);
		return 1;
	}
	if (ret < 0)
		return -1;
	if (!ifb.enabled) {
		IFB_LOG(ERR, "%s: VFIO is not enabled (rte_vfio_enable() was not called or failed)",
			dev_addr);
		return -1;
	}
	if (!sysfs_root_of(sysfs_base, root, sizeof(root), &sysfs_root) ||
	    rte_iommufd_pci_addr_parse(dev_addr, addr, sizeof(addr)) < 0) {
		IFB_LOG(ERR, "%s (%s): only PCI devices can be used over iommufd; set RTE_IOMMUFD_MODE=type1 for others",
			dev_addr, sysfs_base);
		return -1;
	}
	if (ifb.secondary)
		return setup_secondary(addr, group_num, vfio_dev_fd, device_info);

	/* Memory cannot change while it is checked and mapped. */
	rte_mcfg_mem_read_lock();
	pthread_mutex_lock(&ifb.lock);
	idev = ifb_device_find(addr);
	if (idev != NULL) {
		fd = fcntl(idev->fd, F_DUPFD_CLOEXEC, 0);
		if (fd < 0) {
			IFB_LOG(ERR, "%s: cannot duplicate the device descriptor: %s", addr,
				strerror(errno));
			goto fail;
		}
		idev->refs++;
	} else {
		bool added = false, quiet;

		cont = ifb_container_of_group(group_num);
		if (cont == NULL) {
			cont = &ifb.conts[0];
			if (ifb_group_add(cont, group_num, false) < 0)
				goto fail;
			added = true;
		}
		/* Where a fallback may follow, the library's errors are not final. */
		quiet = !ifb_mode_forced() && TAILQ_EMPTY(&ifb.devices);
		if (quiet)
			ifb_quiet_begin();
		ret = ifb_device_attach(cont, addr, sysfs_root, group_num, &idev);
		if (quiet)
			ifb_quiet_end();
		if (ret < 0 && added)
			ifb_group_remove(cont, ifb_group_find(cont, group_num));
		if (ret == -ENXIO || ret == -ENODEV) {
			pthread_mutex_unlock(&ifb.lock);
			rte_mcfg_mem_read_unlock();
			IFB_LOG(NOTICE, "%s not managed by VFIO driver, skipping", addr);
			return 1;
		}
		if (ret < 0) {
			const char *reason = ret == -ERANGE ?
				"DPDK's memory lies outside the IOMMU's usable addresses (see above)" :
				ret == -ENOTSUP ? "the kernel has no VFIO device cdevs" :
				rte_iommufd_last_error();
			const char *legacy = type1_can_serve(ret);

			snprintf(why, sizeof(why), "%s: iommufd cannot serve it: %s", addr, reason);
			/* Auto mode, first device, a refusal the legacy path does not share. */
			if (legacy == NULL && ifb_fall_back_unused(why) == 0) {
				pthread_mutex_unlock(&ifb.lock);
				rte_mcfg_mem_read_unlock();
				if (enable_type1(ifb.modname) < 0)
					return -1;
				return ifb.real.setup_device(sysfs_base, dev_addr, vfio_dev_fd,
							     device_info);
			}
			IFB_LOG(ERR, "%s: cannot be used over iommufd: %s%s%s", addr, reason,
				legacy != NULL ? "" : ifb_mode_forced() ?
				"; RTE_IOMMUFD_MODE=iommufd: no fallback (unset it to let the legacy type1 path serve the process)" :
				"; other devices use iommufd already: set RTE_IOMMUFD_MODE=type1 to run the whole process over the legacy type1 path",
				legacy != NULL ? legacy : "");
			goto fail;
		}
		fd = idev->fd;
		new_dev = true;
		need_events = cont == &ifb.conts[0] && !ifb.mem_cb_registered;
	}
	pthread_mutex_unlock(&ifb.lock);
	/* Registration takes EAL's event lock: never under ifb.lock. */
	if (need_events && ifb_mem_event_register() < 0) {
		rte_mcfg_mem_read_unlock();
		rte_vfio_release_device(sysfs_base, addr, fd);
		return -1;
	}
	rte_mcfg_mem_read_unlock();
	if (new_dev)
		ifb_pasid_narrow();	/* its PASID width counts */

	if (device_info_get(addr, fd, device_info) < 0) {
		rte_vfio_release_device(sysfs_base, addr, fd);
		return -1;
	}
	*vfio_dev_fd = fd;
	return 0;

fail:
	pthread_mutex_unlock(&ifb.lock);
	rte_mcfg_mem_read_unlock();
	return -1;
}

int
rte_vfio_release_device(const char *sysfs_base, const char *dev_addr, int fd)
{
	struct ifb_device *idev;
	char addr[16];

	ROUTE_OR_RETURN(release_device(sysfs_base, dev_addr, fd), -1);
	if (dev_addr == NULL)
		return -1;
	if (rte_iommufd_pci_addr_parse(dev_addr, addr, sizeof(addr)) < 0)
		return -1;
	pthread_mutex_lock(&ifb.lock);
	idev = ifb_device_find(addr);
	if (idev == NULL) {
		pthread_mutex_unlock(&ifb.lock);
		IFB_LOG(ERR, "%s: release of a device that is not set up", addr);
		return -1;
	}
	/* Like EAL, the descriptor given is closed; extra ones are dups. */
	if (fd >= 0 && fd != idev->fd)
		close(fd);
	if (--idev->refs == 0)
		ifb_device_detach(idev);
	pthread_mutex_unlock(&ifb.lock);
	return 0;
}

#if IFB_HAVE_GET_DEVICE_INFO
/*
 * DPDK 24.03+: the device's VFIO information, setting the device up first
 * when *vfio_dev_fd is 0 (bus_pci's secondary I/O port path). The same in
 * both modes: the descriptor is a VFIO device either way.
 */
int
rte_vfio_get_device_info(const char *sysfs_base, const char *dev_addr,
		int *vfio_dev_fd, struct vfio_device_info *device_info)
{
	if (vfio_dev_fd == NULL || device_info == NULL || *vfio_dev_fd < 0) {
		rte_errno = EINVAL;
		return -1;
	}
	if (*vfio_dev_fd == 0)
		return rte_vfio_setup_device(sysfs_base, dev_addr, vfio_dev_fd, device_info);
	return device_info_get(dev_addr != NULL ? dev_addr : "(device)", *vfio_dev_fd,
			       device_info);
}
#endif

/* ------------------------------------------------------------------ */
/* Enable                                                              */
/* ------------------------------------------------------------------ */

static int
enable_type1(const char *modname)
{
	int ret = 0;

	pthread_mutex_lock(&ifb.lock);
	/* EAL 22.11's enable re-initialises its state: call it once. */
	if (!ifb.real_enabled) {
		ret = ifb.real.enable(modname);
		ifb.real_enabled = ret == 0;
	}
	pthread_mutex_unlock(&ifb.lock);
	return ret;
}

int
rte_vfio_enable(const char *modname)
{
	char why[320];
	int ret;

	ret = route();
	if (ret > 0)
		return enable_type1(modname);
	if (ret < 0)
		return -1;

	pthread_mutex_lock(&ifb.lock);
	if (ifb.enabled) {
		pthread_mutex_unlock(&ifb.lock);
		return 0;
	}
	ret = ifb_check_module(modname);
	if (ret <= 0) {
		pthread_mutex_unlock(&ifb.lock);
		if (ret < 0) {
			IFB_LOG(ERR, "cannot check whether module %s is loaded: sysfs not mounted?",
				modname != NULL ? modname : "(null)");
			return -1;
		}
		IFB_LOG(INFO, "VFIO module %s not loaded, skipping VFIO support", modname);
		return 0;
	}
	ifb_log_route();
	snprintf(ifb.modname, sizeof(ifb.modname), "%s", modname);
	if (ifb.secondary) {
		int fd;

		ret = ifb_mp_get_iommufd(&fd, &ifb.conts[0].ioas_id);
		if (ret == 0) {
			ret = rte_iommufd_from_fd(fd, true, &ifb.ctx);
			if (ret < 0)
				close(fd);
		}
		/* The primary's IOAS: memory registered here is mapped into it. */
		if (ret == 0) {
			ret = rte_iommufd_ioas_import(ifb.ctx, ifb.conts[0].ioas_id,
						      &ifb.conts[0].ioas);
			if (ret < 0) {
				rte_iommufd_close(ifb.ctx);
				ifb.ctx = NULL;
			}
		}
		if (ret == 0) {
			ifb.conts[0].used = true;
			ifb.conts[0].key = fd;
			ifb.conts[0].had_device = true;
			ifb.conts[0].mem_mapped = true;
			ifb_container_read_ranges(&ifb.conts[0]);
		}
	} else {
		ret = ifb_open_default();
	}
	if (ret < 0) {
		snprintf(why, sizeof(why), "%s",
			 ifb.secondary ? "the primary process did not share its iommufd" :
			 rte_iommufd_last_error());
		if (!ifb_mode_forced() && ifb_mode_fall_back(why) == 0) {
			pthread_mutex_unlock(&ifb.lock);
			return enable_type1(modname);
		}
		pthread_mutex_unlock(&ifb.lock);
		IFB_LOG(ERR, "iommufd cannot be used: %s", why);
		return -1;
	}
	ifb.enabled = true;
	pthread_mutex_unlock(&ifb.lock);
	if (!ifb.secondary && ifb_mp_primary_init() < 0)
		IFB_LOG(WARNING, "secondary processes will not be able to use VFIO devices");
	/* External heaps added in a secondary are announced only there. */
	if (ifb.secondary && ifb_mem_event_register() < 0)
		IFB_LOG(WARNING, "external memory added to a heap in this secondary process will not be usable for DMA");
	return 0;
}

int
rte_vfio_is_enabled(const char *modname)
{
	ROUTE_OR_RETURN(is_enabled(modname), 0);
	return ifb.enabled && ifb_check_module(modname) > 0;
}

/*
 * Called during the bus scan, before rte_vfio_enable(): must work without
 * a decided mode. EAL's version reads the same file.
 */
int
rte_vfio_noiommu_is_enabled(void)
{
	char c;
	int fd;
	ssize_t n;

	if (__atomic_load_n(&ifb.mode, __ATOMIC_ACQUIRE) == IFB_MODE_TYPE1)
		return ifb.real.noiommu_is_enabled();
	fd = open(IFB_NOIOMMU_PARAM, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return 0;
		IFB_LOG(ERR, "cannot open %s: %s", IFB_NOIOMMU_PARAM, strerror(errno));
		return -1;
	}
	n = read(fd, &c, 1);
	close(fd);
	if (n != 1) {
		IFB_LOG(ERR, "cannot read %s", IFB_NOIOMMU_PARAM);
		return -1;
	}
	return c == 'Y';
}

/* ------------------------------------------------------------------ */
/* Groups                                                              */
/* ------------------------------------------------------------------ */

int
rte_vfio_clear_group(int vfio_group_fd)
{
	int ret;

	ROUTE_OR_RETURN(clear_group(vfio_group_fd), -1);
	pthread_mutex_lock(&ifb.lock);
	ret = ifb_group_clear(vfio_group_fd);
	pthread_mutex_unlock(&ifb.lock);
	if (ret < 0)
		IFB_LOG(ERR, "invalid group fd %d", vfio_group_fd);
	return ret;
}

int
rte_vfio_get_group_num(const char *sysfs_base, const char *dev_addr,
		int *iommu_group_num)
{
	ROUTE_OR_RETURN(get_group_num(sysfs_base, dev_addr, iommu_group_num), -1);
	return group_num_get(sysfs_base, dev_addr, iommu_group_num);
}

int
rte_vfio_get_container_fd(void)
{
	ROUTE_OR_RETURN(get_container_fd(), -1);
	if (!ifb.enabled)
		return -1;
	return ifb.conts[0].key;
}

int
rte_vfio_get_group_fd(int iommu_group_num)
{
	struct ifb_container *cont;
	int ret;

	ROUTE_OR_RETURN(get_group_fd(iommu_group_num), -1);
	if (!ifb.enabled || iommu_group_num < 0)
		return -1;
	pthread_mutex_lock(&ifb.lock);
	cont = ifb_container_of_group(iommu_group_num);
	if (cont == NULL)
		cont = &ifb.conts[0];
	ret = ifb_group_add(cont, iommu_group_num, true);
	pthread_mutex_unlock(&ifb.lock);
	return ret;
}

/* ------------------------------------------------------------------ */
/* Containers                                                          */
/* ------------------------------------------------------------------ */

int
rte_vfio_container_create(void)
{
	int ret;

	ROUTE_OR_RETURN(container_create(), -1);
	if (!ifb.enabled)
		return -1;
	pthread_mutex_lock(&ifb.lock);
	ret = ifb_container_create();
	pthread_mutex_unlock(&ifb.lock);
	return ret < 0 ? -1 : ret;
}

int
rte_vfio_container_destroy(int container_fd)
{
	struct ifb_container *cont;
	int ret;

	ROUTE_OR_RETURN(container_destroy(container_fd), -1);
	pthread_mutex_lock(&ifb.lock);
	cont = ifb_container_by_key(container_fd);
	if (cont == NULL) {
		IFB_LOG(ERR, "invalid VFIO container fd %d", container_fd);
		ret = -EINVAL;
	} else {
		ret = ifb_container_destroy(cont);
	}
	pthread_mutex_unlock(&ifb.lock);
	return ret < 0 ? -1 : 0;
}

int
rte_vfio_container_group_bind(int container_fd, int iommu_group_num)
{
	struct ifb_container *cont, *other;
	int ret;

	ROUTE_OR_RETURN(container_group_bind(container_fd, iommu_group_num), -1);
	pthread_mutex_lock(&ifb.lock);
	cont = ifb_container_by_key(container_fd);
	other = ifb_container_of_group(iommu_group_num);
	if (cont == NULL) {
		IFB_LOG(ERR, "invalid VFIO container fd %d", container_fd);
		ret = -1;
	} else if (other != NULL && other != cont) {
		IFB_LOG(ERR, "IOMMU group %d is already in container %d", iommu_group_num,
			other->key);
		ret = -1;
	} else {
		ret = ifb_group_add(cont, iommu_group_num, true);
	}
	pthread_mutex_unlock(&ifb.lock);
	return ret;
}

int
rte_vfio_container_group_unbind(int container_fd, int iommu_group_num)
{
	struct ifb_container *cont;
	struct ifb_group *grp = NULL;

	ROUTE_OR_RETURN(container_group_unbind(container_fd, iommu_group_num), -1);
	pthread_mutex_lock(&ifb.lock);
	cont = ifb_container_by_key(container_fd);
	if (cont != NULL)
		grp = ifb_group_find(cont, iommu_group_num);
	if (grp != NULL)
		ifb_group_remove(cont, grp);
	pthread_mutex_unlock(&ifb.lock);
	if (cont == NULL) {
		IFB_LOG(ERR, "invalid VFIO container fd %d", container_fd);
		return -1;
	}
	if (grp == NULL) {
		IFB_LOG(ERR, "IOMMU group %d is not in container %d", iommu_group_num,
			container_fd);
		return -1;
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* DMA maps                                                            */
/* ------------------------------------------------------------------ */

static struct ifb_container *
container_for_dma(int container_fd)
{
	if (container_fd == RTE_VFIO_DEFAULT_CONTAINER_FD)
		return ifb.conts[0].used ? &ifb.conts[0] : NULL;
	return ifb_container_by_key(container_fd);
}

static int
dma_common(bool map, int container_fd, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	struct ifb_container *cont;
	int ret;

	if (len == 0) {
		rte_errno = EINVAL;
		return -1;
	}
	pthread_mutex_lock(&ifb.lock);
	cont = container_for_dma(container_fd);
	if (cont == NULL) {
		/* Before rte_vfio_enable() nothing can be attached (EAL: ENODEV). */
		ret = container_fd == RTE_VFIO_DEFAULT_CONTAINER_FD ? -ENODEV : -EINVAL;
		if (ret == -EINVAL)
			IFB_LOG(ERR, "invalid VFIO container fd %d", container_fd);
	} else if (map) {
		ret = ifb_user_map(cont, vaddr, iova, len);
	} else {
		ret = ifb_user_unmap(cont, vaddr, iova, len);
	}
	pthread_mutex_unlock(&ifb.lock);
	if (ret < 0) {
		rte_errno = -ret;
		return -1;
	}
	return 0;
}

/* Both calls: EAL's in type1 mode, ENODEV when no mode could be decided. */
static int
dma_route(bool map, int container_fd, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	int ret = route();

	if (ret > 0)
		return (map ? ifb.real.container_dma_map : ifb.real.container_dma_unmap)
			(container_fd, vaddr, iova, len);
	if (ret < 0) {
		rte_errno = ENODEV;
		return -1;
	}
	return dma_common(map, container_fd, vaddr, iova, len);
}

int
rte_vfio_container_dma_map(int container_fd, uint64_t vaddr, uint64_t iova,
		uint64_t len)
{
	return dma_route(true, container_fd, vaddr, iova, len);
}

int
rte_vfio_container_dma_unmap(int container_fd, uint64_t vaddr, uint64_t iova,
		uint64_t len)
{
	return dma_route(false, container_fd, vaddr, iova, len);
}
