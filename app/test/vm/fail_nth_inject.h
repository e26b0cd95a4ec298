/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _TEST_VM_FAIL_NTH_INJECT_H_
#define _TEST_VM_FAIL_NTH_INJECT_H_

/*
 * Failure injection of test_vm_fail_nth (fail_nth_inject.c): the program's
 * malloc family wraps glibc's (every allocation counted; the Nth one fails
 * when malloc_nth is N), and the kernel's fail-nth countdown of this
 * thread fails its Nth fault-injection point. Single threaded.
 */

#include <stdbool.h>

extern volatile long heap_live;            /* blocks allocated and not freed */
extern volatile unsigned long malloc_nth;  /* fail the malloc_nth-th allocation; 0: never */
extern volatile bool malloc_fired;         /* the injected allocation failure happened */
extern bool under_valgrind;                /* valgrind replaces the malloc family */
extern bool nth_armed;                     /* the kernel countdown runs */
extern unsigned int bind_injected;         /* failures injected into VFIO_DEVICE_BIND_IOMMUFD */

/* Open this thread's fail-nth file and let every allocation be failed;
 * 0 or a negative errno (said on stdout). */
int fault_injection_setup(void);
/* Fail the @n-th fault-injection point this thread reaches from now on. */
void nth_arm(unsigned int n);
/* The remaining countdown (0: fired or not armed), and stop it. */
unsigned int nth_pause(void);
/* Disarm; true if the failure was injected since nth_arm(). */
bool nth_disarm(void);

#endif /* _TEST_VM_FAIL_NTH_INJECT_H_ */
