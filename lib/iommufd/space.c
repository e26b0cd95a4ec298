/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Address spaces: an IOAS plus the HWPTs the policy allocates over it for
 * the RIDs and PASIDs attached to it. HWPTs with the same flags are shared
 * across devices whenever the kernel accepts the attach (it refuses one
 * that belongs to an incompatible IOMMU instance); a HWPT is freed when
 * its last attachment goes. All spaces of a context share one lock, which
 * also makes a replace between two spaces atomic for the bookkeeping.
 */

#include <errno.h>
#include <stdlib.h>

#include "iommufd_private.h"

struct space_hwpt {
	struct rte_iommufd_hwpt *hwpt;
	uint32_t flags;
	unsigned int users;
	struct space_hwpt *next;
};

struct space_att {
	struct rte_iommufd_device *dev;
	uint32_t pasid;
	struct space_hwpt *sh;
	struct space_att *next;
};

struct rte_iommufd_space {
	struct rte_iommufd *ctx;
	struct rte_iommufd_ioas *ioas;
	bool own_ioas;
	struct rte_iommufd_fault *fault;
	struct space_hwpt *hwpts;
	struct space_att *atts;
	struct rte_iommufd_space *next;
};

int
rte_iommufd_space_create(struct rte_iommufd *ctx, struct rte_iommufd_ioas *ioas,
		struct rte_iommufd_fault *fault, struct rte_iommufd_space **spacep)
{
	struct rte_iommufd_space *sp;
	int ret;

	if (ctx == NULL || spacep == NULL || (ioas != NULL && ioas->ctx != ctx))
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument, or the IOAS belongs to another context"),
				"address space create");
	sp = calloc(1, sizeof(*sp));
	if (sp == NULL)
		return ifd_fail(-ENOMEM, NULL, "address space create");
	sp->ctx = ctx;
	sp->fault = fault;
	if (ioas == NULL) {
		ret = rte_iommufd_ioas_alloc(ctx, &sp->ioas);
		if (ret < 0) {
			free(sp);
			return ret;
		}
		sp->own_ioas = true;
	} else {
		sp->ioas = ioas;
	}
	pthread_mutex_lock(&ctx->space_lock);
	sp->next = ctx->spaces;
	ctx->spaces = sp;
	pthread_mutex_unlock(&ctx->space_lock);
	ifd_ctx_get(ctx, IFD_H_SPACE);
	*spacep = sp;
	return 0;
}

int
rte_iommufd_space_free(struct rte_iommufd_space *sp)
{
	struct rte_iommufd_space **p;
	struct space_hwpt *sh;
	int ret;

	if (sp == NULL)
		return 0;
	pthread_mutex_lock(&sp->ctx->space_lock);
	if (sp->atts != NULL) {
		pthread_mutex_unlock(&sp->ctx->space_lock);
		return ifd_fail(-EBUSY, IFD_WHY("devices or PASIDs are still attached; detach them first"),
				"address space free (ioas %u)", sp->ioas->id);
	}
	for (p = &sp->ctx->spaces; *p != NULL; p = &(*p)->next) {
		if (*p == sp) {
			*p = sp->next;
			break;
		}
	}
	pthread_mutex_unlock(&sp->ctx->space_lock);
	while ((sh = sp->hwpts) != NULL) {
		sp->hwpts = sh->next;
		rte_iommufd_hwpt_free(sh->hwpt);
		free(sh);
	}
	if (sp->own_ioas) {
		ret = rte_iommufd_ioas_free(sp->ioas);
		if (ret < 0) {
			/* The IOAS is still used outside the space: keep the space valid. */
			pthread_mutex_lock(&sp->ctx->space_lock);
			sp->next = sp->ctx->spaces;
			sp->ctx->spaces = sp;
			pthread_mutex_unlock(&sp->ctx->space_lock);
			return ret;
		}
	}
	return ifd_handle_release(sp->ctx, IFD_H_SPACE, sp);
}

struct rte_iommufd_ioas *
rte_iommufd_space_ioas(const struct rte_iommufd_space *sp)
{
	return sp != NULL ? sp->ioas : NULL;
}

