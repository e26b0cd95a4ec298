/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Random operation sequences at every width, checked step by step
 * against a plain byte-array model. The seed is printed;
 * TEST_PASID_SEED=<n> replays it.
 */

#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "rte_pasid.h"
#include "test.h"
#include "test_pasid.h"

/* ------------------------------------------------------------------ */
/* Random sequences against a model                                    */
/* ------------------------------------------------------------------ */

/*
 * Model: one byte per value, M_FREE, M_RES or the owner of an allocated
 * value (M_NONE for none); the allocated values, unordered; per block of
 * 64 values, the free count (to find the lowest free value fast).
 */
#define M_FREE 0
#define M_RES 0xff
#define M_NONE 0x80

struct model {
	uint8_t *v;
	unsigned int width, max_width;
	uint32_t allocated;
	uint32_t *held;       /* allocated values, unordered */
	uint32_t nheld;
	uint32_t *bfree;      /* per block: M_FREE values, whatever the width */
};

static bool
m_alloc(uint8_t b)
{
	return b != M_FREE && b != M_RES;
}

static uint32_t
m_limit(const struct model *m)
{
	return 1u << m->width;
}

static uint8_t
m_tag(unsigned int owner)
{
	return owner ? (uint8_t)owner : M_NONE;
}

static int
m_lowest_free(struct model *m)
{
	uint32_t limit = m_limit(m), b, v;

	for (b = 0; b << 6 < limit; b++) {
		if (m->bfree[b] == 0)
			continue;
		for (v = b << 6; v < (b + 1) << 6 && v < limit; v++)
			if (m->v[v] == M_FREE)
				return (int)v;
	}
	return -ENOSPC;
}

static void
m_take(struct model *m, uint32_t p, uint8_t owner)
{
	m->v[p] = owner;
	m->allocated++;
	m->held[m->nheld++] = p;
	m->bfree[p >> 6]--;
}

static void
m_free(struct model *m, uint32_t p)
{
	uint32_t i;

	m->v[p] = M_FREE;
	m->allocated--;
	m->bfree[p >> 6]++;
	for (i = 0; i < m->nheld; i++) {
		if (m->held[i] == p) {
			m->held[i] = m->held[--m->nheld];
			break;
		}
	}
}

/* Turn the values of [first, last] that are @p from into @p to: how many. */
static int
m_retag(struct model *m, uint32_t first, uint32_t last, uint8_t from, uint8_t to)
{
	uint32_t k;
	int n = 0;

	for (k = first; k <= last; k++) {
		if (m->v[k] == from) {
			m->v[k] = to;
			m->bfree[k >> 6] += to == M_FREE ? 1 : -1;
			n++;
		}
	}
	return n;
}

#define PFAIL(fmt, ...) do { \
	printf("# seed 0x%llx width %u step %u: " fmt "\n", \
	       (unsigned long long)seed0, w, step, ##__VA_ARGS__); \
	goto fail; \
} while (0)

#define PCHECK(got, want, what) do { \
	long long _g = (got), _w = (want); \
	if (_g != _w) \
		PFAIL("%s: got %lld, want %lld (%s)", what, _g, _w, rte_pasid_last_error()); \
} while (0)

