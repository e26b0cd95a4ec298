/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * pasid-testdev: a PASID-capable PCIe test device, served over vfio-user
 * to QEMU's vfio-user-pci client (a test asset, like the kernel's mock
 * IOMMU). Configuration space: a PCIe endpoint (DEVCAP2 End-End TLP
 * prefix supported) with ATS, PASID (width, EXEC and PRIV per instance)
 * and PRI extended capabilities. BAR0: the copy engine of pasid_testdev.h,
 * whose DMA goes through the client by IOVA (VFIO_USER_DMA_READ/WRITE),
 * so that the guest's IOMMU mappings decide what it may touch.
 *
 * Usage: pasid-testdev --socket PATH --pasid-width N [--exec] [--priv]
 * Serves one client and exits when it disconnects. Log lines on stderr.
 */

#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "pasid_testdev.h"
#include "vfio_user.h"

#define CFG_SIZE 4096
#define NUM_REGIONS 9        /* VFIO_PCI_NUM_REGIONS */
#define REGION_BAR0 0
#define REGION_CONFIG 7      /* VFIO_PCI_CONFIG_REGION_INDEX */
#define NUM_IRQS 5           /* VFIO_PCI_NUM_IRQS */

struct engine {
	uint32_t ctrl, ring_size, ring_lo, ring_hi, tail, head;
	uint32_t err_code, err_desc, done, errors;
	uint64_t err_iova, bytes;
	bool error, busy, running;
	unsigned int generation;     /* bumped by a reset */
};

struct testdev {
	unsigned int width;
	bool exec, priv;
	uint8_t cfg[CFG_SIZE];
	uint8_t wmask[CFG_SIZE];
	struct engine eng;
	struct vu_conn *conn;
	unsigned long maps, unmaps;
};

static void
logf_(const char *fmt, ...)
{
	struct timespec ts;
	va_list ap;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	fprintf(stderr, "pasid-testdev[%ld.%03ld]: ", (long)ts.tv_sec, ts.tv_nsec / 1000000);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	fflush(stderr);
}

/* ------------------------------------------------------------------ */
/* Configuration space                                                 */
/* ------------------------------------------------------------------ */

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)v);
	put16(p + 2, (uint16_t)(v >> 16));
}

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8);
}

/* An extended capability header: id, version 1, next. */
static void
ext_cap(struct testdev *d, unsigned int off, uint16_t id, unsigned int next)
{
	put32(&d->cfg[off], id | 1u << 16 | (uint32_t)next << 20);
}

