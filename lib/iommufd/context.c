/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "iommufd_private.h"

int
ifd_ioctl(int fd, unsigned long request, void *arg)
{
	int rc;

	do {
		rc = ioctl(fd, request, arg);
	} while (rc < 0 && errno == EINTR);
	if (rc < 0)
		return -errno;
	return rc;
}

void *
ifd_obj_alloc(struct rte_iommufd *ctx, enum ifd_handle kind, size_t size, unsigned long request,
		void *cmd, int *err)
{
	void *obj = calloc(1, size);

	if (obj == NULL) {
		*err = -ENOMEM;
		return NULL;
	}
	*err = ifd_ioctl(ctx->fd, request, cmd);
	if (*err < 0) {
		free(obj);
		return NULL;
	}
	ifd_ctx_get(ctx, kind);
	return obj;
}

const char *
ifd_hint(int err, const struct ifd_hint *hints, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (hints[i].err == err)
			return hints[i].why;
	return NULL;
}

/* Ioctls whose presence is one feature: a zero size is refused with EINVAL
 * by a kernel that knows the command, ENOTTY otherwise. */
static const struct {
	unsigned long request;
	uint64_t feature;
} ioctl_features[] = {
	{ IFD_IOMMU_IOAS_ALLOC, RTE_IOMMUFD_FEAT_IOAS },
	{ IFD_IOMMU_HWPT_ALLOC, RTE_IOMMUFD_FEAT_HWPT_ALLOC },
	{ IFD_IOMMU_GET_HW_INFO, RTE_IOMMUFD_FEAT_HW_INFO },
	{ IFD_IOMMU_HWPT_GET_DIRTY_BITMAP, RTE_IOMMUFD_FEAT_DIRTY_TRACKING },
	{ IFD_IOMMU_HWPT_INVALIDATE, RTE_IOMMUFD_FEAT_HWPT_INVALIDATE },
	{ IFD_IOMMU_FAULT_QUEUE_ALLOC, RTE_IOMMUFD_FEAT_FAULT_QUEUE },
	{ IFD_IOMMU_IOAS_MAP_FILE, RTE_IOMMUFD_FEAT_IOAS_MAP_FILE },
	{ IFD_IOMMU_VDEVICE_ALLOC, RTE_IOMMUFD_FEAT_VIOMMU },
	{ IFD_IOMMU_IOAS_CHANGE_PROCESS, RTE_IOMMUFD_FEAT_IOAS_CHANGE_PROCESS },
	{ IFD_IOMMU_VEVENTQ_ALLOC, RTE_IOMMUFD_FEAT_VEVENTQ },
	{ IFD_IOMMU_HW_QUEUE_ALLOC, RTE_IOMMUFD_FEAT_HW_QUEUE },
	{ IFD_IOMMU_IOAS_NOIOMMU_GET_PA, RTE_IOMMUFD_FEAT_NOIOMMU_GET_PA },
};

static const char *const feature_names[RTE_IOMMUFD_FEAT_COUNT] = {
	"ioas", "hwpt_alloc", "hw_info", "dirty_tracking", "hwpt_invalidate",
	"fault_queue", "ioas_map_file", "viommu", "ioas_change_process",
	"veventq", "pasid", "hw_queue", "hw_info_input_type", "noiommu_get_pa",
	"hw_info_pasid",
};

uint64_t
ifd_probe_features(int fd)
{
	uint64_t features = 0;
	size_t i;

	for (i = 0; i < sizeof(ioctl_features) / sizeof(ioctl_features[0]); i++) {
		uint32_t size = 0;

		if (ifd_ioctl(fd, ioctl_features[i].request, &size) == -EINVAL)
			features |= ioctl_features[i].feature;
	}

	if (features & RTE_IOMMUFD_FEAT_HW_INFO) {
		struct ifd_iommu_hw_info cmd;

		/*
		 * Byte 28 (out_max_pasid_log2) was part of a reserved word
		 * that had to be zero before the kernel reported PASID
		 * widths; a kernel that knows the field ignores its input
		 * and fails on the unknown device instead. This says nothing
		 * about PASID attach: Debian's 6.12 reports the width (a
		 * stable backport) but has neither PASID attach nor
		 * IOMMU_HWPT_ALLOC_PASID. That is RTE_IOMMUFD_FEAT_PASID,
		 * probed on the first device (ifd_pasid_probed()).
		 */
		memset(&cmd, 0, sizeof(cmd));
		cmd.size = sizeof(cmd);
		cmd.out_max_pasid_log2 = 1;
		if (ifd_ioctl(fd, IFD_IOMMU_GET_HW_INFO, &cmd) == -ENOENT)
			features |= RTE_IOMMUFD_FEAT_HW_INFO_PASID;

		memset(&cmd, 0, sizeof(cmd));
		cmd.size = sizeof(cmd);
		cmd.flags = IFD_IOMMU_HW_INFO_FLAG_INPUT_TYPE;
		if (ifd_ioctl(fd, IFD_IOMMU_GET_HW_INFO, &cmd) == -ENOENT)
			features |= RTE_IOMMUFD_FEAT_HW_INFO_INPUT_TYPE;
	}
	return features;
}