/* The attachments of @sp, or its HWPTs, counted under the lock. */
static unsigned int
space_count(const struct rte_iommufd_space *sp, bool hwpts)
{
	const struct space_hwpt *h;
	const struct space_att *a;
	unsigned int n = 0;

	if (sp == NULL)
		return 0;
	pthread_mutex_lock(&sp->ctx->space_lock);
	if (hwpts)
		for (h = sp->hwpts; h != NULL; h = h->next)
			n++;
	else
		for (a = sp->atts; a != NULL; a = a->next)
			n++;
	pthread_mutex_unlock(&sp->ctx->space_lock);
	return n;
}

unsigned int
rte_iommufd_space_attachments(const struct rte_iommufd_space *sp)
{
	return space_count(sp, false);
}

unsigned int
rte_iommufd_space_hwpts(const struct rte_iommufd_space *sp)
{
	return space_count(sp, true);
}

int
rte_iommufd_space_foreach(struct rte_iommufd_space *sp, rte_iommufd_space_att_cb cb, void *arg)
{
	const struct space_att *a;
	int ret = 0;

	if (sp == NULL || cb == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "address space walk");
	pthread_mutex_lock(&sp->ctx->space_lock);
	for (a = sp->atts; a != NULL && ret == 0; a = a->next)
		ret = cb(a->dev, a->pasid, arg);
	pthread_mutex_unlock(&sp->ctx->space_lock);
	return ret;
}

/* The record of (dev, pasid) in @sp, or NULL; *prevp for unlinking. */
static struct space_att *
att_find(struct rte_iommufd_space *sp, const struct rte_iommufd_device *dev, uint32_t pasid,
		struct space_att ***prevp)
{
	struct space_att **p;

	for (p = &sp->atts; *p != NULL; p = &(*p)->next) {
		if ((*p)->dev == dev && (*p)->pasid == pasid) {
			if (prevp != NULL)
				*prevp = p;
			return *p;
		}
	}
	return NULL;
}

/* Drop one user of a HWPT; free it when it has none. Lock held. */
static void
hwpt_put(struct rte_iommufd_space *sp, struct space_hwpt *sh)
{
	struct space_hwpt **p;

	if (--sh->users != 0)
		return;
	for (p = &sp->hwpts; *p != NULL; p = &(*p)->next) {
		if (*p == sh) {
			*p = sh->next;
			break;
		}
	}
	if (rte_iommufd_hwpt_free(sh->hwpt) < 0) {
		/* Still attached elsewhere (outside any space): keep it. */
		sh->next = sp->hwpts;
		sp->hwpts = sh;
		sh->users = 0;
		return;
	}
	free(sh);
}

/* Remove the record of (dev, pasid) from any space but @keep. Lock held. */
static void
forget_elsewhere(struct rte_iommufd *ctx, struct rte_iommufd_space *keep,
		const struct rte_iommufd_device *dev, uint32_t pasid)
{
	struct rte_iommufd_space *sp;
	struct space_att **prev, *a;

	for (sp = ctx->spaces; sp != NULL; sp = sp->next) {
		if (sp == keep)
			continue;
		a = att_find(sp, dev, pasid, &prev);
		if (a == NULL)
			continue;
		*prev = a->next;
		hwpt_put(sp, a->sh);
		free(a);
	}
}

