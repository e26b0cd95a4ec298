/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * DPDK memory in the default container's IOAS, at IOVA = the memseg's iova
 * (its VA in IOVA-as-VA mode, its physical address in IOVA-as-PA mode).
 *
 * Granularity. iommufd never splits a mapping: an unmap must cover whole
 * mappings, and splitting one means unmapping it and mapping the rest
 * again, during which DMA to the rest faults. So pages are coalesced (one
 * mapping per run contiguous in VA and IOVA) exactly where DPDK never frees
 * part of what one mapping covers:
 *  - pages preallocated at startup (-m, --socket-mem), which EAL marks
 *    RTE_MEMSEG_FLAG_DO_NOT_FREE and never frees;
 *  - external heap memory (rte_malloc_heap_memory_add), which only ever goes
 *    away as a whole;
 *  - with --match-allocations, the pages of one ALLOC event: EAL then frees
 *    pages only when a whole original allocation is free, so a FREE event
 *    covers exactly the pages of one earlier ALLOC event. The adapter sees
 *    the option in rte_eal_init()'s arguments (bus_iommufd.c).
 * Other pages are mapped one memseg (one page) per mapping, as EAL itself
 * does from DPDK 23.07 on: without --match-allocations, EAL frees
 * page-aligned pieces that need not match the pieces it allocated. The
 * IOMMU uses large pages either way: a hugepage is one mapping.
 *
 * Every mapping made is remembered (ifb.areas), and FREE events unmap
 * exactly the remembered mappings they cover: the kernel answers ENOENT
 * both for a range where nothing is mapped and for one that cuts through a
 * mapping (after unmapping the whole mappings below the cut, and without
 * saying how much), so an unmap of an arbitrary range could not be read
 * back. Pages never mapped (out of range, or mapped already by the user)
 * are not unmapped. Should a FREE event still cover part of a coalesced
 * mapping, it is split (unmapped, the rest mapped again), counted in
 * ifb.map_splits and reported with a warning. Pages marked DO_NOT_FREE
 * that a FREE event covers stay mapped: EAL refuses to free them.
 *
 * File-backed memory. Where the kernel has IOMMU_IOAS_MAP_FILE (6.13+), a
 * run that lies in one file at consecutive offsets (a memseg list's file
 * with --single-file-segments, with or without --in-memory; a single page
 * of the default one file per page) is mapped from the file: the kernel
 * pins the file's folios instead of walking the address range page by
 * page. The runs and the table of mappings are the same either way, so are
 * the rules above; a run spanning several files is mapped by address, as is
 * memory without a file (external heaps, --no-huge, legacy memory).
 * RTE_IOMMUFD_MAP_FILE=0 in the environment maps everything by address;
 * a kernel that refuses a file (EOPNOTSUPP, EINVAL) gets the address form
 * for that run and for all later ones.
 *
 * The memory event callback runs with EAL's memory hotplug lock held (write)
 * and the event list lock held (read). It therefore only uses lock-free EAL
 * lookups, lib/iommufd (ioctls and libc) and ifb.lock.
 */

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_memory.h>

#include "bus_iommufd_private.h"

#define MEM_EVENT_NAME "bus_iommufd_mem_event"

/* IOMMU_IOAS_MAP_FILE for runs in one file: -1 undecided, 0 no, 1 yes. */
static int use_map_file = -1;

static bool
map_file_enabled(void)
{
	if (use_map_file < 0) {
		const char *e = getenv("RTE_IOMMUFD_MAP_FILE");

		use_map_file = !(e != NULL && strcmp(e, "0") == 0) && !ifb.secondary &&
			(rte_iommufd_features(ifb.ctx) & RTE_IOMMUFD_FEAT_IOAS_MAP_FILE) != 0;
	}
	return use_map_file == 1;
}

