/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/* PASID bindings: the ownership rule of rte_iommufd_pasid.h. */

#include <errno.h>

#include "iommufd_private.h"
#include "rte_iommufd_pasid.h"

int
ifd_pasid_bind(struct rte_pasid_space *ns, unsigned int owner, unsigned int n,
		const struct ifd_pasid_ops *ops, void *arg, uint32_t *pasid)
{
	unsigned int i, k;
	int ret, p, undo_failed = 0;

	if (ns == NULL || ops == NULL || ops->attach == NULL || ops->detach == NULL ||
	    pasid == NULL || n == 0)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument or no device"), "PASID bind");
	*pasid = 0;
	p = rte_pasid_alloc(ns, owner);
	if (p < 0)
		return ifd_fail(p, p == -ENOSPC ? IFD_WHY("every PASID of the namespace is in use") : NULL,
				"PASID bind: allocation");
	for (i = 0; i < n; i++) {
		ret = ops->attach(arg, i, (uint32_t)p);
		if (ret == 0)
			continue;
		/* Roll back in reverse; free only if every device let go. */
		for (k = i; k-- > 0;)
			if (ops->detach(arg, k, (uint32_t)p) < 0)
				undo_failed++;
		if (undo_failed) {
			*pasid = (uint32_t)p;
			return ifd_fail(-EIO, IFD_WHY("the attach failed and so did the rollback: the PASID stays allocated, unbind it to retry"),
					"PASID bind pasid %d device %u (%s)", p, i,
					rte_iommufd_errno_name(ret));
		}
		rte_pasid_free(ns, owner, (uint32_t)p);
		return ifd_fail(ret, NULL, "PASID bind pasid %d device %u", p, i);
	}
	*pasid = (uint32_t)p;
	return 0;
}

int
ifd_pasid_unbind(struct rte_pasid_space *ns, unsigned int owner, uint32_t pasid,
		unsigned int n, const struct ifd_pasid_ops *ops, void *arg)
{
	unsigned int i, holder = RTE_PASID_OWNER_NONE;
	int ret, first = 0;

	if (ns == NULL || ops == NULL || ops->detach == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "PASID unbind %u", pasid);
	if (rte_pasid_state(ns, pasid, &holder) != RTE_PASID_STATE_ALLOCATED)
		return ifd_fail(-ENOENT, IFD_WHY("the PASID is not allocated in this namespace"),
				"PASID unbind %u", pasid);
	/* A stale unbind must not detach another owner's PASID. */
	if (holder != owner)
		return ifd_fail(-EPERM, IFD_WHY("the PASID belongs to another owner of the namespace: nothing detached"),
				"PASID unbind %u by owner %u (held by %u)", pasid, owner, holder);
	for (i = 0; i < n; i++) {
		ret = ops->detach(arg, i, pasid);
		if (ret < 0 && first == 0)
			first = ret;
	}
	if (first < 0)
		return ifd_fail(first, IFD_WHY("a device may still use the PASID: it stays allocated, unbind again to retry"),
				"PASID unbind %u", pasid);
	/* If the owner changed meanwhile, the free fails. */
	ret = rte_pasid_free(ns, owner, pasid);
	if (ret < 0)
		return ifd_fail(ret, NULL, "PASID unbind %u: free", pasid);
	return 0;
}

struct space_binding {
	struct rte_iommufd_space *sp;
	struct rte_iommufd_device *const *devs;
};

static int
space_attach_one(void *arg, unsigned int idx, uint32_t pasid)
{
	struct space_binding *b = arg;

	return rte_iommufd_space_attach(b->sp, b->devs[idx], pasid, NULL);
}

static int
space_detach_one(void *arg, unsigned int idx, uint32_t pasid)
{
	struct space_binding *b = arg;

	/*
	 * Not attached to this space (any more): nothing can use it here.
	 * Asked before, not read from the errno: a failed detach of an
	 * attachment the space has may say ENOENT too (the backend's or the
	 * kernel's answer), and then the PASID must stay allocated.
	 */
	if (b->devs[idx] != NULL && !ifd_space_attached(b->sp, b->devs[idx], pasid))
		return 0;
	return rte_iommufd_space_detach(b->sp, b->devs[idx], pasid);
}

static const struct ifd_pasid_ops space_ops = {
	.attach = space_attach_one,
	.detach = space_detach_one,
};

int
rte_iommufd_space_pasid_bind(struct rte_iommufd_space *sp, struct rte_pasid_space *ns,
		unsigned int owner, struct rte_iommufd_device *const *devs, unsigned int n,
		uint32_t *pasid)
{
	struct space_binding b = { .sp = sp, .devs = devs };
	struct rte_pasid_space_info info;
	struct rte_iommufd_pasid_caps caps;
	unsigned int i;
	int ret;

	if (sp == NULL || ns == NULL || devs == NULL || n == 0 || pasid == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument or no device"), "PASID bind");
	ret = rte_pasid_space_info(ns, &info);
	if (ret < 0)
		return ifd_fail(ret, NULL, "PASID bind: namespace");
	for (i = 0; i < n; i++) {
		ret = rte_iommufd_device_pasid_caps(devs[i], &caps);
		if (ret < 0)
			return ret;
		if (caps.width == 0)
			return ifd_fail(-EOPNOTSUPP, rte_iommufd_pasid_reason_str(caps.reason),
					"PASID bind %s", devs[i]->name);
		if (info.width > caps.width)
			return ifd_fail(-ERANGE, IFD_WHY("the namespace is wider than the device's PASID width: narrow it to the smallest width of its devices"),
					"PASID bind %s (namespace %u bits, device %u)",
					devs[i]->name, info.width, caps.width);
	}
	return ifd_pasid_bind(ns, owner, n, &space_ops, &b, pasid);
}

int
rte_iommufd_space_pasid_unbind(struct rte_iommufd_space *sp, struct rte_pasid_space *ns,
		unsigned int owner, struct rte_iommufd_device *const *devs, unsigned int n,
		uint32_t pasid)
{
	struct space_binding b = { .sp = sp, .devs = devs };

	if (sp == NULL || devs == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "PASID unbind %u", pasid);
	return ifd_pasid_unbind(ns, owner, pasid, n, &space_ops, &b);
}
