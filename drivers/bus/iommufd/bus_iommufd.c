/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Mode selection, EAL's own implementation (type1 mode), logging and
 * what happens at process end.
 */

#include <dlfcn.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_log.h>

#include "bus_iommufd_private.h"

RTE_LOG_REGISTER_DEFAULT(bus_iommufd_logtype, INFO);

struct ifb_state ifb = {
	.lock = PTHREAD_MUTEX_INITIALIZER,
	.devices = TAILQ_HEAD_INITIALIZER(ifb.devices),
};


static bool mode_forced;
static __thread unsigned int quiet_depth;

void
ifb_quiet_begin(void)
{
	quiet_depth++;
}

void
ifb_quiet_end(void)
{
	if (quiet_depth > 0)
		quiet_depth--;
}

bool
ifb_mode_forced(void)
{
	return mode_forced;
}

int
ifb_check_module(const char *name)
{
	char path[128];
	struct stat st;

	if (name == NULL)
		return -1;
	if (stat("/sys/module", &st) != 0)
		return -1;
	if (snprintf(path, sizeof(path), "/sys/module/%s", name) >= (int)sizeof(path))
		return -1;
	return stat(path, &st) == 0 ? 1 : 0;
}

/* ------------------------------------------------------------------ */
/* lib/iommufd messages                                                */
/* ------------------------------------------------------------------ */

static void
lib_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	uint32_t rte_level;

	RTE_SET_USED(arg);
	if (quiet_depth > 0)
		level = RTE_IOMMUFD_LOG_DEBUG;
	switch (level) {
	case RTE_IOMMUFD_LOG_ERR:
		rte_level = RTE_LOG_ERR;
		break;
	case RTE_IOMMUFD_LOG_WARNING:
		rte_level = RTE_LOG_WARNING;
		break;
	case RTE_IOMMUFD_LOG_INFO:
		rte_level = RTE_LOG_INFO;
		break;
	default:
		rte_level = RTE_LOG_DEBUG;
		break;
	}
	rte_log(rte_level, bus_iommufd_logtype, "BUS_IOMMUFD: iommufd: %s\n", msg);
}

void
ifb_log_route(void)
{
	int level = rte_log_get_level(bus_iommufd_logtype);

	rte_iommufd_log_set_handler(lib_log, NULL);
	/*
	 * Let the library produce what our log type would print, unless the
	 * library's own environment variable chose a level.
	 */
	if (getenv("RTE_IOMMUFD_LOG_LEVEL") != NULL)
		return;
	if (level >= (int)RTE_LOG_DEBUG)
		rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_DEBUG);
	else if (level >= (int)RTE_LOG_NOTICE)
		rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_INFO);
	else if (level >= (int)RTE_LOG_WARNING)
		rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_WARNING);
	else
		rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR);
}

/* ------------------------------------------------------------------ */
/* EAL's implementation                                                */
/* ------------------------------------------------------------------ */

#define REAL(field, sym) { #sym, (void **)&ifb.real.field }

static int
resolve_real(char *why, size_t len)
{
	const struct { const char *name; void **slot; } syms[] = {
		REAL(setup_device, rte_vfio_setup_device),
		REAL(release_device, rte_vfio_release_device),
		REAL(enable, rte_vfio_enable),
		REAL(is_enabled, rte_vfio_is_enabled),
		REAL(noiommu_is_enabled, rte_vfio_noiommu_is_enabled),
		REAL(clear_group, rte_vfio_clear_group),
		REAL(get_group_num, rte_vfio_get_group_num),
		REAL(get_container_fd, rte_vfio_get_container_fd),
		REAL(get_group_fd, rte_vfio_get_group_fd),
		REAL(container_create, rte_vfio_container_create),
		REAL(container_destroy, rte_vfio_container_destroy),
		REAL(container_group_bind, rte_vfio_container_group_bind),
		REAL(container_group_unbind, rte_vfio_container_group_unbind),
		REAL(container_dma_map, rte_vfio_container_dma_map),
		REAL(container_dma_unmap, rte_vfio_container_dma_unmap),
	};
	unsigned int i;
	void *p;

	for (i = 0; i < RTE_DIM(syms); i++) {
		p = dlvsym(RTLD_NEXT, syms[i].name, IFB_EAL_NODE);
		if (p == NULL) {
			snprintf(why, len, "%s@%s not found after this library (%s): is librte_eal.so.%d loaded?",
				 syms[i].name, IFB_EAL_NODE, dlerror(), IFB_EAL_ABI);
			return -ENOENT;
		}
		*syms[i].slot = p;
	}
	return 0;
}

