/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * How the cost of DMA-mapping DPDK memory grows with its size, over
 * iommufd (this adapter) and over EAL's type1 container, in one run.
 *
 * For each size (default 1, 2, 4 and 8 GiB of 2 MB hugepages) and mode,
 * the program runs itself as a child (RTE_IOMMUFD_MODE=iommufd|type1) in
 * two phases:
 *   start  -m SIZE: EAL init (which probes both NICs and maps all DPDK
 *          memory) to both ports started (mbuf pool, one RX and one TX
 *          queue each, rte_eth_dev_start);
 *   grow   --match-allocations, no -m: the heap grown at run time by
 *          rte_malloc(SIZE) and shrunk by rte_free() (memory events).
 * For each it records the map (unmap) requests that succeeded, the time
 * spent in them measured around each request (wall, and the thread's CPU
 * time: the guest kernel's, see ioctl_count.c), the phase's wall time and
 * the process' kernel CPU time over the phase (stime of /proc/self/stat,
 * in ticks: it includes the page faults that zero the hugepages).
 *
 * Every (size, repetition) runs both modes back to back, the order
 * alternating, so that load from other guests falls on both alike. Per
 * size, each ratio iommufd/type1 is the median of the repetitions' ratios,
 * with their minimum and maximum (the spread); a spread that contains 1
 * says that no difference was measured. Targets (issue 15) at the largest
 * size: map requests at most 1/100 of type1's, time in map requests at
 * most 0.5x, EAL init to ports started no slower (ratio <= 1, or 1 within
 * the spread).
 *
 * Lines: "# DATA ..." per child (the doc generator reads them), a table,
 * "# RATIO ..." lines (TAP comments). Needs the guest's hugepages to hold the largest size
 * plus ~64 pages (run-vm.sh --hugepages), the adapter preloaded.
 *
 *   run-vm.sh --mem 10240 --hugepages 4160 --env LD_PRELOAD=<adapter> --
 *       bench_mem_scale [--sizes 1024,2048,4096,8192] [--repeat 3]
 *       [--eal "EAL OPTIONS" (default "--in-memory")] [--phases start,grow]
 *       [--compare-addr] [--per-page]
 *
 * --per-page grows the heap without --match-allocations: every mode maps
 * one page per request then (iommufd_mem.c).
 * --compare-addr adds a third mode, iommufd-addr: the adapter with
 * RTE_IOMMUFD_MAP_FILE=0 (every run mapped by address), and RATIO_FILE
 * lines, iommufd over iommufd-addr: what IOMMU_IOAS_MAP_FILE changes.
 */

#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>

#include "ioctl_count.h"

#define MAX_SIZES 8
#define MAX_REPEAT 9
#define NIC0 "0000:00:02.0"
#define NIC1 "0000:00:03.0"

static double
now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* The process' kernel CPU time (stime, field 15 of /proc/self/stat), ms. */
static double
stime_ms(void)
{
	char buf[1024], *p;
	unsigned long long st = 0;
	FILE *f = fopen("/proc/self/stat", "r");
	size_t n;
	int i;

	if (f == NULL)
		return -1;
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	/* Fields after the command name, which ends with the last ')'. */
	p = strrchr(buf, ')');
	if (p == NULL)
		return -1;
	p += 2;
	for (i = 3; i < 15 && p != NULL; i++) {
		p = strchr(p, ' ');
		if (p != NULL)
			p++;
	}
	if (p == NULL || sscanf(p, "%llu", &st) != 1)
		return -1;
	return st * 1e3 / (double)sysconf(_SC_CLK_TCK);
}

/* The counters of ioctl_count.c and the clocks at one moment. */
struct snap {
	double wall, stime;
	uint64_t maps, map_files, unmaps, map_ns, unmap_ns, map_cpu, unmap_cpu;
};

