/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

#ifndef _BUS_IOMMUFD_PRIVATE_H_
#define _BUS_IOMMUFD_PRIVATE_H_

/*
 * Internal definitions of the iommufd adapter for DPDK's VFIO layer; never
 * installed.
 *
 * The adapter defines the rte_vfio_* functions of EAL, in the version node
 * of the EAL it is built against (IFB_EAL_NODE: DPDK_23 for DPDK 22.11 up
 * to DPDK_26 for 25.11), and is loaded before librte_eal (LD_PRELOAD), so
 * that every caller, EAL itself included, reaches it (iommufd_check.c
 * verifies that at load time). In "iommufd" mode it implements
 * them over /dev/iommu and VFIO device cdevs; in "type1" mode it forwards
 * every call to EAL's own implementation.
 *
 * Locking: one mutex (ifb.lock) protects all state below. The only lock
 * order is: EAL memory hotplug lock, then ifb.lock. Nothing that can take an
 * EAL lock is called with ifb.lock held.
 */

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/queue.h>

#include <linux/vfio.h>

#include <rte_common.h>
#include <rte_log.h>
#include <rte_vfio.h>

#include <rte_iommufd.h>

#include "bus_iommufd_config.h"
#include "ifd_messages.h"

extern int bus_iommufd_logtype;
#define RTE_LOGTYPE_BUS_IOMMUFD bus_iommufd_logtype

/*
 * One log line, "BUS_IOMMUFD: ..." at the given level: RTE_LOG_LINE where
 * DPDK has it (24.03+), RTE_LOG with the newline added before. The format
 * is declared for doc/guides/messages.rst (ifd_messages.h).
 */
#if IFB_HAVE_LOG_LINE
#define IFB_LOG_LINE(level, ...) RTE_LOG_LINE(level, BUS_IOMMUFD, __VA_ARGS__)
#else
#define IFB_LOG_LINE(level, ...) \
	RTE_LOG(level, BUS_IOMMUFD, \
		RTE_FMT(RTE_FMT_HEAD(__VA_ARGS__,) "\n", RTE_FMT_TAIL(__VA_ARGS__,)))
#endif
#define IFB_LOG(level, ...) do { \
	IFD_NOTE("drivers/bus/iommufd", "log:" #level, IFD_NOTE_FMT(__VA_ARGS__)); \
	IFB_LOG_LINE(level, __VA_ARGS__); \
} while (0)

/* The VFIO module's no-IOMMU switch (EAL reads the same file). */
#define IFB_NOIOMMU_PARAM "/sys/module/vfio/parameters/enable_unsafe_noiommu_mode"

/* Limits, as EAL's VFIO layer has them. */
#define IFB_MAX_CONTAINERS 64	/* RTE_MAX_VFIO_CONTAINERS */
#define IFB_MAX_GROUPS 64	/* RTE_MAX_VFIO_GROUPS per container */
#define IFB_MAX_USER_MAPS 256	/* VFIO_MAX_USER_MEM_MAPS per container */

/* Which implementation serves the rte_vfio_* calls. */
enum ifb_mode {
	IFB_MODE_UNDECIDED = 0,
	IFB_MODE_IOMMUFD,	/* this adapter */
	IFB_MODE_TYPE1,		/* EAL's own implementation (forwarded) */
	IFB_MODE_FAILED,	/* RTE_IOMMUFD_MODE cannot be honoured */
};

/* EAL's implementation, for type1 mode. */
struct ifb_real_vfio {
	int (*setup_device)(const char *sysfs_base, const char *dev_addr,
			int *vfio_dev_fd, struct vfio_device_info *device_info);
	int (*release_device)(const char *sysfs_base, const char *dev_addr, int fd);
	int (*enable)(const char *modname);
	int (*is_enabled)(const char *modname);
	int (*noiommu_is_enabled)(void);
	int (*clear_group)(int vfio_group_fd);
	int (*get_group_num)(const char *sysfs_base, const char *dev_addr,
			int *iommu_group_num);
	int (*get_container_fd)(void);
	int (*get_group_fd)(int iommu_group_num);
	int (*container_create)(void);
	int (*container_destroy)(int container_fd);
	int (*container_group_bind)(int container_fd, int iommu_group_num);
	int (*container_group_unbind)(int container_fd, int iommu_group_num);
	int (*container_dma_map)(int container_fd, uint64_t vaddr, uint64_t iova,
			uint64_t len);
	int (*container_dma_unmap)(int container_fd, uint64_t vaddr, uint64_t iova,
			uint64_t len);
};

