/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Handle lifetimes of lib/iommufd without a kernel: rte_iommufd_close()
 * with live IOAS, HWPT, fault queue, device and address space handles,
 * then their release in any order. The library's ioctls reach a fake
 * iommufd (this program's ioctl(), on a /dev/null descriptor) that checks
 * each call arrives on the context's descriptor while it is still the
 * same open file, and that every object is destroyed exactly once. Run
 * under ASan by devtools/robustness.sh (asan step): a handle reading a
 * freed context is a fatal report there.
 */

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iommufd_private.h"
#include "test.h"

/* ---------------------------------------------------------------- */
/* The fake iommufd                                                  */
/* ---------------------------------------------------------------- */

#define FAKE_MAX_OBJS 64

static pthread_mutex_t fake_lock = PTHREAD_MUTEX_INITIALIZER;
static int fake_fd = -1;
static dev_t fake_dev;
static ino_t fake_ino;
static uint32_t fake_next_id;
static bool fake_live[FAKE_MAX_OBJS];
static unsigned int fake_calls;
static unsigned int fake_violations;
static char fake_violation[256];

static void
fake_violate(const char *fmt, ...)
{
	va_list ap;

	fake_violations++;
	va_start(ap, fmt);
	vsnprintf(fake_violation, sizeof(fake_violation), fmt, ap);
	va_end(ap);
}

/* The iommufd "file": /dev/null, identified by its inode. */
static int
fake_open(void)
{
	struct stat st;
	int fd = open("/dev/null", O_RDWR | O_CLOEXEC);

	if (fd < 0 || fstat(fd, &st) < 0)
		return -1;
	pthread_mutex_lock(&fake_lock);
	fake_fd = fd;
	fake_dev = st.st_dev;
	fake_ino = st.st_ino;
	fake_next_id = 1;
	memset(fake_live, 0, sizeof(fake_live));
	fake_calls = 0;
	fake_violations = 0;
	fake_violation[0] = '\0';
	pthread_mutex_unlock(&fake_lock);
	return fd;
}

/* The descriptor is still open on the same file. */
static bool
fake_fd_open(int fd)
{
	struct stat st;

	return fcntl(fd, F_GETFD) >= 0 && fstat(fd, &st) == 0 &&
		st.st_dev == fake_dev && st.st_ino == fake_ino;
}

static unsigned int
fake_live_objects(void)
{
	unsigned int i, n = 0;

	pthread_mutex_lock(&fake_lock);
	for (i = 0; i < FAKE_MAX_OBJS; i++)
		n += fake_live[i];
	pthread_mutex_unlock(&fake_lock);
	return n;
}

static uint32_t
fake_new_object(void)
{
	uint32_t id = fake_next_id++;

	if (id < FAKE_MAX_OBJS)
		fake_live[id] = true;
	return id;
}

/* One iommufd ioctl on the fake: 0 or a negative errno. */
static int
fake_ioctl(int fd, unsigned long request, void *arg)
{
	uint32_t size = *(uint32_t *)arg;

	if (!fake_fd_open(fd)) {
		fake_violate("ioctl 0x%lx on descriptor %d, which is no longer the context's file",
			     request, fd);
		return -EBADF;
	}
	fake_calls++;
	if (size == 0) {
		/* Feature probe: these commands exist, no other. */
		if (request == IFD_IOMMU_IOAS_ALLOC || request == IFD_IOMMU_HWPT_ALLOC ||
		    request == IFD_IOMMU_FAULT_QUEUE_ALLOC)
			return -EINVAL;
		return -ENOTTY;
	}
	if (request == IFD_IOMMU_IOAS_ALLOC) {
		((struct ifd_iommu_ioas_alloc *)arg)->out_ioas_id = fake_new_object();
		return 0;
	}
	if (request == IFD_IOMMU_HWPT_ALLOC) {
		struct ifd_iommu_hwpt_alloc *c = arg;

		if (c->pt_id >= FAKE_MAX_OBJS || !fake_live[c->pt_id])
			return -ENOENT;
		c->out_hwpt_id = fake_new_object();
		return 0;
	}
	if (request == IFD_IOMMU_FAULT_QUEUE_ALLOC) {
		struct ifd_iommu_fault_alloc *c = arg;
		/* Another kind of file: never mistaken for the context's. */
		int qfd = eventfd(0, 0);

		if (qfd < 0)
			return -errno;
		c->out_fault_id = fake_new_object();
		c->out_fault_fd = (uint32_t)qfd;
		return 0;
	}
	if (request == IFD_IOMMU_IOAS_MAP) {
		struct ifd_iommu_ioas_map *c = arg;

		if (c->ioas_id >= FAKE_MAX_OBJS || !fake_live[c->ioas_id])
			return -ENOENT;
		c->iova = 0x100000;
		return 0;
	}
	if (request == IFD_IOMMU_DESTROY) {
		uint32_t id = ((struct ifd_iommu_destroy *)arg)->id;

		if (id >= FAKE_MAX_OBJS || !fake_live[id]) {
			fake_violate("IOMMU_DESTROY of object %u, which does not exist", id);
			return -ENOENT;
		}
		fake_live[id] = false;
		return 0;
	}
	return -ENOTTY;
}

/* The library's ioctls: those on the fake's descriptor number go to the fake. */
int
ioctl(int fd, unsigned long request, ...)
{
	va_list ap;
	void *arg;
	int ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	pthread_mutex_lock(&fake_lock);
	if (fake_fd < 0 || fd != fake_fd) {
		pthread_mutex_unlock(&fake_lock);
		return (int)syscall(SYS_ioctl, fd, request, arg);
	}
	ret = fake_ioctl(fd, request, arg);
	pthread_mutex_unlock(&fake_lock);
	if (ret < 0) {
		errno = -ret;
		return -1;
	}
	return ret;
}

/* A device backend that needs no kernel. */
static unsigned int fake_dev_closes;

static int
fake_dev_attach(struct rte_iommufd_device *dev, uint32_t pasid, uint32_t *pt_id)
{
	(void)dev;
	(void)pasid;
	(void)pt_id;
	return 0;
}

static int
fake_dev_detach(struct rte_iommufd_device *dev, uint32_t pasid)
{
	(void)dev;
	(void)pasid;
	return 0;
}

static void
fake_dev_close(struct rte_iommufd_device *dev)
{
	(void)dev;
	__atomic_add_fetch(&fake_dev_closes, 1, __ATOMIC_RELAXED);
}

static const struct rte_iommufd_device_ops fake_dev_ops = {
	.name = "fake",
	.attach = fake_dev_attach,
	.detach = fake_dev_detach,
	.close = fake_dev_close,
};

/* ---------------------------------------------------------------- */
/* Library messages                                                  */
/* ---------------------------------------------------------------- */

static char info_msg[512];
static unsigned int info_msgs;

static void
capture_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level != RTE_IOMMUFD_LOG_INFO)
		return;
	info_msgs++;
	snprintf(info_msg, sizeof(info_msg), "%s", msg);
}

