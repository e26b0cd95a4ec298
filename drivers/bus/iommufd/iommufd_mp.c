/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Multi-process: a secondary process shares the primary's iommufd (and so
 * its IOAS and DPDK's memory mappings) and receives the primary's VFIO
 * device descriptors, already bound and attached. The action has its own
 * name: EAL registers "eal_vfio_mp_sync" itself in the primary.
 *
 * Both processes must load this library: a secondary without it would ask
 * EAL's action for a type1 container.
 */

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <rte_interrupts.h>

#include <rte_eal.h>
#include <rte_errno.h>
#include <rte_string_fns.h>

#include "bus_iommufd_private.h"
#include "iommufd_mp.h"

/*
 * The primary watches each secondary that took the iommufd through a
 * pidfd in EAL's interrupt thread: when it ends, the PASIDs it still held
 * in the shared namespace are freed at once.
 */
struct peer_watch {
	struct rte_intr_handle *ih;
	pid_t pid;
};

/* EAL passes its own copy of the handle, which it frees itself. */
static void
peer_free(struct rte_intr_handle *ih, void *arg)
{
	struct peer_watch *w = arg;

	RTE_SET_USED(ih);
	close(rte_intr_fd_get(w->ih));
	rte_intr_instance_free(w->ih);
	free(w);
}

static void
peer_gone(void *arg)
{
	struct peer_watch *w = arg;

	IFB_LOG(DEBUG, "secondary process %d ended", (int)w->pid);
	ifb_pasid_reclaim();
	rte_intr_callback_unregister_pending(w->ih, peer_gone, w, peer_free);
}

static void
peer_watch(pid_t pid)
{
	struct peer_watch *w;
	int fd;

	if (pid <= 0)
		return;
	fd = (int)syscall(SYS_pidfd_open, pid, 0);
	w = calloc(1, sizeof(*w));
	if (fd >= 0 && w != NULL)
		w->ih = rte_intr_instance_alloc(RTE_INTR_INSTANCE_F_PRIVATE);
	if (fd < 0 || w == NULL || w->ih == NULL ||
	    rte_intr_fd_set(w->ih, fd) != 0 || rte_intr_type_set(w->ih, RTE_INTR_HANDLE_EXT) != 0 ||
	    rte_intr_callback_register(w->ih, peer_gone, w) != 0) {
		IFB_LOG(WARNING, "cannot watch secondary process %d (%s): its PASIDs are freed only when another process allocates",
			(int)pid, fd < 0 ? strerror(errno) : "EAL interrupt thread");
		if (w != NULL)
			rte_intr_instance_free(w->ih);
		free(w);
		if (fd >= 0)
			close(fd);
		return;
	}
	w->pid = pid;
}

static int
mp_primary(const struct rte_mp_msg *msg, const void *peer)
{
	const struct ifb_mp_param *req = (const void *)msg->param;
	struct rte_mp_msg reply;
	struct ifb_mp_param *r = (void *)reply.param;
	struct ifb_device *idev;

	memset(&reply, 0, sizeof(reply));
	rte_strlcpy(reply.name, IFB_MP_ACTION, sizeof(reply.name));
	reply.len_param = sizeof(*r);
	if (msg->len_param != sizeof(*req)) {
		r->result = -EINVAL;
		return rte_mp_reply(&reply, peer);
	}
	r->req = req->req;
	pthread_mutex_lock(&ifb.lock);
	switch (req->req) {
	case IFB_MP_REQ_MODE:
		r->result = ifb.mode == IFB_MODE_IOMMUFD && ifb.enabled;
		break;
	case IFB_MP_REQ_IOMMUFD:
		if (!ifb.enabled || ifb.ctx == NULL) {
			r->result = -ENODEV;
			break;
		}
		reply.fds[0] = rte_iommufd_fd(ifb.ctx);
		reply.num_fds = 1;
		r->ioas_id = ifb.conts[0].ioas_id;
		peer_watch(req->pid);
		break;
	case IFB_MP_REQ_MAPPED:
		if (!ifb.enabled || req->len == 0) {
			r->result = -ENODEV;
			break;
		}
		r->mapped = ifb_mapped_as(&ifb.conts[0], req->va, req->iova, req->len,
					  r->name, sizeof(r->name));
		break;
	case IFB_MP_REQ_DEVICE:
		idev = ifb_device_find(req->name);
		if (idev == NULL) {
			r->result = -ENOENT;
			break;
		}
		reply.fds[0] = idev->fd;
		reply.num_fds = 1;
		break;
	default:
		r->result = -EINVAL;
		break;
	}
	pthread_mutex_unlock(&ifb.lock);
	return rte_mp_reply(&reply, peer);
}