static int
space_attach_locked(struct rte_iommufd_space *sp, struct rte_iommufd_device *dev,
		uint32_t pasid, uint32_t *hwpt_id)
{
	struct rte_iommufd_hwpt_params params = { 0 };
	struct rte_iommufd_pasid_caps caps = { 0 };
	struct space_hwpt *sh;
	struct space_att *a;
	const char *why;
	char buf[160];
	uint32_t flags;
	int ret;

	/* A kernel without PASID attach takes no ALLOC_PASID either. */
	if (dev->hw_info_valid && (sp->ctx->features & RTE_IOMMUFD_FEAT_PASID))
		rte_iommufd_pasid_caps_from_hw_info(&dev->hw_info, &caps);
	a = att_find(sp, dev, pasid, NULL);
	if (a != NULL) {
		if (hwpt_id != NULL)
			*hwpt_id = a->sh->hwpt->id;
		return 0;
	}
	why = pasid != RTE_IOMMUFD_NO_PASID ?
		ifd_pasid_refused(dev, pasid, &ret, buf, sizeof(buf)) : NULL;
	if (why != NULL)
		return ifd_fail(ret, why, "PASID attach %s pasid %u", dev->name, pasid);
	flags = rte_iommufd_policy_hwpt_flags(&caps, pasid,
			sp->fault != NULL ? RTE_IOMMUFD_HWPT_FAULT_ID_VALID : 0);

	/* Share a HWPT with the same flags when the kernel accepts it. */
	for (sh = sp->hwpts; sh != NULL; sh = sh->next) {
		if (sh->flags != flags)
			continue;
		ret = ifd_device_attach_raw(dev, pasid, sh->hwpt->id, NULL);
		if (ret == 0)
			break;
		if (ret != -EINVAL && ret != -EOPNOTSUPP && ret != -EBUSY)
			return pasid != RTE_IOMMUFD_NO_PASID ?
				ifd_fail(ret, NULL, "PASID attach %s pasid %u -> shared hwpt %u",
					 dev->name, pasid, sh->hwpt->id) :
				ifd_fail(ret, NULL, "attach %s -> shared hwpt %u", dev->name,
					 sh->hwpt->id);
		ifd_log(RTE_IOMMUFD_LOG_DEBUG, "%s: hwpt %u not compatible (%s), trying another",
			dev->name, sh->hwpt->id, rte_iommufd_errno_name(ret));
	}
	if (sh == NULL) {
		sh = calloc(1, sizeof(*sh));
		if (sh == NULL)
			return ifd_fail(-ENOMEM, NULL, "address space attach %s", dev->name);
		params.flags = flags & ~(uint32_t)RTE_IOMMUFD_HWPT_FAULT_ID_VALID;
		params.fault = sp->fault;
		ret = rte_iommufd_hwpt_alloc_ex(dev, sp->ioas->id, &params, &sh->hwpt);
		if (ret < 0 && pasid == RTE_IOMMUFD_NO_PASID &&
		    (flags & RTE_IOMMUFD_HWPT_ALLOC_PASID)) {
			/* The RID works without: PASIDs then cannot share it. */
			ifd_log(RTE_IOMMUFD_LOG_WARNING,
				"%s: no PASID-capable page table over ioas %u (%s); using one without PASID support: PASIDs cannot be attached to this address space on it",
				dev->name, sp->ioas->id, rte_iommufd_errno_name(ret));
			flags &= ~(uint32_t)RTE_IOMMUFD_HWPT_ALLOC_PASID;
			params.flags &= ~(uint32_t)RTE_IOMMUFD_HWPT_ALLOC_PASID;
			ret = rte_iommufd_hwpt_alloc_ex(dev, sp->ioas->id, &params, &sh->hwpt);
		}
		if (ret < 0) {
			free(sh);
			return ret;
		}
		sh->flags = flags;
		ret = pasid == RTE_IOMMUFD_NO_PASID ?
			rte_iommufd_device_attach(dev, sh->hwpt->id, NULL) :
			rte_iommufd_device_pasid_attach(dev, pasid, sh->hwpt->id, NULL);
		if (ret < 0) {
			rte_iommufd_hwpt_free(sh->hwpt);
			free(sh);
			return ret;
		}
		sh->next = sp->hwpts;
		sp->hwpts = sh;
	}
	a = calloc(1, sizeof(*a));
	if (a == NULL) {
		/* Attached but not recorded: undo so that nothing is lost. */
		if (pasid == RTE_IOMMUFD_NO_PASID)
			rte_iommufd_device_detach(dev);
		else
			rte_iommufd_device_pasid_detach(dev, pasid);
		sh->users++;
		hwpt_put(sp, sh);
		return ifd_fail(-ENOMEM, NULL, "address space attach %s", dev->name);
	}
	a->dev = dev;
	a->pasid = pasid;
	a->sh = sh;
	a->next = sp->atts;
	sp->atts = a;
	sh->users++;
	/* A replace: the space that had this RID or PASID lets it go. */
	forget_elsewhere(sp->ctx, sp, dev, pasid);
	if (hwpt_id != NULL)
		*hwpt_id = sh->hwpt->id;
	return 0;
}

