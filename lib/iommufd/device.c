/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "iommufd_private.h"

/* ---------------------------------------------------------------- */
/* sysfs discovery                                                   */
/* ---------------------------------------------------------------- */

/* Parse 1..maxdigits hex digits ending at @stop; advance *p past @stop. */
static bool
hex_field(const char **p, int maxdigits, char stop, unsigned int *val)
{
	const char *s = *p;
	int n = 0;

	*val = 0;
	while (isxdigit((unsigned char)*s) && n < maxdigits) {
		*val = *val * 16 + (unsigned int)(isdigit((unsigned char)*s) ?
			*s - '0' : tolower((unsigned char)*s) - 'a' + 10);
		s++;
		n++;
	}
	if (n == 0 || *s != stop)
		return false;
	*p = stop != '\0' ? s + 1 : s;
	return true;
}

int
rte_iommufd_pci_addr_parse(const char *in, char *out, size_t len)
{
	unsigned int dom = 0, bus, dev, fn;
	const char *p = in;
	int colons = 0;

	if (in == NULL || out == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "PCI address parse");
	for (p = in; *p != '\0'; p++)
		colons += *p == ':';
	p = in;
	if ((colons == 2 && !hex_field(&p, 4, ':', &dom)) || colons < 1 || colons > 2 ||
	    !hex_field(&p, 2, ':', &bus) || !hex_field(&p, 2, '.', &dev) ||
	    !hex_field(&p, 1, '\0', &fn))
		return ifd_fail(-EINVAL, IFD_WHY("expected DDDD:BB:DD.F or BB:DD.F in hexadecimal"),
				"PCI address \"%s\"", in);
	if (dev > 0x1f || fn > 7)
		return ifd_fail(-EINVAL, IFD_WHY("a field is out of range (device <= 1f, function <= 7)"),
				"PCI address \"%s\"", in);
	if (len < 13)
		return ifd_fail(-ENAMETOOLONG, IFD_WHY("output buffer shorter than 13 bytes"),
				"PCI address \"%s\"", in);
	snprintf(out, len, "%04x:%02x:%02x.%x", dom, bus, dev, fn);
	return 0;
}

/* "a/b" into buf; false if it does not fit. */
static bool
path_join(char *buf, size_t len, const char *a, const char *b)
{
	int n = snprintf(buf, len, "%s/%s", a, b);

	return n >= 0 && (size_t)n < len;
}

/* The name of the driver bound to a PCI device, or "" if none. */
static void
pci_driver_name(const char *devdir, char *drv, size_t len)
{
	char link[PATH_MAX], target[PATH_MAX];
	const char *base;
	ssize_t n;

	drv[0] = '\0';
	if (!path_join(link, sizeof(link), devdir, "driver"))
		return;
	n = readlink(link, target, sizeof(target) - 1);
	if (n <= 0)
		return;
	target[n] = '\0';
	base = strrchr(target, '/');
	base = base != NULL ? base + 1 : target;
	if (strlen(base) < len)
		memcpy(drv, base, strlen(base) + 1);
}

