/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * A small DPDK application for the life-cycle scenarios of
 * app/test/dpdk/lifecycle.sh (in the test guest, with the adapter
 * preloaded). Every line it prints that a script reads starts with "LC ".
 *
 *   lifecycle_app EAL-ARGS -- serve [--forward S] [--exit-while-forwarding]
 *                  [--cleanup] [--release] [--hold FILE]
 *       Primary: set up and start every probed port (one queue pair each),
 *       wait for the links. --forward S: forward between ports 0 and 1 on
 *       a worker lcore for S seconds (a burst sent first), print the
 *       counters. Then, by option:
 *       --exit-while-forwarding  call exit(0) while the worker forwards;
 *       --cleanup     stop, close, rte_eal_cleanup(), print the descriptors
 *                     held afterwards;
 *       --release     stop and remove the last port (rte_dev_remove(): the
 *                     VFIO device is released), send on port 0 for S more
 *                     seconds (its TX counter must grow), and bind the
 *                     removed device in a new iommufd (it must be free);
 *       --hold FILE   leave the ports to secondaries (no polling here)
 *                     until FILE exists, then exit without cleanup.
 *   lifecycle_app EAL-ARGS --proc-type=secondary -- secondary [--rounds N]
 *                  [--between FILE]
 *       Secondary: packets built in three kinds of memory of this process
 *       (a mempool made here in DPDK's heap, rte_extmem_register() memory
 *       mapped with rte_dev_dma_map(), an external heap added here) are
 *       sent on port 0 and received on port 1, and their bytes compared.
 *       With --between FILE, rounds after the first wait for FILE.
 *   lifecycle_app EAL-ARGS -- fake-primary --until FILE --fault KIND
 *       A primary WITHOUT the adapter that answers the adapter's IPC action
 *       itself, with injected failures (KIND: device, or init), so that a
 *       secondary's error paths run for real. Replies carry descriptors of
 *       /dev/zero, which the secondary must close.
 *   lifecycle_app EAL-ARGS --proc-type=secondary -- pasid-peer
 *       Secondary: take three PASIDs from the primary's namespace (through
 *       the preloaded adapter) and wait to be killed.
 *   lifecycle_app --probe-free BDF
 *       No EAL: exit status 0 when the device can be bound in a new iommufd.
 *   lifecycle_app EAL-ARGS --proc-type=secondary -- ipc-faults --fault KIND
 *       The secondary for fake-primary: KIND init: rte_eal_init() must
 *       fail; device: every device request must fail; either way no
 *       /dev/zero descriptor may remain.
 */

#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <linux/vfio.h>

#include <rte_bus.h>
#include <rte_dev.h>
#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_ethdev.h>
#include <rte_launch.h>
#include <rte_lcore.h>
#include <rte_malloc.h>
#include <rte_mbuf.h>
#include <rte_memory.h>
#include <rte_string_fns.h>
#include <rte_vfio.h>

#include <rte_iommufd.h>

#include "iommufd_mp.h"

#define NB_MBUF 2047
#define BURST 32
#define MAGIC 0x4c435943u	/* "LCYC" */
#define XMEM_LEN (4u << 20)
#define PAGE_4K 4096u

static volatile bool stop_worker;
static volatile bool tx_only;
static struct rte_mempool *pool;

static void
die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	printf("LC FAIL ");
	vprintf(fmt, ap);
	printf("\n");
	va_end(ap);
	fflush(stdout);
	exit(1);
}

