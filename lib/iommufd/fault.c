/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommufd_private.h"

_Static_assert(sizeof(struct ifd_iommu_hwpt_pgfault) == RTE_IOMMUFD_FAULT_RECORD_SIZE,
	       "fault record size");

#define PGFAULT_FLAGS_ALL (IFD_IOMMU_PGFAULT_FLAGS_PASID_VALID | IFD_IOMMU_PGFAULT_FLAGS_LAST_PAGE)
#define PGFAULT_PERM_ALL (IFD_IOMMU_PGFAULT_PERM_READ | IFD_IOMMU_PGFAULT_PERM_WRITE | \
		IFD_IOMMU_PGFAULT_PERM_EXEC | IFD_IOMMU_PGFAULT_PERM_PRIV)

int
rte_iommufd_fault_alloc(struct rte_iommufd *ctx, struct rte_iommufd_fault **faultp)
{
	struct ifd_iommu_fault_alloc cmd = { .size = sizeof(cmd) };
	struct rte_iommufd_fault *fault;
	int ret;

	if (ctx == NULL || faultp == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "IOMMU_FAULT_QUEUE_ALLOC");
	if (!(ctx->features & RTE_IOMMUFD_FEAT_FAULT_QUEUE))
		return ifd_fail(-EOPNOTSUPP, IFD_WHY("the kernel has no fault queues (Linux 6.11+)"),
				"IOMMU_FAULT_QUEUE_ALLOC");
	fault = ifd_obj_alloc(ctx, IFD_H_FAULT, sizeof(*fault), IFD_IOMMU_FAULT_QUEUE_ALLOC, &cmd,
			      &ret);
	if (fault == NULL)
		return ifd_fail(ret, NULL, "IOMMU_FAULT_QUEUE_ALLOC");
	fault->ctx = ctx;
	fault->id = cmd.out_fault_id;
	fault->fd = (int)cmd.out_fault_fd;
	/* The kernel's fd is blocking and inheritable: make it neither. */
	fcntl(fault->fd, F_SETFD, FD_CLOEXEC);
	fcntl(fault->fd, F_SETFL, fcntl(fault->fd, F_GETFL) | O_NONBLOCK);
	*faultp = fault;
	return 0;
}

int
rte_iommufd_fault_free(struct rte_iommufd_fault *fault)
{
	if (fault == NULL)
		return 0;
	/* The handle's reference keeps the context (and its fd) until here. */
	if (ifd_hwpt_uses_fault(fault->ctx, fault->id))
		return ifd_fail(-EBUSY, IFD_WHY("a HWPT still delivers faults to it; free the HWPT first"),
				"IOMMU_DESTROY fault %u", fault->id);
	/* The open queue file holds a reference: IOMMU_DESTROY is EBUSY before close. */
	if (fault->fd >= 0)
		close(fault->fd);
	fault->fd = -1;
	return ifd_handle_destroy(fault->ctx, IFD_H_FAULT, fault, "fault", fault->id,
			IFD_WHY("a HWPT allocated outside this library still delivers faults to it (the queue's descriptor is closed); free the HWPT first"));
}

uint32_t
rte_iommufd_fault_id(const struct rte_iommufd_fault *fault)
{
	return fault != NULL ? fault->id : 0;
}

int
rte_iommufd_fault_parse(const void *buf, size_t len,
		struct rte_iommufd_fault_record *recs, unsigned int max)
{
	const unsigned char *p = buf;
	size_t n, i;

	if (buf == NULL || recs == NULL)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument"), "fault record parse");
	if (len % RTE_IOMMUFD_FAULT_RECORD_SIZE != 0)
		return ifd_fail(-EINVAL, IFD_WHY("length is not a multiple of the 40-byte record"),
				"fault record parse (%zu bytes)", len);
	n = len / RTE_IOMMUFD_FAULT_RECORD_SIZE;
	if (n > max)
		return ifd_fail(-EMSGSIZE, NULL, "fault record parse: %zu records, room for %u",
				n, max);
	for (i = 0; i < n; i++) {
		struct ifd_iommu_hwpt_pgfault k;

		memcpy(&k, p + i * sizeof(k), sizeof(k));
		if ((k.flags & ~PGFAULT_FLAGS_ALL) || (k.perm & ~PGFAULT_PERM_ALL) ||
		    k.__reserved != 0)
			return ifd_fail(-EINVAL, IFD_WHY("unknown flag or permission bits, or non-zero reserved field"),
					"fault record %zu (flags 0x%x perm 0x%x)", i, k.flags, k.perm);
		recs[i].flags = k.flags;
		recs[i].dev_id = k.dev_id;
		recs[i].pasid = k.pasid;
		recs[i].grpid = k.grpid;
		recs[i].perm = k.perm;
		recs[i].addr = k.addr;
		recs[i].length = k.length;
		recs[i].cookie = k.cookie;
	}
	return (int)n;
}

int
rte_iommufd_fault_fd(const struct rte_iommufd_fault *fault)
{
	return fault != NULL ? fault->fd : -EINVAL;
}

int
rte_iommufd_fault_read(struct rte_iommufd_fault *fault,
		struct rte_iommufd_fault_record *recs, unsigned int max)
{
	struct ifd_iommu_hwpt_pgfault *buf;
	ssize_t rd;
	int ret;

	if (fault == NULL || recs == NULL || max == 0)
		return ifd_fail(-EINVAL, IFD_WHY("NULL argument or zero capacity"), "fault queue read");
	buf = calloc(max, sizeof(*buf));
	if (buf == NULL)
		return ifd_fail(-ENOMEM, NULL, "fault queue %u read", fault->id);
	/* Whole records only; the fd is not seekable (position stays 0). */
	rd = read(fault->fd, buf, max * sizeof(*buf));
	if (rd < 0) {
		ret = -errno;
		free(buf);
		if (ret == -EAGAIN)
			return 0;
		return ifd_fail(ret, ret == -EMSGSIZE || ret == -EINVAL ?
				IFD_WHY("the next fault group does not fit: read with more room") : NULL,
				"fault queue %u read (room for %u records)", fault->id, max);
	}
	ret = rte_iommufd_fault_parse(buf, (size_t)rd, recs, max);
	free(buf);
	return ret;
}

int
rte_iommufd_fault_respond(struct rte_iommufd_fault *fault, uint32_t cookie,
		enum rte_iommufd_fault_code code)
{
	struct ifd_iommu_hwpt_page_response resp = { .cookie = cookie, .code = code };
	ssize_t wr;

	if (fault == NULL || (code != RTE_IOMMUFD_FAULT_SUCCESS &&
			      code != RTE_IOMMUFD_FAULT_INVALID))
		return ifd_fail(-EINVAL, IFD_WHY("NULL queue or unknown response code"),
				"fault queue respond cookie %u", cookie);
	wr = write(fault->fd, &resp, sizeof(resp));
	if (wr < 0)
		return ifd_fail(-errno, errno == EINVAL ? IFD_WHY("no pending group with this cookie") : NULL,
				"fault queue %u respond cookie %u code %d", fault->id, cookie, code);
	return 0;
}
