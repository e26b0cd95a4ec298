/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Do the process' callers of rte_vfio_* reach this library?
 *
 * They bind by name and version node. A preloaded adapter built for another
 * EAL ABI defines the right names in the wrong node: the callers bind to
 * EAL and the adapter never hears of them. The same silence follows when
 * the adapter is found after EAL (loaded with -d or dlopen(), or linked
 * after librte_eal), or when the program carries its own, static, EAL.
 * This file finds each case from the loaded objects (dl_iterate_phdr), at
 * load time, before any caller runs.
 */

#include <dlfcn.h>
#include <elf.h>
#include <errno.h>
#include <link.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "bus_iommufd_private.h"

#define EAL_SONAME "librte_eal.so."

struct scan {
	uintptr_t self_base;		/* load address of this library */
	int other_abi;			/* ABI of another EAL found, or 0 */
	char other_name[128];		/* that EAL's path */
	unsigned int eal_users;		/* objects but us that need an EAL */
	bool static_eal;		/* the program holds EAL's own messages */
};

/* N of "librte_eal.so.N[.M]" at the end of @path, or 0. */
static int
eal_abi_of(const char *path)
{
	const char *base = strrchr(path, '/');
	char *end;
	long n;

	base = base != NULL ? base + 1 : path;
	if (strncmp(base, EAL_SONAME, strlen(EAL_SONAME)) != 0)
		return 0;
	n = strtol(base + strlen(EAL_SONAME), &end, 10);
	if (n <= 0 || n > 1000 || (*end != '\0' && *end != '.'))
		return 0;
	return (int)n;
}

/* Whether the object's dynamic section lists an EAL among its DT_NEEDED. */
static bool
needs_eal(const struct dl_phdr_info *info)
{
	const ElfW(Dyn) *dyn = NULL, *d;
	const char *strtab = NULL;
	uint16_t i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		if (info->dlpi_phdr[i].p_type == PT_DYNAMIC) {
			dyn = (const ElfW(Dyn) *)(info->dlpi_addr + info->dlpi_phdr[i].p_vaddr);
			break;
		}
	}
	if (dyn == NULL)
		return false;
	for (d = dyn; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_STRTAB) {
			/* glibc relocates it in place; an unrelocated one is an offset. */
			strtab = (const char *)d->d_un.d_ptr;
			if ((uintptr_t)strtab < info->dlpi_addr)
				strtab += info->dlpi_addr;
		}
	}
	if (strtab == NULL)
		return false;
	for (d = dyn; d->d_tag != DT_NULL; d++) {
		if (d->d_tag == DT_NEEDED && eal_abi_of(strtab + d->d_un.d_val) > 0)
			return true;
	}
	return false;
}

/*
 * Whether the program (not a library) carries EAL itself: its read-only
 * segments hold EAL's log messages. A program without DPDK (a shell or
 * "timeout" started with LD_PRELOAD set) does not.
 */
static bool
holds_eal(const struct dl_phdr_info *info)
{
	static const char mark[] = "EAL: Detected";
	const ElfW(Phdr) *ph;
	uint16_t i;

	for (i = 0; i < info->dlpi_phnum; i++) {
		ph = &info->dlpi_phdr[i];
		if (ph->p_type != PT_LOAD || (ph->p_flags & (PF_R | PF_W)) != PF_R)
			continue;
		if (memmem((const void *)(info->dlpi_addr + ph->p_vaddr), ph->p_filesz,
			   mark, sizeof(mark) - 1) != NULL)
			return true;
	}
	return false;
}

static int
scan_object(struct dl_phdr_info *info, size_t size, void *arg)
{
	struct scan *s = arg;
	const char *name = info->dlpi_name != NULL ? info->dlpi_name : "";
	int abi;

	RTE_SET_USED(size);
	if (info->dlpi_addr == s->self_base && name[0] != '\0')
		return 0;
	abi = eal_abi_of(name);
	if (abi > 0 && abi != IFB_EAL_ABI && s->other_abi == 0) {
		s->other_abi = abi;
		snprintf(s->other_name, sizeof(s->other_name), "%s", name);
	}
	if (abi == 0 && needs_eal(info))
		s->eal_users++;
	else if (name[0] == '\0' && holds_eal(info))
		s->static_eal = true;
	return 0;
}

/* Name of the object defining @sym@IFB_EAL_NODE first in symbol lookup. */
static const char *
first_definition(const char *sym, uintptr_t self_base, bool *ours)
{
	Dl_info where;
	void *p = dlvsym(RTLD_DEFAULT, sym, IFB_EAL_NODE);

	*ours = false;
	if (p == NULL || dladdr(p, &where) == 0)
		return NULL;
	*ours = (uintptr_t)where.dli_fbase == self_base;
	return where.dli_fname;
}

int
ifb_check_callers(void)
{
	static const char *const syms[] = {
		"rte_vfio_enable", "rte_vfio_setup_device", "rte_vfio_container_dma_map",
	};
	struct scan s = { 0 };
	Dl_info self;
	const char *first;
	unsigned int i;
	bool ours;

	if (dladdr((void *)ifb_check_callers, &self) == 0)
		return 0;	/* cannot tell: say nothing */
	s.self_base = (uintptr_t)self.dli_fbase;
	dl_iterate_phdr(scan_object, &s);

	if (s.other_abi != 0) {
		IFB_LOG(ERR, "this process runs %s (EAL ABI DPDK_%d) but this adapter (%s) was built for DPDK %s (DPDK_%d): EAL's callers will not reach it (two DPDKs in one process); start the program with dpdk-iommufd-run, which picks the adapter built for its EAL, or build dpdk-iommufd against that DPDK",
			s.other_name, s.other_abi, self.dli_fname, IFB_DPDK_VERSION, IFB_EAL_ABI);
		return -ENOEXEC;
	}
	if (s.eal_users == 0 && !s.static_eal) {
		/* Not a DPDK program: LD_PRELOAD reached a helper process. */
		IFB_LOG(DEBUG, "no DPDK in this process: the adapter stays idle");
		return 0;
	}
	if (s.eal_users == 0) {
		IFB_LOG(ERR, "this program has DPDK linked statically: its EAL keeps its own rte_vfio_*, which a preloaded library (%s) cannot replace; build it with DPDK's shared libraries (pkg-config --libs libdpdk, without --static)",
			self.dli_fname);
		return -ENOEXEC;
	}
	for (i = 0; i < RTE_DIM(syms); i++) {
		first = first_definition(syms[i], s.self_base, &ours);
		if (first != NULL && !ours) {
			IFB_LOG(ERR, "%s@%s resolves to %s, not to this adapter (%s), which was loaded after EAL (with -d, dlopen() or linked after librte_eal): load it with LD_PRELOAD, or start the program with dpdk-iommufd-run",
				syms[i], IFB_EAL_NODE, first, self.dli_fname);
			return -ENOEXEC;
		}
	}
	return 0;
}
