/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID allocator of lib/pasid driven by a sequence of operations
 * decoded from the input, each checked against a reference model of the
 * documented behaviour (rte_pasid.h): lowest free value first whoever
 * the owner, only the owner frees (-EPERM for another), PASID 0 never
 * handed out, reservations of any shape, widths (narrow, set), owners,
 * reclaim with a liveness callback, iteration and counters. The
 * namespace's own audit must pass after every operation that changes it,
 * and every failure leaves a message.
 * Input: the max width (1 byte, 1..12), then operations of 6 bytes
 * (opcode, owner/argument byte, two 16-bit values).
 */

#include <errno.h>
#include <unistd.h>

#include "fuzz.h"
#include "rte_pasid.h"

#define MAX_W 12
#define NV (1u << MAX_W)
#define NOWN RTE_PASID_OWNER_MAX
#define M_FREE 0
#define M_RES 0xff
#define M_NONE 0xfe	/* allocated to RTE_PASID_OWNER_NONE; else 1..64: the owner */

struct model {
	unsigned int width, max_width;
	uint8_t st[NV];		/* per value */
	bool used[NOWN + 1];	/* owner slots */
};

static struct model m;

static bool
m_alloc(uint8_t s)
{
	return s != M_FREE && s != M_RES;
}

static unsigned int
m_owner_count(unsigned int o)
{
	unsigned int v, n = 0;

	for (v = 1; v < NV; v++)
		n += m.st[v] == o;
	return n;
}

static bool
m_owner_ok(unsigned int o)
{
	return o == RTE_PASID_OWNER_NONE || (o <= NOWN && m.used[o]);
}

static uint8_t
m_tag(unsigned int o)
{
	return o == RTE_PASID_OWNER_NONE ? M_NONE : (uint8_t)o;
}

static bool
m_any_alloc_from(uint32_t from)
{
	uint32_t v;

	for (v = from == 0 ? 1 : from; v < NV; v++)
		if (m_alloc(m.st[v]))
			return true;
	return false;
}

static uint64_t dead_mask;

static int
alive_cb(const struct rte_pasid_owner_info *o, void *arg)
{
	(void)arg;
	CHECK(o != NULL && o->owner >= 1 && o->owner <= NOWN && m.used[o->owner]);
	CHECK(o->count == m_owner_count(o->owner));
	return (dead_mask >> (o->owner - 1)) & 1 ? 0 : 1;
}

static int
abort_cb(const struct rte_pasid_owner_info *o, void *arg)
{
	(void)o;
	(void)arg;
	return -EINTR;
}

