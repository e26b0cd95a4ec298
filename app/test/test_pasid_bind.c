/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The PASID ownership rule as a property: over random bind and unbind
 * sequences where device attaches and detaches fail at random, a PASID is
 * never handed out while a device may still use it (never two live
 * owners), is freed as soon as every device let go, and failed unbinds can
 * be retried until they succeed.
 */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "iommufd_private.h"
#include "rte_iommufd.h"
#include "rte_iommufd_pasid.h"
#include "rte_pasid.h"
#include "test.h"

#define NDEV 3
#define MAXW 8
#define NPASID (1u << MAXW)

/* What the devices translate: live[d][p] set while device d may use p. */
struct fake_devices {
	unsigned char live[NDEV][NPASID];
	unsigned int map[NDEV];     /* binding's device index -> device */
	unsigned int fail_pct;      /* chance of a failed attach or detach */
	unsigned int violations;    /* PASID attached while already live */
	unsigned int seed;
};

static unsigned int
rnd(struct fake_devices *f)
{
	f->seed = f->seed * 1103515245u + 12345u;
	return (f->seed >> 16) & 0x7fff;
}

static int
fake_attach(void *arg, unsigned int idx, uint32_t pasid)
{
	struct fake_devices *f = arg;
	unsigned int d = f->map[idx];

	if (rnd(f) % 100 < f->fail_pct)
		return -ENOMEM;
	if (f->live[d][pasid])
		f->violations++;
	f->live[d][pasid] = 1;
	return 0;
}

static int
fake_detach(void *arg, unsigned int idx, uint32_t pasid)
{
	struct fake_devices *f = arg;
	unsigned int d = f->map[idx];

	if (rnd(f) % 100 < f->fail_pct)
		return -EBUSY;
	f->live[d][pasid] = 0;
	return 0;
}

static const struct ifd_pasid_ops fake_ops = {
	.attach = fake_attach,
	.detach = fake_detach,
};

struct binding {
	uint32_t pasid;
	unsigned int n;
	unsigned int map[NDEV];
};

static int
check_invariants(struct rte_pasid_space *ns, struct fake_devices *f, struct binding *b,
		unsigned int nb, unsigned int width)
{
	unsigned int d, p, i, j;

	for (d = 0; d < NDEV; d++)
		for (p = 1; p < (1u << width); p++)
			if (f->live[d][p])
				TEST_ASSERT_EQUAL(rte_pasid_state(ns, p, NULL), RTE_PASID_STATE_ALLOCATED,
						  "pasid %u live on device %u must stay allocated", p, d);
	for (i = 0; i < nb; i++) {
		TEST_ASSERT_EQUAL(rte_pasid_state(ns, b[i].pasid, NULL), RTE_PASID_STATE_ALLOCATED,
				  "bound pasid %u", b[i].pasid);
		for (j = i + 1; j < nb; j++)
			TEST_ASSERT(b[i].pasid != b[j].pasid, "pasid %u has two owners", b[i].pasid);
	}
	TEST_ASSERT_EQUAL(rte_pasid_count(ns), nb, "allocated == bindings held");
	TEST_ASSERT_EQUAL(f->violations, 0, "a PASID was attached while still live");
	return TEST_SUCCESS;
}