int
rte_iommufd_device_find_cdev(const char *bdf, const char *sysfs_root, char *name,
		size_t len)
{
	char addr[16], devdir[PATH_MAX], vdir[PATH_MAX], drv[64];
	struct dirent *de;
	struct stat st;
	DIR *d;
	int ret;

	if (bdf == NULL || name == NULL || len == 0)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "VFIO cdev lookup");
	ret = rte_iommufd_pci_addr_parse(bdf, addr, sizeof(addr));
	if (ret < 0)
		return ret;
	if (sysfs_root == NULL)
		sysfs_root = "/sys";
	if (!path_join(devdir, sizeof(devdir), sysfs_root, "bus/pci/devices") ||
	    !path_join(devdir, sizeof(devdir), strcpy(vdir, devdir), addr))
		return ifd_fail(-ENAMETOOLONG, IFD_WHY("sysfs root path too long"), "VFIO cdev lookup %s", addr);
	if (stat(devdir, &st) != 0) {
		/* Only a missing entry means a missing device (not e.g. ENOMEM). */
		if (errno != ENOENT && errno != ENOTDIR)
			return ifd_fail(-errno, NULL, "VFIO cdev lookup %s: %s", addr, devdir);
		return ifd_fail(-ENODEV, IFD_WHY("no such PCI device (check the address with lspci)"),
				"VFIO cdev lookup %s", addr);
	}
	if (!path_join(vdir, sizeof(vdir), devdir, "vfio-dev"))
		return ifd_fail(-ENAMETOOLONG, IFD_WHY("sysfs root path too long"), "VFIO cdev lookup %s", addr);
	d = opendir(vdir);
	if (d == NULL) {
		if (errno != ENOENT)
			return ifd_fail(-errno, NULL, "VFIO cdev lookup %s: %s", addr, vdir);
		pci_driver_name(devdir, drv, sizeof(drv));
		if (strcmp(drv, "vfio-pci") == 0)
			return ifd_fail(-ENOTSUP,
					IFD_WHY("bound to vfio-pci but the kernel has no VFIO device cdevs (CONFIG_VFIO_DEVICE_CDEV, Linux 6.6+)"),
					"VFIO cdev lookup %s", addr);
		if (drv[0] == '\0')
			return ifd_fail(-ENXIO,
					IFD_WHY("no driver bound: echo vfio-pci > .../driver_override; echo <addr> > /sys/bus/pci/drivers_probe"),
					"VFIO cdev lookup %s", addr);
		return ifd_fail(-ENXIO, IFD_WHYF(vdir, sizeof(vdir),
				"bound to %s, not vfio-pci: unbind it and bind vfio-pci (driver_override + drivers_probe)",
				drv), "VFIO cdev lookup %s", addr);
	}
	ret = -ENOTSUP;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "vfio", 4) != 0 || !isdigit((unsigned char)de->d_name[4]))
			continue;
		if (strlen(de->d_name) >= len) {
			ret = -ENAMETOOLONG;
			break;
		}
		snprintf(name, len, "%s", de->d_name);
		ret = 0;
		break;
	}
	closedir(d);
	if (ret == -ENAMETOOLONG)
		return ifd_fail(ret, IFD_WHY("output buffer too small"), "VFIO cdev lookup %s", addr);
	if (ret < 0)
		return ifd_fail(ret, IFD_WHY("the vfio-dev directory holds no vfioN entry"),
				"VFIO cdev lookup %s", addr);
	return 0;
}

/* ---------------------------------------------------------------- */
/* Device handles                                                    */
/* ---------------------------------------------------------------- */

static int
backend_probe_pasid(void *arg)
{
	struct rte_iommufd_device *dev = arg;

	return dev->ops->probe_pasid(dev);
}

int
rte_iommufd_device_create(struct rte_iommufd *ctx, const char *name, uint32_t dev_id,
		const struct rte_iommufd_device_ops *ops, void *priv,
		struct rte_iommufd_device **devp)
{
	struct rte_iommufd_device *dev;

	if (ctx == NULL || name == NULL || ops == NULL || devp == NULL ||
	    ops->attach == NULL || ops->detach == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument or incomplete backend operations"),
				"device create %s", name != NULL ? name : "(null)");
	dev = calloc(1, sizeof(*dev));
	if (dev == NULL)
		return ifd_fail(-ENOMEM, NULL, "device create %s", name);
	dev->ctx = ctx;
	snprintf(dev->name, sizeof(dev->name), "%s", name);
	dev->fd = -1;
	dev->dev_id = dev_id;
	dev->ops = ops;
	dev->priv = priv;
	/* Before the hardware information, whose PASID reason depends on it. */
	if (ops->probe_pasid != NULL)
		ifd_pasid_probe(ctx, backend_probe_pasid, dev, ops->name);
	if (ctx->features & RTE_IOMMUFD_FEAT_HW_INFO) {
		int ret = rte_iommufd_device_hw_info(dev, &dev->hw_info);

		/*
		 * Only a device without hardware information (EOPNOTSUPP) goes
		 * on without it: a transient failure (ENOMEM) must not leave a
		 * handle that reports no PASID support for good.
		 */
		if (ret < 0 && ret != -EOPNOTSUPP) {
			free(dev);
			return ret;
		}
		dev->hw_info_valid = ret == 0;
	}
	ifd_ctx_get(ctx, IFD_H_DEVICE);
	*devp = dev;
	return 0;
}