/*
 * A mapping of DPDK memory in the default container's IOAS, as the kernel
 * holds it (see iommufd_mem.c): unmapped exactly, or split, by FREE events.
 */
struct ifb_area {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
};

/* A memory range mapped through rte_vfio_container_dma_map(). */
struct ifb_user_map {
	uint64_t va;
	uint64_t iova;
	uint64_t len;
	unsigned int refs;	/* identical maps requested (e.g. once per port) */
	bool owned;		/* false: the range was mapped already (EEXIST) */
};

/* An IOMMU group known to a container (bound, or seen by setup_device). */
struct ifb_group {
	int num;	/* IOMMU group number */
	int token;	/* the "group fd" handed to DPDK (a dup of the iommufd), -1 until asked for */
};

/*
 * A VFIO "container": one IOAS. Slot 0 is the default container, which
 * holds DPDK's memory; the others come from rte_vfio_container_create().
 */
struct ifb_container {
	bool used;
	int key;			/* the "container fd" handed to DPDK */
	uint32_t ioas_id;		/* kernel IOAS id (also in secondaries) */
	struct rte_iommufd_ioas *ioas;	/* imported from the primary in a secondary */
	/* Primary: the page tables over the IOAS (lib/iommufd's policy). */
	struct rte_iommufd_space *space;
	struct ifb_group groups[IFB_MAX_GROUPS];
	unsigned int nb_groups;
	struct ifb_user_map maps[IFB_MAX_USER_MAPS];
	unsigned int nb_maps;
	unsigned int nb_devices;
	bool had_device;		/* a device was attached once (EAL: IOMMU type set) */
	bool mem_mapped;		/* default: DPDK memory mapped, events followed */
	struct rte_iommufd_iova_range *ranges;	/* usable IOVAs after the last attach */
	uint32_t nb_ranges;
};

/* A device set up through rte_vfio_setup_device(). */
struct ifb_device {
	TAILQ_ENTRY(ifb_device) next;
	char name[64];			/* PCI address DDDD:BB:DD.F */
	int group_num;
	struct ifb_container *cont;
	struct rte_iommufd_device *dev;	/* NULL in a secondary */
	int fd;				/* VFIO cdev fd */
	unsigned int refs;		/* setup_device calls not yet released */
	uint32_t pt_id;			/* page table attached to the RID */
	bool pasid_pt;			/* allocated for PASID use (ALLOC_PASID) */
};

TAILQ_HEAD(ifb_device_list, ifb_device);

/* Global state of the adapter. */
struct ifb_state {
	pthread_mutex_t lock;
	enum ifb_mode mode;
	char mode_reason[512];
	bool enabled;			/* rte_vfio_enable() succeeded (iommufd mode) */
	bool real_enabled;		/* EAL's rte_vfio_enable() succeeded (type1) */
	bool secondary;
	bool mem_cb_registered;
	char modname[32];		/* of rte_vfio_enable(), for a fallback to type1 */
	struct ifb_real_vfio real;
	struct rte_iommufd *ctx;
	struct ifb_container conts[IFB_MAX_CONTAINERS];	/* [0]: default */
	struct ifb_device_list devices;
	/* Statistics of DPDK memory mappings (default container). */
	uint64_t memseg_bytes;		/* bytes of DPDK memory mapped */
	uint64_t map_calls;		/* IOMMU_IOAS_MAP calls made */
	uint64_t unmap_calls;
	uint64_t map_errors;
	uint64_t map_splits;		/* coalesced mappings split by a FREE event */
	/* rte_eal_init() was given --match-allocations (see iommufd_mem.c). */
	bool match_allocations;
	/* Every mapping of DPDK memory in the default container. */
	struct ifb_area *areas;
	unsigned int nb_areas;
	unsigned int max_areas;
};