static void
snap(struct snap *s)
{
	s->maps = ioctl_count_maps();
	s->map_files = ioctl_count_map_files();
	s->unmaps = ioctl_count_unmaps();
	s->map_ns = ioctl_count_map_ns();
	s->unmap_ns = ioctl_count_unmap_ns();
	s->map_cpu = ioctl_count_map_cpu_ns();
	s->unmap_cpu = ioctl_count_unmap_cpu_ns();
	s->stime = stime_ms();
	s->wall = now_ms();
}

/* "wall_ms= reqs= file_reqs= req_ms= req_cpu_ms= stime_ms=" between two snapshots. */
static void
print_delta(const char *prefix, const struct snap *a, const struct snap *b, bool map)
{
	printf(" %s_wall_ms=%.2f %s_reqs=%" PRIu64 " %s_file_reqs=%" PRIu64 " %s_req_ms=%.3f %s_req_cpu_ms=%.3f %s_stime_ms=%.1f",
	       prefix, b->wall - a->wall,
	       prefix, map ? b->maps - a->maps : b->unmaps - a->unmaps,
	       prefix, map ? b->map_files - a->map_files : 0,
	       prefix, (map ? b->map_ns - a->map_ns : b->unmap_ns - a->unmap_ns) / 1e6,
	       prefix, (map ? b->map_cpu - a->map_cpu : b->unmap_cpu - a->unmap_cpu) / 1e6,
	       prefix, b->stime - a->stime);
}

static int
fail(const char *what, int err)
{
	printf("FAILED %s: %s\n", what, rte_strerror(err));
	fflush(stdout);
	return 1;
}

