/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The log and error-message code of lib/iommufd (log.c, built into this
 * target so that the cached level can be reset between inputs):
 * - RTE_IOMMUFD_LOG_LEVEL: any value gives err, warning, info or debug as
 *   documented (a name in any case or a digit 1..4), anything else err;
 * - rte_iommufd_errno_name() of any int: a known name or "errno N";
 * - a failure record: "<what>: <ERRNO> (<hint or strerror>)", truncated
 *   to the buffer, handed to the handler and kept as the last error;
 * - rte_iommufd_log_set_level() accepts 1..4 only.
 * Input: an int (4 bytes), a level (1 byte), a flag byte, then the text,
 * which is both the variable's value and the failure's description.
 */

#include <errno.h>
#include <limits.h>
#include <strings.h>

#include "fuzz.h"
#include "../../../lib/iommufd/log.c"

static char seen[1024];
static unsigned int calls;

static void
handler(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)arg;
	CHECK(level >= RTE_IOMMUFD_LOG_ERR && level <= RTE_IOMMUFD_LOG_DEBUG);
	snprintf(seen, sizeof(seen), "%s", msg);
	calls++;
}

static int
model_level(const char *v)
{
	static const char *const names[] = { NULL, "err", "warning", "info", "debug" };
	int i, level = RTE_IOMMUFD_LOG_ERR;

	for (i = 1; i <= 4; i++)
		if (strcasecmp(v, names[i]) == 0 || (v[0] == '0' + i && v[1] == '\0'))
			level = i;
	return level;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	int32_t err = (int32_t)fuzz_u32(&in);
	int lvl = (int8_t)fuzz_u8(&in);
	uint8_t flags = fuzz_u8(&in);
	char *text = fuzz_string(&in), want[1024], num[32];
	const char *name, *hint = flags & 1 ? "a hint" : NULL;
	int ret, e;

	/* The environment variable, read at the first message. */
	CHECK(setenv("RTE_IOMMUFD_LOG_LEVEL", text, 1) == 0 || text[0] == '\0' ||
	      strchr(text, '=') != NULL);
	__atomic_store_n(&log_level, -1, __ATOMIC_RELAXED);
	CHECK(current_level() == model_level(getenv("RTE_IOMMUFD_LOG_LEVEL") != NULL ?
					     getenv("RTE_IOMMUFD_LOG_LEVEL") : ""));

	/* Errno names. */
	name = rte_iommufd_errno_name(err);
	CHECK(name != NULL && name[0] != '\0');
	if (strncmp(name, "errno ", 6) == 0) {
		snprintf(num, sizeof(num), "errno %lld", err < 0 ? -(long long)err : (long long)err);
		CHECK(strcmp(name, num) == 0);
	} else {
		CHECK(name[0] == 'E');
		CHECK(strcmp(rte_iommufd_errno_name(err == INT_MIN ? 0 : -err), name) == 0);
	}

	/* A failure record. */
	rte_iommufd_log_set_handler(handler, NULL);
	calls = 0;
	e = err == 0 ? -EINVAL : (err > 0 ? -err : err);
	if (e == INT_MIN)
		e = -EIO;
	ret = ifd_fail(e, hint, "%s", text);
	CHECK(ret == e);
	CHECK(calls == 1);
	snprintf(want, sizeof(want), "%.383s: %s (%s)", text, rte_iommufd_errno_name(e),
		 hint != NULL ? hint : strerror(-e));
	want[sizeof(last_error) - 1] = '\0';
	CHECK(strcmp(rte_iommufd_last_error(), want) == 0);
	CHECK(strcmp(seen, want) == 0);
	/* A quiet failure reaches the handler at debug level only. */
	calls = 0;
	ifd_fail_quiet(e, NULL, "%s", text);
	CHECK(calls == (current_level() >= RTE_IOMMUFD_LOG_DEBUG));
	rte_iommufd_log_set_handler(NULL, NULL);

	ret = rte_iommufd_log_set_level((enum rte_iommufd_log_level)lvl);
	CHECK(ret == (lvl >= 1 && lvl <= 4 ? 0 : -EINVAL));
	if (ret == 0)
		CHECK(current_level() == lvl);
	free(text);
	return 0;
}