extern struct ifb_state ifb;

/* ------------------------------------------------------------------ */
/* bus_iommufd.c: mode, logging                                        */
/* ------------------------------------------------------------------ */

/* Decide the mode once (RTE_IOMMUFD_MODE, kernel support); returns it. */
enum ifb_mode ifb_mode_get(void);

/*
 * Switch an auto-chosen iommufd mode to type1 while nothing uses iommufd
 * yet (before rte_vfio_enable(), or before the first device: see
 * ifb_fall_back_unused()). Returns 0, -EINVAL (not possible), -ENOENT
 * (EAL's implementation not found; message logged).
 */
int ifb_mode_fall_back(const char *why);

/* Whether RTE_IOMMUFD_MODE forced the current mode. */
bool ifb_mode_forced(void);

/*
 * Expected failures: while the counter is non-zero, errors of lib/iommufd
 * in this thread are logged at DEBUG level instead of ERR.
 */
void ifb_quiet_begin(void);
void ifb_quiet_end(void);

/* Route lib/iommufd's messages to RTE_LOG at the matching level. */
void ifb_log_route(void);

/* Whether /sys/module/<name> exists: 1, 0, or -1 without sysfs. */
int ifb_check_module(const char *name);

/* ------------------------------------------------------------------ */
/* iommufd_container.c: containers, groups, devices, user maps         */
/* ------------------------------------------------------------------ */

/* Open the iommufd and the default container (primary). */
int ifb_open_default(void);

/*
 * Auto mode, primary, no device set up over iommufd yet and nothing handed
 * out that EAL would not know (custom containers, group tokens): close the
 * iommufd and switch the process to type1, logging @why. ifb.lock held.
 * Returns 0, or -EBUSY when iommufd is in use already (nothing changed).
 */
int ifb_fall_back_unused(const char *why);

struct ifb_container *ifb_container_by_key(int key);
struct ifb_container *ifb_container_of_group(int group_num);
struct ifb_group *ifb_group_find(struct ifb_container *cont, int num);
struct ifb_group *ifb_group_by_token(int token, struct ifb_container **contp);
int ifb_group_add(struct ifb_container *cont, int num, bool want_token);
void ifb_group_remove(struct ifb_container *cont, struct ifb_group *grp);
/* Forget a group without closing its token (rte_vfio_clear_group). */
int ifb_group_clear(int token);

/* A new custom container: its key, or a negative errno. */
int ifb_container_create(void);
/* Destroy a custom container: 0 or a negative errno (message logged). */
int ifb_container_destroy(struct ifb_container *cont);

struct ifb_device *ifb_device_find(const char *name);
struct ifb_device *ifb_device_by_fd(int fd);

/*
 * Open, bind and attach a device to a container, map the container's
 * memory if it is its first device. Called with the EAL memory read lock
 * and ifb.lock held. Returns 0, or a negative errno (message logged).
 */
int ifb_device_attach(struct ifb_container *cont, const char *addr,
		const char *sysfs_root, int group_num, struct ifb_device **devp);

/* Detach and close a device; ifb.lock held. */
void ifb_device_detach(struct ifb_device *idev);

/* User DMA maps (rte_vfio_container_dma_map/unmap); ifb.lock held. */
int ifb_user_map(struct ifb_container *cont, uint64_t va, uint64_t iova,
		uint64_t len);
int ifb_user_unmap(struct ifb_container *cont, uint64_t va, uint64_t iova,
		uint64_t len);

/*
 * How the mappings the adapter made in @cont (user mappings, and DPDK
 * memory in the default container) cover [iova, iova + len) for memory at
 * @va: 0 nothing overlaps, 1 every byte is mapped to that memory already,
 * -1 an overlap otherwise, described in @desc. ifb.lock held.
 */