int
ifb_mp_primary_init(void)
{
	if (rte_mp_action_register(IFB_MP_ACTION, mp_primary) < 0 && rte_errno != EEXIST) {
		/* ENOTSUP: --in-memory or no shared config; no secondaries then. */
		if (rte_errno == ENOTSUP)
			return 0;
		IFB_LOG(ERR, "cannot register the multi-process action %s: %s", IFB_MP_ACTION,
			rte_strerror(rte_errno));
		return -rte_errno;
	}
	return 0;
}

/* Close the descriptors a reply carried, but the one at @keep. */
static void
reply_fds_close(const struct rte_mp_msg *m, int keep)
{
	int i;

	for (i = 0; i < m->num_fds && i < RTE_MP_MAX_FD_NUM; i++)
		if (i != keep && m->fds[i] >= 0)
			close(m->fds[i]);
}

/*
 * One request to the primary. With @fd, the reply must carry exactly one
 * descriptor, returned in *@fd; every other descriptor received, on every
 * path, is closed.
 */
static int
mp_request(struct ifb_mp_param *p, int *fd, int timeout_s)
{
	struct timespec ts = { .tv_sec = timeout_s, .tv_nsec = 0 };
	struct rte_mp_reply reply = { 0 };
	struct rte_mp_msg req;
	const struct rte_mp_msg *m;
	int i, keep = -1, ret = 0;

	memset(&req, 0, sizeof(req));
	rte_strlcpy(req.name, IFB_MP_ACTION, sizeof(req.name));
	req.len_param = sizeof(*p);
	memcpy(req.param, p, sizeof(*p));
	if (rte_mp_request_sync(&req, &reply, &ts) < 0 || reply.nb_received != 1) {
		ret = -ENOTCONN;
		goto out;
	}
	m = &reply.msgs[0];
	if (m->len_param != sizeof(*p)) {
		ret = -EPROTO;
		goto out;
	}
	memcpy(p, m->param, sizeof(*p));
	if (p->result < 0) {
		ret = p->result;
		goto out;
	}
	if (fd != NULL) {
		if (m->num_fds != 1 || m->fds[0] < 0) {
			ret = -EPROTO;
			goto out;
		}
		keep = 0;
		*fd = m->fds[0];
	}
out:
	for (i = 0; i < reply.nb_received && reply.msgs != NULL; i++)
		reply_fds_close(&reply.msgs[i], i == 0 ? keep : -1);
	free(reply.msgs);
	if (ret == -EPROTO)
		IFB_LOG(ERR, "malformed reply of the primary process to request %d (%s): is it running the same adapter build?",
			p->req, IFB_MP_ACTION);
	return ret;
}

int
ifb_mp_query_mode(void)
{
	struct ifb_mp_param p = { .req = IFB_MP_REQ_MODE };
	int ret = mp_request(&p, NULL, 2);

	return ret < 0 ? ret : p.result;
}

int
ifb_mp_get_iommufd(int *fd, uint32_t *ioas_id)
{
	struct ifb_mp_param p = { .req = IFB_MP_REQ_IOMMUFD, .pid = getpid() };
	int ret = mp_request(&p, fd, 5);

	if (ret == 0)
		*ioas_id = p.ioas_id;
	return ret;
}

int
ifb_mp_get_device(const char *name, int *fd)
{
	struct ifb_mp_param p = { .req = IFB_MP_REQ_DEVICE };

	rte_strlcpy(p.name, name, sizeof(p.name));
	return mp_request(&p, fd, 5);
}

int
ifb_mp_mapped(uint64_t va, uint64_t iova, uint64_t len, char *desc, size_t size)
{
	struct ifb_mp_param p = { .req = IFB_MP_REQ_MAPPED, .va = va, .iova = iova, .len = len };
	int ret = mp_request(&p, NULL, 5);

	if (ret < 0)
		return ret;
	p.name[sizeof(p.name) - 1] = '\0';
	snprintf(desc, size, "%s (mapped by the primary process)", p.name);
	return p.mapped < 0 ? -1 : p.mapped > 0;
}