static int
lifetime_setup(void)
{
	info_msgs = 0;
	info_msg[0] = '\0';
	fake_dev_closes = 0;
	rte_iommufd_log_set_handler(capture_log, NULL);
	rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_INFO);
	return fake_open() >= 0 ? TEST_SUCCESS : TEST_FAILED;
}

static void
lifetime_teardown(void)
{
	int fd;

	pthread_mutex_lock(&fake_lock);
	fd = fake_fd;
	fake_fd = -1;
	pthread_mutex_unlock(&fake_lock);
	/* Only if the test left it open (a failure): never someone else's. */
	if (fd >= 0 && fake_fd_open(fd))
		close(fd);
	rte_iommufd_log_set_handler(NULL, NULL);
	rte_iommufd_log_set_level(RTE_IOMMUFD_LOG_ERR);
}

/* ---------------------------------------------------------------- */
/* Handles of every kind                                             */
/* ---------------------------------------------------------------- */

static char page[4096] __attribute__((aligned(4096)));

enum kind { K_DEVICE, K_SPACE, K_FAULT, K_HWPT, K_IOAS, K_COUNT };

static const char *const kind_names[K_COUNT] = {
	"device", "address space", "fault queue", "HWPT", "IOAS",
};

struct handles {
	struct rte_iommufd_ioas *ioas;
	struct rte_iommufd_hwpt *hwpt;
	struct rte_iommufd_fault *fault;
	struct rte_iommufd_device *dev;
	struct rte_iommufd_space *space;
};