static void
cfg_init(struct testdev *d)
{
	uint8_t *c = d->cfg, *m = d->wmask;
	unsigned int e = PTD_CFG_PCIE;

	memset(c, 0, sizeof(d->cfg));
	memset(m, 0, sizeof(d->wmask));
	put16(&c[0x00], PTD_VENDOR_ID);
	put16(&c[0x02], PTD_DEVICE_ID);
	put16(&m[0x04], 0x0547);             /* command: IO, MEM, master, parity, SERR, INTx off */
	put16(&c[0x06], 0x0010);             /* status: capability list */
	c[0x08] = PTD_REVISION;
	c[0x09] = (uint8_t)PTD_CLASS;
	put16(&c[0x0a], PTD_CLASS >> 8);
	m[0x0c] = m[0x0d] = 0xff;            /* cache line, latency */
	put32(&m[0x10], ~(uint32_t)(PTD_BAR0_SIZE - 1)); /* BAR0: 32-bit memory */
	put16(&c[0x2c], PTD_VENDOR_ID);      /* subsystem */
	put16(&c[0x2e], PTD_DEVICE_ID);
	c[0x34] = PTD_CFG_PCIE;
	m[0x3c] = 0xff;                      /* interrupt line; pin 0: no INTx */

	/* PCI Express capability, version 2, endpoint (QEMU presents it as a
	 * root-complex integrated endpoint on the root bus). */
	c[e] = 0x10;
	put16(&c[e + 0x02], 0x0002);
	put32(&c[e + 0x04], 1u << 15);       /* DEVCAP: role-based error reporting */
	put16(&m[e + 0x08], 0x7fff);         /* DEVCTL */
	put32(&c[e + 0x0c], 0x11);           /* LNKCAP: x1, 2.5 GT/s */
	put16(&m[e + 0x10], 0xffff);         /* LNKCTL */
	put16(&c[e + 0x12], 0x11);           /* LNKSTA */
	/* DEVCAP2: End-End TLP prefix supported (bit 21), one prefix at most
	 * (bits 23:22 = 01): what pci_enable_pasid() looks for on the path. */
	put32(&c[e + 0x24], 1u << 21 | 1u << 22);
	put16(&m[e + 0x28], 0xffff);         /* DEVCTL2 */

	/* ATS: page-aligned requests, queue depth 0 (32); control RW. */
	ext_cap(d, PTD_CFG_ATS, 0x000f, PTD_CFG_PASID);
	put16(&c[PTD_CFG_ATS + 4], 1u << 5);
	put16(&m[PTD_CFG_ATS + 6], 0x801f);
	/* PASID: width and EXEC/PRIV as given; control: enable and the
	 * supported modes. */
	ext_cap(d, PTD_CFG_PASID, 0x001b, PTD_CFG_PRI);
	put16(&c[PTD_CFG_PASID + 4], (uint16_t)((d->exec ? 1u << 1 : 0) |
		(d->priv ? 1u << 2 : 0) | d->width << 8));
	put16(&m[PTD_CFG_PASID + 6], (uint16_t)(1u | (d->exec ? 2u : 0) | (d->priv ? 4u : 0)));
	/* PRI: control enable/reset; status stopped and PRG response PASID
	 * required; 32 outstanding requests; allocation RW. */
	ext_cap(d, PTD_CFG_PRI, 0x0013, 0);
	put16(&m[PTD_CFG_PRI + 4], 0x0003);
	put16(&c[PTD_CFG_PRI + 6], 1u << 8 | 1u << 15);
	put32(&c[PTD_CFG_PRI + 8], 32);
	put32(&m[PTD_CFG_PRI + 0xc], 0xffffffff);
}

/* Log what the guest enables in the capabilities. */
static void
cfg_watch(const struct testdev *d, const uint8_t *old, unsigned int off, unsigned int len)
{
	static const struct { unsigned int off; const char *name; } regs[] = {
		{ PTD_CFG_ATS + 6, "ATS control" },
		{ PTD_CFG_PASID + 6, "PASID control" },
		{ PTD_CFG_PRI + 4, "PRI control" },
		{ 0x04, "command" },
	};
	size_t i;

	for (i = 0; i < sizeof(regs) / sizeof(regs[0]); i++) {
		unsigned int r = regs[i].off;

		if (r + 2 > off && r < off + len && get16(&old[r]) != get16(&d->cfg[r]))
			logf_("config: %s 0x%04x -> 0x%04x", regs[i].name, get16(&old[r]),
			      get16(&d->cfg[r]));
	}
}

static void
cfg_write(struct testdev *d, unsigned int off, const uint8_t *data, unsigned int len)
{
	uint8_t old[CFG_SIZE];
	unsigned int i, pri = PTD_CFG_PRI;
	uint16_t ctl;

	memcpy(old, d->cfg, sizeof(old));
	for (i = 0; i < len; i++) {
		unsigned int o = off + i;

		d->cfg[o] = (uint8_t)((d->cfg[o] & ~d->wmask[o]) | (data[i] & d->wmask[o]));
	}
	/* PRI: reset is self-clearing; stopped while disabled. */
	ctl = get16(&d->cfg[pri + 4]);
	put16(&d->cfg[pri + 4], ctl & 1u);
	put16(&d->cfg[pri + 6], (uint16_t)((ctl & 1u) ? 0 : 1u << 8) | 1u << 15);
	cfg_watch(d, old, off, len);
}