/* The file and offset of a memseg, or -1. */
static int
seg_file(const struct rte_memseg *ms, uint64_t *off)
{
	size_t o;
	int fd;

	if (!map_file_enabled())
		return -1;
	fd = rte_memseg_get_fd_thread_unsafe(ms);
	if (fd < 0 || rte_memseg_get_fd_offset_thread_unsafe(ms, &o) < 0)
		return -1;
	*off = o;
	return fd;
}

/* Memory that the default container maps (as EAL's type1 walk does). */
static bool
seg_wanted(const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	/* rte_extmem_register() memory is mapped by its user (dma_map). */
	if (msl->external && !msl->heap)
		return false;
	return ms->iova != RTE_BAD_IOVA;
}

/* Memory DPDK never frees in part: it may be mapped in large runs. */
static bool
seg_fixed(const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	/* External here means an external heap (seg_wanted). */
	return msl->external || (ms->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE) != 0;
}

static const char *
iova_mode_name(void)
{
	return rte_eal_iova_mode() == RTE_IOVA_PA ? "PA" : "VA";
}

static void
log_out_of_range(const struct ifb_container *cont, uint64_t va, uint64_t iova,
		uint64_t len, uint64_t total)
{
	char ranges[256], more[64] = "";

	ifb_ranges_str(cont, ranges, sizeof(ranges));
	if (total > len)
		snprintf(more, sizeof(more), " (0x%" PRIx64 " bytes in all)", total);
	IFB_LOG(ERR, "DPDK memory at VA 0x%" PRIx64 " has IOVA 0x%" PRIx64 "-0x%" PRIx64 "%s (IOVA as %s), outside the IOMMU's usable IOVA ranges: %s. %s",
		va, iova, iova + len - 1, more, iova_mode_name(), ranges,
		rte_eal_iova_mode() == RTE_IOVA_PA ?
		"The physical addresses exceed the IOMMU's address width; devices cannot reach this memory" :
		"The IOMMU's address width is too small for IOVA as VA: use --iova-mode=pa, or --base-virtaddr with an address inside the ranges");
}

/*
 * A run of memsegs that are contiguous in VA and IOVA, mapped or unmapped
 * with one call, and what went wrong with the runs of one event.
 */
struct run {
	struct ifb_container *cont;
	bool map;
	bool whole;		/* map: the pages of one ALLOC event, freed together */
	bool fixed;		/* map: the run's pages are never freed */
	const struct rte_memseg_list *msl;
	uint64_t va, iova, len;
	int fd;			/* map: the run's file, -1 for none */
	uint64_t off;		/* map: the run's offset in it */
	/* Failures, reported once per event. */
	uint64_t bad_va, bad_iova, bad_len, bad_total;
	unsigned int errors;
	uint64_t split_bytes;	/* unmap: mapped bytes unmapped and mapped again */
	char last_error[256];
};

/*
 * Map a run: from its file where it has one, else (or where the kernel
 * refuses the file) by address. 0 or a negative errno.
 */