static int
alloc_all(struct rte_iommufd *ctx, struct handles *h)
{
	int ret;

	memset(h, 0, sizeof(*h));
	ret = rte_iommufd_ioas_alloc(ctx, &h->ioas);
	if (ret == 0)
		ret = rte_iommufd_device_create(ctx, "fake0", 7, &fake_dev_ops, NULL, &h->dev);
	if (ret == 0)
		ret = rte_iommufd_hwpt_alloc(h->dev, rte_iommufd_ioas_id(h->ioas), 0, &h->hwpt);
	if (ret == 0)
		ret = rte_iommufd_fault_alloc(ctx, &h->fault);
	if (ret == 0)
		ret = rte_iommufd_space_create(ctx, NULL, NULL, &h->space);
	return ret;
}

/* Release the handle of @k; 0 or the negative errno of its release. */
static int
release(struct handles *h, enum kind k)
{
	int ret = 0;

	switch (k) {
	case K_DEVICE:
		rte_iommufd_device_close(h->dev);
		h->dev = NULL;
		break;
	case K_SPACE:
		ret = rte_iommufd_space_free(h->space);
		h->space = NULL;
		break;
	case K_FAULT:
		ret = rte_iommufd_fault_free(h->fault);
		h->fault = NULL;
		break;
	case K_HWPT:
		ret = rte_iommufd_hwpt_free(h->hwpt);
		h->hwpt = NULL;
		break;
	case K_IOAS:
		ret = rte_iommufd_ioas_free(h->ioas);
		h->ioas = NULL;
		break;
	default:
		break;
	}
	return ret;
}

/* ---------------------------------------------------------------- */
/* Cases                                                             */
/* ---------------------------------------------------------------- */

/*
 * Close with a handle of every kind alive (two IOASes: the space owns
 * one), then release them: for each kind, that kind is released last and
 * holds the descriptor open until then.
 */