/*
 * EAL's rte_eal_init(), seen first: the adapter needs to know whether EAL
 * got --match-allocations, which decides how memory allocated at run time
 * can be mapped (iommufd_mem.c) and which EAL does not expose. Only the
 * option spelled in full counts; the arguments are left untouched.
 */
int
rte_eal_init(int argc, char **argv)
{
	static int (*real_init)(int argc, char **argv);
	int i;

	for (i = 1; i < argc && argv != NULL && argv[i] != NULL; i++) {
		if (strcmp(argv[i], "--") == 0)
			break;
		if (strcmp(argv[i], "--match-allocations") == 0)
			ifb.match_allocations = true;
	}
	if (real_init == NULL)
		real_init = (int (*)(int, char **))dlvsym(RTLD_NEXT, "rte_eal_init",
							   IFB_EAL_NODE);
	if (real_init == NULL) {
		IFB_LOG(ERR, "rte_eal_init@%s not found after this library (%s): is librte_eal.so.%d loaded?",
			IFB_EAL_NODE, dlerror(), IFB_EAL_ABI);
		rte_errno = ENOSYS;
		return -1;
	}
	return real_init(argc, argv);
}

/* ------------------------------------------------------------------ */
/* Mode                                                                */
/* ------------------------------------------------------------------ */

static bool
path_exists(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0;
}