static int
ports_start(void)
{
	struct rte_mempool *pool;
	struct rte_eth_conf conf = { 0 };
	uint16_t p, n = 0;
	int ret;

	pool = rte_pktmbuf_pool_create("scale_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL)
		return fail("rte_pktmbuf_pool_create", rte_errno);
	RTE_ETH_FOREACH_DEV(p) {
		ret = rte_eth_dev_configure(p, 1, 1, &conf);
		if (ret == 0)
			ret = rte_eth_rx_queue_setup(p, 0, 256, rte_eth_dev_socket_id(p), NULL, pool);
		if (ret == 0)
			ret = rte_eth_tx_queue_setup(p, 0, 256, rte_eth_dev_socket_id(p), NULL);
		if (ret == 0)
			ret = rte_eth_dev_start(p);
		if (ret != 0)
			return fail("port setup", -ret);
		n++;
	}
	if (n != 2) {
		printf("FAILED: %u ports probed, not 2 (NICs " NIC0 ", " NIC1 " on vfio-pci?)\n", n);
		return 1;
	}
	return 0;
}

static void
ports_stop(void)
{
	uint16_t p;

	RTE_ETH_FOREACH_DEV(p) {
		rte_eth_dev_stop(p);
		rte_eth_dev_close(p);
	}
}

/* Split the extra EAL options at spaces (in place). */
static int
add_words(char **argv, int argc, int max, char *s)
{
	char *tok, *save = NULL;

	for (tok = strtok_r(s, " ", &save); tok != NULL && argc < max - 1;
	     tok = strtok_r(NULL, " ", &save))
		argv[argc++] = tok;
	return argc;
}

static int
child(char *self, const char *phase, unsigned int mb, char *eal_extra, bool per_page)
{
	char mem[16], prefix[32];
	char *argv[32] = { self, "-l", "0", "-n", "1", "-a", NIC0, "-a", NIC1,
		"--log-level=eal:warning", "--log-level=bus.iommufd:warning",
		"--log-level=pmd.net.e1000*:error" };
	int argc = 12;
	bool start = strcmp(phase, "start") == 0;
	struct snap s0, s1, s2;
	void *p;

	struct rlimit nofile = { .rlim_cur = 65536, .rlim_max = 65536 };

	/* One descriptor per page without --single-file-segments: 4096 at 8 GiB. */
	if (setrlimit(RLIMIT_NOFILE, &nofile) != 0) {
		printf("FAILED setrlimit(RLIMIT_NOFILE, 65536): %s\n", strerror(errno));
		return 1;
	}
	snprintf(prefix, sizeof(prefix), "--file-prefix=scale%d", (int)getpid());
	argv[argc++] = prefix;
	if (start) {
		snprintf(mem, sizeof(mem), "%u", mb);
		argv[argc++] = "-m";
		argv[argc++] = mem;
	} else if (!per_page) {
		argv[argc++] = "--match-allocations";
	}
	argc = add_words(argv, argc, RTE_DIM(argv), eal_extra);
	argv[argc] = NULL;
	snap(&s0);
	if (rte_eal_init(argc, argv) < 0)
		return fail("rte_eal_init", rte_errno);
	if (start) {
		if (ports_start() != 0)
			return 1;
		snap(&s1);
		printf("RESULT");
		print_delta("start", &s0, &s1, true);
		printf("\n");
		ports_stop();
	} else {
		/* EAL's own allocations at init are not heap growth. */
		snap(&s0);
		p = rte_malloc(NULL, (size_t)mb << 20, 0);
		snap(&s1);
		if (p == NULL)
			return fail("rte_malloc", rte_errno ? rte_errno : ENOMEM);
		rte_free(p);
		snap(&s2);
		printf("RESULT");
		print_delta("grow", &s0, &s1, true);
		print_delta("free", &s1, &s2, false);
		printf("\n");
	}
	fflush(stdout);
	rte_eal_cleanup();
	return 0;
}

/* ------------------------------------------------------------------ */
/* The parent                                                          */
/* ------------------------------------------------------------------ */

enum { M_WALL, M_REQS, M_REQ_MS, M_REQ_CPU, M_STIME, NMET };
static const char *const met_names[NMET] = { "wall_ms", "reqs", "req_ms", "req_cpu_ms", "stime_ms" };
enum { P_START, P_GROW, P_FREE, NPH };
static const char *const ph_names[NPH] = { "start", "grow", "free" };
/* iommufd-addr: the adapter with RTE_IOMMUFD_MAP_FILE=0 (--compare-addr). */
static const char *const modes[3] = { "iommufd", "type1", "iommufd-addr" };
static unsigned int nmodes = 2;
static bool per_page;	/* grow without --match-allocations */

/* [size][phase][mode][metric][rep] */
static double v[MAX_SIZES][NPH][3][NMET][MAX_REPEAT];

static int
cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(const double *in, unsigned int n)
{
	double s[MAX_REPEAT];

	memcpy(s, in, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/* Parse the RESULT line of a child into v[si][..][m][..][rep]. */
static bool
parse_result(const char *line, unsigned int si, unsigned int m, unsigned int rep)
{
	unsigned int ph, k, found = 0;
	char key[64];
	const char *q;

	for (ph = 0; ph < NPH; ph++) {
		for (k = 0; k < NMET; k++) {
			snprintf(key, sizeof(key), " %s_%s=", ph_names[ph], met_names[k]);
			q = strstr(line, key);
			if (q == NULL)
				continue;
			v[si][ph][m][k][rep] = strtod(q + strlen(key), NULL);
			found++;
		}
	}
	return found == NMET || found == 2 * NMET;
}

static int
run_child(const char *self, const char *mode, const char *phase, unsigned int mb,
	  const char *eal, unsigned int si, unsigned int m, unsigned int rep, bool quiet)
{
	char cmd[PATH_MAX + 512], line[1024];
	bool ok = false;
	FILE *f;

	bool addr = strcmp(mode, "iommufd-addr") == 0;

	snprintf(cmd, sizeof(cmd), "env RTE_IOMMUFD_MODE=%s%s %s --child %s --mb %u --eal '%s'%s 2>&1",
		 addr ? "iommufd" : mode, addr ? " RTE_IOMMUFD_MAP_FILE=0" : "", self, phase, mb, eal,
		 per_page ? " --per-page" : "");
	f = popen(cmd, "r");
	if (f == NULL) {
		printf("# popen: %s\n", strerror(errno));
		return -1;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strncmp(line, "RESULT", 6) == 0) {
			if (!quiet) {
				printf("# DATA size_mb=%u mode=%s phase=%s rep=%u%s", mb, mode, phase,
				       rep, line + 6);
				ok = parse_result(line, si, m, rep);
				if (!ok)
					printf("# unreadable RESULT line\n");
			} else {
				ok = true;
			}
		} else {
			printf("#   %s", line);
		}
	}
	if (pclose(f) != 0)
		ok = false;
	fflush(stdout);
	return ok ? 0 : -1;
}

/* Ratio of one metric at one size: median of the repetitions' ratios. */
static void
ratio(unsigned int si, unsigned int mb, unsigned int ph, unsigned int k, unsigned int repeat,
      double target, bool is_target_size, unsigned int a, unsigned int b)
{
	double r[MAX_REPEAT], lo, hi, med, fd, t1;
	unsigned int i, n = 0;
	const char *verdict = "";
	char tgt[96] = "";

	for (i = 0; i < repeat; i++)
		if (v[si][ph][b][k][i] > 0)
			r[n++] = v[si][ph][a][k][i] / v[si][ph][b][k][i];
	fd = median(v[si][ph][a][k], repeat);
	t1 = median(v[si][ph][b][k], repeat);
	if (n == 0) {
		printf("# RATIO%s size=%uMiB %s_%s n/a (%s %.3f)\n", b == 1 ? "" : "_FILE", mb,
		       ph_names[ph], met_names[k], modes[b], t1);
		return;
	}
	med = median(r, n);
	qsort(r, n, sizeof(*r), cmp_double);
	lo = r[0];
	hi = r[n - 1];
	if (target > 0 && is_target_size) {
		bool met = med <= target || (target == 1.0 && lo <= 1.0);

		snprintf(tgt, sizeof(tgt), "; target <= %g %s", target, met ? "met" : "MISSED");
	}
	if (k != M_REQS && lo <= 1.0 && hi >= 1.0)
		verdict = "; 1 inside the spread: no difference measured";
	printf("# RATIO%s size=%uMiB %s_%s %.3f [%.3f..%.3f] (%s %.3f, %s %.3f, medians of %u%s%s)\n",
	       b == 1 ? "" : "_FILE", mb, ph_names[ph], met_names[k], med, lo, hi, modes[a], fd,
	       modes[b], t1, n, verdict, tgt);
}

int
main(int argc, char **argv)
{
	unsigned int sizes[MAX_SIZES] = { 1024, 2048, 4096, 8192 }, nsizes = 4;
	unsigned int repeat = 3, mb = 0, i, si, rep, k, ph, test = 0;
	bool do_start = true, do_grow = true;
	char self[PATH_MAX], eal[256] = "--in-memory", *phase = NULL;
	int failed = 0;
	ssize_t n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		return 1;
	self[n] = '\0';
	for (i = 1; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--child") == 0 && i + 1 < (unsigned int)argc) {
			phase = argv[++i];
		} else if (strcmp(argv[i], "--mb") == 0 && i + 1 < (unsigned int)argc) {
			mb = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--eal") == 0 && i + 1 < (unsigned int)argc) {
			snprintf(eal, sizeof(eal), "%s", argv[++i]);
		} else if (strcmp(argv[i], "--per-page") == 0) {
			per_page = true;
		} else if (strcmp(argv[i], "--compare-addr") == 0) {
			nmodes = 3;
		} else if (strcmp(argv[i], "--repeat") == 0 && i + 1 < (unsigned int)argc) {
			repeat = atoi(argv[++i]);
		} else if (strcmp(argv[i], "--phases") == 0 && i + 1 < (unsigned int)argc) {
			i++;
			do_start = strstr(argv[i], "start") != NULL;
			do_grow = strstr(argv[i], "grow") != NULL;
		} else if (strcmp(argv[i], "--sizes") == 0 && i + 1 < (unsigned int)argc) {
			char *s = argv[++i], *tok, *save = NULL;

			nsizes = 0;
			for (tok = strtok_r(s, ",", &save); tok != NULL && nsizes < MAX_SIZES;
			     tok = strtok_r(NULL, ",", &save))
				sizes[nsizes++] = atoi(tok);
		} else {
			fprintf(stderr, "usage: %s [--sizes MB,MB,...] [--repeat 1..%d] [--eal OPTS] [--phases start,grow] [--compare-addr] [--per-page]\n",
				argv[0], MAX_REPEAT);
			return 2;
		}
	}
	if (phase != NULL)
		return child(self, phase, mb, eal, per_page);
	if (repeat == 0 || repeat > MAX_REPEAT || nsizes == 0 || (!do_start && !do_grow)) {
		fprintf(stderr, "%s: bad --repeat, --sizes or --phases\n", argv[0]);
		return 2;
	}
	for (si = 0; si < nsizes; si++)
		if (sizes[si] == 0 || sizes[si] % 2 != 0) {
			fprintf(stderr, "%s: sizes are MB of 2 MB pages, not %u\n", argv[0], sizes[si]);
			return 2;
		}
	printf("1..%u\n", nsizes * repeat * nmodes * (do_start + do_grow));
	printf("# sizes (MiB):");
	for (si = 0; si < nsizes; si++)
		printf(" %u", sizes[si]);
	printf("; %u repetitions; EAL options: %s; heap growth %s; 2 MB hugepages\n", repeat, eal,
	       per_page ? "without --match-allocations (one mapping per page)" : "with --match-allocations");
	/*
	 * Warm-up, unmeasured: the libraries (9p) into the page cache and,
	 * under TCG, the host's first touch of the guest's hugepages.
	 */
	if (run_child(self, "type1", "start", sizes[nsizes - 1], eal, 0, 0, 0, true) != 0)
		printf("# warm-up run failed\n");
	for (rep = 0; rep < repeat; rep++) {
		for (si = 0; si < nsizes; si++) {
			for (ph = 0; ph < 2; ph++) {
				const char *pn = ph == 0 ? "start" : "grow";

				if ((ph == 0 && !do_start) || (ph == 1 && !do_grow))
					continue;
				for (k = 0; k < nmodes; k++) {
					/* Rotate which mode goes first. */
					unsigned int m = (k + rep + si) % nmodes;
					int ret = run_child(self, modes[m], pn, sizes[si], eal, si, m,
							    rep, false);

					printf("%s %u - %u MiB %s %s (repetition %u)\n",
					       ret == 0 ? "ok" : "not ok", ++test, sizes[si], pn,
					       modes[m], rep + 1);
					failed += ret != 0;
				}
			}
		}
	}
	if (failed != 0) {
		printf("# %d runs failed: no ratios\n", failed);
		return 1;
	}
	printf("# medians: size, mode, phase: wall_ms reqs req_ms req_cpu_ms stime_ms\n");
	for (si = 0; si < nsizes; si++)
		for (ph = 0; ph < NPH; ph++) {
			if ((ph == P_START && !do_start) || (ph != P_START && !do_grow))
				continue;
			for (k = 0; k < nmodes; k++) {
				printf("# %5u %-12s %-5s", sizes[si], modes[k], ph_names[ph]);
				for (i = 0; i < NMET; i++)
					printf(" %10.3f", median(v[si][ph][k][i], repeat));
				printf("\n");
			}
		}
	for (si = 0; si < nsizes; si++) {
		bool top = si == nsizes - 1;

		for (ph = 0; ph < NPH; ph++) {
			if ((ph == P_START && !do_start) || (ph != P_START && !do_grow))
				continue;
			for (k = 0; k < NMET; k++) {
				double target = -1;

				if (ph == P_START && k == M_REQS)
					target = 0.01;
				else if (ph == P_START && k == M_REQ_MS)
					target = 0.5;
				else if (ph == P_START && k == M_WALL)
					target = 1.0;
				ratio(si, sizes[si], ph, k, repeat, target, top, 0, 1);
				if (nmodes == 3 && k != M_STIME)
					ratio(si, sizes[si], ph, k, repeat, -1, top, 0, 2);
			}
		}
	}
	return 0;
}
