/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "iommufd_private.h"

#define MAP_FLAGS_ALL (RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW)

int
rte_iommufd_ioas_alloc(struct rte_iommufd *ctx, struct rte_iommufd_ioas **ioasp)
{
	struct ifd_iommu_ioas_alloc cmd = { .size = sizeof(cmd) };
	struct rte_iommufd_ioas *ioas;
	int ret;

	if (ctx == NULL || ioasp == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_IOAS_ALLOC");
	ioas = ifd_obj_alloc(ctx, IFD_H_IOAS, sizeof(*ioas), IFD_IOMMU_IOAS_ALLOC, &cmd, &ret);
	if (ioas == NULL)
		return ifd_fail(ret, NULL, "IOMMU_IOAS_ALLOC");
	ioas->ctx = ctx;
	ioas->id = cmd.out_ioas_id;
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "IOMMU_IOAS_ALLOC: ioas %u", ioas->id);
	*ioasp = ioas;
	return 0;
}

int
rte_iommufd_ioas_import(struct rte_iommufd *ctx, uint32_t id, struct rte_iommufd_ioas **ioasp)
{
	struct ifd_iommu_ioas_iova_ranges cmd = { .size = sizeof(cmd), .ioas_id = id };
	struct rte_iommufd_ioas *ioas;
	int ret;

	if (ctx == NULL || ioasp == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "import of IOAS %u", id);
	/* No range buffer: the kernel answers EMSGSIZE for an IOAS, ENOENT else. */
	ret = ifd_ioctl(ctx->fd, IFD_IOMMU_IOAS_IOVA_RANGES, &cmd);
	if (ret < 0 && ret != -EMSGSIZE)
		return ifd_fail(ret, ret == -ENOENT ? IFD_WHY("no IOAS of that id in this iommufd") : NULL,
				"import of IOAS %u (IOMMU_IOAS_IOVA_RANGES)", id);
	ioas = calloc(1, sizeof(*ioas));
	if (ioas == NULL)
		return ifd_fail(-ENOMEM, NULL, "import of IOAS %u", id);
	ioas->ctx = ctx;
	ioas->id = id;
	ioas->imported = true;
	ifd_ctx_get(ctx, IFD_H_IOAS);
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "imported ioas %u", id);
	*ioasp = ioas;
	return 0;
}

int
rte_iommufd_ioas_free(struct rte_iommufd_ioas *ioas)
{
	if (ioas == NULL)
		return 0;
	/* The handle's reference keeps the context (and its fd) until here;
	 * an imported IOAS stays with its creator. */
	if (ioas->imported)
		return ifd_handle_release(ioas->ctx, IFD_H_IOAS, ioas);
	return ifd_handle_destroy(ioas->ctx, IFD_H_IOAS, ioas, "ioas", ioas->id,
			IFD_WHY("devices or page tables still use it; detach and free them first"));
}

uint32_t
rte_iommufd_ioas_id(const struct rte_iommufd_ioas *ioas)
{
	return ioas != NULL ? ioas->id : 0;
}

/*
 * IOMMU_IOAS_IOVA_RANGES reports the number of ranges and fails with
 * EMSGSIZE when the array is too small: grow it and ask again (the count
 * can change between the calls when devices are attached concurrently).
 */
static int
ranges_query(struct rte_iommufd_ioas *ioas, struct rte_iommufd_iova_range **rangesp,
		uint32_t *nr, uint64_t *alignment)
{
	struct ifd_iommu_ioas_iova_ranges cmd;
	struct ifd_iommu_iova_range *kr = NULL, *tmp;
	struct rte_iommufd_iova_range *out;
	uint32_t cap = 4, i;
	int ret;

	for (;;) {
		tmp = realloc(kr, cap * sizeof(*kr));
		if (tmp == NULL) {
			free(kr);
			return -ENOMEM;
		}
		kr = tmp;
		memset(&cmd, 0, sizeof(cmd));
		cmd.size = sizeof(cmd);
		cmd.ioas_id = ioas->id;
		cmd.num_iovas = cap;
		cmd.allowed_iovas = (uintptr_t)kr;
		ret = ifd_ioctl(ioas->ctx->fd, IFD_IOMMU_IOAS_IOVA_RANGES, &cmd);
		if (ret == -EMSGSIZE && cmd.num_iovas > cap) {
			cap = cmd.num_iovas;
			continue;
		}
		break;
	}
	if (ret < 0) {
		free(kr);
		return ret;
	}
	out = malloc((cmd.num_iovas ? cmd.num_iovas : 1) * sizeof(*out));
	if (out == NULL) {
		free(kr);
		return -ENOMEM;
	}
	for (i = 0; i < cmd.num_iovas; i++) {
		out[i].start = kr[i].start;
		out[i].last = kr[i].last;
	}
	free(kr);
	*rangesp = out;
	*nr = cmd.num_iovas;
	if (alignment != NULL)
		*alignment = cmd.out_iova_alignment;
	return 0;
}