/* ------------------------------------------------------------------ */
/* BAR0 and the copy engine                                            */
/* ------------------------------------------------------------------ */

static uint32_t
reg_read(const struct testdev *d, unsigned int off)
{
	const struct engine *e = &d->eng;

	switch (off) {
	case PTD_REG_ID: return PTD_ID;
	case PTD_REG_VERSION: return 1;
	case PTD_REG_CAPS:
		return d->width | (d->exec ? PTD_CAPS_EXEC : 0) | (d->priv ? PTD_CAPS_PRIV : 0) |
			PTD_CAPS_ATS | PTD_CAPS_PRI;
	case PTD_REG_STATUS:
		return ((e->ctrl & PTD_CTRL_ENABLE) ? PTD_STATUS_ENABLED : 0) |
			(e->error ? PTD_STATUS_ERROR : 0) | (e->busy ? PTD_STATUS_BUSY : 0);
	case PTD_REG_CTRL: return e->ctrl;
	case PTD_REG_RING_SIZE: return e->ring_size;
	case PTD_REG_RING_LO: return e->ring_lo;
	case PTD_REG_RING_HI: return e->ring_hi;
	case PTD_REG_TAIL: return e->tail;
	case PTD_REG_HEAD: return e->head;
	case PTD_REG_ERR_CODE: return e->err_code;
	case PTD_REG_ERR_DESC: return e->err_desc;
	case PTD_REG_ERR_IOVA_LO: return (uint32_t)e->err_iova;
	case PTD_REG_ERR_IOVA_HI: return (uint32_t)(e->err_iova >> 32);
	case PTD_REG_DONE: return e->done;
	case PTD_REG_ERRORS: return e->errors;
	case PTD_REG_BYTES_LO: return (uint32_t)e->bytes;
	case PTD_REG_BYTES_HI: return (uint32_t)(e->bytes >> 32);
	default: return 0;
	}
}

static void
engine_reset(struct engine *e)
{
	unsigned int gen = e->generation + 1;

	memset(e, 0, sizeof(*e));
	e->generation = gen;
}

static void
reg_write(struct testdev *d, unsigned int off, uint32_t val)
{
	struct engine *e = &d->eng;

	switch (off) {
	case PTD_REG_CTRL:
		if (val & PTD_CTRL_RESET) {
			engine_reset(e);
			logf_("engine: reset");
		}
		e->ctrl = val & PTD_CTRL_ENABLE;
		break;
	case PTD_REG_RING_SIZE:
		if (val >= 1 && val <= PTD_RING_MAX && (val & (val - 1)) == 0)
			e->ring_size = val;
		break;
	case PTD_REG_RING_LO: e->ring_lo = val & ~31u; break;
	case PTD_REG_RING_HI: e->ring_hi = val; break;
	case PTD_REG_TAIL: e->tail = val; break;
	default: break; /* read-only */
	}
}

static void
bar_read(const struct testdev *d, unsigned int off, uint8_t *out, unsigned int len)
{
	unsigned int i;

	for (i = 0; i < len; i++) {
		unsigned int o = off + i;

		out[i] = (uint8_t)(reg_read(d, o & ~3u) >> (8 * (o & 3u)));
	}
}

static void
bar_write(struct testdev *d, unsigned int off, const uint8_t *data, unsigned int len)
{
	unsigned int r;

	/* Each 32-bit register touched gets its merged new value. */
	for (r = off & ~3u; r < off + len; r += 4) {
		uint32_t v = reg_read(d, r);
		unsigned int b;

		for (b = 0; b < 4; b++) {
			if (r + b >= off && r + b < off + len) {
				v &= ~(0xffu << (8 * b));
				v |= (uint32_t)data[r + b - off] << (8 * b);
			}
		}
		reg_write(d, r, v);
	}
}

