/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _IOMMUFD_PRIVATE_H_
#define _IOMMUFD_PRIVATE_H_

/* Internal definitions of lib/iommufd; never installed. */

#include <pthread.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>

#include "ifd_messages.h"
#include "iommufd_uapi.h"
#include "rte_iommufd.h"

/* Kinds of handles that keep their context alive (see ifd_ctx_get()). */
enum ifd_handle {
	IFD_H_IOAS,
	IFD_H_HWPT,
	IFD_H_FAULT,
	IFD_H_DEVICE,
	IFD_H_SPACE,
	IFD_H_COUNT
};

struct rte_iommufd {
	int fd;
	bool owned;
	/* One reference for the caller (dropped by rte_iommufd_close()) and
	 * one per live handle; the last one closes @fd and frees the context. */
	unsigned int refs;
	/* Live handles per kind, for rte_iommufd_close()'s message. */
	unsigned int live[IFD_H_COUNT];
	uint64_t features;
	/* RTE_IOMMUFD_FEAT_PASID is decided (it needs a device to probe:
	 * ifd_pasid_probe()). */
	bool pasid_probed;
	/* HWPTs allocated through this context, to explain attach errors. */
	pthread_mutex_t lock;
	struct rte_iommufd_hwpt *hwpts;
	/* Address spaces of this context and their attachments. */
	pthread_mutex_t space_lock;
	struct rte_iommufd_space *spaces;
};

struct rte_iommufd_ioas {
	struct rte_iommufd *ctx;
	uint32_t id;
	bool imported;	/* made by another holder of the iommufd: never destroyed here */
};

struct rte_iommufd_hwpt {
	struct rte_iommufd *ctx;
	uint32_t id;
	uint32_t flags;
	uint32_t dev_id;
	uint32_t pt_id;
	uint32_t fault_id;    /* fault queue it delivers to, 0 if none */
	struct rte_iommufd_hwpt *next;
};

struct rte_iommufd_fault {
	struct rte_iommufd *ctx;
	uint32_t id;
	int fd;
};

struct rte_iommufd_device {
	struct rte_iommufd *ctx;
	char name[64];
	int fd;               /* VFIO cdev fd, -1 for other backends */
	uint32_t dev_id;
	uint32_t rid_hwpt;    /* HWPT attached to the RID, 0 if none */
	const struct rte_iommufd_device_ops *ops;
	void *priv;
	bool hw_info_valid;
	struct rte_iommufd_hw_info hw_info;
};

/* The one ioctl helper: retries EINTR, returns the result or -errno. */
int ifd_ioctl(int fd, unsigned long request, void *arg);

/*
 * A zeroed handle of @kind and @size bytes, with its reference to @ctx
 * (ifd_ctx_get()), for the object that ioctl @request with @cmd creates;
 * NULL with the negative errno in @err (not reported) if either fails.
 */
void *ifd_obj_alloc(struct rte_iommufd *ctx, enum ifd_handle kind, size_t size,
		unsigned long request, void *cmd, int *err);

/* IOMMU_DESTROY of object @id when its handle is released: 0, also when
 * the object is gone already (ENOENT), else the negative errno. */
int ifd_destroy_id(struct rte_iommufd *ctx, uint32_t id);

/*
 * The same, reported: a refusal is logged as "IOMMU_DESTROY <what> <id>"
 * (@what: the object's kind, a literal), with @busy as the reason of EBUSY,
 * and returned; the handle stays valid then.
 */
#define ifd_destroy(ctx, what, id, busy) __extension__ ({ \
	int ifd_ret_ = ifd_destroy_id(ctx, id); \
	ifd_ret_ < 0 ? ifd_fail(ifd_ret_, ifd_ret_ == -EBUSY ? (busy) : NULL, \
				"IOMMU_DESTROY " what " %u", id) : 0; \
})

/*
 * The end of @handle of @kind: ifd_destroy() of its object @id, then
 * ifd_handle_release() (0) if the kernel destroyed it; else the negative
 * errno and the handle stays valid.
 */
#define ifd_handle_destroy(ctx, kind, handle, what, id, busy) __extension__ ({ \
	int ifd_err_ = ifd_destroy(ctx, what, id, busy); \
	ifd_err_ < 0 ? ifd_err_ : ifd_handle_release(ctx, kind, handle); \
})

/*
 * Messages. Each one is declared where it is printed (ifd_messages.h): the
 * macros below record their format, IFD_WHY() the reasons, for
 * doc/guides/messages.rst. Call the macros, not the functions after them.
 */
#define IFD_NOTE_LIB(kind, text) IFD_NOTE("lib/iommufd", kind, text)

/* Log at @level (an RTE_IOMMUFD_LOG_* name; no newline in the format). */
#define ifd_log(level, ...) do { \
	IFD_NOTE_LIB("log:" #level, IFD_NOTE_FMT(__VA_ARGS__)); \
	ifd_log_msg(level, __VA_ARGS__); \
} while (0)

/*
 * Record a failure: the message is "<what>: <ERRNO> (<why>)", where <what>
 * is the format's text and <why> is @hint if given (declared with
 * IFD_WHY()), else strerror(). Logged at ERR, kept as the thread's last
 * error. Evaluates to @err (a negative errno): "return ifd_fail(...)".
 */
#define ifd_fail(err, hint, ...) __extension__ ({ \
	IFD_NOTE_LIB("fail:RTE_IOMMUFD_LOG_ERR", IFD_NOTE_FMT(__VA_ARGS__)); \
	ifd_fail_msg(RTE_IOMMUFD_LOG_ERR, err, hint, __VA_ARGS__); \
})

