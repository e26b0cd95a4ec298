/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _TEST_VM_FAIL_NTH_H_
#define _TEST_VM_FAIL_NTH_H_

/*
 * test_vm_fail_nth: the state of one run of a setup sequence, the rules a
 * failing library call must follow (LIB, LIBQ, OWN), and the sequences
 * (fail_nth_seq.c), which test_vm_fail_nth.c sweeps with one injected
 * failure per run.
 */

#include <inttypes.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include "rte_iommufd.h"
#include "rte_iommufd_pasid.h"
#include "rte_pasid.h"
#include "fail_nth_inject.h"
#include "mock_dev.h"

#define BUF_LEN (16 * 4096ul)
#define TEST_PASID 5u

/* Of test_vm_fail_nth.c. */
extern const char *bdf;                 /* the VFIO device */
extern void *buf;                       /* BUF_LEN bytes the sequences map */
extern uint64_t expected_features;      /* of a context and device opened without injection */
extern unsigned long err_msgs;          /* ERR messages of the library so far */
extern char last_msg[512];              /* the last of them */

struct seq_state {
	struct rte_iommufd *ctx;
	struct rte_iommufd_ioas *ioas;
	struct rte_iommufd_device *dev;
	struct mock_dev *mock;		/* owned by dev once dev exists */
	struct rte_iommufd_hwpt *hwpt;
	struct rte_iommufd_fault *fault;
	struct rte_iommufd_space *space;
	uint64_t iova;
	uint32_t pasid_hwpt;		/* HWPT on TEST_PASID (plain attach), 0 if none */
	bool space_rid, space_pasid;
	/* (g): a second device and a PASID namespace. */
	struct rte_iommufd_device *dev2;
	struct mock_dev *mock2;		/* owned by dev2 once dev2 exists */
	bool space_rid2;
	struct rte_pasid_space *ns;
	uint32_t bound;			/* PASID bound, or kept allocated by a failed call */
	/* The failing step. */
	const char *step;
	int err;
	char problem[256];		/* contract violation, "" if none */
};

#define PROBLEM(s, ...) do { \
	if ((s)->problem[0] == '\0') \
		snprintf((s)->problem, sizeof((s)->problem), __VA_ARGS__); \
} while (0)

/*
 * A library call that must either succeed or fail by the rules: a
 * negative errno, an ERR message, and (for calls that create a handle)
 * the output left as it was.
 */
#define LIB(s, name, expr, out) do { \
	unsigned long _msgs = err_msgs; \
	int _r; \
	(s)->step = name; \
	_r = (expr); \
	if (_r != 0) { \
		(s)->err = _r; \
		if (_r >= 0 || _r < -4095) \
			PROBLEM(s, "%s returned %d, not a negative errno", name, _r); \
		else if (err_msgs == _msgs) \
			PROBLEM(s, "%s failed (%s) without an error message", name, \
				rte_iommufd_errno_name(_r)); \
		if ((out) != NULL) \
			PROBLEM(s, "%s failed but set its output handle", name); \
		return _r; \
	} \
} while (0)

/*
 * A call of lib/pasid, which keeps no messages: the errno rule only.
 * lib/pasid makes no kernel call; the only failure points it reaches are
 * those of the memory allocator. Under valgrind that allocator is
 * valgrind's own, whose mmap and munmap run in this thread: a failure
 * injected there aborts valgrind itself (memcheck asserts on a failed
 * munmap of its shadow memory), so the countdown is paused across the call.
 */
#define LIBQ(s, name, expr, out) do { \
	unsigned int _left = under_valgrind && nth_armed ? nth_pause() : 0; \
	int _r; \
	(s)->step = name; \
	_r = (expr); \
	if (_left != 0) \
		nth_arm(_left); \
	if (_r != 0) { \
		(s)->err = _r; \
		if (_r >= 0 || _r < -4095) \
			PROBLEM(s, "%s returned %d, not a negative errno", name, _r); \
		if ((out) != NULL) \
			PROBLEM(s, "%s failed but set its output handle", name); \
		return _r; \
	} \
} while (0)

/* A step of the test's own (creating the mock device). */
#define OWN(s, name, expr) do { \
	int _r; \
	(s)->step = name; \
	_r = (expr); \
	if (_r != 0) { \
		(s)->err = _r; \
		return _r; \
	} \
} while (0)

/* The "no output handle" argument of LIB() and LIBQ(). */
extern const void *const no_out;

/* The sequences: 0, or the negative errno of the failing step (s->step). */
int seq_ioas(struct seq_state *s);
int seq_vfio(struct seq_state *s);
int seq_vfio_hwpt(struct seq_state *s);
int seq_fault(struct seq_state *s);
int seq_pasid(struct seq_state *s);
int seq_space(struct seq_state *s);
int seq_bind(struct seq_state *s);
/* Unbind the PASID of seq_bind() from both devices (in the teardown too). */
int unbind_both(struct seq_state *s);
/* What a completed sequence must have produced (problems in s->problem). */
void verify_done(struct seq_state *s);

#endif /* _TEST_VM_FAIL_NTH_H_ */
