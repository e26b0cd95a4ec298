/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * What the files of test_pasid_mp share: the namespace in MAP_SHARED
 * memory with the children's reports after it (set up by
 * test_pasid_mp.c for each case), the helpers to run and wait for
 * children, and the cases test_pasid_mp_lock.c defines.
 */

#ifndef _TEST_PASID_MP_H_
#define _TEST_PASID_MP_H_

#include <stdint.h>
#include <sys/types.h>

#include "rte_pasid.h"

#define WIDTH 12
#define NVALUES (1u << WIDTH)
#define WATCHDOG_S 30

/* Shared with the children: the namespace, then what they report. */
struct report {
	volatile int owner;
	volatile uint32_t n;
	volatile uint32_t vals[NVALUES];
};

extern void *shm;
extern struct rte_pasid_space *ns;
extern struct report *rep;

/* Run @fn(@arg) in a child process, which then exits 0. */
pid_t spawn(void (*fn)(void *), void *arg);
/* Reap @pid: its wait status, -1 on error. */
int wait_status(pid_t pid);
/* Wait until @pid has exited, without reaping it. */
void wait_zombie(pid_t pid);
/* In a child: its own attach of the namespace. */
struct rte_pasid_space *child_attach(void);

/* xorshift64: the next value of *@x, stored there. */
static inline uint64_t
xorshift64(uint64_t *x)
{
	*x ^= *x << 13;
	*x ^= *x >> 7;
	*x ^= *x << 17;
	return *x;
}

/* test_pasid_mp_lock.c: holders of the lock that die, stop or are killed */
int lock_holder_killed(void);
int lock_holder_thread_exits(void);
int lock_holder_stopped(void);
int killed_at_random(void);

#endif /* _TEST_PASID_MP_H_ */