static void
check_info(struct rte_pasid_space *sp)
{
	struct rte_pasid_space_info info;
	uint32_t v, lim = 1u << m.width, alloc = 0, res = 0;
	unsigned int o, owners = 0;

	CHECK(rte_pasid_space_info(sp, &info) == 0);
	for (v = 1; v < NV; v++) {
		alloc += m_alloc(m.st[v]);
		res += v < lim && m.st[v] == M_RES;
	}
	for (o = 1; o <= NOWN; o++)
		owners += m.used[o];
	CHECK(info.width == m.width && info.max_width == m.max_width);
	CHECK(info.allocated == alloc && info.reserved == res);
	CHECK(info.free == lim - 1 - alloc - res);
	CHECK(info.owners == owners);
	CHECK(rte_pasid_count(sp) == (int)alloc);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	struct rte_pasid_space *sp = NULL;
	unsigned int ops = 0, o;
	uint32_t v, lim, a, b, first, last, n;
	int ret, expect;

	memset(&m, 0, sizeof(m));
	m.max_width = m.width = 1 + fuzz_u8(&in) % MAX_W;
	CHECK(rte_pasid_space_create(m.max_width, 0, &sp) == 0);
	CHECK(rte_pasid_state(sp, 0, NULL) == RTE_PASID_STATE_RESERVED);

	while (in.left > 0 && ops++ < 256) {
		uint8_t op = fuzz_u8(&in), arg = fuzz_u8(&in);
		bool changed = true;
		char before[256];

		CHECK(rte_pasid_max(0) == -EINVAL);
		snprintf(before, sizeof(before), "%s", rte_pasid_last_error());
		ret = 0;

		a = fuzz_u8(&in) | (uint32_t)fuzz_u8(&in) << 8;
		b = fuzz_u8(&in) | (uint32_t)fuzz_u8(&in) << 8;
		a &= NV * 2 - 1;	/* sometimes beyond any width */
		b &= NV * 2 - 1;
		o = arg % (NOWN + 2);	/* 0 (none) .. 65 (never valid) */
		lim = 1u << m.width;

		switch (op % 15) {
		case 0: /* alloc */
			ret = rte_pasid_alloc(sp, o);
			if (!m_owner_ok(o)) {
				CHECK(ret == -EINVAL);
				break;
			}
			for (v = 1; v < lim && m.st[v] != M_FREE; v++)
				;
			if (v == lim) {
				CHECK(ret == -ENOSPC);
				break;
			}
			CHECK(ret == (int)v);
			m.st[v] = m_tag(o);
			break;
		case 1: /* alloc_value */
			ret = rte_pasid_alloc_value(sp, o, a);
			if (!m_owner_ok(o) || a == 0)
				expect = -EINVAL;
			else if (a >= lim)
				expect = -ERANGE;
			else if (m_alloc(m.st[a]))
				expect = -EEXIST;
			else if (m.st[a] == M_RES)
				expect = -EBUSY;
			else
				expect = 0;
			CHECK(ret == expect);
			if (ret == 0)
				m.st[a] = m_tag(o);
			break;
		case 2: /* free, by the owner or by another */
			ret = rte_pasid_free(sp, o, a);
			if (a == 0 || !m_owner_ok(o))
				expect = -EINVAL;
			else if (a >= lim)
				expect = -ERANGE;
			else if (!m_alloc(m.st[a]))
				expect = -ENOENT;
			else if (m.st[a] != m_tag(o))
				expect = -EPERM;
			else
				expect = 0;
			CHECK(ret == expect);
			if (ret == 0)
				m.st[a] = M_FREE;
			break;
		case 3: /* reserve */
		case 4: /* unreserve */
			first = a % 64 == 0 ? a : a % lim;	/* mostly inside the width */
			last = b % 8 == 0 ? b : first + b % 16;
			ret = op % 15 == 3 ? rte_pasid_reserve(sp, first, last) :
				rte_pasid_unreserve(sp, first, last);
			if (first == 0 || last < first) {
				CHECK(ret == -EINVAL);
				break;
			}
			if (last >= lim) {
				CHECK(ret == -ERANGE);
				break;
			}
			n = 0;
			if (op % 15 == 3) {
				for (v = first; v <= last; v++)
					if (m_alloc(m.st[v]))
						break;
				if (v <= last) {
					CHECK(ret == -EBUSY);
					break;
				}
				for (v = first; v <= last; v++) {
					n += m.st[v] == M_FREE;
					m.st[v] = M_RES;
				}
			} else {
				for (v = first; v <= last; v++) {
					if (m.st[v] == M_RES) {
						m.st[v] = M_FREE;
						n++;
					}
				}
			}
			CHECK(ret == (int)n);
			break;
		case 5: /* state */
			ret = rte_pasid_state(sp, a, &o);
			changed = false;
			if (a >= lim) {
				CHECK(ret == -ERANGE);
			} else if (a == 0 || m.st[a] == M_RES) {
				CHECK(ret == RTE_PASID_STATE_RESERVED);
			} else if (m.st[a] == M_FREE) {
				CHECK(ret == RTE_PASID_STATE_FREE);
			} else {
				CHECK(ret == RTE_PASID_STATE_ALLOCATED);
				CHECK(m_tag(o) == m.st[a]);
			}
			break;
		case 6: /* next */
			ret = rte_pasid_next(sp, a, &o);
			changed = false;
			for (v = a + 1; v < NV && !m_alloc(m.st[v]); v++)
				;
			if (v >= NV) {
				CHECK(ret == -ENOENT);
			} else {
				CHECK(ret == (int)v);
				CHECK(m_tag(o) == m.st[v]);
			}
			break;
		case 7: /* narrow */
			n = arg % 22;
			ret = rte_pasid_space_narrow(sp, n);
			if (n < 1 || n > 20)
				expect = -EINVAL;
			else if (n >= m.width)
				expect = (int)m.width;
			else if (m_any_alloc_from(1u << n))
				expect = -EBUSY;
			else
				expect = (int)n;
			CHECK(ret == expect);
			if (ret > 0)
				m.width = (unsigned int)ret;
			break;
		case 8: /* set_width */
			n = arg % 22;
			ret = rte_pasid_space_set_width(sp, n);
			if (n < 1 || n > 20)
				expect = -EINVAL;
			else if (n > m.max_width)
				expect = -ERANGE;
			else if (n < m.width && m_any_alloc_from(1u << n))
				expect = -EBUSY;
			else
				expect = 0;
			CHECK(ret == expect);
			if (ret == 0)
				m.width = n;
			break;
		case 9: /* owner_register */
			ret = rte_pasid_owner_register(sp, 0);
			for (n = 1; n <= NOWN && m.used[n]; n++)
				;
			if (n > NOWN) {
				CHECK(ret == -ENOSPC);
				break;
			}
			CHECK(ret >= 1 && ret <= (int)NOWN && !m.used[ret]);
			m.used[ret] = true;
			break;
		case 10: /* owner_unregister */
			ret = rte_pasid_owner_unregister(sp, o);
			if (o == 0 || o > NOWN || !m.used[o]) {
				CHECK(ret == -EINVAL);
				break;
			}
			CHECK(ret == (int)m_owner_count(o));
			for (v = 1; v < NV; v++)
				if (m.st[v] == o)
					m.st[v] = M_FREE;
			m.used[o] = false;
			break;
		case 11: { /* owner_get */
			struct rte_pasid_owner_info oi;

			changed = false;
			ret = rte_pasid_owner_get(sp, o, &oi);
			if (o == 0 || o > NOWN || !m.used[o]) {
				CHECK(ret == -EINVAL);
				break;
			}
			CHECK(ret == 0 && oi.owner == o && oi.pid == getpid());
			CHECK(oi.count == m_owner_count(o));
			break;
		}
		case 12: /* reclaim, some owners dead */
			dead_mask = (uint64_t)a | (uint64_t)b << 16 | (uint64_t)arg << 32;
			if (arg == 0xff) {
				/* A failing liveness check aborts: nothing changes. */
				for (n = 0, o = 1; o <= NOWN; o++)
					n += m.used[o];
				ret = rte_pasid_space_reclaim(sp, abort_cb, NULL);
				CHECK(ret == (n != 0 ? -EINTR : 0));
				break;
			}
			ret = rte_pasid_space_reclaim(sp, alive_cb, NULL);
			n = 0;
			for (o = 1; o <= NOWN; o++) {
				if (!m.used[o] || !((dead_mask >> (o - 1)) & 1))
					continue;
				for (v = 1; v < NV; v++) {
					if (m.st[v] == o) {
						m.st[v] = M_FREE;
						n++;
					}
				}
				m.used[o] = false;
			}
			CHECK(ret == (int)n);
			break;
		case 13: /* counters */
			changed = false;
			check_info(sp);
			break;
		default: /* audit */
			changed = false;
			CHECK(rte_pasid_space_audit(sp) == 0);
			break;
		}
		/* A failure leaves its own message. */
		if (ret < 0)
			CHECK(strcmp(rte_pasid_last_error(), before) != 0);
		if (changed && ops % 8 == 0) {
			CHECK(rte_pasid_space_audit(sp) == 0);
			check_info(sp);
		}
	}
	CHECK(rte_pasid_space_audit(sp) == 0);
	check_info(sp);
	rte_pasid_space_free(sp);
	return 0;
}