static int
close_then_release_each_last(void)
{
	enum kind last, k;

	for (last = 0; last < K_COUNT; last++) {
		struct rte_iommufd *ctx;
		struct handles h;
		uint64_t iova = 0;
		int fd = last == 0 ? fake_fd : fake_open();

		TEST_ASSERT(fd >= 0, "open /dev/null");
		TEST_ASSERT_SUCCESS(rte_iommufd_from_fd(fd, true, &ctx), "context on the fake");
		TEST_ASSERT_SUCCESS(alloc_all(ctx, &h), "%s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(fake_live_objects(), 4, "2 IOASes, 1 HWPT, 1 fault queue");

		info_msgs = 0;
		rte_iommufd_close(ctx);
		TEST_ASSERT(fake_fd_open(fd), "close with live handles closed the descriptor");
		TEST_ASSERT_EQUAL(info_msgs, 1, "one message names what is still open");
		TEST_ASSERT_CONTAINS(info_msg, "2 IOASes, 1 HWPT, 1 fault queue, 1 device, 1 address space");
		TEST_ASSERT_CONTAINS(info_msg, "still allocated");

		/* The handles stay usable after the close. */
		TEST_ASSERT_SUCCESS(rte_iommufd_ioas_map(h.ioas, page, sizeof(page), &iova,
							 RTE_IOMMUFD_MAP_RW),
				    "map after close: %s", rte_iommufd_last_error());
		TEST_ASSERT_EQUAL(iova, 0x100000, "the fake's IOVA");

		for (k = 0; k < K_COUNT; k++) {
			if (k == last)
				continue;
			TEST_ASSERT_SUCCESS(release(&h, k), "release %s after close: %s",
					    kind_names[k], rte_iommufd_last_error());
			TEST_ASSERT(fake_fd_open(fd), "descriptor closed while the %s (released last) is alive",
				    kind_names[last]);
		}
		TEST_ASSERT_SUCCESS(release(&h, last), "release %s last: %s", kind_names[last],
				    rte_iommufd_last_error());
		TEST_ASSERT(!fake_fd_open(fd), "descriptor still open after the last handle (%s)",
			    kind_names[last]);
		TEST_ASSERT_EQUAL(fake_violations, 0, "%s", fake_violation);
		TEST_ASSERT_EQUAL(fake_live_objects(), 0, "every object destroyed");
		TEST_ASSERT_EQUAL(fake_dev_closes, 1 + last, "the device backend closed once");
	}
	return TEST_SUCCESS;
}

/* The usual order (handles first) closes the descriptor at the close, quietly. */
static int
release_then_close(void)
{
	struct rte_iommufd *ctx;
	struct handles h;
	int fd = fake_fd;
	enum kind k;

	TEST_ASSERT_SUCCESS(rte_iommufd_from_fd(fd, true, &ctx), "context on the fake");
	TEST_ASSERT_SUCCESS(alloc_all(ctx, &h), "%s", rte_iommufd_last_error());
	for (k = 0; k < K_COUNT; k++)
		TEST_ASSERT_SUCCESS(release(&h, k), "release %s: %s", kind_names[k],
				    rte_iommufd_last_error());
	TEST_ASSERT(fake_fd_open(fd), "descriptor closed before rte_iommufd_close()");
	rte_iommufd_close(ctx);
	TEST_ASSERT(!fake_fd_open(fd), "descriptor open after rte_iommufd_close()");
	TEST_ASSERT_EQUAL(info_msgs, 0, "no message when nothing is left: \"%s\"", info_msg);
	TEST_ASSERT_EQUAL(fake_violations, 0, "%s", fake_violation);
	TEST_ASSERT_EQUAL(fake_live_objects(), 0, "every object destroyed");
	return TEST_SUCCESS;
}

/* A borrowed descriptor is never closed, however the context ends. */
static int
borrowed_fd_stays_open(void)
{
	struct rte_iommufd *ctx;
	struct handles h;
	int fd = fake_fd;
	enum kind k;

	TEST_ASSERT_SUCCESS(rte_iommufd_from_fd(fd, false, &ctx), "context on the fake");
	TEST_ASSERT_SUCCESS(alloc_all(ctx, &h), "%s", rte_iommufd_last_error());
	rte_iommufd_close(ctx);
	for (k = 0; k < K_COUNT; k++)
		TEST_ASSERT_SUCCESS(release(&h, k), "release %s after close: %s", kind_names[k],
				    rte_iommufd_last_error());
	TEST_ASSERT(fake_fd_open(fd), "the caller's descriptor was closed");
	TEST_ASSERT_EQUAL(fake_violations, 0, "%s", fake_violation);
	TEST_ASSERT_EQUAL(fake_live_objects(), 0, "every object destroyed");
	close(fd);
	return TEST_SUCCESS;
}

/* A refused release keeps its reference: the descriptor outlives it. */
static int
refused_release_keeps_context(void)
{
	struct rte_iommufd_hwpt_params params = { 0 };
	struct rte_iommufd_hwpt *hwpt;
	struct rte_iommufd *ctx;
	struct handles h;
	int fd = fake_fd;
	enum kind k;

	TEST_ASSERT_SUCCESS(rte_iommufd_from_fd(fd, true, &ctx), "context on the fake");
	TEST_ASSERT_SUCCESS(alloc_all(ctx, &h), "%s", rte_iommufd_last_error());
	params.fault = h.fault;
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_alloc_ex(h.dev, rte_iommufd_ioas_id(h.ioas),
						      &params, &hwpt),
			    "%s", rte_iommufd_last_error());
	rte_iommufd_close(ctx);
	/* The library refuses: a HWPT still delivers faults to the queue. */
	TEST_ASSERT_EQUAL(rte_iommufd_fault_free(h.fault), -EBUSY, "fault queue in use");
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "free the HWPT first");
	for (k = 0; k < K_COUNT; k++)
		if (k != K_FAULT)
			TEST_ASSERT_SUCCESS(release(&h, k), "release %s: %s", kind_names[k],
					    rte_iommufd_last_error());
	TEST_ASSERT_SUCCESS(rte_iommufd_hwpt_free(hwpt), "%s", rte_iommufd_last_error());
	TEST_ASSERT(fake_fd_open(fd), "descriptor closed while the fault queue is alive");
	TEST_ASSERT_SUCCESS(rte_iommufd_fault_free(h.fault), "%s", rte_iommufd_last_error());
	TEST_ASSERT(!fake_fd_open(fd), "descriptor open after the last handle");
	TEST_ASSERT_EQUAL(fake_violations, 0, "%s", fake_violation);
	TEST_ASSERT_EQUAL(fake_live_objects(), 0, "every object destroyed");
	return TEST_SUCCESS;
}