/* Descriptors of the process by kind, printed as one "LC fds" line. */
static void
fd_census(const char *when)
{
	unsigned int iommu = 0, cdev = 0, container = 0, group = 0, zero = 0;
	char link[64], t[PATH_MAX];
	ssize_t n;
	int fd;

	for (fd = 0; fd < 4096; fd++) {
		snprintf(link, sizeof(link), "/proc/self/fd/%d", fd);
		n = readlink(link, t, sizeof(t) - 1);
		if (n <= 0)
			continue;
		t[n] = '\0';
		if (strcmp(t, "/dev/iommu") == 0)
			iommu++;
		else if (strncmp(t, "/dev/vfio/devices/", 18) == 0)
			cdev++;
		else if (strcmp(t, "/dev/vfio/vfio") == 0)
			container++;
		else if (strncmp(t, "/dev/vfio/", 10) == 0)
			group++;
		else if (strcmp(t, "/dev/zero") == 0)
			zero++;
	}
	printf("LC fds %s iommu=%u cdev=%u container=%u group=%u zero=%u\n", when, iommu,
	       cdev, container, group, zero);
	fflush(stdout);
}

static void
stats(const char *when)
{
	struct rte_eth_stats st;
	uint16_t p;

	RTE_ETH_FOREACH_DEV(p) {
		if (rte_eth_stats_get(p, &st) == 0)
			printf("LC stats %s port=%u rx=%" PRIu64 " tx=%" PRIu64 "\n", when, p,
			       st.ipackets, st.opackets);
	}
	fflush(stdout);
}

/* A packet of pool @tag, number @seq: broadcast, then a checkable payload. */
static struct rte_mbuf *
make_pkt(struct rte_mempool *mp, uint32_t tag, uint32_t seq)
{
	struct rte_mbuf *m = rte_pktmbuf_alloc(mp);
	uint8_t *d;
	uint32_t i;

	if (m == NULL)
		return NULL;
	d = (uint8_t *)rte_pktmbuf_append(m, 128);
	if (d == NULL) {
		rte_pktmbuf_free(m);
		return NULL;
	}
	memset(d, 0xff, 6);
	memset(d + 6, 0x02, 6);
	d[12] = 0x88;
	d[13] = 0xb5;
	memcpy(d + 14, &(uint32_t){ MAGIC }, 4);
	memcpy(d + 18, &tag, 4);
	memcpy(d + 22, &seq, 4);
	for (i = 26; i < 128; i++)
		d[i] = (uint8_t)(seq * 7 + i + tag);
	return m;
}

/* 1 when @m is packet (tag, seq) of make_pkt() with every byte right. */
static int
check_pkt(const struct rte_mbuf *m, uint32_t tag, uint32_t *seq)
{
	const uint8_t *d = rte_pktmbuf_mtod(m, const uint8_t *);
	uint32_t magic, t, i;

	if (rte_pktmbuf_data_len(m) < 128)
		return 0;
	memcpy(&magic, d + 14, 4);
	memcpy(&t, d + 18, 4);
	memcpy(seq, d + 22, 4);
	if (magic != MAGIC || t != tag)
		return 0;
	for (i = 26; i < 128; i++)
		if (d[i] != (uint8_t)(*seq * 7 + i + tag))
			return -1;
	return 1;
}

/* ------------------------------------------------------------------ */
/* Primary                                                             */
/* ------------------------------------------------------------------ */

static void
port_setup(uint16_t p)
{
	struct rte_eth_conf conf = { 0 };
	int ret;

	ret = rte_eth_dev_configure(p, 1, 1, &conf);
	if (ret == 0)
		ret = rte_eth_rx_queue_setup(p, 0, 256, rte_eth_dev_socket_id(p), NULL, pool);
	if (ret == 0)
		ret = rte_eth_tx_queue_setup(p, 0, 256, rte_eth_dev_socket_id(p), NULL);
	if (ret == 0)
		ret = rte_eth_dev_start(p);
	if (ret == 0)
		ret = rte_eth_promiscuous_enable(p);
	if (ret != 0)
		die("port %u setup: %s", p, rte_strerror(-ret));
}

static void
links_wait(void)
{
	struct rte_eth_link link;
	unsigned int i;
	uint16_t p;
	bool all;

	for (i = 0; i < 300; i++) {
		all = true;
		RTE_ETH_FOREACH_DEV(p) {
			if (rte_eth_link_get_nowait(p, &link) != 0 || !link.link_status)
				all = false;
		}
		if (all)
			return;
		rte_delay_ms(100);
	}
	printf("LC note links not all up after 30 s\n");
}