static bool
noiommu_on(void)
{
	FILE *f = fopen("/sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "r");
	int c;

	if (f == NULL)
		return false;
	c = fgetc(f);
	fclose(f);
	return c == 'Y';
}

/*
 * Can iommufd serve? Sets @why to the reason it cannot, or to what was
 * found.
 */
static bool
iommufd_usable(char *why, size_t len)
{
	/* lib/iommufd opens this path instead of /dev/iommu when set. */
	const char *dev = getenv("RTE_IOMMUFD_DEV");

	if (dev == NULL || dev[0] == '\0')
		dev = "/dev/iommu";
	if (!path_exists(dev)) {
		snprintf(why, len, "no %s (kernel without CONFIG_IOMMUFD, or module iommufd not loaded)",
			 dev);
		return false;
	}
	if (ifb_check_module("vfio") <= 0) {
		snprintf(why, len, "VFIO is not loaded (/sys/module/vfio missing)");
		return false;
	}
	if (!path_exists("/sys/class/vfio-dev")) {
		snprintf(why, len, "the kernel has no VFIO device cdevs (CONFIG_VFIO_DEVICE_CDEV, Linux 6.6+)");
		return false;
	}
	if (noiommu_on()) {
		snprintf(why, len, "VFIO no-IOMMU mode is enabled (enable_unsafe_noiommu_mode=Y)");
		return false;
	}
	snprintf(why, len, "%s and VFIO device cdevs present", dev);
	return true;
}

static void
announce(const char *setting)
{
	if (ifb.mode == IFB_MODE_FAILED)
		IFB_LOG(ERR, "RTE_IOMMUFD_MODE=%s: %s", setting, ifb.mode_reason);
	else
		IFB_LOG(INFO, "RTE_IOMMUFD_MODE=%s: using %s (%s)", setting,
			ifb.mode == IFB_MODE_IOMMUFD ? "iommufd" :
				"the legacy VFIO type1 container of EAL",
			ifb.mode_reason);
}

/* Called with ifb.lock held. */
static void
mode_decide(void)
{
	const char *env = getenv("RTE_IOMMUFD_MODE");
	char why[192], err[192];
	bool usable;

	if (env == NULL || env[0] == '\0')
		env = "auto";
	usable = iommufd_usable(why, sizeof(why));
	if (strcasecmp(env, "iommufd") == 0) {
		mode_forced = true;
		if (usable && ifb.secondary && ifb_mp_query_mode() != 1) {
			usable = false;
			snprintf(why, sizeof(why),
				 "the primary process does not use iommufd (it must load this library too)");
		}
		if (!usable) {
			ifb.mode = IFB_MODE_FAILED;
			snprintf(ifb.mode_reason, sizeof(ifb.mode_reason),
				 "iommufd was requested but cannot be used: %s; unset RTE_IOMMUFD_MODE or set it to type1",
				 why);
		} else {
			ifb.mode = IFB_MODE_IOMMUFD;
			snprintf(ifb.mode_reason, sizeof(ifb.mode_reason), "forced; %s", why);
		}
	} else if (strcasecmp(env, "type1") == 0 || strcasecmp(env, "auto") == 0) {
		mode_forced = strcasecmp(env, "type1") == 0;
		if (!mode_forced && usable && ifb.secondary && ifb_mp_query_mode() != 1) {
			usable = false;
			snprintf(why, sizeof(why), "the primary process does not use iommufd");
		}
		if (!mode_forced && usable) {
			ifb.mode = IFB_MODE_IOMMUFD;
			snprintf(ifb.mode_reason, sizeof(ifb.mode_reason), "%s", why);
		} else if (resolve_real(err, sizeof(err)) < 0) {
			ifb.mode = IFB_MODE_FAILED;
			snprintf(ifb.mode_reason, sizeof(ifb.mode_reason),
				 "the legacy VFIO implementation is not reachable: %s", err);
		} else {
			ifb.mode = IFB_MODE_TYPE1;
			snprintf(ifb.mode_reason, sizeof(ifb.mode_reason), "%s",
				 mode_forced ? "forced" : why);
		}
	} else {
		mode_forced = true;
		ifb.mode = IFB_MODE_FAILED;
		snprintf(ifb.mode_reason, sizeof(ifb.mode_reason),
			 "unknown value \"%s\"; expected auto, iommufd or type1", env);
	}
	announce(env);
}

enum ifb_mode
ifb_mode_get(void)
{
	enum ifb_mode mode = __atomic_load_n(&ifb.mode, __ATOMIC_ACQUIRE);

	if (mode != IFB_MODE_UNDECIDED)
		return mode;
	pthread_mutex_lock(&ifb.lock);
	if (ifb.mode == IFB_MODE_UNDECIDED) {
		ifb.secondary = rte_eal_process_type() == RTE_PROC_SECONDARY;
		mode_decide();
	}
	mode = ifb.mode;
	pthread_mutex_unlock(&ifb.lock);
	return mode;
}

int
ifb_mode_fall_back(const char *why)
{
	char err[192];

	if (mode_forced || ifb.mode != IFB_MODE_IOMMUFD || ifb.enabled || ifb.secondary)
		return -EINVAL;
	if (resolve_real(err, sizeof(err)) < 0) {
		IFB_LOG(ERR, "cannot fall back to the legacy VFIO type1 container: %s", err);
		return -ENOENT;
	}
	snprintf(ifb.mode_reason, sizeof(ifb.mode_reason), "%s", why);
	__atomic_store_n(&ifb.mode, IFB_MODE_TYPE1, __ATOMIC_RELEASE);
	IFB_LOG(NOTICE, "RTE_IOMMUFD_MODE=auto: using the legacy VFIO type1 container of EAL instead: %s",
		why);
	return 0;
}

/* ------------------------------------------------------------------ */
/* Process end                                                         */
/* ------------------------------------------------------------------ */

/*
 * Nothing is torn down at process exit, and the adapter has no destructor:
 * EAL's type1 code leaves the container, groups and devices to the kernel
 * too. Destructors run while lcores may still be doing DMA and a thread
 * may hold ifb.lock; the kernel instead closes the devices (bus mastering
 * off) before their page tables go, once every thread is gone. A secondary
 * holds its own references to the iommufd and the device files, so a
 * primary's exit leaves the IOAS and its mappings to the secondaries still
 * running. rte_eal_cleanup() releases no VFIO device either (DPDK's PCI
 * bus removes the drivers only): devices stay attached and memory mapped
 * until the process ends, as with EAL's type1 container.
 */

RTE_INIT(bus_iommufd_init)
{
	const char *env = getenv("RTE_IOMMUFD_MODE");

	/*
	 * Never silent: when the process' rte_vfio_* callers do not reach
	 * this library, say so now, since nothing of it will run later. With
	 * iommufd forced, the process must not go on over type1: it stops
	 * here, before EAL initialisation.
	 */
	if (ifb_check_callers() < 0 && env != NULL && strcasecmp(env, "iommufd") == 0) {
		IFB_LOG(ERR, "RTE_IOMMUFD_MODE=iommufd: iommufd cannot serve this process (see above); exiting");
		exit(EXIT_FAILURE);
	}
	ifb_telemetry_init();
}