static const char *
bind_hint(int err, bool token)
{
	const char *bad_fd = IFD_WHY("the iommufd descriptor is not valid");
	const struct ifd_hint hints[] = {
		{ -EACCES, token ? IFD_WHY("the VF token does not match the one set on the PF") :
			IFD_WHY("a VF token is required (the PF is bound to vfio-pci with a token), or permission denied") },
		{ -EBUSY, IFD_WHY("the device is in use: opened through its VFIO group, or its IOMMU group is owned by another iommufd") },
		{ -EPERM, IFD_WHY("the platform cannot isolate MSIs: enable interrupt remapping (CONFIG_IRQ_REMAP) or load iommufd with allow_unsafe_interrupts=1") },
		{ -EINVAL, IFD_WHY("VF token given to a device that is not a VF or PF, the kernel predates bind tokens (6.17), or the device is open elsewhere") },
		{ -EBADF, bad_fd },
		{ -EBADFD, bad_fd },
	};

	return ifd_hint(err, hints, sizeof(hints) / sizeof(hints[0]));
}

/*
 * PASID attach through a VFIO cdev just bound to the context (nothing is
 * attached to it yet): VFIO_DEVICE_DETACH_IOMMUFD_PT with the PASID flag
 * for a PASID that is not attached does nothing and answers 0 on a kernel
 * with PASID attach (6.15+; EOPNOTSUPP when that device's driver has no
 * PASID operations: the kernel still has the feature), EINVAL for the
 * unknown flag on an older kernel. @arg points to the VFIO descriptor.
 */
static int
vfio_cdev_probe_pasid(void *arg)
{
	struct ifd_vfio_device_detach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.flags = IFD_VFIO_DEVICE_DETACH_PASID,
		.pasid = 1,
	};
	int ret = ifd_ioctl(*(const int *)arg, IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);

	if (ret == 0 || ret == -EOPNOTSUPP)
		return 1;
	return ret == -EINVAL ? 0 : -1;
}

int
rte_iommufd_device_open(struct rte_iommufd *ctx, const char *bdf,
		const struct rte_iommufd_device_params *params,
		struct rte_iommufd_device **devp)
{
	struct ifd_vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	char addr[16], cdev[32], path[PATH_MAX];
	const char *sysfs_root = NULL, *dev_root = "/dev";
	const uint8_t *token = NULL;
	int fd, ret;

	if (ctx == NULL || bdf == NULL || devp == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "device open");
	if (params != NULL) {
		sysfs_root = params->sysfs_root;
		if (params->dev_root != NULL)
			dev_root = params->dev_root;
		token = params->vf_token;
	}
	ret = rte_iommufd_pci_addr_parse(bdf, addr, sizeof(addr));
	if (ret < 0)
		return ret;
	ret = rte_iommufd_device_find_cdev(addr, sysfs_root, cdev, sizeof(cdev));
	if (ret < 0)
		return ret;
	if (!path_join(path, sizeof(path), dev_root, "vfio/devices") ||
	    !path_join(path + strlen(path), sizeof(path) - strlen(path), "", cdev))
		return ifd_fail(-ENAMETOOLONG, IFD_WHY("device root path too long"), "device open %s", addr);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		return ifd_fail(ret, ret == -EACCES || ret == -EPERM ?
				IFD_WHY("permission denied: run as root or grant access to the cdev") :
				ret == -ENOENT ? IFD_WHY("the cdev node is missing (devtmpfs not mounted?)") :
				ret == -EBUSY ? IFD_WHY("the device is open elsewhere") : NULL,
				"open %s for %s", path, addr);
	}
	bind.iommufd = ctx->fd;
	if (token != NULL) {
		bind.flags = IFD_VFIO_DEVICE_BIND_FLAG_TOKEN;
		bind.token_uuid_ptr = (uintptr_t)token;
	}
	ret = ifd_ioctl(fd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &bind);
	if (ret == -EINVAL && token == NULL) {
		/*
		 * A fresh fd cannot be bound already: the kernel's EINVAL here
		 * means the device is open elsewhere (a VFIO device is opened
		 * once at a time, through its cdev or its group).
		 */
		close(fd);
		return ifd_fail(-EBUSY,
				IFD_WHY("the device is in use by another process or iommufd (the kernel answered EINVAL: one open at a time)"),
				"VFIO_DEVICE_BIND_IOMMUFD %s (%s) to iommufd %d", addr, cdev, ctx->fd);
	}
	if (ret < 0) {
		close(fd);
		return ifd_fail(ret, bind_hint(ret, token != NULL),
				"VFIO_DEVICE_BIND_IOMMUFD %s (%s) to iommufd %d", addr, cdev, ctx->fd);
	}
	ifd_pasid_probe(ctx, vfio_cdev_probe_pasid, &fd, "VFIO detach probe");
	ret = rte_iommufd_device_create(ctx, addr, bind.out_devid, &ifd_vfio_cdev_ops,
					NULL, devp);
	if (ret < 0) {
		close(fd);
		return ret;
	}
	(*devp)->fd = fd;
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "VFIO_DEVICE_BIND_IOMMUFD %s (%s): dev %u",
		addr, cdev, bind.out_devid);
	return 0;
}