/*
 * RTE_IOMMUFD_FEAT_PASID needs a device to probe: the first device whose
 * @probe answers (1: the kernel has PASID attach, 0: it has not) decides
 * it; a negative answer (this device cannot tell) leaves it to the next.
 */
void
ifd_pasid_probe(struct rte_iommufd *ctx, int (*probe)(void *arg), void *arg,
		const char *how)
{
	int has;

	pthread_mutex_lock(&ctx->lock);
	if (!ctx->pasid_probed) {
		has = probe(arg);
		if (has >= 0) {
			ctx->pasid_probed = true;
			if (has)
				ctx->features |= RTE_IOMMUFD_FEAT_PASID;
			else
				ctx->features &= ~(uint64_t)RTE_IOMMUFD_FEAT_PASID;
			ifd_log(RTE_IOMMUFD_LOG_DEBUG, "iommufd fd %d: PASID attach %s (%s)",
				ctx->fd, has ? "present" : "absent", how);
		}
	}
	pthread_mutex_unlock(&ctx->lock);
}

static int
ctx_new(int fd, bool owned, struct rte_iommufd **ctxp)
{
	struct rte_iommufd *ctx;

	ctx = calloc(1, sizeof(*ctx));
	if (ctx == NULL)
		return ifd_fail(-ENOMEM, NULL, "iommufd context allocation");
	ctx->fd = fd;
	ctx->owned = owned;
	ctx->refs = 1;
	pthread_mutex_init(&ctx->lock, NULL);
	pthread_mutex_init(&ctx->space_lock, NULL);
	ctx->features = ifd_probe_features(fd);
	if (!(ctx->features & RTE_IOMMUFD_FEAT_IOAS)) {
		pthread_mutex_destroy(&ctx->space_lock);
		pthread_mutex_destroy(&ctx->lock);
		free(ctx);
		return ifd_fail(-ENOTTY, IFD_WHY("the file does not answer iommufd ioctls"),
				"iommufd fd %d", fd);
	}
	*ctxp = ctx;
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "iommufd fd %d: features 0x%llx", fd,
		(unsigned long long)ctx->features);
	return 0;
}

int
rte_iommufd_open(struct rte_iommufd **ctxp)
{
	const char *path = getenv("RTE_IOMMUFD_DEV");
	const char *hint = NULL;
	int fd, ret;

	if (ctxp == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL context pointer"), "iommufd open");
	if (path == NULL || path[0] == '\0')
		path = "/dev/iommu";
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (ret == -ENOENT)
			hint = IFD_WHY("no iommufd: the kernel needs CONFIG_IOMMUFD (modprobe iommufd) and an IOMMU enabled (intel_iommu=on / amd_iommu=on)");
		else if (ret == -EACCES || ret == -EPERM)
			hint = IFD_WHY("permission denied: run as root or give the user read-write access to the device");
		return ifd_fail(ret, hint, "open %s", path);
	}
	ret = ctx_new(fd, true, ctxp);
	if (ret < 0)
		close(fd);
	return ret;
}

int
rte_iommufd_from_fd(int fd, bool take_ownership, struct rte_iommufd **ctxp)
{
	if (ctxp == NULL || fd < 0)
		return ifd_fail(-EINVAL, ctxp == NULL ? IFD_WHY("NULL context pointer") :
				IFD_WHY("negative file descriptor"), "iommufd from fd %d", fd);
	return ctx_new(fd, take_ownership, ctxp);
}

/*
 * Handle lifetimes: every IOAS, HWPT, fault queue, device and address space
 * handle holds a reference to its context, and the caller holds one that
 * rte_iommufd_close() drops; the last one closes the descriptor and frees
 * the context. So handles may be released before or after the close, in any
 * order, and each release destroys its object on the descriptor it was
 * created on: never on a closed one, nor on a number reused since.
 *
 * Refusing the close (EBUSY while handles live) was the alternative. It is
 * not simpler: close-then-free is the order the API has always allowed,
 * rte_iommufd_close() returns void (its callers, the DPDK adapter's exit path
 * among them, could not act on a refusal and would leak the descriptor), and
 * a refused close still leaves the handles needing the context. It is also
 * what the kernel does: a bound VFIO device keeps the iommufd file alive
 * after its last descriptor is closed. The cost, a forgotten handle keeping
 * the descriptor (and its mappings) until exit, is named at the close.
 */
