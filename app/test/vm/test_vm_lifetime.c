/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Handle lifetimes of lib/iommufd against the real kernel: the context is
 * closed while IOAS, HWPT, fault queue, device (a mock IOMMU device,
 * CONFIG_IOMMUFD_TEST) and address space handles are alive; they keep
 * working, each release destroys its kernel object (checked: a second
 * IOMMU_DESTROY of its id answers ENOENT), and the iommufd descriptor is
 * closed by the last release, not before. Runs as root inside the test VM;
 * devtools/robustness.sh (asan step) also runs it built with ASan there.
 *
 * Usage: test_vm_lifetime
 */

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include "iommufd_test_uapi.h"
#include "iommufd_uapi.h"
#include "rte_iommufd.h"
#include "mock_dev.h"
#include "test.h"

/* @expr succeeds; else print the library's message. */
#define OK(expr) TEST_ASSERT_SUCCESS(expr, "%s", rte_iommufd_last_error())

#define BUF_LEN (2 * 4096)

/* The descriptor is open. */
static bool
fd_open(int fd)
{
	return fcntl(fd, F_GETFD) >= 0;
}

/* The descriptor is closed (nothing else opens files in this program). */
static bool
fd_closed(int fd)
{
	return fcntl(fd, F_GETFD) < 0 && errno == EBADF;
}

/* IOMMU_DESTROY of @id behind the library's back: 0 or a negative errno.
 * Used on released ids only: ENOENT proves the release destroyed it. */
static int
raw_destroy(int fd, uint32_t id)
{
	return mock_destroy_id(fd, id);
}

/* A context on /dev/iommu with the mock IOMMU and fault queues. */
static int
open_ctx(struct rte_iommufd **ctxp)
{
	OK(rte_iommufd_open(ctxp));
	TEST_ASSERT(mock_iommu_present(rte_iommufd_fd(*ctxp)) &&
		    (rte_iommufd_features(*ctxp) & RTE_IOMMUFD_FEAT_FAULT_QUEUE),
		    "the guest kernel has the mock IOMMU (CONFIG_IOMMUFD_TEST) and fault queues");
	return TEST_SUCCESS;
}

/* A mock device attached to @pt_id whose RID "detach" moves it to an empty IOAS. */
static int
mock_device(struct rte_iommufd *ctx, uint32_t pt_id, struct mock_dev **mp,
	    struct rte_iommufd_device **dp)
{
	TEST_ASSERT_SUCCESS(mock_device_create(ctx, "mock0", pt_id, 0, true, mp, dp), "mock device");
	return TEST_SUCCESS;
}

/*
 * Every kind alive at the close; each keeps working with the kernel
 * afterwards, then the releases (in the kernel's order) destroy their
 * objects and the last one (the address space) closes the descriptor.
 */
static int
close_with_every_handle_alive(void)
{
	struct rte_iommufd_fault_record rec[1];
	struct rte_iommufd_device *dev;
	struct rte_iommufd_space *space;
	struct rte_iommufd_fault *fault;
	struct rte_iommufd_hwpt *hwpt;
	struct rte_iommufd_ioas *ioas;
	struct rte_iommufd *ctx;
	unsigned int close_failures = mock_close_failures;
	uint32_t ioas_id, hwpt_id, fault_id, space_ioas_id;
	uint64_t iova = 0, iova2 = 0, unmapped = 0;
	struct mock_dev *m;
	void *buf;
	int fd, ret;

	ret = open_ctx(&ctx);
	if (ret != TEST_SUCCESS)
		return ret;
	fd = rte_iommufd_fd(ctx);
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	TEST_ASSERT(buf != MAP_FAILED, "mmap");
	memset(buf, 0x5a, BUF_LEN);

	OK(rte_iommufd_ioas_alloc(ctx, &ioas));
	ioas_id = rte_iommufd_ioas_id(ioas);
	OK(rte_iommufd_space_create(ctx, NULL, NULL, &space));
	space_ioas_id = rte_iommufd_ioas_id(rte_iommufd_space_ioas(space));
	ret = mock_device(ctx, ioas_id, &m, &dev);
	if (ret != TEST_SUCCESS)
		return ret;
	OK(rte_iommufd_hwpt_alloc(dev, ioas_id, 0, &hwpt));
	hwpt_id = rte_iommufd_hwpt_id(hwpt);
	OK(rte_iommufd_fault_alloc(ctx, &fault));
	fault_id = rte_iommufd_fault_id(fault);

	rte_iommufd_close(ctx);
	TEST_ASSERT(fd_open(fd), "the close with live handles closed the descriptor");

	/* Every handle still works with the kernel. */
	OK(rte_iommufd_ioas_map(ioas, buf, BUF_LEN, &iova, RTE_IOMMUFD_MAP_RW));
	OK(rte_iommufd_ioas_map(rte_iommufd_space_ioas(space), buf, BUF_LEN, &iova2,
				RTE_IOMMUFD_MAP_RW));
	OK(rte_iommufd_device_attach(dev, hwpt_id, NULL));
	TEST_ASSERT_SUCCESS(mock_pasid_check(m, RTE_IOMMUFD_NO_PASID, hwpt_id),
			    "kernel: the RID is on HWPT %u", hwpt_id);
	OK(rte_iommufd_device_detach(dev));
	TEST_ASSERT(mock_pasid_check(m, RTE_IOMMUFD_NO_PASID, hwpt_id) != 0,
		    "kernel: the RID left HWPT %u", hwpt_id);
	TEST_ASSERT_EQUAL(rte_iommufd_fault_read(fault, rec, 1), 0, "empty fault queue: %s",
			  rte_iommufd_last_error());
	OK(rte_iommufd_ioas_unmap(ioas, iova, BUF_LEN, &unmapped));
	TEST_ASSERT_EQUAL(unmapped, BUF_LEN, "unmapped after the close");

	/* Each release destroys its object; the descriptor stays until the last. */
	OK(rte_iommufd_hwpt_free(hwpt));
	TEST_ASSERT_EQUAL(raw_destroy(fd, hwpt_id), -ENOENT, "HWPT %u destroyed", hwpt_id);
	OK(rte_iommufd_fault_free(fault));
	TEST_ASSERT_EQUAL(raw_destroy(fd, fault_id), -ENOENT, "fault queue %u destroyed", fault_id);
	rte_iommufd_device_close(dev);
	TEST_ASSERT_EQUAL(mock_close_failures, close_failures,
			  "the mock device was destroyed on the context's descriptor");
	OK(rte_iommufd_ioas_free(ioas));
	TEST_ASSERT_EQUAL(raw_destroy(fd, ioas_id), -ENOENT, "IOAS %u destroyed", ioas_id);
	TEST_ASSERT(fd_open(fd), "descriptor closed while the address space is alive");
	/* The space's IOAS still holds its mapping: freeing it unmaps it. */
	OK(rte_iommufd_space_free(space));
	TEST_ASSERT(fd_closed(fd), "descriptor still open after the last handle (IOAS %u)",
		    space_ioas_id);
	munmap(buf, BUF_LEN);
	return TEST_SUCCESS;
}