static int
worker(void *arg)
{
	struct rte_mbuf *pkts[BURST];
	uint16_t p, n, sent, i;
	uint32_t seq = 0;

	RTE_SET_USED(arg);
	for (p = 0; p < 2; p++) {
		for (n = 0; n < BURST; n++)
			pkts[n] = make_pkt(pool, 9, seq++);
		sent = rte_eth_tx_burst(p, 0, pkts, BURST);
		for (i = sent; i < BURST; i++)
			rte_pktmbuf_free(pkts[i]);
	}
	while (!stop_worker) {
		if (tx_only) {
			for (n = 0; n < BURST; n++) {
				pkts[n] = make_pkt(pool, 9, seq++);
				if (pkts[n] == NULL)
					break;
			}
			sent = rte_eth_tx_burst(0, 0, pkts, n);
			for (i = sent; i < n; i++)
				rte_pktmbuf_free(pkts[i]);
			continue;
		}
		for (p = 0; p < 2; p++) {
			n = rte_eth_rx_burst(p, 0, pkts, BURST);
			sent = rte_eth_tx_burst(p ^ 1, 0, pkts, n);
			for (i = sent; i < n; i++)
				rte_pktmbuf_free(pkts[i]);
		}
	}
	return 0;
}

/* Whether device @name can be bound in a new iommufd now (it is free). */
static void
check_free(const char *name)
{
	struct rte_iommufd_device *dev;
	struct rte_iommufd *ctx;
	int ret;

	ret = rte_iommufd_open(&ctx);
	if (ret < 0)
		die("open /dev/iommu: %s", rte_iommufd_last_error());
	ret = rte_iommufd_device_open(ctx, name, NULL, &dev);
	if (ret == 0)
		rte_iommufd_device_close(dev);
	printf("LC free %s %s%s%s\n", name, ret == 0 ? "yes" : "no",
	       ret == 0 ? "" : " ", ret == 0 ? "" : rte_iommufd_last_error());
	rte_iommufd_close(ctx);
}

static void
wait_file(const char *path)
{
	while (access(path, F_OK) != 0)
		usleep(100 * 1000);
}

static int
serve(int argc, char **argv)
{
	const char *hold = NULL;
	bool exit_fwd = false, cleanup = false, release = false;
	unsigned int fwd = 0, lcore;
	char name[RTE_DEV_NAME_MAX_LEN];
	struct rte_eth_dev_info info;
	uint16_t p, last = 0;
	int i, ret;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--forward") == 0 && i + 1 < argc)
			fwd = atoi(argv[++i]);
		else if (strcmp(argv[i], "--exit-while-forwarding") == 0)
			exit_fwd = true;
		else if (strcmp(argv[i], "--cleanup") == 0)
			cleanup = true;
		else if (strcmp(argv[i], "--release") == 0)
			release = true;
		else if (strcmp(argv[i], "--hold") == 0 && i + 1 < argc)
			hold = argv[++i];
		else
			die("serve: unknown argument %s", argv[i]);
	}
	if (rte_eth_dev_count_avail() < 2)
		die("%u ports probed, 2 needed", rte_eth_dev_count_avail());
	pool = rte_pktmbuf_pool_create("lc_pool", 8191, 256, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
				       rte_socket_id());
	if (pool == NULL)
		die("mempool: %s", rte_strerror(rte_errno));
	RTE_ETH_FOREACH_DEV(p) {
		port_setup(p);
		last = p;
	}
	links_wait();
	fd_census("started");
	printf("LC ready\n");
	fflush(stdout);
	if (fwd > 0) {
		lcore = rte_get_next_lcore(-1, 1, 0);
		if (lcore >= RTE_MAX_LCORE)
			die("no worker lcore (give EAL two lcores)");
		rte_eal_remote_launch(worker, NULL, lcore);
		sleep(fwd);
		stats("forwarding");
		if (exit_fwd) {
			printf("LC exit while forwarding\n");
			fflush(stdout);
			exit(0);
		}
		if (release) {
			tx_only = true;
			rte_delay_ms(200);	/* the worker leaves port 1 */
			ret = rte_eth_dev_info_get(last, &info);
			if (ret != 0)
				die("port %u: no device information", last);
			snprintf(name, sizeof(name), "%s", rte_dev_name(info.device));
			ret = rte_eth_dev_stop(last);
			if (ret == 0)
				ret = rte_eth_dev_close(last);
			if (ret == 0)
				ret = rte_dev_remove(info.device);
			if (ret != 0)
				die("remove of port %u (%s): %s", last, name, rte_strerror(-ret));
			printf("LC released %s\n", name);
			stats("after-release-start");
			sleep(fwd);
			stats("after-release");
			fd_census("after-release");
			check_free(name);
		}
		stop_worker = true;
		rte_eal_mp_wait_lcore();
	}
	if (hold != NULL) {
		wait_file(hold);
		stats("hold-end");
		printf("LC exit without cleanup\n");
		fflush(stdout);
		exit(0);
	}
	if (cleanup) {
		RTE_ETH_FOREACH_DEV(p) {
			rte_eth_dev_stop(p);
			rte_eth_dev_close(p);
		}
		ret = rte_eal_cleanup();
		printf("LC cleanup %d\n", ret);
		fd_census("after-cleanup");
	}
	return 0;
}