static void
ctx_put(struct rte_iommufd *ctx)
{
	if (__atomic_sub_fetch(&ctx->refs, 1, __ATOMIC_ACQ_REL) != 0)
		return;
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "iommufd fd %d: context freed%s", ctx->fd,
		ctx->owned ? ", descriptor closed" : " (descriptor left open: not owned)");
	if (ctx->owned)
		close(ctx->fd);
	pthread_mutex_destroy(&ctx->space_lock);
	pthread_mutex_destroy(&ctx->lock);
	free(ctx);
}

void
ifd_ctx_get(struct rte_iommufd *ctx, enum ifd_handle kind)
{
	__atomic_add_fetch(&ctx->live[kind], 1, __ATOMIC_RELAXED);
	__atomic_add_fetch(&ctx->refs, 1, __ATOMIC_RELAXED);
}

int
ifd_handle_release(struct rte_iommufd *ctx, enum ifd_handle kind, void *handle)
{
	free(handle);
	__atomic_sub_fetch(&ctx->live[kind], 1, __ATOMIC_RELAXED);
	ctx_put(ctx);
	return 0;
}

void
rte_iommufd_close(struct rte_iommufd *ctx)
{
	static const char *const kind_names[IFD_H_COUNT][2] = {
		[IFD_H_IOAS] = { "IOAS", "IOASes" },
		[IFD_H_HWPT] = { "HWPT", "HWPTs" },
		[IFD_H_FAULT] = { "fault queue", "fault queues" },
		[IFD_H_DEVICE] = { "device", "devices" },
		[IFD_H_SPACE] = { "address space", "address spaces" },
	};
	char names[160];
	size_t len = 0;
	int k;

	if (ctx == NULL)
		return;
	names[0] = '\0';
	for (k = 0; k < IFD_H_COUNT; k++) {
		unsigned int n = __atomic_load_n(&ctx->live[k], __ATOMIC_RELAXED);
		int w;

		if (n == 0)
			continue;
		w = snprintf(names + len, sizeof(names) - len, "%s%u %s",
			     len > 0 ? ", " : "", n, kind_names[k][n > 1]);
		if (w > 0 && (size_t)w < sizeof(names) - len)
			len += (size_t)w;
	}
	if (len > 0)
		ifd_log(RTE_IOMMUFD_LOG_INFO,
			"iommufd fd %d: closed with %s still allocated; the descriptor stays open, and their kernel objects exist, until the last of them is freed",
			ctx->fd, names);
	ctx_put(ctx);
}

int
rte_iommufd_fd(const struct rte_iommufd *ctx)
{
	return ctx != NULL ? ctx->fd : -EINVAL;
}

uint64_t
rte_iommufd_features(const struct rte_iommufd *ctx)
{
	return ctx != NULL ? ctx->features : 0;
}

const char *
rte_iommufd_feature_name(uint64_t feature)
{
	int bit;

	if (feature == 0 || (feature & (feature - 1)) != 0)
		return NULL;
	bit = __builtin_ctzll(feature);
	if (bit >= RTE_IOMMUFD_FEAT_COUNT)
		return NULL;
	return feature_names[bit];
}

