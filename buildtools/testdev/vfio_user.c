/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * vfio-user server framing (see vfio_user.h). One client, one socket, no
 * twin socket: the server's DMA requests and their replies share the
 * stream with the client's requests, so while waiting for a DMA reply the
 * server keeps answering requests (QEMU's vCPU may be waiting for a
 * REGION_READ reply while holding the lock its DMA handler needs).
 */

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* accept4 */
#endif

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "vfio_user.h"

struct vu_conn {
	int fd;
	uint16_t next_id;
	vu_request_fn fn;
	void *arg;
	struct vu_stats stats;
};

static int
write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = send(fd, p, len, MSG_NOSIGNAL);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static int
read_all(int fd, void *buf, size_t len)
{
	uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = read(fd, p, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -EPIPE;
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
close_fds(struct vu_msg *msg)
{
	int i;

	for (i = 0; i < msg->nfds; i++)
		close(msg->fds[i]);
	msg->nfds = 0;
}

/* Receive one whole message. 0 on success, 1 on a clean disconnect before
 * a header, -1 on a broken stream. */
static int
recv_msg(struct vu_conn *conn, struct vu_msg *msg)
{
	union {
		struct cmsghdr align;
		char buf[CMSG_SPACE(sizeof(int) * VU_MAX_FDS)];
	} cbuf;
	struct vu_hdr hdr;
	struct iovec iov = { .iov_base = &hdr, .iov_len = sizeof(hdr) };
	struct msghdr mh = {
		.msg_iov = &iov, .msg_iovlen = 1,
		.msg_control = cbuf.buf, .msg_controllen = sizeof(cbuf.buf),
	};
	struct cmsghdr *c;
	ssize_t n;

	memset(msg, 0, sizeof(*msg));
	do {
		n = recvmsg(conn->fd, &mh, MSG_CMSG_CLOEXEC | MSG_WAITALL);
	} while (n < 0 && errno == EINTR);
	if (n == 0)
		return 1;
	if (n != (ssize_t)sizeof(hdr)) {
		fprintf(stderr, "vfio-user: short header (%zd bytes)\n", n);
		return -1;
	}
	for (c = CMSG_FIRSTHDR(&mh); c != NULL; c = CMSG_NXTHDR(&mh, c)) {
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS) {
			int k = (int)((c->cmsg_len - CMSG_LEN(0)) / sizeof(int));

			memcpy(msg->fds, CMSG_DATA(c), sizeof(int) * (size_t)k);
			msg->nfds = k;
		}
	}
	if (hdr.size < sizeof(hdr) || hdr.size > VU_MAX_MSG) {
		fprintf(stderr, "vfio-user: bad message size %u\n", hdr.size);
		close_fds(msg);
		return -1;
	}
	msg->hdr = malloc(hdr.size);
	if (msg->hdr == NULL) {
		close_fds(msg);
		return -1;
	}
	*msg->hdr = hdr;
	if (read_all(conn->fd, msg->hdr + 1, hdr.size - sizeof(hdr)) < 0) {
		fprintf(stderr, "vfio-user: short message (command %u)\n", hdr.command);
		free(msg->hdr);
		close_fds(msg);
		return -1;
	}
	return 0;
}

static void
free_msg(struct vu_msg *msg)
{
	close_fds(msg);
	free(msg->hdr);
	msg->hdr = NULL;
}

int
vu_reply(struct vu_conn *conn, const struct vu_msg *msg, const void *payload, size_t len)
{
	struct vu_hdr h = *msg->hdr;
	struct iovec iov[2] = {
		{ .iov_base = &h, .iov_len = sizeof(h) },
		{ .iov_base = (void *)(uintptr_t)payload, .iov_len = len },
	};
	struct msghdr mh = { .msg_iov = iov, .msg_iovlen = len > 0 ? 2 : 1 };

	if (msg->hdr->flags & VU_NO_REPLY)
		return 0;
	h.size = (uint32_t)(sizeof(h) + len);
	h.flags = VU_TYPE_REPLY;
	h.error = 0;
	if (sendmsg(conn->fd, &mh, MSG_NOSIGNAL) != (ssize_t)h.size)
		return -EPIPE;
	return 0;
}

int
vu_reply_error(struct vu_conn *conn, const struct vu_msg *msg, int err)
{
	struct vu_hdr h = *msg->hdr;

	if (msg->hdr->flags & VU_NO_REPLY)
		return 0;
	h.size = sizeof(h);
	h.flags = VU_TYPE_REPLY | VU_ERROR;
	h.error = (uint32_t)err;
	return write_all(conn->fd, &h, sizeof(h));
}

static void
dispatch(struct vu_conn *conn, struct vu_msg *msg)
{
	conn->stats.requests++;
	conn->fn(conn, msg, conn->arg);
	free_msg(msg);
}

/* Send a request and wait for its reply, answering the client's requests
 * meanwhile. Returns the reply (caller frees) or NULL with *err set. */
static struct vu_hdr *
request(struct vu_conn *conn, struct vu_hdr *req, int *err)
{
	uint16_t id = conn->next_id++;
	struct vu_msg msg;

	req->id = id;
	req->flags = VU_TYPE_REQUEST;
	req->error = 0;
	if (write_all(conn->fd, req, req->size) < 0) {
		*err = EPIPE;
		return NULL;
	}
	for (;;) {
		if (recv_msg(conn, &msg) != 0) {
			*err = EPIPE;
			return NULL;
		}
		if ((msg.hdr->flags & VU_TYPE_MASK) == VU_TYPE_REQUEST) {
			dispatch(conn, &msg);
			continue;
		}
		if (msg.hdr->id != id || msg.hdr->command != req->command) {
			fprintf(stderr, "vfio-user: unexpected reply id %u command %u\n",
				msg.hdr->id, msg.hdr->command);
			free_msg(&msg);
			continue;
		}
		close_fds(&msg);
		if (msg.hdr->flags & VU_ERROR) {
			*err = msg.hdr->error != 0 ? (int)msg.hdr->error : EIO;
			free(msg.hdr);
			return NULL;
		}
		return msg.hdr;
	}
}

static int
dma_chunk(struct vu_conn *conn, int cmd, uint64_t iova, void *buf, uint32_t len)
{
	size_t size = VU_DMA_RW_SIZE + (cmd == VU_DMA_WRITE ? len : 0);
	struct vu_dma_rw *req = calloc(1, size);
	struct vu_hdr *rep;
	int err = 0;

	if (req == NULL)
		return -ENOMEM;
	req->hdr.command = (uint16_t)cmd;
	req->hdr.size = (uint32_t)size;
	req->offset = iova;
	req->count = len;
	if (cmd == VU_DMA_WRITE)
		memcpy((uint8_t *)req + VU_DMA_RW_DATA, buf, len);
	conn->stats.dma_requests++;
	rep = request(conn, &req->hdr, &err);
	free(req);
	if (rep == NULL) {
		if (err != EPIPE)
			conn->stats.dma_refused++;
		return -err;
	}
	if (cmd == VU_DMA_READ) {
		const struct vu_dma_rw *r = (const struct vu_dma_rw *)rep;

		if (rep->size < VU_DMA_RW_DATA + len || r->count != len) {
			free(rep);
			return -EIO;
		}
		memcpy(buf, (const uint8_t *)rep + VU_DMA_RW_DATA, len);
	}
	free(rep);
	return 0;
}

static int
dma(struct vu_conn *conn, int cmd, uint64_t iova, void *buf, size_t len)
{
	const uint32_t chunk = 64u << 10;

	while (len > 0) {
		uint32_t n = len < chunk ? (uint32_t)len : chunk;
		int ret = dma_chunk(conn, cmd, iova, buf, n);

		if (ret < 0)
			return ret;
		iova += n;
		buf = (uint8_t *)buf + n;
		len -= n;
	}
	return 0;
}

int
vu_dma_read(struct vu_conn *conn, uint64_t iova, void *buf, size_t len)
{
	return dma(conn, VU_DMA_READ, iova, buf, len);
}

int
vu_dma_write(struct vu_conn *conn, uint64_t iova, const void *buf, size_t len)
{
	return dma(conn, VU_DMA_WRITE, iova, (void *)(uintptr_t)buf, len);
}

struct vu_conn *
vu_accept(const char *path, vu_request_fn fn, void *arg)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char tmp[sizeof(sa.sun_path)];
	struct vu_conn *conn;
	int lfd, fd;

	if (snprintf(tmp, sizeof(tmp), "%s.tmp", path) >= (int)sizeof(tmp)) {
		fprintf(stderr, "vfio-user: socket path too long: %s\n", path);
		return NULL;
	}
	lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lfd < 0) {
		perror("vfio-user: socket");
		return NULL;
	}
	unlink(tmp);
	memcpy(sa.sun_path, tmp, strlen(tmp) + 1);
	if (bind(lfd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(lfd, 1) < 0 ||
	    rename(tmp, path) < 0) {
		fprintf(stderr, "vfio-user: listen on %s: %s\n", path, strerror(errno));
		close(lfd);
		return NULL;
	}
	do {
		fd = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
	} while (fd < 0 && errno == EINTR);
	close(lfd);
	unlink(path);
	if (fd < 0) {
		perror("vfio-user: accept");
		return NULL;
	}
	conn = calloc(1, sizeof(*conn));
	if (conn == NULL) {
		close(fd);
		return NULL;
	}
	conn->fd = fd;
	conn->fn = fn;
	conn->arg = arg;
	return conn;
}

int
vu_serve(struct vu_conn *conn, void (*idle)(void *arg), void *arg)
{
	struct vu_msg msg;
	int ret;

	for (;;) {
		ret = recv_msg(conn, &msg);
		if (ret == 1)
			return 0;
		if (ret < 0)
			return -1;
		if ((msg.hdr->flags & VU_TYPE_MASK) != VU_TYPE_REQUEST) {
			fprintf(stderr, "vfio-user: stray reply id %u\n", msg.hdr->id);
			free_msg(&msg);
			continue;
		}
		dispatch(conn, &msg);
		if (idle != NULL)
			idle(arg);
	}
}

void
vu_close(struct vu_conn *conn)
{
	if (conn == NULL)
		return;
	close(conn->fd);
	free(conn);
}

const struct vu_stats *
vu_stats(const struct vu_conn *conn)
{
	return &conn->stats;
}