static int
run_sequence(unsigned int width, unsigned int fail_pct, unsigned int seed, unsigned int steps)
{
	struct rte_pasid_space *ns = NULL;
	struct fake_devices *f = calloc(1, sizeof(*f));
	struct binding *b = calloc(NPASID, sizeof(*b));
	unsigned int nb = 0, s, i, binds = 0, unbinds = 0, retries = 0;
	int ret;

	TEST_ASSERT(f != NULL && b != NULL, "memory");
	f->fail_pct = fail_pct;
	f->seed = seed;
	TEST_ASSERT_SUCCESS(rte_pasid_space_create(width, 0, &ns), "namespace of %u bits", width);
	for (s = 0; s < steps; s++) {
		if (nb == 0 || rnd(f) % 2 == 0) {
			struct binding nbd;
			uint32_t pasid = 0;

			/* Bind on 1..NDEV distinct devices from a random start. */
			nbd.n = 1 + rnd(f) % NDEV;
			nbd.map[0] = rnd(f) % NDEV;
			for (i = 1; i < nbd.n; i++)
				nbd.map[i] = (nbd.map[0] + i) % NDEV;
			memcpy(f->map, nbd.map, sizeof(f->map));
			ret = ifd_pasid_bind(ns, RTE_PASID_OWNER_NONE, nbd.n, &fake_ops, f,
							 &pasid);
			if (ret == 0 || ret == -EIO) {
				/* Bound, or kept after a failed rollback: held either way. */
				TEST_ASSERT(pasid != 0, "a held PASID is reported");
				nbd.pasid = pasid;
				b[nb++] = nbd;
				binds += ret == 0;
			} else {
				TEST_ASSERT(ret == -ENOMEM || ret == -ENOSPC, "bind: %d", ret);
				TEST_ASSERT_EQUAL(pasid, 0, "nothing held after a clean failure");
			}
		} else {
			i = rnd(f) % nb;
			memcpy(f->map, b[i].map, sizeof(f->map));
			ret = ifd_pasid_unbind(ns, RTE_PASID_OWNER_NONE, b[i].pasid, b[i].n, &fake_ops, f);
			if (ret == 0) {
				b[i] = b[--nb];
				unbinds++;
			} else {
				TEST_ASSERT_EQUAL(ret, -EBUSY, "unbind fails only by a failed detach");
				retries++;
			}
		}
		ret = check_invariants(ns, f, b, nb, width);
		if (ret != TEST_SUCCESS) {
			printf("# width %u, fail %u%%, seed %u, step %u\n", width, fail_pct, seed, s);
			return ret;
		}
	}
	/* Drain: retried unbinds always succeed once detaches stop failing. */
	f->fail_pct = 0;
	while (nb > 0) {
		memcpy(f->map, b[nb - 1].map, sizeof(f->map));
		TEST_ASSERT_SUCCESS(ifd_pasid_unbind(ns, RTE_PASID_OWNER_NONE, b[nb - 1].pasid, b[nb - 1].n,
								 &fake_ops, f), "final unbind");
		nb--;
	}
	TEST_ASSERT_SUCCESS(check_invariants(ns, f, b, 0, width), "drained");
	for (i = 0; i < NDEV; i++)
		for (s = 0; s < NPASID; s++)
			TEST_ASSERT(!f->live[i][s], "nothing live after the drain");
	if (getenv("TEST_VERBOSE") != NULL)
		printf("# w %u fail %u%%: %u binds, %u unbinds, %u failed unbinds retried\n",
		       width, fail_pct, binds, unbinds, retries);
	rte_pasid_space_free(ns);
	free(f);
	free(b);
	return TEST_SUCCESS;
}

static int
never_two_live_owners(void)
{
	static const unsigned int fails[] = { 0, 5, 30, 70 };
	unsigned int w, i, seed;

	for (w = 1; w <= MAXW; w++)
		for (i = 0; i < 4; i++)
			for (seed = 1; seed <= 4; seed++)
				if (run_sequence(w, fails[i], seed * 7919 + w, 600) != TEST_SUCCESS)
					return TEST_FAILED;
	return TEST_SUCCESS;
}