int
rte_iommufd_destroy(struct rte_iommufd *ctx, uint32_t id)
{
	struct ifd_iommu_destroy cmd = { .size = sizeof(cmd), .id = id };
	int ret;

	if (ctx == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL context"), "IOMMU_DESTROY id %u", id);
	ret = ifd_ioctl(ctx->fd, IFD_IOMMU_DESTROY, &cmd);
	if (ret < 0)
		return ifd_fail(ret, ret == -EBUSY ? IFD_WHY("object still attached or referenced") :
				ret == -ENOENT ? IFD_WHY("no object with this id") : NULL,
				"IOMMU_DESTROY id %u", id);
	return 0;
}

int
ifd_destroy_id(struct rte_iommufd *ctx, uint32_t id)
{
	struct ifd_iommu_destroy cmd = { .size = sizeof(cmd), .id = id };
	int ret = ifd_ioctl(ctx->fd, IFD_IOMMU_DESTROY, &cmd);

	return ret == -ENOENT ? 0 : ret;
}

static int
option(struct rte_iommufd *ctx, uint32_t option_id, uint16_t op, uint32_t object_id,
		uint64_t *val)
{
	struct ifd_iommu_option cmd = {
		.size = sizeof(cmd),
		.option_id = option_id,
		.op = op,
		.object_id = object_id,
		.val64 = op == IFD_IOMMU_OPTION_OP_SET ? *val : 0,
	};
	int ret;

	ret = ifd_ioctl(ctx->fd, IFD_IOMMU_OPTION, &cmd);
	if (ret == 0 && op == IFD_IOMMU_OPTION_OP_GET)
		*val = cmd.val64;
	return ret;
}

int
rte_iommufd_get_rlimit_mode(struct rte_iommufd *ctx, enum rte_iommufd_rlimit_mode *mode)
{
	uint64_t val = 0;
	int ret;

	if (ctx == NULL || mode == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_OPTION get RLIMIT_MODE");
	ret = option(ctx, IFD_IOMMU_OPTION_RLIMIT_MODE, IFD_IOMMU_OPTION_OP_GET, 0, &val);
	if (ret < 0)
		return ifd_fail(ret, NULL, "IOMMU_OPTION get RLIMIT_MODE");
	*mode = val ? RTE_IOMMUFD_RLIMIT_PER_PROCESS : RTE_IOMMUFD_RLIMIT_PER_USER;
	return 0;
}

int
rte_iommufd_set_rlimit_mode(struct rte_iommufd *ctx, enum rte_iommufd_rlimit_mode mode)
{
	uint64_t val = (uint64_t)mode;
	int ret;

	if (ctx == NULL || (mode != RTE_IOMMUFD_RLIMIT_PER_USER &&
			    mode != RTE_IOMMUFD_RLIMIT_PER_PROCESS))
		return ifd_fail(-EINVAL, IFD_WHY("NULL context or unknown mode"),
				"IOMMU_OPTION set RLIMIT_MODE %d", (int)mode);
	ret = option(ctx, IFD_IOMMU_OPTION_RLIMIT_MODE, IFD_IOMMU_OPTION_OP_SET, 0, &val);
	if (ret < 0)
		return ifd_fail(ret,
				ret == -EPERM ? IFD_WHY("changing the accounting mode needs CAP_SYS_RESOURCE") :
				ret == -EBUSY ? IFD_WHY("mappings already exist in this iommufd") : NULL,
				"IOMMU_OPTION set RLIMIT_MODE %d", (int)mode);
	return 0;
}

int
rte_iommufd_ioas_set_huge_pages(struct rte_iommufd_ioas *ioas, bool enable)
{
	uint64_t val = enable;
	int ret;

	if (ioas == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL IOAS"), "IOMMU_OPTION set HUGE_PAGES");
	ret = option(ioas->ctx, IFD_IOMMU_OPTION_HUGE_PAGES, IFD_IOMMU_OPTION_OP_SET,
		     ioas->id, &val);
	if (ret < 0)
		return ifd_fail(ret, ret == -EBUSY ?
				IFD_WHY("devices are already attached to this IOAS") : NULL,
				"IOMMU_OPTION set HUGE_PAGES ioas %u = %d", ioas->id, enable);
	return 0;
}

int
rte_iommufd_ioas_get_huge_pages(struct rte_iommufd_ioas *ioas, bool *enabled)
{
	uint64_t val = 0;
	int ret;

	if (ioas == NULL || enabled == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_OPTION get HUGE_PAGES");
	ret = option(ioas->ctx, IFD_IOMMU_OPTION_HUGE_PAGES, IFD_IOMMU_OPTION_OP_GET,
		     ioas->id, &val);
	if (ret < 0)
		return ifd_fail(ret, NULL, "IOMMU_OPTION get HUGE_PAGES ioas %u", ioas->id);
	*enabled = val != 0;
	return 0;
}

void
ifd_hwpt_register(struct rte_iommufd *ctx, struct rte_iommufd_hwpt *hwpt)
{
	pthread_mutex_lock(&ctx->lock);
	hwpt->next = ctx->hwpts;
	ctx->hwpts = hwpt;
	pthread_mutex_unlock(&ctx->lock);
}

void
ifd_hwpt_unregister(struct rte_iommufd *ctx, struct rte_iommufd_hwpt *hwpt)
{
	struct rte_iommufd_hwpt **p;

	pthread_mutex_lock(&ctx->lock);
	for (p = &ctx->hwpts; *p != NULL; p = &(*p)->next) {
		if (*p == hwpt) {
			*p = hwpt->next;
			break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
}

bool
ifd_hwpt_lookup(struct rte_iommufd *ctx, uint32_t id, uint32_t *flags)
{
	struct rte_iommufd_hwpt *h;
	bool found = false;

	pthread_mutex_lock(&ctx->lock);
	for (h = ctx->hwpts; h != NULL; h = h->next) {
		if (h->id == id) {
			*flags = h->flags;
			found = true;
			break;
		}
	}
	pthread_mutex_unlock(&ctx->lock);
	return found;
}

bool
ifd_hwpt_uses_fault(struct rte_iommufd *ctx, uint32_t fault_id)
{
	struct rte_iommufd_hwpt *h;
	bool found = false;

	pthread_mutex_lock(&ctx->lock);
	for (h = ctx->hwpts; h != NULL && !found; h = h->next)
		found = h->fault_id == fault_id;
	pthread_mutex_unlock(&ctx->lock);
	return found;
}
