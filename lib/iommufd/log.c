/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "iommufd_private.h"

static rte_iommufd_log_fn log_fn;
static void *log_arg;
static int log_level = -1;	/* -1: not read from the environment yet */
static __thread char last_error[512];
static __thread char errno_buf[24];

static const char *const level_names[] = {
	[RTE_IOMMUFD_LOG_ERR] = "err",
	[RTE_IOMMUFD_LOG_WARNING] = "warning",
	[RTE_IOMMUFD_LOG_INFO] = "info",
	[RTE_IOMMUFD_LOG_DEBUG] = "debug",
};

static int
current_level(void)
{
	int level = __atomic_load_n(&log_level, __ATOMIC_RELAXED);
	const char *env;
	int i;

	if (level >= 0)
		return level;
	level = RTE_IOMMUFD_LOG_ERR;
	env = getenv("RTE_IOMMUFD_LOG_LEVEL");
	if (env != NULL) {
		for (i = RTE_IOMMUFD_LOG_ERR; i <= RTE_IOMMUFD_LOG_DEBUG; i++)
			if (strcasecmp(env, level_names[i]) == 0 ||
			    (env[0] == '0' + i && env[1] == '\0'))
				level = i;
	}
	__atomic_store_n(&log_level, level, __ATOMIC_RELAXED);
	return level;
}

void
rte_iommufd_log_set_handler(rte_iommufd_log_fn fn, void *arg)
{
	log_arg = arg;
	log_fn = fn;
}

int
rte_iommufd_log_set_level(enum rte_iommufd_log_level level)
{
	if (level < RTE_IOMMUFD_LOG_ERR || level > RTE_IOMMUFD_LOG_DEBUG)
		return -EINVAL;
	__atomic_store_n(&log_level, (int)level, __ATOMIC_RELAXED);
	return 0;
}

static void
log_msg(enum rte_iommufd_log_level level, const char *msg)
{
	if ((int)level > current_level())
		return;
	if (log_fn != NULL)
		log_fn(level, msg, log_arg);
	else
		fprintf(stderr, "iommufd: %s\n", msg);
}

void
ifd_log_msg(enum rte_iommufd_log_level level, const char *fmt, ...)
{
	char msg[512];
	va_list ap;
	int saved = errno;

	if ((int)level > current_level())
		return;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	log_msg(level, msg);
	errno = saved;
}

const char *
rte_iommufd_last_error(void)
{
	return last_error;
}

const char *
rte_iommufd_errno_name(int err)
{
	static const struct { int err; const char *name; } names[] = {
		{ EPERM, "EPERM" }, { ENOENT, "ENOENT" }, { ESRCH, "ESRCH" },
		{ EINTR, "EINTR" }, { EIO, "EIO" }, { ENXIO, "ENXIO" },
		{ E2BIG, "E2BIG" }, { EBADF, "EBADF" }, { EAGAIN, "EAGAIN" },
		{ ENOMEM, "ENOMEM" }, { EACCES, "EACCES" }, { EFAULT, "EFAULT" },
		{ EBUSY, "EBUSY" }, { EEXIST, "EEXIST" }, { ENODEV, "ENODEV" },
		{ ENOTDIR, "ENOTDIR" }, { EINVAL, "EINVAL" }, { ENFILE, "ENFILE" },
		{ EMFILE, "EMFILE" }, { ENOTTY, "ENOTTY" }, { ENOSPC, "ENOSPC" },
		{ ESPIPE, "ESPIPE" }, { ERANGE, "ERANGE" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ ENOSYS, "ENOSYS" }, { EOVERFLOW, "EOVERFLOW" }, { EBADFD, "EBADFD" },
		{ EMSGSIZE, "EMSGSIZE" }, { EOPNOTSUPP, "EOPNOTSUPP" },
		{ ETIMEDOUT, "ETIMEDOUT" }, { ENOTCONN, "ENOTCONN" },
		{ EADDRINUSE, "EADDRINUSE" },
	};
	/* Unsigned: -INT_MIN is not an int. */
	unsigned int e = err < 0 ? 0u - (unsigned int)err : (unsigned int)err;
	size_t i;

	for (i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		if ((unsigned int)names[i].err == e)
			return names[i].name;
	snprintf(errno_buf, sizeof(errno_buf), "errno %u", e);
	return errno_buf;
}

int
ifd_fail_msg(enum rte_iommufd_log_level level, int err, const char *hint,
		const char *fmt, ...)
{
	char what[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	snprintf(last_error, sizeof(last_error), "%s: %s (%s)", what,
		 rte_iommufd_errno_name(err), hint != NULL ? hint : strerror(-err));
	log_msg(level, last_error);
	return err;
}