static int
run_map(struct run *r, uint64_t *io)
{
	int ret;

	if (r->fd >= 0 && map_file_enabled()) {
		ret = rte_iommufd_ioas_map_file(r->cont->ioas, r->fd, r->off, r->len, io,
						RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
		if (ret != -EOPNOTSUPP && ret != -EINVAL)
			return ret;
		IFB_LOG(DEBUG, "the kernel refused IOMMU_IOAS_MAP_FILE for DPDK memory (fd %d, offset 0x%" PRIx64 ": %s): this run and later ones are mapped by address",
			r->fd, r->off, rte_iommufd_last_error());
		use_map_file = 0;
		*io = r->iova;
	}
	return rte_iommufd_ioas_map(r->cont->ioas, (void *)(uintptr_t)r->va, r->len, io,
				    RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
}

/* ------------------------------------------------------------------ */
/* The mappings of DPDK memory                                        */
/* ------------------------------------------------------------------ */

static int
area_add(uint64_t va, uint64_t iova, uint64_t len)
{
	struct ifb_area *a;

	if (ifb.nb_areas == ifb.max_areas) {
		unsigned int n = ifb.max_areas ? ifb.max_areas * 2 : 64;

		a = realloc(ifb.areas, n * sizeof(*a));
		if (a == NULL)
			return -ENOMEM;
		ifb.areas = a;
		ifb.max_areas = n;
	}
	ifb.areas[ifb.nb_areas++] = (struct ifb_area){ .va = va, .iova = iova, .len = len };
	return 0;
}

static void
area_del(unsigned int i)
{
	ifb.areas[i] = ifb.areas[--ifb.nb_areas];
}

/* Map [va, va + len) at iova again after a split; 0 or a negative errno. */
static int
area_remap(struct run *r, uint64_t va, uint64_t iova, uint64_t len)
{
	uint64_t io = iova;
	int ret;

	if (len == 0)
		return 0;
	ifb.map_calls++;
	ret = rte_iommufd_ioas_map(r->cont->ioas, (void *)(uintptr_t)va, len, &io,
				   RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
	if (ret == 0) {
		ifb.memseg_bytes += len;
		if (area_add(va, iova, len) < 0)
			return -ENOMEM;
	}
	return ret;
}

/*
 * Unmap the mappings [iova, iova + len) covers, exactly as they were made;
 * split those it covers in part, keeping their other pages mapped.
 */
static void
areas_unmap(struct run *r, uint64_t iova, uint64_t len)
{
	uint64_t end = iova + len;
	unsigned int i = 0;

	while (i < ifb.nb_areas) {
		struct ifb_area a = ifb.areas[i];
		uint64_t a_end = a.iova + a.len, head, tail, done = 0;
		int ret;

		if (a_end <= iova || a.iova >= end) {
			i++;
			continue;
		}
		area_del(i);
		/* Pages of the area outside the range stay DPDK's. */
		head = iova > a.iova ? iova - a.iova : 0;
		tail = a_end > end ? a_end - end : 0;
		ifb.unmap_calls++;
		ret = rte_iommufd_ioas_unmap(r->cont->ioas, a.iova, a.len, &done);
		if (ret < 0) {
			/* Gone behind the adapter's back, or in use (EBUSY). */
			r->errors++;
			snprintf(r->last_error, sizeof(r->last_error), "%s",
				 rte_iommufd_last_error());
			continue;
		}
		ifb.memseg_bytes -= RTE_MIN(done, ifb.memseg_bytes);
		if (head == 0 && tail == 0)
			continue;	/* area_del() moved the last entry to i */
		ifb.map_splits++;
		r->split_bytes += head + tail;
		ret = area_remap(r, a.va, a.iova, head);
		if (ret == 0)
			ret = area_remap(r, a.va + (a.len - tail), a_end - tail, tail);
		if (ret < 0) {
			ifb.map_errors++;
			r->errors++;
			snprintf(r->last_error, sizeof(r->last_error), "%s",
				 ret == -ENOMEM ? "out of memory" : rte_iommufd_last_error());
		}
		/* Restart: area_remap() may have reordered the table. */
		i = 0;
	}
}

static void
run_flush(struct run *r)
{
	char other[160];
	uint64_t io = r->iova;
	int ret;

	if (r->len == 0)
		return;
	if (r->map) {
		ifb.map_calls++;
		if (!ifb_iova_usable(r->cont, r->iova, r->len)) {
			ifb.map_errors++;
			if (r->bad_total == 0) {
				r->bad_va = r->va;
				r->bad_iova = r->iova;
				r->bad_len = r->len;
			}
			r->bad_total += r->len;
			goto out;
		}
		ifb_quiet_begin();
		ret = run_map(r, &io);
		ifb_quiet_end();
		if (ret == 0) {
			ifb.memseg_bytes += r->len;
			if (area_add(r->va, r->iova, r->len) < 0) {
				/* Unknown to areas_unmap(): do not keep it. */
				rte_iommufd_ioas_unmap(r->cont->ioas, r->iova, r->len, NULL);
				ifb.memseg_bytes -= r->len;
				ifb.map_errors++;
				r->errors++;
				snprintf(r->last_error, sizeof(r->last_error),
					 "out of memory for the table of mappings");
			}
		} else if (ret != -EEXIST ||
			   ifb_mapped_known(r->cont, r->va, r->iova, r->len, other, sizeof(other)) <= 0) {
			/*
			 * EEXIST for memory the user mapped already, to the same
			 * memory, is tolerated as EAL does; a partial overlap
			 * leaves pages unmapped.
			 */
			ifb.map_errors++;
			r->errors++;
			if (ret == -EEXIST && other[0] != '\0')
				snprintf(r->last_error, sizeof(r->last_error),
					 "VA 0x%" PRIx64 " at IOVA 0x%" PRIx64 "-0x%" PRIx64 " conflicts with %s",
					 r->va, r->iova, r->iova + r->len - 1, other);
			else
				snprintf(r->last_error, sizeof(r->last_error), "%s",
					 rte_iommufd_last_error());
		}
	} else {
		/* Only what was mapped: nothing else to tell from ENOENT. */
		ifb_quiet_begin();
		areas_unmap(r, r->iova, r->len);
		ifb_quiet_end();
	}
out:
	r->len = 0;
}

static void
run_add(struct run *r, const struct rte_memseg_list *msl, const struct rte_memseg *ms)
{
	/* What may share a mapping: see the top of the file. */
	bool fixed = seg_fixed(msl, ms);
	bool may_join = !r->map || r->whole || (fixed && r->fixed);
	uint64_t off = 0;
	int fd = r->map ? seg_file(ms, &off) : -1;

	if (r->len != 0 && may_join && msl == r->msl &&
	    ms->addr_64 == r->va + r->len && ms->iova == r->iova + r->len) {
		/* Still one range of one file? Else mapped by address. */
		if (fd < 0 || fd != r->fd || off != r->off + r->len)
			r->fd = -1;
		r->len += ms->len;
		r->fixed = r->fixed && fixed;
		return;
	}
	run_flush(r);
	r->fd = fd;
	r->off = off;
	r->fixed = fixed;
	r->msl = msl;
	r->va = ms->addr_64;
	r->iova = ms->iova;
	r->len = ms->len;
}

/* Flush the last run and report the failures of the event. */
static int
run_finish(struct run *r)
{
	run_flush(r);
	if (r->bad_total != 0)
		log_out_of_range(r->cont, r->bad_va, r->bad_iova, r->bad_len, r->bad_total);
	if (r->split_bytes != 0)
		IFB_LOG(WARNING, "DPDK freed part of the memory of one allocation although it was started with --match-allocations: 0x%" PRIx64 " bytes that stay allocated were unmapped and mapped again (DMA to them in between faulted)",
			r->split_bytes);
	if (r->errors != 0)
		IFB_LOG(ERR, "%u DMA %s(s) of DPDK memory failed; the last: %s", r->errors,
			r->map ? "map" : "unmap", r->last_error);
	if (r->bad_total != 0)
		return -ERANGE;
	return r->errors != 0 ? -EIO : 0;
}

static int
check_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	struct run *r = arg;

	if (!seg_wanted(msl, ms) || ifb_iova_usable(r->cont, ms->iova, ms->len))
		return 0;
	log_out_of_range(r->cont, ms->addr_64, ms->iova, ms->len, ms->len);
	r->bad_total = ms->len;
	return 1;
}

static int
map_seg(const struct rte_memseg_list *msl, const struct rte_memseg *ms, void *arg)
{
	if (seg_wanted(msl, ms))
		run_add(arg, msl, ms);
	return 0;
}

int
ifb_mem_map_all(struct ifb_container *cont)
{
	struct run r = { .cont = cont, .map = true };
	int ret;

	/* Refuse before mapping anything. */
	rte_memseg_walk_thread_unsafe(check_seg, &r);
	if (r.bad_total != 0)
		return -ERANGE;
	rte_memseg_walk_thread_unsafe(map_seg, &r);
	ret = run_finish(&r);
	if (ret < 0) {
		ifb_mem_unmap_all(cont);
		return ret;
	}
	IFB_LOG(DEBUG, "mapped 0x%" PRIx64 " bytes of DPDK memory into IOAS %u with %" PRIu64 " map calls, IOVA as %s; memory allocated later: %s",
		ifb.memseg_bytes, cont->ioas_id, ifb.map_calls, iova_mode_name(),
		ifb.match_allocations ? "one mapping per allocation (--match-allocations)" :
		"one mapping per page");
	return 0;
}

void
ifb_mem_unmap_all(struct ifb_container *cont)
{
	struct ifb_user_map *m;
	unsigned int i;

	/* Keep the user mappings: unmap everything, then map them again. */
	rte_iommufd_ioas_unmap_all(cont->ioas, NULL);
	ifb.memseg_bytes = 0;
	ifb.nb_areas = 0;
	for (i = 0; i < cont->nb_maps; i++) {
		uint64_t io;

		m = &cont->maps[i];
		io = m->iova;
		if (m->owned)
			rte_iommufd_ioas_map(cont->ioas, (void *)(uintptr_t)m->va, m->len, &io,
					     RTE_IOMMUFD_MAP_FIXED_IOVA | RTE_IOMMUFD_MAP_RW);
	}
}

static void
mem_event_cb(enum rte_mem_event type, const void *addr, size_t len, void *arg)
{
	struct run r = { .cont = &ifb.conts[0], .map = type == RTE_MEM_EVENT_ALLOC,
			 .whole = type == RTE_MEM_EVENT_ALLOC && ifb.match_allocations };
	const struct rte_memseg_list *msl;
	const struct rte_memseg *ms;
	uintptr_t cur, end = (uintptr_t)addr + len;

	RTE_SET_USED(arg);
	msl = rte_mem_virt2memseg_list(addr);
	if (msl == NULL || msl->page_sz == 0)
		return;
	/*
	 * A secondary follows only external heaps: it is where one added here
	 * is announced. The primary maps every page of DPDK's own heaps,
	 * whichever process asked for them.
	 */
	if (ifb.secondary && !msl->external)
		return;
	pthread_mutex_lock(&ifb.lock);
	if (!r.cont->mem_mapped || r.cont->ioas == NULL)
		goto out;
	for (cur = (uintptr_t)addr; cur < end; cur += msl->page_sz) {
		ms = rte_mem_virt2memseg((const void *)cur, msl);
		/* EAL refuses to free DO_NOT_FREE pages: they stay in use. */
		if (ms == NULL || ms->iova == RTE_BAD_IOVA ||
		    (!r.map && (ms->flags & RTE_MEMSEG_FLAG_DO_NOT_FREE))) {
			run_flush(&r);
			continue;
		}
		run_add(&r, msl, ms);
	}
	run_finish(&r);
out:
	pthread_mutex_unlock(&ifb.lock);
}

int
ifb_mem_event_register(void)
{
	if (ifb.mem_cb_registered)
		return 0;
	if (rte_mem_event_callback_register(MEM_EVENT_NAME, mem_event_cb, NULL) < 0) {
		if (rte_errno == ENOTSUP) {
			/* Legacy memory: all of it exists from the start. */
			IFB_LOG(DEBUG, "legacy memory: no memory events to follow");
			return 0;
		}
		if (rte_errno != EEXIST) {
			IFB_LOG(ERR, "cannot follow DPDK's memory events (%s): memory allocated later would not be usable for DMA",
				rte_strerror(rte_errno));
			return -rte_errno;
		}
	}
	ifb.mem_cb_registered = true;
	return 0;
}
