/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _DPDK_IOMMUFD_FUZZ_H_
#define _DPDK_IOMMUFD_FUZZ_H_

/*
 * Common parts of the libFuzzer targets of app/test/fuzz. Each target
 * defines LLVMFuzzerTestOneInput() (and may define LLVMFuzzerInitialize());
 * devtools/robustness.sh links them with -fsanitize=fuzzer, and
 * replay.c runs their seed corpora as ordinary tests of the fast suite.
 */

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerInitialize(int *argc, char ***argv);

/* An invariant of the code under test: abort (a crash for libFuzzer). */
#define CHECK(cond) do { \
	if (!(cond)) { \
		fprintf(stderr, "%s:%d: invariant violated: %s\n", __FILE__, __LINE__, #cond); \
		abort(); \
	} \
} while (0)

/* Bytes of the input, consumed front to back; zeros once it is exhausted. */
struct fuzz_input {
	const uint8_t *p;
	size_t left;
};

static inline uint8_t
fuzz_u8(struct fuzz_input *in)
{
	if (in->left == 0)
		return 0;
	in->left--;
	return *in->p++;
}

static inline uint32_t
fuzz_u32(struct fuzz_input *in)
{
	uint32_t v = 0;
	int i;

	for (i = 0; i < 4; i++)
		v |= (uint32_t)fuzz_u8(in) << (8 * i);
	return v;
}

static inline uint64_t
fuzz_u64(struct fuzz_input *in)
{
	return fuzz_u32(in) | (uint64_t)fuzz_u32(in) << 32;
}

/* The rest of the input in a heap block of exactly its size (overreads trap). */
static inline uint8_t *
fuzz_rest(struct fuzz_input *in, size_t *len)
{
	uint8_t *b = malloc(in->left ? in->left : 1);

	if (b == NULL)
		abort();
	memcpy(b, in->p, in->left);
	*len = in->left;
	in->p += in->left;
	in->left = 0;
	return b;
}

/* A NUL-terminated copy of the rest of the input (up to its first NUL). */
static inline char *
fuzz_string(struct fuzz_input *in)
{
	size_t n = 0;
	char *s;

	while (n < in->left && in->p[n] != '\0')
		n++;
	s = malloc(n + 1);
	if (s == NULL)
		abort();
	memcpy(s, in->p, n);
	s[n] = '\0';
	in->p += in->left;
	in->left = 0;
	return s;
}

#endif /* _DPDK_IOMMUFD_FUZZ_H_ */