void
rte_iommufd_device_close(struct rte_iommufd_device *dev)
{
	if (dev == NULL)
		return;
	if (dev->ops->close != NULL)
		dev->ops->close(dev);
	if (dev->fd >= 0)
		close(dev->fd);
	/* The kernel detached the RID and every PASID with the close. */
	ifd_space_forget_device(dev->ctx, dev);
	ifd_handle_release(dev->ctx, IFD_H_DEVICE, dev);
}

uint32_t
rte_iommufd_device_id(const struct rte_iommufd_device *dev)
{
	return dev != NULL ? dev->dev_id : 0;
}

int
rte_iommufd_device_fd(const struct rte_iommufd_device *dev)
{
	return dev != NULL ? dev->fd : -EINVAL;
}

const char *
rte_iommufd_device_name(const struct rte_iommufd_device *dev)
{
	return dev != NULL ? dev->name : "(null)";
}

struct rte_iommufd *
rte_iommufd_device_ctx(const struct rte_iommufd_device *dev)
{
	return dev != NULL ? dev->ctx : NULL;
}

void *
rte_iommufd_device_priv(const struct rte_iommufd_device *dev)
{
	return dev != NULL ? dev->priv : NULL;
}

uint32_t
rte_iommufd_device_attached_hwpt(const struct rte_iommufd_device *dev)
{
	return dev != NULL ? dev->rid_hwpt : 0;
}

/* ---------------------------------------------------------------- */
/* Attach, replace, detach                                           */
/* ---------------------------------------------------------------- */

static bool
pt_is_pasid_hwpt(struct rte_iommufd *ctx, uint32_t pt_id, bool *known)
{
	uint32_t flags = 0;

	*known = ifd_hwpt_lookup(ctx, pt_id, &flags);
	return *known && (flags & RTE_IOMMUFD_HWPT_ALLOC_PASID);
}

/* The one attach (iommufd_private.h): the public RID and PASID attaches
 * and the address spaces (space.c) build on it. */
int
ifd_device_attach_raw(struct rte_iommufd_device *dev, uint32_t pasid, uint32_t pt_id,
		uint32_t *out_hwpt_id)
{
	uint32_t id = pt_id;
	int ret;

	ret = dev->ops->attach(dev, pasid, &id);
	if (ret < 0)
		return ret;
	if (pasid == RTE_IOMMUFD_NO_PASID)
		dev->rid_hwpt = id;
	if (out_hwpt_id != NULL)
		*out_hwpt_id = id;
	return 0;
}