int
rte_iommufd_ioas_iova_ranges(struct rte_iommufd_ioas *ioas,
		struct rte_iommufd_iova_range **rangesp, uint32_t *nr,
		uint64_t *alignment)
{
	int ret;

	if (ioas == NULL || rangesp == NULL || nr == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_IOAS_IOVA_RANGES");
	ret = ranges_query(ioas, rangesp, nr, alignment);
	if (ret < 0)
		return ifd_fail(ret, NULL, "IOMMU_IOAS_IOVA_RANGES ioas %u", ioas->id);
	return 0;
}

int
rte_iommufd_ioas_allow_iovas(struct rte_iommufd_ioas *ioas,
		const struct rte_iommufd_iova_range *ranges, uint32_t nr)
{
	struct ifd_iommu_ioas_allow_iovas cmd = { .size = sizeof(cmd) };
	struct ifd_iommu_iova_range *kr = NULL;
	uint32_t i;
	int ret;

	if (ioas == NULL || (ranges == NULL && nr != 0))
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_IOAS_ALLOW_IOVAS");
	if (nr != 0) {
		kr = calloc(nr, sizeof(*kr));
		if (kr == NULL)
			return ifd_fail(-ENOMEM, NULL, "IOMMU_IOAS_ALLOW_IOVAS ioas %u", ioas->id);
		for (i = 0; i < nr; i++) {
			kr[i].start = ranges[i].start;
			kr[i].last = ranges[i].last;
		}
	}
	cmd.ioas_id = ioas->id;
	cmd.num_iovas = nr;
	cmd.allowed_iovas = (uintptr_t)kr;
	ret = ifd_ioctl(ioas->ctx->fd, IFD_IOMMU_IOAS_ALLOW_IOVAS, &cmd);
	free(kr);
	if (ret < 0)
		return ifd_fail(ret, ret == -EBUSY ?
				IFD_WHY("a range is already reserved by an attached device") : NULL,
				"IOMMU_IOAS_ALLOW_IOVAS ioas %u (%u ranges)", ioas->id, nr);
	return 0;
}

/* Explain a failed map in terms of what was asked. */
static const char *
map_hint(int err, uint32_t flags)
{
	const struct ifd_hint hints[] = {
		{ -EINVAL, (flags & RTE_IOMMUFD_MAP_FIXED_IOVA) ?
			IFD_WHY("the IOVA range is outside the IOMMU's usable ranges, or address or length is not aligned") :
			IFD_WHY("address or length is not aligned, or the length is zero") },
		{ -EEXIST, IFD_WHY("the IOVA range is already mapped") },
		{ -ENOSPC, IFD_WHY("no free IOVA range of that size") },
		{ -ENOMEM, IFD_WHY("out of memory or over the locked-memory limit (ulimit -l)") },
		{ -EFAULT, IFD_WHY("the virtual address range is not mapped in this process") },
		{ -EOPNOTSUPP, IFD_WHY("unsupported flags or file type") },
	};

	return ifd_hint(err, hints, sizeof(hints) / sizeof(hints[0]));
}

/* Why the arguments of a map or copy into @ioas are refused, or NULL. */
static const char *
map_args_refused(const struct rte_iommufd_ioas *ioas, uint64_t len, const uint64_t *iova,
		uint32_t flags)
{
	if (ioas == NULL || iova == NULL)
		return IFD_WHY("NULL argument");
	if (len == 0)
		return IFD_WHY("zero length");
	if (flags & ~MAP_FLAGS_ALL)
		return IFD_WHY("unknown map flags");
	if (!(flags & RTE_IOMMUFD_MAP_RW))
		return IFD_WHY("neither READ nor WRITE requested");
	return NULL;
}

static uint32_t
kernel_map_flags(uint32_t flags)
{
	uint32_t k = 0;

	if (flags & RTE_IOMMUFD_MAP_FIXED_IOVA)
		k |= IFD_IOMMU_IOAS_MAP_FIXED_IOVA;
	if (flags & RTE_IOMMUFD_MAP_WRITE)
		k |= IFD_IOMMU_IOAS_MAP_WRITEABLE;
	if (flags & RTE_IOMMUFD_MAP_READ)
		k |= IFD_IOMMU_IOAS_MAP_READABLE;
	return k;
}

/*
 * A fixed IOVA refused with EINVAL: say whether it lies outside the usable
 * ranges (e.g. IOVA = VA beyond a 39-bit IOMMU aperture) and what they are.
 */
static const char *
fixed_iova_hint(struct rte_iommufd_ioas *ioas, uint64_t iova, uint64_t len,
		char *buf, size_t size)
{
	struct rte_iommufd_iova_range *r = NULL;
	uint64_t last = iova + len - 1, top = 0;
	uint32_t n = 0, i;
	bool inside = false;

	if (ranges_query(ioas, &r, &n, NULL) < 0)
		return map_hint(-EINVAL, RTE_IOMMUFD_MAP_FIXED_IOVA);
	for (i = 0; i < n; i++) {
		if (iova >= r[i].start && last <= r[i].last)
			inside = true;
		if (r[i].last > top)
			top = r[i].last;
	}
	free(r);
	if (inside)
		return IFD_WHY("address or length is not aligned to the IOMMU page size");
	if (n == 0)
		return IFD_WHY("the IOAS has no usable IOVA range");
	if (iova > top || last > top)
		return IFD_WHYF(buf, size,
				"IOVA 0x%llx-0x%llx is beyond the IOMMU's address width: usable IOVAs end at 0x%llx",
				(unsigned long long)iova, (unsigned long long)last,
				(unsigned long long)top);
	return IFD_WHYF(buf, size,
			"IOVA 0x%llx-0x%llx falls in a reserved region (e.g. the MSI window) of the attached devices",
			(unsigned long long)iova, (unsigned long long)last);
}

int
rte_iommufd_ioas_map(struct rte_iommufd_ioas *ioas, void *va, uint64_t len,
		uint64_t *iova, uint32_t flags)
{
	const char *why = map_args_refused(ioas, len, iova, flags);
	struct ifd_iommu_ioas_map cmd = { .size = sizeof(cmd) };
	char hint[192];
	int ret;

	if (why != NULL)
		return ifd_fail(-EINVAL, why, "IOMMU_IOAS_MAP ioas %u len 0x%llx flags 0x%x",
				ioas != NULL ? ioas->id : 0, (unsigned long long)len, flags);
	cmd.flags = kernel_map_flags(flags);
	cmd.ioas_id = ioas->id;
	cmd.user_va = (uintptr_t)va;
	cmd.length = len;
	cmd.iova = (flags & RTE_IOMMUFD_MAP_FIXED_IOVA) ? *iova : 0;
	ret = ifd_ioctl(ioas->ctx->fd, IFD_IOMMU_IOAS_MAP, &cmd);
	if (ret < 0)
		return ifd_fail(ret, ret == -EINVAL && (flags & RTE_IOMMUFD_MAP_FIXED_IOVA) ?
				fixed_iova_hint(ioas, cmd.iova, len, hint, sizeof(hint)) :
				map_hint(ret, flags),
				"IOMMU_IOAS_MAP ioas %u va %p len 0x%llx iova %s0x%llx",
				ioas->id, va, (unsigned long long)len,
				(flags & RTE_IOMMUFD_MAP_FIXED_IOVA) ? "" : "(any) ",
				(unsigned long long)cmd.iova);
	*iova = cmd.iova;
	ifd_log(RTE_IOMMUFD_LOG_DEBUG, "IOMMU_IOAS_MAP ioas %u va %p len 0x%llx -> iova 0x%llx",
		ioas->id, va, (unsigned long long)len, (unsigned long long)cmd.iova);
	return 0;
}

int
rte_iommufd_ioas_map_file(struct rte_iommufd_ioas *ioas, int fd, uint64_t start,
		uint64_t len, uint64_t *iova, uint32_t flags)
{
	const char *why = map_args_refused(ioas, len, iova, flags);
	struct ifd_iommu_ioas_map_file cmd = { .size = sizeof(cmd) };
	int ret;

	if (why != NULL)
		return ifd_fail(-EINVAL, why, "IOMMU_IOAS_MAP_FILE ioas %u len 0x%llx flags 0x%x",
				ioas != NULL ? ioas->id : 0, (unsigned long long)len, flags);
	if (!(ioas->ctx->features & RTE_IOMMUFD_FEAT_IOAS_MAP_FILE))
		return ifd_fail(-EOPNOTSUPP, IFD_WHY("the kernel has no IOMMU_IOAS_MAP_FILE (Linux 6.13+)"),
				"IOMMU_IOAS_MAP_FILE ioas %u fd %d", ioas->id, fd);
	if (fd < 0)
		return ifd_fail(-EBADF, IFD_WHY("negative file descriptor"),
				"IOMMU_IOAS_MAP_FILE ioas %u fd %d", ioas->id, fd);
	cmd.flags = kernel_map_flags(flags);
	cmd.ioas_id = ioas->id;
	cmd.fd = fd;
	cmd.start = start;
	cmd.length = len;
	cmd.iova = (flags & RTE_IOMMUFD_MAP_FIXED_IOVA) ? *iova : 0;
	ret = ifd_ioctl(ioas->ctx->fd, IFD_IOMMU_IOAS_MAP_FILE, &cmd);
	if (ret < 0)
		return ifd_fail(ret, ret == -EBADF ? IFD_WHY("not an open file") : map_hint(ret, flags),
				"IOMMU_IOAS_MAP_FILE ioas %u fd %d offset 0x%llx len 0x%llx",
				ioas->id, fd, (unsigned long long)start, (unsigned long long)len);
	*iova = cmd.iova;
	return 0;
}

int
rte_iommufd_ioas_copy(struct rte_iommufd_ioas *dst, struct rte_iommufd_ioas *src,
		uint64_t src_iova, uint64_t len, uint64_t *dst_iova, uint32_t flags)
{
	const char *why = src == NULL ? IFD_WHY("NULL argument") :
		map_args_refused(dst, len, dst_iova, flags);
	struct ifd_iommu_ioas_copy cmd = { .size = sizeof(cmd) };
	int ret;

	if (why != NULL)
		return ifd_fail(-EINVAL, why, "IOMMU_IOAS_COPY ioas %u -> ioas %u len 0x%llx flags 0x%x",
				src != NULL ? src->id : 0, dst != NULL ? dst->id : 0,
				(unsigned long long)len, flags);
	if (dst->ctx != src->ctx)
		return ifd_fail(-EINVAL, IFD_WHY("the two IOAS belong to different iommufd contexts"),
				"IOMMU_IOAS_COPY ioas %u -> ioas %u", src->id, dst->id);
	cmd.flags = kernel_map_flags(flags);
	cmd.dst_ioas_id = dst->id;
	cmd.src_ioas_id = src->id;
	cmd.length = len;
	cmd.src_iova = src_iova;
	cmd.dst_iova = (flags & RTE_IOMMUFD_MAP_FIXED_IOVA) ? *dst_iova : 0;
	ret = ifd_ioctl(dst->ctx->fd, IFD_IOMMU_IOAS_COPY, &cmd);
	if (ret < 0)
		return ifd_fail(ret, ret == -ENOENT ?
				IFD_WHY("no mapping covers the source range") :
				map_hint(ret, flags),
				"IOMMU_IOAS_COPY ioas %u iova 0x%llx len 0x%llx -> ioas %u",
				src->id, (unsigned long long)src_iova,
				(unsigned long long)len, dst->id);
	*dst_iova = cmd.dst_iova;
	return 0;
}

int
rte_iommufd_ioas_unmap(struct rte_iommufd_ioas *ioas, uint64_t iova, uint64_t len,
		uint64_t *unmapped)
{
	struct ifd_iommu_ioas_unmap cmd = { .size = sizeof(cmd) };
	int ret;

	if (ioas == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL IOAS"), "IOMMU_IOAS_UNMAP");
	if (len == 0)
		return ifd_fail(-EINVAL, IFD_WHY("zero length"), "IOMMU_IOAS_UNMAP ioas %u iova 0x%llx",
				ioas->id, (unsigned long long)iova);
	cmd.ioas_id = ioas->id;
	cmd.iova = iova;
	cmd.length = len;
	ret = ifd_ioctl(ioas->ctx->fd, IFD_IOMMU_IOAS_UNMAP, &cmd);
	if (ret < 0)
		return ifd_fail(ret, ret == -ENOENT ?
				IFD_WHY("nothing mapped there, or the range cuts a mapping (iommufd never splits one; the whole mappings below the cut are unmapped)") :
				NULL,
				"IOMMU_IOAS_UNMAP ioas %u iova 0x%llx len 0x%llx", ioas->id,
				(unsigned long long)iova, (unsigned long long)len);
	if (unmapped != NULL)
		*unmapped = cmd.length;
	return 0;
}

int
rte_iommufd_ioas_unmap_all(struct rte_iommufd_ioas *ioas, uint64_t *unmapped)
{
	struct ifd_iommu_ioas_unmap cmd = { .size = sizeof(cmd) };
	int ret;

	if (ioas == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL IOAS"), "IOMMU_IOAS_UNMAP all");
	cmd.ioas_id = ioas->id;
	cmd.iova = 0;
	cmd.length = UINT64_MAX;
	ret = ifd_ioctl(ioas->ctx->fd, IFD_IOMMU_IOAS_UNMAP, &cmd);
	/* An empty IOAS answers ENOENT: nothing to do is not an error. */
	if (ret == -ENOENT) {
		cmd.length = 0;
		ret = 0;
	}
	if (ret < 0)
		return ifd_fail(ret, NULL, "IOMMU_IOAS_UNMAP all ioas %u", ioas->id);
	if (unmapped != NULL)
		*unmapped = cmd.length;
	return 0;
}
