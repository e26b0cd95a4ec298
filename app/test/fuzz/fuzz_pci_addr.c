/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * rte_iommufd_pci_addr_parse() on arbitrary strings and output sizes,
 * against a regular expression of what it must accept ("[DDDD:]BB:DD.F"
 * in hexadecimal, 1..4, 1..2, 1..2 and 1 digits, device <= 1f, function
 * <= 7): same verdict, same normalised output, idempotent on its own
 * output, and no write outside an output buffer of exactly the given size.
 * Input: output size (1 byte), then the string.
 */

#include <errno.h>
#include <regex.h>

#include "fuzz.h"
#include "rte_iommufd.h"

static regex_t re;

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
	CHECK(regcomp(&re, "^(([0-9a-fA-F]{1,4}):)?([0-9a-fA-F]{1,2}):([0-9a-fA-F]{1,2})\\.([0-9a-fA-F])$",
		      REG_EXTENDED) == 0);
	return 0;
}

static unsigned int
hex(const char *s, regmatch_t m)
{
	unsigned int v = 0;
	regoff_t i;

	for (i = m.rm_so; i < m.rm_eo; i++)
		v = v * 16 + (unsigned int)(s[i] <= '9' ? s[i] - '0' : (s[i] | 0x20) - 'a' + 10);
	return v;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	size_t len = fuzz_u8(&in) % 24;
	char *s = fuzz_string(&in), *out, want[16], again[16];
	regmatch_t m[6];
	int expect, ret;

	expect = -EINVAL;
	if (regexec(&re, s, 6, m, 0) == 0) {
		unsigned int dom = m[2].rm_so >= 0 ? hex(s, m[2]) : 0;
		unsigned int bus = hex(s, m[3]), dev = hex(s, m[4]), fn = hex(s, m[5]);

		if (dev <= 0x1f && fn <= 7) {
			snprintf(want, sizeof(want), "%04x:%02x:%02x.%x", dom, bus, dev, fn);
			expect = len < 13 ? -ENAMETOOLONG : 0;
		}
	}
	/* Exactly @len bytes: a longer write is a heap overflow. */
	out = malloc(len ? len : 1);
	CHECK(out != NULL);
	ret = rte_iommufd_pci_addr_parse(s, out, len);
	CHECK(ret == expect);
	if (ret == 0) {
		CHECK(strcmp(out, want) == 0);
		CHECK(rte_iommufd_pci_addr_parse(out, again, sizeof(again)) == 0);
		CHECK(strcmp(again, out) == 0);
	}
	free(out);
	free(s);
	return 0;
}