/* A refused DMA: record it and halt. */
static void
engine_fault(struct testdev *d, const char *what, uint64_t iova, int ret)
{
	struct engine *e = &d->eng;

	e->error = true;
	e->err_code = (uint32_t)-ret;
	e->err_desc = e->head;
	e->err_iova = iova;
	e->errors++;
	logf_("dma: %s at iova 0x%llx refused by the client: errno %d (%s); engine halted",
	      what, (unsigned long long)iova, -ret, strerror(-ret));
}

/* One descriptor; false when the engine must stop. */
static bool
engine_step(struct testdev *d)
{
	struct engine *e = &d->eng;
	unsigned int gen = e->generation;
	uint64_t ring = (uint64_t)e->ring_hi << 32 | e->ring_lo;
	uint64_t at = ring + (uint64_t)(e->head & (e->ring_size - 1)) * sizeof(struct ptd_desc);
	struct ptd_compl cpl = { .status = PTD_COMPL_DONE };
	struct ptd_desc desc;
	uint8_t *buf;
	int ret;

	ret = vu_dma_read(d->conn, at, &desc, sizeof(desc));
	if (e->generation != gen)
		return false;
	if (ret < 0) {
		engine_fault(d, "descriptor read", at, ret);
		return false;
	}
	if (desc.len == 0 || desc.len > PTD_COPY_MAX) {
		logf_("dma: descriptor at iova 0x%llx: src 0x%llx dst 0x%llx len %u compl 0x%llx",
		      (unsigned long long)at, (unsigned long long)desc.src,
		      (unsigned long long)desc.dst, desc.len, (unsigned long long)desc.compl);
		engine_fault(d, "descriptor length check", at, -EINVAL);
		return false;
	}
	buf = malloc(desc.len);
	if (buf == NULL) {
		engine_fault(d, "buffer allocation", at, -ENOMEM);
		return false;
	}
	ret = vu_dma_read(d->conn, desc.src, buf, desc.len);
	if (e->generation == gen && ret < 0)
		engine_fault(d, "source read", desc.src, ret);
	if (e->generation == gen && ret == 0) {
		ret = vu_dma_write(d->conn, desc.dst, buf, desc.len);
		if (e->generation == gen && ret < 0)
			engine_fault(d, "destination write", desc.dst, ret);
	}
	free(buf);
	if (e->generation != gen)
		return false;
	if (ret < 0) {
		/* Tell the driver too, if the completion record is reachable. */
		cpl.status = PTD_COMPL_FAILED;
		cpl.error = (uint32_t)-ret;
		if (desc.compl != 0)
			(void)vu_dma_write(d->conn, desc.compl, &cpl, sizeof(cpl));
		return false;
	}
	cpl.bytes = desc.len;
	if (desc.compl != 0) {
		ret = vu_dma_write(d->conn, desc.compl, &cpl, sizeof(cpl));
		if (e->generation != gen)
			return false;
		if (ret < 0) {
			engine_fault(d, "completion write", desc.compl, ret);
			return false;
		}
	}
	e->bytes += desc.len;
	e->done++;
	e->head++;
	return true;
}

/* Run after every request: process the ring while there is work. */
static void
engine_run(void *arg)
{
	struct testdev *d = arg;
	struct engine *e = &d->eng;

	if (e->running)
		return;
	e->running = true;
	while ((e->ctrl & PTD_CTRL_ENABLE) && !e->error && e->ring_size != 0 &&
	       e->head != e->tail) {
		e->busy = true;
		if (!engine_step(d))
			break;
	}
	e->busy = false;
	e->running = false;
}

/* ------------------------------------------------------------------ */
/* vfio-user requests                                                  */
/* ------------------------------------------------------------------ */

