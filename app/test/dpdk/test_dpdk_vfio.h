/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * What the files of test_dpdk_vfio share: the devices of the test guest,
 * the program's own path, helpers, and the cases each file defines.
 */

#ifndef _TEST_DPDK_VFIO_H_
#define _TEST_DPDK_VFIO_H_

#include <limits.h>
#include <stddef.h>

#define SYSFS_PCI "/sys/bus/pci/devices"
#define NIC0 "0000:00:02.0"
#define NIC1 "0000:00:03.0"

/* This program, as /proc/self/exe names it: the children run it again. */
extern char self[PATH_MAX];

/* @len bytes of anonymous memory, 2 MiB aligned, filled with 0x5a. */
void *anon_mem(size_t len);

/* Capture DPDK's log: log_begin() (0 or -1), then log_end() the text. */
int log_begin(void);
const char *log_end(void);

/* test_dpdk_vfio_map.c: mappings as the kernel sees them, heap growth */
int test_map_overlap(void);
int test_unmap_cut(void);
int test_mem_hotplug(void);

/* test_dpdk_vfio_child.c: modes and mapping granularity, in children */
int child_main(void);
int child_mem(const char *conf);
int test_mem_prealloc(void);
int test_mem_match_allocations(void);
int test_mem_per_page(void);
int test_mem_split(void);
int test_mode_forced_type1(void);
int test_mode_bad_value(void);
int test_mode_forced_impossible(void);
int test_mode_auto_fallback(void);

#endif /* _TEST_DPDK_VFIO_H_ */
