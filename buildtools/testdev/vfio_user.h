/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The server side of the vfio-user protocol subset a PCI device model
 * needs with QEMU's vfio-user-pci client (protocol version 0.0, QEMU 11.1):
 * framing, requests from the client, and the server's own DMA_READ and
 * DMA_WRITE requests. Layouts as in docs/interop/vfio-user.rst: DMA_READ
 * and DMA_WRITE carry a 64-bit address and a 64-bit count, the data at
 * byte 32 of the message (QEMU 11.1's replies put it there: measured; the
 * 32-bit count of older QEMU struct definitions reads the same low word).
 */

#ifndef _VFIO_USER_H_
#define _VFIO_USER_H_

#include <stddef.h>
#include <stdint.h>

enum vu_command {
	VU_VERSION = 1,
	VU_DMA_MAP = 2,
	VU_DMA_UNMAP = 3,
	VU_DEVICE_GET_INFO = 4,
	VU_DEVICE_GET_REGION_INFO = 5,
	VU_DEVICE_GET_REGION_IO_FDS = 6,
	VU_DEVICE_GET_IRQ_INFO = 7,
	VU_DEVICE_SET_IRQS = 8,
	VU_REGION_READ = 9,
	VU_REGION_WRITE = 10,
	VU_DMA_READ = 11,
	VU_DMA_WRITE = 12,
	VU_DEVICE_RESET = 13,
};

#define VU_TYPE_MASK 0xfu
#define VU_TYPE_REQUEST 0x0u
#define VU_TYPE_REPLY 0x1u
#define VU_NO_REPLY 0x10u
#define VU_ERROR 0x20u

struct vu_hdr {
	uint16_t id;
	uint16_t command;
	uint32_t size;      /* whole message, header included */
	uint32_t flags;
	uint32_t error;     /* errno of an error reply */
};

/* REGION_READ / REGION_WRITE payload. */
struct vu_region_rw {
	uint64_t offset;
	uint32_t region;
	uint32_t count;
	uint8_t data[];
};

/* DMA_READ / DMA_WRITE: the header, address, count, then the data. */
struct vu_dma_rw {
	struct vu_hdr hdr;
	uint64_t offset;    /* IOVA */
	uint64_t count;
	uint8_t data[];
};
#define VU_DMA_RW_SIZE 32u
#define VU_DMA_RW_DATA 32u

#define VU_MAX_FDS 16
#define VU_MAX_XFER (1u << 20)
#define VU_MAX_MSG (VU_MAX_XFER + 64u)

/* One received message: the whole buffer and the descriptors it carried. */
struct vu_msg {
	struct vu_hdr *hdr;      /* malloc'd, hdr->size bytes */
	int fds[VU_MAX_FDS];
	int nfds;
};

struct vu_conn;

/* Called for every request from the client, also while the server waits
 * for the reply to one of its own DMA requests. It must answer with
 * vu_reply() or vu_reply_error() unless the request has VU_NO_REPLY, and
 * must not start DMA itself. */
typedef void (*vu_request_fn)(struct vu_conn *conn, struct vu_msg *msg, void *arg);

struct vu_stats {
	unsigned long requests;
	unsigned long dma_requests;
	unsigned long dma_refused;
};

/*
 * Listen on the unix socket @path (created under a temporary name and
 * renamed when listening, so that a client never finds a socket that
 * refuses it), accept one client, and return the connection.
 * NULL on error, with a message on stderr.
 */
struct vu_conn *vu_accept(const char *path, vu_request_fn fn, void *arg);

/* Serve requests until the client disconnects (returns 0) or the stream
 * breaks (returns -1). After each request, @idle (if not NULL) runs: the
 * place where a device may issue DMA. */
int vu_serve(struct vu_conn *conn, void (*idle)(void *arg), void *arg);

void vu_close(struct vu_conn *conn);

/* Answer @msg with its header (reply type) followed by @len bytes. */
int vu_reply(struct vu_conn *conn, const struct vu_msg *msg, const void *payload, size_t len);

/* Answer @msg with an error reply carrying errno @err. */
int vu_reply_error(struct vu_conn *conn, const struct vu_msg *msg, int err);

/* Read @len bytes at @iova through the client: 0, or -errno as the client
 * answered (QEMU: EFAULT, ENODEV, EPERM for a translation failure), or
 * -EPIPE if the connection broke. */
int vu_dma_read(struct vu_conn *conn, uint64_t iova, void *buf, size_t len);

/* Write @len bytes at @iova through the client, same results. */
int vu_dma_write(struct vu_conn *conn, uint64_t iova, const void *buf, size_t len);

const struct vu_stats *vu_stats(const struct vu_conn *conn);

#endif /* _VFIO_USER_H_ */