/* Like ifd_fail() but logged at DEBUG: for expected, handled failures. */
#define ifd_fail_quiet(err, hint, ...) __extension__ ({ \
	IFD_NOTE_LIB("fail:RTE_IOMMUFD_LOG_DEBUG", IFD_NOTE_FMT(__VA_ARGS__)); \
	ifd_fail_msg(RTE_IOMMUFD_LOG_DEBUG, err, hint, __VA_ARGS__); \
})

/* A reason of a failure message (a string literal), declared; evaluates to
 * @text. */
#define IFD_WHY(text) __extension__ ({ IFD_NOTE_LIB("reason", text); text; })

/* A reason with values: @fmt and its arguments printed into @buf of @len
 * bytes; declared with the format; evaluates to @buf. */
#define IFD_WHYF(buf, len, fmt, ...) __extension__ ({ \
	IFD_NOTE_LIB("reason", fmt); \
	snprintf(buf, len, fmt, __VA_ARGS__); \
	(const char *)(buf); \
})

/* The reason of a failure with a negative errno: @why, declared with IFD_WHY(). */
struct ifd_hint {
	int err;
	const char *why;
};

/* The reason of @err among @n @hints, NULL if none. */
const char *ifd_hint(int err, const struct ifd_hint *hints, size_t n);

void ifd_log_msg(enum rte_iommufd_log_level level, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
int ifd_fail_msg(enum rte_iommufd_log_level level, int err, const char *hint,
		const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/*
 * A handle of @kind now points to @ctx: the context (its descriptor, locks
 * and lists) stays until the handle is released with ifd_handle_release(),
 * even after rte_iommufd_close(). Call once a handle is complete (no
 * failure path after it) and release after its last use of @ctx.
 */
void ifd_ctx_get(struct rte_iommufd *ctx, enum ifd_handle kind);
/* The end of a handle of @kind: its reference to @ctx dropped, @handle
 * freed. Returns 0. */
int ifd_handle_release(struct rte_iommufd *ctx, enum ifd_handle kind, void *handle);

/* Context registry of HWPTs (for messages). */
void ifd_hwpt_register(struct rte_iommufd *ctx, struct rte_iommufd_hwpt *hwpt);
void ifd_hwpt_unregister(struct rte_iommufd *ctx, struct rte_iommufd_hwpt *hwpt);
/* Flags of a HWPT allocated through @ctx; false if @id is not one. */
bool ifd_hwpt_lookup(struct rte_iommufd *ctx, uint32_t id, uint32_t *flags);
/* A HWPT allocated through @ctx delivers faults to queue @fault_id. */
bool ifd_hwpt_uses_fault(struct rte_iommufd *ctx, uint32_t fault_id);

/* Attach or detach through the device's backend, keeping the RID's HWPT
 * up to date; no message (callers trying several HWPTs report once). */
int ifd_device_attach_raw(struct rte_iommufd_device *dev, uint32_t pasid,
		uint32_t pt_id, uint32_t *out_hwpt_id);

/* Why @dev (NULL included) cannot take @pasid (a reason declared with IFD_WHY(), its
 * values in @buf of @len bytes), with the errno in @err; NULL if it can. */
const char *ifd_pasid_refused(const struct rte_iommufd_device *dev, uint32_t pasid,
		int *err, char *buf, size_t len);

/* A closed device is detached everywhere: drop its attachment records
 * (and HWPTs left without users) from every address space of @ctx. */
void ifd_space_forget_device(struct rte_iommufd *ctx, const struct rte_iommufd_device *dev);
/* The RID or PASID @pasid of @dev is attached through @sp. */
bool ifd_space_attached(struct rte_iommufd_space *sp, const struct rte_iommufd_device *dev,
		uint32_t pasid);

/*
 * PASID bindings (pasid_bind.c): the ownership rule of rte_iommufd_pasid.h
 * over two callbacks, attach and detach device @p idx; detach returns 0
 * also when the PASID was not attached there. The rule is tested on its
 * own through them; rte_iommufd_space_pasid_bind()/_unbind() use them.
 */
struct rte_pasid_space;
struct ifd_pasid_ops {
	int (*attach)(void *arg, unsigned int idx, uint32_t pasid);
	int (*detach)(void *arg, unsigned int idx, uint32_t pasid);
};
int ifd_pasid_bind(struct rte_pasid_space *ns, unsigned int owner, unsigned int n,
		const struct ifd_pasid_ops *ops, void *arg, uint32_t *pasid);
int ifd_pasid_unbind(struct rte_pasid_space *ns, unsigned int owner, uint32_t pasid,
		unsigned int n, const struct ifd_pasid_ops *ops, void *arg);

/* Features probed from an open iommufd (exposed for tests). */
uint64_t ifd_probe_features(int fd);
/* Decide RTE_IOMMUFD_FEAT_PASID through a device, once: @probe returns 1
 * (PASID attach exists), 0 (it does not) or negative (cannot tell). */
void ifd_pasid_probe(struct rte_iommufd *ctx, int (*probe)(void *arg), void *arg,
		const char *how);

/* Interpret a kernel GET_HW_INFO answer (pure; exposed for tests). @data
 * holds the vendor buffer the kernel filled: at least min(cmd->data_len,
 * sizeof(info->data)) bytes. */
void ifd_hw_info_decode(const struct ifd_iommu_hw_info *cmd, uint64_t features,
		const void *data, struct rte_iommufd_hw_info *info);

/* The VFIO cdev backend. */
extern const struct rte_iommufd_device_ops ifd_vfio_cdev_ops;

#endif /* _IOMMUFD_PRIVATE_H_ */