static void
region_rw(struct testdev *d, struct vu_conn *conn, struct vu_msg *msg, bool write)
{
	struct vu_region_rw *rw = (struct vu_region_rw *)(msg->hdr + 1);
	size_t plen = msg->hdr->size - sizeof(*msg->hdr);
	uint64_t size;
	struct vu_region_rw *rep;

	if (plen < sizeof(*rw) || (write && plen < sizeof(*rw) + rw->count) ||
	    rw->count > VU_MAX_XFER) {
		vu_reply_error(conn, msg, EINVAL);
		return;
	}
	size = rw->region == REGION_CONFIG ? CFG_SIZE : rw->region == REGION_BAR0 ? PTD_BAR0_SIZE : 0;
	if (rw->offset > size || rw->count > size - rw->offset) {
		vu_reply_error(conn, msg, EINVAL);
		return;
	}
	if (write) {
		if (rw->region == REGION_CONFIG)
			cfg_write(d, (unsigned int)rw->offset, rw->data, rw->count);
		else
			bar_write(d, (unsigned int)rw->offset, rw->data, rw->count);
		vu_reply(conn, msg, rw, sizeof(*rw));
		return;
	}
	rep = malloc(sizeof(*rep) + rw->count);
	if (rep == NULL) {
		vu_reply_error(conn, msg, ENOMEM);
		return;
	}
	*rep = *rw;
	if (rw->region == REGION_CONFIG)
		memcpy(rep->data, &d->cfg[rw->offset], rw->count);
	else
		bar_read(d, (unsigned int)rw->offset, rep->data, rw->count);
	vu_reply(conn, msg, rep, sizeof(*rep) + rw->count);
	free(rep);
}

static void
handle(struct vu_conn *conn, struct vu_msg *msg, void *arg)
{
	struct testdev *d = arg;
	uint32_t *p = (uint32_t *)(msg->hdr + 1);
	size_t plen = msg->hdr->size - sizeof(*msg->hdr);
	int i;

	for (i = 0; i < msg->nfds; i++)
		logf_("request %u carried a file descriptor (not used)", msg->hdr->command);
	switch (msg->hdr->command) {
	case VU_VERSION: {
		static const char caps[] =
			"{\"capabilities\":{\"max_msg_fds\":16,\"max_data_xfer_size\":1048576}}";
		uint8_t rep[4 + sizeof(caps)] = { 0 }; /* major 0, minor 0, JSON */

		memcpy(rep + 4, caps, sizeof(caps));
		logf_("version: client proposes %u.%u: %.*s", plen >= 4 ? get16((uint8_t *)p) : 0,
		      plen >= 4 ? get16((uint8_t *)p + 2) : 0,
		      plen > 4 ? (int)(plen - 5) : 0, (const char *)p + 4);
		vu_reply(conn, msg, rep, sizeof(rep));
		break;
	}
	case VU_DEVICE_GET_INFO: {
		uint32_t info[4] = { 16, 1u | 2u, NUM_REGIONS, NUM_IRQS }; /* RESET | PCI */

		vu_reply(conn, msg, info, sizeof(info));
		break;
	}
	case VU_DEVICE_GET_REGION_INFO: {
		uint32_t info[8] = { 32 };
		uint64_t size;

		if (plen < 12) {
			vu_reply_error(conn, msg, EINVAL);
			break;
		}
		size = p[2] == REGION_BAR0 ? PTD_BAR0_SIZE : p[2] == REGION_CONFIG ? CFG_SIZE : 0;
		info[1] = size != 0 ? 1u | 2u : 0;  /* READ | WRITE */
		info[2] = p[2];
		memcpy(&info[4], &size, sizeof(size));
		vu_reply(conn, msg, info, sizeof(info));
		break;
	}
	case VU_DEVICE_GET_IRQ_INFO: {
		uint32_t info[4] = { 16, 0, 0, 0 };

		if (plen < 12) {
			vu_reply_error(conn, msg, EINVAL);
			break;
		}
		info[2] = p[2];
		if (p[2] == 0) {       /* INTx: eventfd, maskable, automasked */
			info[1] = 1u | 2u | 4u;
			info[3] = 1;
		} else {
			info[1] = 1u | 8u; /* eventfd, noresize; no vectors */
		}
		vu_reply(conn, msg, info, sizeof(info));
		break;
	}
	case VU_DEVICE_SET_IRQS:
		vu_reply(conn, msg, NULL, 0);
		break;
	case VU_REGION_READ:
		region_rw(d, conn, msg, false);
		break;
	case VU_REGION_WRITE:
		region_rw(d, conn, msg, true);
		break;
	case VU_DMA_MAP:
		if (plen >= 32) {
			uint64_t *q = (uint64_t *)(p + 2);

			d->maps++;
			logf_("DMA_MAP iova 0x%llx size 0x%llx flags 0x%x", (unsigned long long)q[1],
			      (unsigned long long)q[2], p[1]);
		}
		vu_reply(conn, msg, NULL, 0);
		break;
	case VU_DMA_UNMAP:
		if (plen >= 24) {
			uint64_t *q = (uint64_t *)(p + 2);

			d->unmaps++;
			logf_("DMA_UNMAP iova 0x%llx size 0x%llx flags 0x%x",
			      (unsigned long long)q[0], (unsigned long long)q[1], p[1]);
		}
		vu_reply(conn, msg, p, plen);
		break;
	case VU_DEVICE_RESET:
		engine_reset(&d->eng);
		logf_("device reset");
		vu_reply(conn, msg, NULL, 0);
		break;
	default:
		logf_("request %u not supported: ENOSYS", msg->hdr->command);
		vu_reply_error(conn, msg, ENOSYS);
		break;
	}
}

