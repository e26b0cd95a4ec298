/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * rte_iommufd_fault_parse() on arbitrary bytes, as read() on a fault queue
 * could return them: the result is checked against a model of the
 * kernel's 40-byte struct iommu_hwpt_pgfault, and nothing beyond the
 * buffer is read or beyond the first n records written.
 * Input: capacity (1 byte), then the bytes to parse.
 */

#include <errno.h>

#include "fuzz.h"
#include "rte_iommufd.h"

#define MAX_RECS 8
#define REC 40

static void
quiet(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

int
LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	rte_iommufd_log_set_handler(quiet, NULL);
	return 0;
}

static uint32_t
le32(const uint8_t *p)
{
	return p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static uint64_t
le64(const uint8_t *p)
{
	return le32(p) | (uint64_t)le32(p + 4) << 32;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rte_iommufd_fault_record recs[MAX_RECS + 1], canary;
	struct fuzz_input in = { data, size };
	unsigned int max = fuzz_u8(&in) % (MAX_RECS + 1);
	size_t len, n, i, bad = SIZE_MAX;
	uint8_t *buf = fuzz_rest(&in, &len);
	int expect, ret;

	memset(recs, 0xa5, sizeof(recs));
	memset(&canary, 0xa5, sizeof(canary));
	n = len / REC;
	for (i = 0; i < n && bad == SIZE_MAX; i++) {
		const uint8_t *r = buf + i * REC;

		if ((le32(r) & ~3u) != 0 || (le32(r + 16) & ~0xfu) != 0 || le32(r + 20) != 0)
			bad = i;
	}
	if (len % REC != 0)
		expect = -EINVAL;
	else if (n > max)
		expect = -EMSGSIZE;
	else if (bad != SIZE_MAX)
		expect = -EINVAL;
	else
		expect = (int)n;

	ret = rte_iommufd_fault_parse(buf, len, recs, max);
	CHECK(ret == expect);
	for (i = 0; ret > 0 && i < n; i++) {
		const uint8_t *r = buf + i * REC;

		CHECK(recs[i].flags == le32(r));
		CHECK(recs[i].dev_id == le32(r + 4));
		CHECK(recs[i].pasid == le32(r + 8));
		CHECK(recs[i].grpid == le32(r + 12));
		CHECK(recs[i].perm == le32(r + 16));
		CHECK(recs[i].addr == le64(r + 24));
		CHECK(recs[i].length == le32(r + 32));
		CHECK(recs[i].cookie == le32(r + 36));
	}
	/* Never past the capacity. */
	CHECK(memcmp(&recs[max], &canary, sizeof(canary)) == 0);
	CHECK(rte_iommufd_fault_parse(NULL, len, recs, max) == -EINVAL);
	CHECK(rte_iommufd_fault_parse(buf, len, NULL, max) == -EINVAL);
	free(buf);
	return 0;
}