/* ------------------------------------------------------------------ */
/* Secondary                                                           */
/* ------------------------------------------------------------------ */

static void *
xmem_alloc(void)
{
	void *p = mmap(NULL, XMEM_LEN, PROT_READ | PROT_WRITE,
		       MAP_PRIVATE | MAP_ANONYMOUS | MAP_POPULATE, -1, 0);

	if (p == MAP_FAILED)
		die("mmap: %s", strerror(errno));
	return p;
}

/* A mempool of mbufs over @len bytes at @va, IOVA = VA. */
static struct rte_mempool *
pool_over(const char *name, void *va, size_t len)
{
	struct rte_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = RTE_MBUF_DEFAULT_BUF_SIZE,
	};
	struct rte_mempool *mp;
	int ret;

	mp = rte_mempool_create_empty(name, 1023, sizeof(struct rte_mbuf) +
				      RTE_MBUF_DEFAULT_BUF_SIZE, 0,
				      sizeof(struct rte_pktmbuf_pool_private), SOCKET_ID_ANY, 0);
	if (mp == NULL)
		die("%s: %s", name, rte_strerror(rte_errno));
	if (rte_mempool_set_ops_byname(mp, "ring_mp_mc", NULL) != 0)
		die("%s: ops", name);
	rte_pktmbuf_pool_init(mp, &priv);
	ret = rte_mempool_populate_iova(mp, va, (rte_iova_t)(uintptr_t)va, len, NULL, NULL);
	if (ret < 0)
		die("%s: populate: %s", name, rte_strerror(-ret));
	rte_mempool_obj_iter(mp, rte_pktmbuf_init, NULL);
	return mp;
}

/* Send BURST packets of @mp on port 0, receive them on port 1, compare. */
static int
round_trip(const char *what, struct rte_mempool *mp, uint32_t tag)
{
	struct rte_mbuf *pkts[BURST], *rx[BURST];
	unsigned int got = 0, bad = 0, i, tries;
	uint32_t seq;
	uint16_t n, sent;
	int r;

	/* Drain what earlier rounds left. */
	while (rte_eth_rx_burst(1, 0, rx, BURST) > 0)
		;
	for (i = 0; i < BURST; i++) {
		pkts[i] = make_pkt(mp, tag, i);
		if (pkts[i] == NULL)
			die("%s: no mbuf", what);
	}
	sent = 0;
	for (tries = 0; sent < BURST && tries < 1000; tries++)
		sent += rte_eth_tx_burst(0, 0, pkts + sent, BURST - sent);
	for (tries = 0; got < sent && tries < 3000; tries++) {
		n = rte_eth_rx_burst(1, 0, rx, BURST);
		for (i = 0; i < n; i++) {
			r = check_pkt(rx[i], tag, &seq);
			if (r > 0)
				got++;
			else if (r < 0)
				bad++;
			rte_pktmbuf_free(rx[i]);
		}
		if (n == 0)
			rte_delay_ms(1);
	}
	printf("LC round %s sent=%u received=%u corrupt=%u\n", what, sent, got, bad);
	fflush(stdout);
	return sent == BURST && got == BURST && bad == 0 ? 0 : -1;
}