static void
usage(FILE *out, const char *prog)
{
	fprintf(out, "Usage: %s --socket PATH --pasid-width N [--exec] [--priv]\n"
		"A PASID-capable PCIe test device served over vfio-user to one client.\n"
		"  --socket PATH     unix socket to listen on (created, removed on connect)\n"
		"  --pasid-width N   PASID capability's Max PASID Width, 1..20\n"
		"  --exec            Execute Permission Supported\n"
		"  --priv            Privileged Mode Supported\n", prog);
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "socket", required_argument, NULL, 's' },
		{ "pasid-width", required_argument, NULL, 'w' },
		{ "exec", no_argument, NULL, 'x' },
		{ "priv", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct testdev dev;
	const struct vu_stats *st;
	const char *path = NULL;
	char *end;
	long w = -1;
	int c, ret;

	while ((c = getopt_long(argc, argv, "s:w:xph", opts, NULL)) != -1) {
		switch (c) {
		case 's': path = optarg; break;
		case 'w': w = strtol(optarg, &end, 10); if (*end != '\0') w = -1; break;
		case 'x': dev.exec = true; break;
		case 'p': dev.priv = true; break;
		case 'h': usage(stdout, argv[0]); return 0;
		default: usage(stderr, argv[0]); return 2;
		}
	}
	if (path == NULL || w < 1 || w > 20 || optind != argc) {
		usage(stderr, argv[0]);
		return 2;
	}
	dev.width = (unsigned int)w;
	cfg_init(&dev);
	logf_("PASID width %u%s%s, ATS, PRI; listening on %s", dev.width,
	      dev.exec ? ", EXEC" : "", dev.priv ? ", PRIV" : "", path);
	dev.conn = vu_accept(path, handle, &dev);
	if (dev.conn == NULL)
		return 1;
	logf_("client connected");
	ret = vu_serve(dev.conn, engine_run, &dev);
	st = vu_stats(dev.conn);
	logf_("client gone%s: %lu requests, %lu DMA_MAP, %lu DMA_UNMAP, %lu DMA requests "
	      "(%lu refused), %u descriptors done, %llu bytes copied",
	      ret < 0 ? " (broken stream)" : "", st->requests, dev.maps, dev.unmaps,
	      st->dma_requests, st->dma_refused, dev.eng.done,
	      (unsigned long long)dev.eng.bytes);
	vu_close(dev.conn);
	return ret < 0 ? 1 : 0;
}