static int
exhaustion_and_recovery(void)
{
	struct rte_pasid_space *ns = NULL;
	struct fake_devices f;
	uint32_t p = 0, got[3];
	unsigned int i;

	memset(&f, 0, sizeof(f));
	f.map[0] = 0;
	TEST_ASSERT_SUCCESS(rte_pasid_space_create(2, 0, &ns), "2 bits: PASIDs 1..3");
	for (i = 0; i < 3; i++) {
		TEST_ASSERT_SUCCESS(ifd_pasid_bind(ns, 0, 1, &fake_ops, &f, &got[i]), "bind");
		TEST_ASSERT(got[i] >= 1 && got[i] <= 3, "in range: %u", got[i]);
	}
	TEST_ASSERT_EQUAL(ifd_pasid_bind(ns, 0, 1, &fake_ops, &f, &p), -ENOSPC, "full");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "every PASID of the namespace is in use");
	/* A failed detach keeps the PASID; it is not handed out again. */
	f.fail_pct = 100;
	TEST_ASSERT_EQUAL(ifd_pasid_unbind(ns, RTE_PASID_OWNER_NONE, got[1], 1, &fake_ops, &f), -EBUSY, "stuck");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "stays allocated");
	f.fail_pct = 0;
	TEST_ASSERT_EQUAL(ifd_pasid_bind(ns, 0, 1, &fake_ops, &f, &p), -ENOSPC, "still full");
	TEST_ASSERT_SUCCESS(ifd_pasid_unbind(ns, RTE_PASID_OWNER_NONE, got[1], 1, &fake_ops, &f), "retry");
	TEST_ASSERT_SUCCESS(ifd_pasid_bind(ns, 0, 1, &fake_ops, &f, &p), "reuse");
	TEST_ASSERT_EQUAL(p, got[1], "the freed value comes back");
	TEST_ASSERT_EQUAL(ifd_pasid_unbind(ns, RTE_PASID_OWNER_NONE, 0, 1, &fake_ops, &f), -ENOENT, "PASID 0");
	TEST_ASSERT_EQUAL(ifd_pasid_bind(ns, 0, 0, &fake_ops, &f, &p), -EINVAL, "no device");
	TEST_ASSERT_EQUAL(f.violations, 0, "no double attach");
	rte_pasid_space_free(ns);
	return TEST_SUCCESS;
}

/* A stale unbind by another owner detaches nothing and frees nothing. */
static int
unbind_by_other_owner(void)
{
	struct rte_pasid_space *ns = NULL;
	struct fake_devices f;
	unsigned int holder = 0;
	int a, b;
	uint32_t p = 0;

	memset(&f, 0, sizeof(f));
	f.map[1] = 1;
	TEST_ASSERT_SUCCESS(rte_pasid_space_create(4, 0, &ns), "namespace");
	a = rte_pasid_owner_register(ns, getpid());
	b = rte_pasid_owner_register(ns, getpid());
	TEST_ASSERT(a > 0 && b > 0 && a != b, "two owners: %d %d", a, b);
	TEST_ASSERT_SUCCESS(ifd_pasid_bind(ns, a, 2, &fake_ops, &f, &p), "bind");
	TEST_ASSERT_EQUAL(ifd_pasid_unbind(ns, b, p, 2, &fake_ops, &f), -EPERM,
			  "unbind by the other owner");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "belongs to another owner");
	TEST_ASSERT_EQUAL(rte_pasid_state(ns, p, &holder), RTE_PASID_STATE_ALLOCATED, "still allocated");
	TEST_ASSERT_EQUAL(holder, (unsigned int)a, "to its owner");
	TEST_ASSERT(f.live[0][p] && f.live[1][p], "still attached on both devices");
	TEST_ASSERT_SUCCESS(ifd_pasid_unbind(ns, a, p, 2, &fake_ops, &f), "unbind by the owner");
	TEST_ASSERT_EQUAL(f.violations, 0, "no double attach");
	rte_pasid_space_free(ns);
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE(unbind_by_other_owner),
	TEST_CASE(never_two_live_owners),
	TEST_CASE(exhaustion_and_recovery),
	TEST_CASES_END(),
};

static void
quiet(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

int
main(void)
{
	/* Failures are injected on purpose: checked, not logged. */
	if (getenv("TEST_VERBOSE") == NULL)
		rte_iommufd_log_set_handler(quiet, NULL);
	return test_run("pasid-bind", cases);
}
