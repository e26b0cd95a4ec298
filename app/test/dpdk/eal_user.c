/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A DPDK program for test_launcher.sh, linked with DPDK's EAL the way it is
 * built: dynamically (eal_user) or with EAL linked statically
 * (eal_user_static). It prints which adapter, if any, the process has and
 * whether rte_vfio_enable reaches it, without initialising EAL:
 *   eal_user                print "preload=<LD_PRELOAD> reached=<0|1>"
 *   eal_user --dlopen PATH  load PATH after EAL, as EAL's -d does, first
 */

#include <dlfcn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_vfio.h>

int
main(int argc, char **argv)
{
	const char *preload = getenv("LD_PRELOAD");
	Dl_info where;
	void *p;

	if (argc == 3 && strcmp(argv[1], "--dlopen") == 0 &&
	    dlopen(argv[2], RTLD_NOW | RTLD_GLOBAL) == NULL) {
		fprintf(stderr, "eal_user: %s\n", dlerror());
		return 1;
	}
	/* Where this program's calls of rte_vfio_enable() go. */
	p = (void *)rte_vfio_enable;
	printf("preload=%s reached=%d\n", preload != NULL ? preload : "",
	       dladdr(p, &where) != 0 && strstr(where.dli_fname, "librte_bus_iommufd") != NULL);
	/* Keep EAL linked in (static build): never called with this value. */
	if (argc == 42)
		return rte_eal_init(argc, argv);
	return 0;
}