int
rte_iommufd_device_attach(struct rte_iommufd_device *dev, uint32_t pt_id,
		uint32_t *out_hwpt_id)
{
	const char *hint = NULL;
	uint32_t prev, id;
	bool known;
	int ret;

	if (dev == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL device"), "attach");
	if (pt_id == 0)
		return ifd_fail(-EINVAL, IFD_WHY("page table id 0 is never valid"), "attach %s -> pt 0",
				dev->name);
	prev = dev->rid_hwpt;
	ret = ifd_device_attach_raw(dev, RTE_IOMMUFD_NO_PASID, pt_id, &id);
	if (ret < 0) {
		if (ret == -EINVAL && !pt_is_pasid_hwpt(dev->ctx, pt_id, &known))
			hint = known ?
				IFD_WHY("incompatible page table; if PASIDs are attached, the RID needs a HWPT allocated with ALLOC_PASID") :
				IFD_WHY("incompatible page table (an IOAS gets an automatic page table without PASID support: use a HWPT allocated with ALLOC_PASID when PASIDs are attached)");
		else if (ret == -ENOENT)
			hint = IFD_WHY("no IOAS or HWPT with this id");
		else if (ret == -EADDRINUSE)
			hint = IFD_WHY("a reserved region of the device (e.g. the MSI window) overlaps IOVAs pinned with allow_iovas or already mapped");
		if (prev != 0)
			return ifd_fail(ret, hint, "replace %s (dev %u) -> pt %u", dev->name,
					dev->dev_id, pt_id);
		return ifd_fail(ret, hint, "attach %s (dev %u) -> pt %u", dev->name, dev->dev_id,
				pt_id);
	}
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "%s %s -> pt %u: hwpt %u",
		prev ? "replace" : "attach", dev->name, pt_id, id);
	if (out_hwpt_id != NULL)
		*out_hwpt_id = id;
	return 0;
}

int
rte_iommufd_device_detach(struct rte_iommufd_device *dev)
{
	int ret;

	if (dev == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL device"), "detach");
	ret = dev->ops->detach(dev, RTE_IOMMUFD_NO_PASID);
	if (ret < 0)
		return ifd_fail(ret, NULL, "detach %s (dev %u)", dev->name, dev->dev_id);
	dev->rid_hwpt = 0;
	return 0;
}

/* Why @dev cannot take @pasid (a reason, with its values in @buf of @len
 * bytes), with the errno in @err; NULL if it can. */
const char *
ifd_pasid_refused(const struct rte_iommufd_device *dev, uint32_t pasid, int *err,
		char *buf, size_t len)
{
	struct rte_iommufd_pasid_caps caps;

	*err = -EINVAL;
	if (dev == NULL)
		return IFD_WHY("NULL device");
	if (pasid == RTE_IOMMUFD_NO_PASID)
		return IFD_WHY("PASID 0 is the RID (IOMMU_NO_PASID): use rte_iommufd_device_attach()/detach()");
	*err = -EOPNOTSUPP;
	if (!(dev->ctx->features & RTE_IOMMUFD_FEAT_PASID))
		return IFD_WHY("kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)");
	if (!dev->hw_info_valid)
		return NULL;
	if (rte_iommufd_pasid_caps_from_hw_info(&dev->hw_info, &caps) < 0)
		return IFD_WHYF(buf, len,
				"device reports out_max_pasid_log2 %u, wider than a PASID (%u bits)",
				dev->hw_info.max_pasid_log2, RTE_IOMMUFD_PASID_MAX_LOG2);
	/* The width and no-PASID decision is the policy's. */
	*err = rte_iommufd_policy_pasid_check(&caps, pasid);
	if (*err == 0)
		return NULL;
	if (*err == -ERANGE)
		return IFD_WHYF(buf, len,
				"beyond the device's PASID width: usable 1..%u (out_max_pasid_log2 %u)",
				caps.max_pasid, caps.width);
	return IFD_WHYF(buf, len, "device has no usable PASID, out_max_pasid_log2 = 0: %s",
			rte_iommufd_pasid_reason_str(caps.reason));
}

int
rte_iommufd_device_pasid_attach(struct rte_iommufd_device *dev, uint32_t pasid,
		uint32_t pt_id, uint32_t *out_hwpt_id)
{
	const char *hint = NULL, *why;
	uint32_t id, rid_flags = 0;
	char buf[160];
	bool known;
	int ret;

	why = ifd_pasid_refused(dev, pasid, &ret, buf, sizeof(buf));
	if (why != NULL)
		return ifd_fail(ret, why, "PASID attach %s pasid %u", rte_iommufd_device_name(dev),
				pasid);
	ret = ifd_device_attach_raw(dev, pasid, pt_id, &id);
	if (ret < 0) {
		if (ret == -EINVAL) {
			if (!pt_is_pasid_hwpt(dev->ctx, pt_id, &known))
				hint = known ? IFD_WHY("page table was not allocated for PASID use") :
					IFD_WHY("not a HWPT allocated for PASID use (an IOAS id gets a page table without PASID support)");
			else if (dev->rid_hwpt != 0 &&
				 ifd_hwpt_lookup(dev->ctx, dev->rid_hwpt, &rid_flags) &&
				 !(rid_flags & RTE_IOMMUFD_HWPT_ALLOC_PASID))
				hint = IFD_WHY("the RID is attached to a page table not allocated for PASID use");
			else if (dev->rid_hwpt != 0 && !known)
				hint = IFD_WHY("the RID's page table may not be PASID-compatible");
		} else if (ret == -ENOENT) {
			hint = IFD_WHY("no HWPT with this id");
		} else if (ret == -EOPNOTSUPP) {
			hint = IFD_WHY("the device's driver has no PASID operations");
		}
		return ifd_fail(ret, hint, "PASID attach %s pasid %u -> hwpt %u",
				dev->name, pasid, pt_id);
	}
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "PASID attach %s pasid %u -> hwpt %u",
		dev->name, pasid, id);
	if (out_hwpt_id != NULL)
		*out_hwpt_id = id;
	return 0;
}