static int
secondary(int argc, char **argv)
{
	struct rte_mempool *heap_mp, *ext_mp, *xheap_mp;
	rte_iova_t iovas[XMEM_LEN / PAGE_4K];
	struct rte_eth_dev_info info;
	const char *between = NULL;
	unsigned int rounds = 1, r, i;
	void *ext, *xh;
	uint16_t p;
	int failed = 0, ret;

	for (i = 0; i < (unsigned int)argc; i++) {
		if (strcmp(argv[i], "--rounds") == 0 && i + 1 < (unsigned int)argc)
			rounds = atoi(argv[++i]);
		else if (strcmp(argv[i], "--between") == 0 && i + 1 < (unsigned int)argc)
			between = argv[++i];
		else
			die("secondary: unknown argument %s", argv[i]);
	}
	if (rte_eal_process_type() != RTE_PROC_SECONDARY)
		die("secondary mode needs --proc-type=secondary");
	if (rte_eth_dev_count_avail() < 2)
		die("%u ports seen, 2 needed", rte_eth_dev_count_avail());
	fd_census("secondary-started");

	/* 1. DPDK's heap, grown for this process. */
	heap_mp = rte_pktmbuf_pool_create("lc_sec_heap", NB_MBUF, 0, 0,
					  RTE_MBUF_DEFAULT_BUF_SIZE, SOCKET_ID_ANY);
	if (heap_mp == NULL)
		die("heap pool: %s", rte_strerror(rte_errno));

	/* 2. rte_extmem_register() + rte_dev_dma_map() for each port. */
	ext = xmem_alloc();
	if (rte_extmem_register(ext, XMEM_LEN, NULL, 0, PAGE_4K) != 0)
		die("rte_extmem_register: %s", rte_strerror(rte_errno));
	RTE_ETH_FOREACH_DEV(p) {
		if (rte_eth_dev_info_get(p, &info) != 0)
			die("port %u: no device information", p);
		ret = rte_dev_dma_map(info.device, ext, (uintptr_t)ext, XMEM_LEN);
		if (ret != 0)
			die("rte_dev_dma_map for port %u: %s", p, rte_strerror(rte_errno));
	}
	ext_mp = pool_over("lc_sec_ext", ext, XMEM_LEN);

	/* 3. An external heap added here (announced to this process only). */
	xh = xmem_alloc();
	for (i = 0; i < RTE_DIM(iovas); i++)
		iovas[i] = (uintptr_t)xh + (uint64_t)i * PAGE_4K;
	if (rte_malloc_heap_create("lc_sec_xheap") != 0 ||
	    rte_malloc_heap_memory_add("lc_sec_xheap", xh, XMEM_LEN, iovas, RTE_DIM(iovas),
				       PAGE_4K) != 0)
		die("external heap: %s", rte_strerror(rte_errno));
	xheap_mp = rte_pktmbuf_pool_create("lc_sec_xh", 511, 0, 0, RTE_MBUF_DEFAULT_BUF_SIZE,
					   rte_malloc_heap_get_socket("lc_sec_xheap"));
	if (xheap_mp == NULL)
		die("pool on the external heap: %s", rte_strerror(rte_errno));
	fd_census("secondary-pools");

	for (r = 0; r < rounds; r++) {
		if (r > 0 && between != NULL) {
			printf("LC waiting %s\n", between);
			fflush(stdout);
			wait_file(between);
		}
		failed |= round_trip("heap", heap_mp, 1) < 0;
		failed |= round_trip("extmem", ext_mp, 2) < 0;
		failed |= round_trip("xheap", xheap_mp, 3) < 0;
	}
	RTE_ETH_FOREACH_DEV(p) {
		if (rte_eth_dev_info_get(p, &info) == 0)
			rte_dev_dma_unmap(info.device, ext, (uintptr_t)ext, XMEM_LEN);
	}
	printf("LC secondary %s\n", failed ? "FAILED" : "ok");
	fflush(stdout);
	return failed;
}