/* Handles released by several threads at once, after the close. */
#define NB_THREADS 8

static void *
release_thread(void *arg)
{
	intptr_t ret = rte_iommufd_ioas_free(arg);

	return (void *)ret;
}

static int
concurrent_release_threads(void)
{
	struct rte_iommufd_ioas *ioas[NB_THREADS];
	pthread_t tid[NB_THREADS];
	struct rte_iommufd *ctx;
	int fd = fake_fd, round, i;

	for (round = 0; round < 50; round++) {
		if (round > 0) {
			fd = fake_open();
			TEST_ASSERT(fd >= 0, "open /dev/null");
		}
		TEST_ASSERT_SUCCESS(rte_iommufd_from_fd(fd, true, &ctx), "context on the fake");
		for (i = 0; i < NB_THREADS; i++)
			TEST_ASSERT_SUCCESS(rte_iommufd_ioas_alloc(ctx, &ioas[i]), "%s",
					    rte_iommufd_last_error());
		/* The close races with the releases in odd rounds. */
		if (round % 2 == 0)
			rte_iommufd_close(ctx);
		for (i = 0; i < NB_THREADS; i++)
			TEST_ASSERT_SUCCESS(pthread_create(&tid[i], NULL, release_thread, ioas[i]),
					    "thread %d", i);
		if (round % 2 == 1)
			rte_iommufd_close(ctx);
		for (i = 0; i < NB_THREADS; i++) {
			void *ret;

			TEST_ASSERT_SUCCESS(pthread_join(tid[i], &ret), "join %d", i);
			TEST_ASSERT_EQUAL((intptr_t)ret, 0, "IOAS release in thread %d", i);
		}
		TEST_ASSERT(!fake_fd_open(fd), "round %d: descriptor open after the last handle",
			    round);
		TEST_ASSERT_EQUAL(fake_violations, 0, "round %d: %s", round, fake_violation);
		TEST_ASSERT_EQUAL(fake_live_objects(), 0, "round %d: every IOAS destroyed", round);
	}
	return TEST_SUCCESS;
}

static const struct test_case cases[] = {
	TEST_CASE_ST(lifetime_setup, lifetime_teardown, close_then_release_each_last),
	TEST_CASE_ST(lifetime_setup, lifetime_teardown, release_then_close),
	TEST_CASE_ST(lifetime_setup, lifetime_teardown, borrowed_fd_stays_open),
	TEST_CASE_ST(lifetime_setup, lifetime_teardown, refused_release_keeps_context),
	TEST_CASE_ST(lifetime_setup, lifetime_teardown, concurrent_release_threads),
	TEST_CASES_END(),
};

int
main(void)
{
	return test_run("iommufd handle lifetimes", cases);
}