int
rte_iommufd_device_pasid_detach(struct rte_iommufd_device *dev, uint32_t pasid)
{
	const char *why;
	char buf[160];
	int ret;

	why = ifd_pasid_refused(dev, pasid, &ret, buf, sizeof(buf));
	if (why != NULL)
		return ifd_fail(ret, why, "PASID detach %s pasid %u", rte_iommufd_device_name(dev),
				pasid);
	ret = dev->ops->detach(dev, pasid);
	if (ret < 0)
		return ifd_fail(ret, NULL, "PASID detach %s pasid %u", dev->name, pasid);
	return 0;
}

/* ---------------------------------------------------------------- */
/* VFIO cdev backend                                                 */
/* ---------------------------------------------------------------- */

static int
vfio_cdev_attach(struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *pt_id)
{
	struct ifd_vfio_device_attach_iommufd_pt cmd = {
		.argsz = sizeof(cmd),
		.pt_id = *pt_id,
	};
	int ret;

	if (pasid != RTE_IOMMUFD_NO_PASID) {
		cmd.flags = IFD_VFIO_DEVICE_ATTACH_PASID;
		cmd.pasid = pasid;
	}
	ret = ifd_ioctl(dev->fd, IFD_VFIO_DEVICE_ATTACH_IOMMUFD_PT, &cmd);
	if (ret < 0)
		return ret;
	*pt_id = cmd.pt_id;
	return 0;
}

static int
vfio_cdev_detach(struct rte_iommufd_device *dev, uint32_t pasid)
{
	struct ifd_vfio_device_detach_iommufd_pt cmd = { .argsz = sizeof(cmd) };

	if (pasid != RTE_IOMMUFD_NO_PASID) {
		cmd.flags = IFD_VFIO_DEVICE_DETACH_PASID;
		cmd.pasid = pasid;
	}
	return ifd_ioctl(dev->fd, IFD_VFIO_DEVICE_DETACH_IOMMUFD_PT, &cmd);
}

/* The PASID probe is done at open (vfio_cdev_probe_pasid()), before the
 * descriptor is in the handle. */
const struct rte_iommufd_device_ops ifd_vfio_cdev_ops = {
	.name = "vfio-cdev",
	.attach = vfio_cdev_attach,
	.detach = vfio_cdev_detach,
	.close = NULL,
	.probe_pasid = NULL,
};