/* ------------------------------------------------------------------ */
/* Injected IPC failures                                               */
/* ------------------------------------------------------------------ */

static struct rte_iommufd *fake_ctx;
static struct rte_iommufd_ioas *fake_ioas;
static const char *fault_kind;
static unsigned int fault_seq;

static int
fake_handler(const struct rte_mp_msg *msg, const void *peer)
{
	const struct ifb_mp_param *req = (const void *)msg->param;
	struct rte_mp_msg reply;
	struct ifb_mp_param *r = (void *)reply.param;
	unsigned int k, i;
	int zeros = 0;

	memset(&reply, 0, sizeof(reply));
	rte_strlcpy(reply.name, IFB_MP_ACTION, sizeof(reply.name));
	reply.len_param = sizeof(*r);
	r->req = req->req;
	switch (req->req) {
	case IFB_MP_REQ_MODE:
		r->result = 1;
		break;
	case IFB_MP_REQ_IOMMUFD:
		if (strcmp(fault_kind, "init") == 0) {
			/* A failure that still carries descriptors. */
			r->result = -EIO;
			zeros = 2;
			break;
		}
		reply.fds[0] = rte_iommufd_fd(fake_ctx);
		reply.num_fds = 1;
		r->ioas_id = rte_iommufd_ioas_id(fake_ioas);
		break;
	default:
		/* Each request gets the next kind of malformed reply. */
		k = fault_seq++ % 4;
		if (k == 0) {
			r->result = -ENOENT;	/* an error, with descriptors */
			zeros = 2;
		} else if (k == 1) {
			zeros = 2;		/* two descriptors for one */
		} else if (k == 2) {
			zeros = 0;		/* none */
		} else {
			reply.len_param = 8;	/* truncated, with a descriptor */
			zeros = 1;
		}
		break;
	}
	for (i = 0; i < (unsigned int)zeros; i++) {
		reply.fds[reply.num_fds] = open("/dev/zero", O_RDONLY | O_CLOEXEC);
		reply.num_fds++;
	}
	rte_mp_reply(&reply, peer);
	for (i = 0; i < (unsigned int)zeros; i++)
		close(reply.fds[reply.num_fds - 1 - i]);
	return 0;
}

static int
fake_primary(int argc, char **argv)
{
	const char *until = NULL;
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--until") == 0 && i + 1 < argc)
			until = argv[++i];
		else if (strcmp(argv[i], "--fault") == 0 && i + 1 < argc)
			fault_kind = argv[++i];
		else
			die("fake-primary: unknown argument %s", argv[i]);
	}
	if (until == NULL || fault_kind == NULL)
		die("fake-primary needs --until FILE and --fault KIND");
	if (rte_iommufd_open(&fake_ctx) < 0 || rte_iommufd_ioas_alloc(fake_ctx, &fake_ioas) < 0)
		die("fake primary: %s", rte_iommufd_last_error());
	if (rte_mp_action_register(IFB_MP_ACTION, fake_handler) != 0)
		die("action %s: %s", IFB_MP_ACTION, rte_strerror(rte_errno));
	printf("LC ready\n");
	fflush(stdout);
	wait_file(until);
	printf("LC fake primary answered %u faulty requests\n", fault_seq);
	return 0;
}