/* The device alone outlives the context and its IOAS; its backend's last
 * calls (detach, destroy) reach the kernel on the context's descriptor. */
static int
device_released_last(void)
{
	unsigned int close_failures = mock_close_failures;
	struct rte_iommufd_device *dev;
	struct rte_iommufd_ioas *ioas;
	struct rte_iommufd *ctx;
	struct mock_dev *m;
	uint32_t ioas_id;
	int fd, ret;

	ret = open_ctx(&ctx);
	if (ret != TEST_SUCCESS)
		return ret;
	fd = rte_iommufd_fd(ctx);
	OK(rte_iommufd_ioas_alloc(ctx, &ioas));
	ioas_id = rte_iommufd_ioas_id(ioas);
	ret = mock_device(ctx, ioas_id, &m, &dev);
	if (ret != TEST_SUCCESS)
		return ret;
	rte_iommufd_close(ctx);
	/* The kernel refuses the IOAS while the RID uses it; the context stays. */
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_free(ioas), -EBUSY, "IOAS %u in use by the RID", ioas_id);
	TEST_ASSERT_CONTAINS(rte_iommufd_last_error(), "detach and free them first");
	TEST_ASSERT(fd_open(fd), "descriptor closed by a refused release");
	OK(rte_iommufd_device_detach(dev));
	OK(rte_iommufd_ioas_free(ioas));
	TEST_ASSERT_EQUAL(raw_destroy(fd, ioas_id), -ENOENT, "IOAS %u destroyed", ioas_id);
	TEST_ASSERT(fd_open(fd), "descriptor closed while the device is alive");
	rte_iommufd_device_close(dev);
	TEST_ASSERT_EQUAL(mock_close_failures, close_failures,
			  "the mock device was destroyed on the context's descriptor");
	TEST_ASSERT(fd_closed(fd), "descriptor still open after the device, the last handle");
	return TEST_SUCCESS;
}

/* A HWPT released last: the IOAS under it is refused until it goes. */
static int
hwpt_released_last(void)
{
	struct rte_iommufd_device *dev;
	struct rte_iommufd_hwpt *hwpt;
	struct rte_iommufd_ioas *ioas;
	struct rte_iommufd *ctx;
	struct mock_dev *m;
	uint32_t ioas_id, hwpt_id;
	int fd, ret;

	ret = open_ctx(&ctx);
	if (ret != TEST_SUCCESS)
		return ret;
	fd = rte_iommufd_fd(ctx);
	OK(rte_iommufd_ioas_alloc(ctx, &ioas));
	ioas_id = rte_iommufd_ioas_id(ioas);
	ret = mock_device(ctx, ioas_id, &m, &dev);
	if (ret != TEST_SUCCESS)
		return ret;
	OK(rte_iommufd_hwpt_alloc(dev, ioas_id, 0, &hwpt));
	hwpt_id = rte_iommufd_hwpt_id(hwpt);
	rte_iommufd_close(ctx);
	OK(rte_iommufd_device_detach(dev));
	rte_iommufd_device_close(dev);
	/* The HWPT's parent: the kernel refuses until the HWPT goes. */
	TEST_ASSERT_EQUAL(rte_iommufd_ioas_free(ioas), -EBUSY, "IOAS %u is the HWPT's parent",
			  ioas_id);
	OK(rte_iommufd_hwpt_free(hwpt));
	TEST_ASSERT_EQUAL(raw_destroy(fd, hwpt_id), -ENOENT, "HWPT %u destroyed", hwpt_id);
	TEST_ASSERT(fd_open(fd), "descriptor closed while the IOAS is alive");
	OK(rte_iommufd_ioas_free(ioas));
	TEST_ASSERT(fd_closed(fd), "descriptor still open after the last handle");
	return TEST_SUCCESS;
}

static void
quiet_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)level;
	(void)msg;
	(void)arg;
}

static const struct test_case cases[] = {
	TEST_CASE(close_with_every_handle_alive),
	TEST_CASE(device_released_last),
	TEST_CASE(hwpt_released_last),
	TEST_CASES_END(),
};

int
main(void)
{
	/* The refusals above are expected: keep them off the TAP output. */
	rte_iommufd_log_set_handler(quiet_log, NULL);
	return test_run("vm-lifetime", cases);
}