static int
model_run(unsigned int w, uint64_t seed0, unsigned int nsteps)
{
	uint64_t seed = seed0;
	uint32_t nvalues = 1u << w, v, first, last, k, step = 0;
	struct rte_pasid_space *s = NULL;
	struct model m;
	unsigned int owners[4] = { RTE_PASID_OWNER_NONE, 0, 0, 0 }, owner;
	uint32_t fill;
	int ret, i;

	memset(&m, 0, sizeof(m));
	m.v = calloc(nvalues, 1);
	m.held = calloc(nvalues, sizeof(*m.held));
	m.bfree = calloc(nvalues / 64 + 1, sizeof(*m.bfree));
	if (m.v == NULL || m.held == NULL || m.bfree == NULL ||
			rte_pasid_space_create(w, 0, &s) != 0)
		PFAIL("setup");
	m.width = m.max_width = w;
	m.v[0] = M_RES;
	for (v = 1; v < nvalues; v++)
		m.bfree[v >> 6]++;
	for (i = 1; i < 4; i++) {
		ret = rte_pasid_owner_register(s, 0);
		if (ret <= 0)
			PFAIL("register: %d", ret);
		owners[i] = (unsigned int)ret;
	}
	/* Start at a random occupancy, each value with a random owner. */
	fill = rng_below(&seed, 100);
	for (v = 1; v < nvalues; v++) {
		if (rng_below(&seed, 100) >= fill)
			continue;
		owner = owners[rng_below(&seed, 4)];
		PCHECK(rte_pasid_alloc_value(s, owner, v), 0, "prefill");
		m_take(&m, v, m_tag(owner));
	}

	for (step = 0; step < nsteps; step++) {
		uint32_t op = rng_below(&seed, 100), limit = m_limit(&m);
		uint8_t b;
		int want;

		/* Value: mostly in range, sometimes 0 or above. */
		v = rng_below(&seed, 20) == 0 ? rng_below(&seed, 3) * limit :
			rng_below(&seed, limit);
		owner = owners[rng_below(&seed, 4)];
		if (op < 30) {
			want = m_lowest_free(&m);
			PCHECK(rte_pasid_alloc(s, owner), want, "alloc");
			if (want > 0)
				m_take(&m, (uint32_t)want, m_tag(owner));
		} else if (op < 40) {
			if (v == 0)
				want = -EINVAL;
			else if (v >= limit)
				want = -ERANGE;
			else if (m.v[v] == M_RES)
				want = -EBUSY;
			else if (m_alloc(m.v[v]))
				want = -EEXIST;
			else
				want = 0;
			PCHECK(rte_pasid_alloc_value(s, owner, v), want, "alloc_value");
			if (want == 0)
				m_take(&m, v, m_tag(owner));
		} else if (op < 70) {
			/* Free: mostly a held value by its owner; sometimes not. */
			if (m.nheld && rng_below(&seed, 4) != 0)
				v = m.held[rng_below(&seed, m.nheld)];
			if (v < limit && m_alloc(m.v[v]) && rng_below(&seed, 4) != 0)
				owner = m.v[v] == M_NONE ? RTE_PASID_OWNER_NONE : m.v[v];
			else if (rng_below(&seed, 16) == 0)
				owner = RTE_PASID_OWNER_MAX + 1; /* never registered */
			if (v == 0 || owner > RTE_PASID_OWNER_MAX)
				want = -EINVAL;
			else if (v >= limit)
				want = -ERANGE;
			else if (!m_alloc(m.v[v]))
				want = -ENOENT;
			else if (m.v[v] != m_tag(owner))
				want = -EPERM;
			else
				want = 0;
			PCHECK(rte_pasid_free(s, owner, v), want, "free");
			if (want == 0)
				m_free(&m, v);
		} else if (op < 78) {
			first = v;
			last = first + rng_below(&seed, rng_below(&seed, 50) ? 16 : limit / 4 + 1);
			if (first == 0 || last < first)
				want = -EINVAL;
			else if (last >= limit)
				want = -ERANGE;
			else
				want = 0;
			for (k = first; want == 0 && k <= last; k++) {
				if (m_alloc(m.v[k]))
					want = -EBUSY;
			}
			if (want == 0)
				want = m_retag(&m, first, last, M_FREE, M_RES);
			PCHECK(rte_pasid_reserve(s, first, last), want, "reserve");
		} else if (op < 84) {
			first = v;
			last = first + rng_below(&seed, rng_below(&seed, 10) ? 32 : limit);
			if (first == 0 || last < first)
				want = -EINVAL;
			else if (last >= limit)
				want = -ERANGE;
			else
				want = m_retag(&m, first, last, M_RES, M_FREE);
			PCHECK(rte_pasid_unreserve(s, first, last), want, "unreserve");
		} else if (op < 92) {
			unsigned int got = 999;

			ret = rte_pasid_state(s, v, &got);
			if (v >= limit) {
				PCHECK(ret, -ERANGE, "state");
				continue;
			}
			b = m.v[v];
			PCHECK(ret, b == M_FREE ? RTE_PASID_STATE_FREE : b == M_RES ?
				RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_ALLOCATED, "state");
			if (m_alloc(b))
				PCHECK(got, b == M_NONE ? 0 : b, "state owner");
		} else if (op < 95) {
			unsigned int got = 999;

			for (k = v + 1; k < limit && !m_alloc(m.v[k]); k++)
				;
			want = k < limit ? (int)k : -ENOENT;
			PCHECK(rte_pasid_next(s, v, &got), want, "next");
			if (want > 0)
				PCHECK(got, m.v[k] == M_NONE ? 0 : m.v[k], "next owner");
		} else if (op < 97) {
			/* Narrow or widen. */
			unsigned int nw = 1 + rng_below(&seed, m.max_width);

			want = 0;
			for (k = 1u << nw; nw < m.width && k < limit; k++)
				if (m_alloc(m.v[k]))
					want = -EBUSY;
			if (rng_below(&seed, 2)) {
				PCHECK(rte_pasid_space_set_width(s, nw), want, "set_width");
				if (want == 0)
					m.width = nw;
			} else {
				if (nw >= m.width)
					nw = m.width;
				PCHECK(rte_pasid_space_narrow(s, nw), want ? want : (int)nw, "narrow");
				if (want == 0)
					m.width = nw;
			}
		} else {
			PCHECK(rte_pasid_count(s), m.allocated, "count");
		}
		if (step % 4096 == 4095)
			PCHECK(rte_pasid_space_audit(s), 0, "audit");
	}
	/* Everything, at the end. */
	{
		struct rte_pasid_space_info info;
		uint32_t reserved = 0;
		unsigned int got;
		uint8_t b;

		for (v = 1; v < m_limit(&m); v++) {
			ret = rte_pasid_state(s, v, &got);
			b = m.v[v];
			PCHECK(ret, b == M_FREE ? RTE_PASID_STATE_FREE : b == M_RES ?
				RTE_PASID_STATE_RESERVED : RTE_PASID_STATE_ALLOCATED, "final state");
			reserved += b == M_RES;
		}
		PCHECK(rte_pasid_space_info(s, &info), 0, "info");
		PCHECK(info.width, m.width, "width");
		PCHECK(info.allocated, m.allocated, "allocated");
		PCHECK(info.reserved, reserved, "reserved");
		PCHECK(info.free, m_limit(&m) - 1 - m.allocated - reserved, "free");
		PCHECK(rte_pasid_space_audit(s), 0, "final audit");
	}
	ret = TEST_SUCCESS;
	goto out;
fail:
	ret = TEST_FAILED;
out:
	rte_pasid_space_free(s);
	free(m.v);
	free(m.held);
	free(m.bfree);
	return ret;
}

int
model_all_widths(void)
{
	uint64_t seed = test_seed();
	unsigned int w;

	printf("# seed 0x%llx (TEST_PASID_SEED replays it)\n", (unsigned long long)seed);
	for (w = 1; w <= 20; w++) {
		uint64_t s = seed + w;
		unsigned int round;

		for (round = 0; round < (w <= 12 ? 4u : 2u); round++) {
			if (model_run(w, s, 20000) != TEST_SUCCESS)
				return TEST_FAILED;
			s = rng_next(&s);
		}
	}
	return TEST_SUCCESS;
}