int
rte_iommufd_space_attach(struct rte_iommufd_space *sp, struct rte_iommufd_device *dev,
		uint32_t pasid, uint32_t *hwpt_id)
{
	int ret;

	if (sp == NULL || dev == NULL || dev->ctx != sp->ctx)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument, or device and space of different contexts"),
				"address space attach");
	pthread_mutex_lock(&sp->ctx->space_lock);
	ret = space_attach_locked(sp, dev, pasid, hwpt_id);
	pthread_mutex_unlock(&sp->ctx->space_lock);
	return ret;
}

int
rte_iommufd_space_detach(struct rte_iommufd_space *sp, struct rte_iommufd_device *dev,
		uint32_t pasid)
{
	struct space_att **prev, *a;
	int ret;

	if (sp == NULL || dev == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "address space detach");
	pthread_mutex_lock(&sp->ctx->space_lock);
	a = att_find(sp, dev, pasid, &prev);
	if (a == NULL) {
		pthread_mutex_unlock(&sp->ctx->space_lock);
		return ifd_fail(-ENOENT, IFD_WHY("not attached to this address space"),
				"address space detach %s pasid %u (ioas %u)", dev->name, pasid,
				sp->ioas->id);
	}
	ret = pasid == RTE_IOMMUFD_NO_PASID ? rte_iommufd_device_detach(dev) :
		rte_iommufd_device_pasid_detach(dev, pasid);
	if (ret == 0) {
		*prev = a->next;
		hwpt_put(sp, a->sh);
		free(a);
	}
	pthread_mutex_unlock(&sp->ctx->space_lock);
	return ret;
}

int
rte_iommufd_space_page_table(struct rte_iommufd_space *sp, const struct rte_iommufd_device *dev,
		uint32_t pasid, uint32_t *hwpt_id, uint32_t *flags)
{
	struct space_att *a;

	if (sp == NULL || dev == NULL)
		return ifd_fail(-EINVAL, "NULL argument", "address space page table");
	pthread_mutex_lock(&sp->ctx->space_lock);
	a = att_find(sp, dev, pasid, NULL);
	if (a != NULL) {
		if (hwpt_id != NULL)
			*hwpt_id = a->sh->hwpt->id;
		if (flags != NULL)
			*flags = a->sh->flags;
	}
	pthread_mutex_unlock(&sp->ctx->space_lock);
	if (a == NULL)
		return ifd_fail(-ENOENT, "not attached to this address space",
				"address space page table %s pasid %u", dev->name, pasid);
	return 0;
}

bool
ifd_space_attached(struct rte_iommufd_space *sp, const struct rte_iommufd_device *dev,
		uint32_t pasid)
{
	bool found;

	pthread_mutex_lock(&sp->ctx->space_lock);
	found = att_find(sp, dev, pasid, NULL) != NULL;
	pthread_mutex_unlock(&sp->ctx->space_lock);
	return found;
}

void
ifd_space_forget_device(struct rte_iommufd *ctx, const struct rte_iommufd_device *dev)
{
	struct rte_iommufd_space *sp;
	struct space_att **p, *a;

	pthread_mutex_lock(&ctx->space_lock);
	for (sp = ctx->spaces; sp != NULL; sp = sp->next) {
		p = &sp->atts;
		while ((a = *p) != NULL) {
			if (a->dev != dev) {
				p = &a->next;
				continue;
			}
			*p = a->next;
			hwpt_put(sp, a->sh);
			free(a);
		}
	}
	pthread_mutex_unlock(&ctx->space_lock);
}