int ifb_mapped_as(const struct ifb_container *cont, uint64_t va, uint64_t iova,
		uint64_t len, char *desc, size_t size);

/*
 * ifb_mapped_as(), and in a secondary, for the default container, the
 * primary's mappings too when this process has none there (asked over
 * IPC). ifb.lock held.
 */
int ifb_mapped_known(const struct ifb_container *cont, uint64_t va, uint64_t iova,
		uint64_t len, char *desc, size_t size);

/* Re-read a container's usable IOVA ranges; ifb.lock held. */
int ifb_container_read_ranges(struct ifb_container *cont);

/* Whether [iova, iova + len) lies in one usable range of the container. */
bool ifb_iova_usable(const struct ifb_container *cont, uint64_t iova, uint64_t len);

/* "0x0-0x7fffffffff, 0x..." for messages. */
void ifb_ranges_str(const struct ifb_container *cont, char *buf, size_t len);

/* ------------------------------------------------------------------ */
/* iommufd_mem.c: DPDK memory                                          */
/* ------------------------------------------------------------------ */

/*
 * Check that every DPDK memseg fits the default container's usable IOVA
 * ranges, then map them all (memory DPDK never frees in part coalesced,
 * the rest one mapping per memseg). ifb.lock and the EAL
 * memory read lock held. Returns 0 or a negative errno (message logged).
 */
int ifb_mem_map_all(struct ifb_container *cont);

/* Unmap DPDK's memory from the default container; ifb.lock held. */
void ifb_mem_unmap_all(struct ifb_container *cont);

/*
 * Follow DPDK's memory events (once, for the rest of the process); no
 * ifb.lock held.
 */
int ifb_mem_event_register(void);

/* ------------------------------------------------------------------ */
/* iommufd_mp.c: multi-process                                         */
/* ------------------------------------------------------------------ */

/* Register the primary's action (after the default container exists). */
int ifb_mp_primary_init(void);

/*
 * Secondary: ask the primary for its mode. Returns 1 (iommufd), 0 (the
 * primary does not run this adapter in iommufd mode), or a negative errno.
 */
int ifb_mp_query_mode(void);

/* Secondary: get the primary's iommufd and default IOAS id. */
int ifb_mp_get_iommufd(int *fd, uint32_t *ioas_id);

/* Secondary: get a device fd from the primary. */
int ifb_mp_get_device(const char *name, int *fd);

/*
 * Secondary: ifb_mapped_as() of the primary's default container for
 * [iova, iova + len) at @va: 1, 0, -1 (described in @desc), or a negative
 * errno when the primary cannot be asked.
 */
int ifb_mp_mapped(uint64_t va, uint64_t iova, uint64_t len, char *desc, size_t size);

/* ------------------------------------------------------------------ */
/* iommufd_pasid.c                                                     */
/* ------------------------------------------------------------------ */

/*
 * A device was set up: narrow the PASID namespace to the shared width of
 * the devices with PASIDs (primary; no lock held).
 */
void ifb_pasid_narrow(void);

/* A process may have ended: free the PASIDs of dead owners (no lock held). */
void ifb_pasid_reclaim(void);

struct rte_tel_data;
/* Telemetry: the PASIDs this process has attached, "DEVICE:PASID". */
int ifb_pasid_telemetry(struct rte_tel_data *d);

/* ------------------------------------------------------------------ */
/* iommufd_check.c: do the process' rte_vfio_* callers reach us?       */
/* ------------------------------------------------------------------ */

/*
 * Check at load time that the process' callers of rte_vfio_* bind to this
 * library: one EAL in the process, of the ABI this adapter was built for,
 * linked dynamically, and this library ahead of it in symbol lookup. Logs
 * one error line naming the cause and the fix otherwise. Returns 0, or
 * -ENOEXEC when the callers do not reach this library.
 */
int ifb_check_callers(void);

/* ------------------------------------------------------------------ */
/* iommufd_telemetry.c                                                 */
/* ------------------------------------------------------------------ */

void ifb_telemetry_init(void);

#endif /* _BUS_IOMMUFD_PRIVATE_H_ */