static int
ipc_faults(void)
{
	struct vfio_device_info info = { .argsz = sizeof(info) };
	static const char *const nics[] = { "0000:00:02.0", "0000:00:03.0" };
	unsigned int i, failed = 0;
	int fd;

	for (i = 0; i < 8; i++) {
		fd = -1;
		if (rte_vfio_setup_device("/sys/bus/pci/devices", nics[i % 2], &fd, &info) == 0) {
			printf("LC FAIL device request %u succeeded (fd %d)\n", i, fd);
			failed++;
		}
	}
	fd_census("after-faults");
	return failed;
}

/*
 * 0 when @bdf can be bound in a new iommufd, or, where the kernel refuses
 * every bind for want of interrupt isolation (EPERM), when its VFIO group
 * file can be opened: either way no process holds it any more.
 */
static int
probe_free(const char *bdf)
{
	struct rte_iommufd_device *dev;
	struct rte_iommufd *ctx;
	char path[PATH_MAX], grp[PATH_MAX];
	ssize_t n;
	int ret, fd;

	if (rte_iommufd_open(&ctx) < 0) {
		printf("%s: %s\n", bdf, rte_iommufd_last_error());
		return 1;
	}
	ret = rte_iommufd_device_open(ctx, bdf, NULL, &dev);
	if (ret == 0)
		rte_iommufd_device_close(dev);
	else
		printf("%s: %s\n", bdf, rte_iommufd_last_error());
	rte_iommufd_close(ctx);
	if (ret != -EPERM)
		return ret == 0 ? 0 : 1;
	snprintf(path, sizeof(path), "/sys/bus/pci/devices/%s/iommu_group", bdf);
	n = readlink(path, grp, sizeof(grp) - 1);
	if (n <= 0)
		return 1;
	grp[n] = '\0';
	snprintf(path, sizeof(path), "/dev/vfio/%s", strrchr(grp, '/') + 1);
	fd = open(path, O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		printf("%s: %s: %s\n", bdf, path, strerror(errno));
		return 1;
	}
	close(fd);
	return 0;
}

/*
 * Secondary: take three PASIDs from the shared namespace through the
 * preloaded adapter, then wait to be killed.
 */
static int
pasid_peer(void)
{
	int (*alloc)(uint32_t *) =
		(int (*)(uint32_t *))dlsym(RTLD_DEFAULT, "rte_bus_iommufd_pasid_alloc");
	uint32_t pasid;
	int i, ret;

	if (alloc == NULL)
		die("rte_bus_iommufd_pasid_alloc not found: preload the adapter");
	for (i = 0; i < 3; i++) {
		ret = alloc(&pasid);
		if (ret != 0)
			die("PASID allocation: %s", strerror(-ret));
		printf("LC pasid %u\n", pasid);
	}
	printf("LC holding\n");
	fflush(stdout);
	for (;;)
		pause();
	return 0;
}

int
main(int argc, char **argv)
{
	const char *mode;
	int ret;

	/* No EAL: is a device free (held by no process)? */
	if (argc == 3 && strcmp(argv[1], "--probe-free") == 0)
		return probe_free(argv[2]);
	ret = rte_eal_init(argc, argv);
	if (ret < 0) {
		printf("LC eal-init failed: %s\n", rte_strerror(rte_errno));
		fd_census("after-failed-init");
		return 2;
	}
	argc -= ret;
	argv += ret;
	if (argc < 2)
		die("no mode after --");
	mode = argv[1];
	if (strcmp(mode, "serve") == 0)
		return serve(argc - 2, argv + 2);
	if (strcmp(mode, "secondary") == 0)
		return secondary(argc - 2, argv + 2);
	if (strcmp(mode, "fake-primary") == 0)
		return fake_primary(argc - 2, argv + 2);
	if (strcmp(mode, "ipc-faults") == 0)
		return ipc_faults();
	if (strcmp(mode, "pasid-peer") == 0)
		return pasid_peer();
	die("unknown mode %s", mode);
	return 1;
}
