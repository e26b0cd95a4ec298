/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * The failures test_vm_fail_nth injects: the program's malloc family
 * (counted, the Nth allocation failed) and the kernel's fail-nth countdown
 * of this thread, with the ioctl() wrapper that keeps two kernel paths out
 * of the sweep. See fail_nth_inject.h.
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iommufd_test_uapi.h"
#include "iommufd_uapi.h"
#include "fail_nth_inject.h"

/* ---------------------------------------------------------------- */
/* Heap accounting and malloc failure injection                      */
/* ---------------------------------------------------------------- */

/*
 * The program's malloc family wraps glibc's and so sees every allocation
 * of the library (and of libc on its behalf, e.g. opendir). Single
 * threaded: plain counters.
 */
extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void *__libc_memalign(size_t align, size_t size);
extern void __libc_free(void *p);

void *malloc(size_t size);
void *calloc(size_t n, size_t size);
void *realloc(void *p, size_t size);
void free(void *p);
int posix_memalign(void **p, size_t align, size_t size);
void *aligned_alloc(size_t align, size_t size);
void *memalign(size_t align, size_t size);

/* volatile: the compiler assumes malloc() leaves the program's globals alone. */
volatile long heap_live;		/* blocks allocated and not freed */
volatile unsigned long malloc_nth; /* fail the malloc_nth-th allocation; 0: never */
volatile bool malloc_fired;
bool under_valgrind;	/* valgrind replaces the malloc family */

static bool
alloc_fails(void)
{
	if (malloc_nth == 0)
		return false;
	if (--malloc_nth != 0)
		return false;
	malloc_fired = true;
	return true;
}

void *
malloc(size_t size)
{
	void *p;

	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_malloc(size);
	if (p != NULL)
		heap_live++;
	return p;
}

void *
calloc(size_t n, size_t size)
{
	void *p;

	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_calloc(n, size);
	if (p != NULL)
		heap_live++;
	return p;
}

void *
realloc(void *old, size_t size)
{
	if (old == NULL)
		return malloc(size);
	if (size == 0) {
		free(old);
		return NULL;
	}
	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	return __libc_realloc(old, size);
}

void
free(void *p)
{
	if (p == NULL)
		return;
	heap_live--;
	__libc_free(p);
}

void *
memalign(size_t align, size_t size)
{
	void *p;

	if (alloc_fails()) {
		errno = ENOMEM;
		return NULL;
	}
	p = __libc_memalign(align, size);
	if (p != NULL)
		heap_live++;
	return p;
}

void *
aligned_alloc(size_t align, size_t size)
{
	return memalign(align, size);
}

int
posix_memalign(void **pp, size_t align, size_t size)
{
	void *p = memalign(align, size);

	if (p == NULL)
		return ENOMEM;
	*pp = p;
	return 0;
}

/* ---------------------------------------------------------------- */
/* Kernel fault injection (fail-nth)                                 */
/* ---------------------------------------------------------------- */

static int nth_fd = -1;

static int
write_file(const char *path, const char *val)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n == (ssize_t)strlen(val) ? 0 : -EIO;
}

/*
 * Let every allocation be failed (GFP_KERNEL ones are exempt by default)
 * and keep the console quiet. What the kernel's selftest sets, plus the
 * iommufd test build's own points (fail_iommufd).
 */
int
fault_injection_setup(void)
{
	static const char *const knobs[][2] = {
		{ "/sys/kernel/debug/failslab/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-wait", "N" },
		{ "/sys/kernel/debug/fail_page_alloc/ignore-gfp-highmem", "N" },
	};
	char path[300];
	struct dirent *de;
	DIR *d;
	size_t i;
	int ret;

	for (i = 0; i < sizeof(knobs) / sizeof(knobs[0]); i++) {
		ret = write_file(knobs[i][0], knobs[i][1]);
		if (ret < 0) {
			printf("# %s: %s (the guest kernel needs FAILSLAB, FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS and debugfs mounted)\n",
			       knobs[i][0], strerror(-ret));
			return ret;
		}
	}
	d = opendir("/sys/kernel/debug");
	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		if (strncmp(de->d_name, "fail", 4) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/kernel/debug/%s/verbose", de->d_name);
		write_file(path, "0");
	}
	closedir(d);
	snprintf(path, sizeof(path), "/proc/self/task/%ld/fail-nth", (long)syscall(SYS_gettid));
	nth_fd = open(path, O_RDWR | O_CLOEXEC);
	if (nth_fd < 0) {
		printf("# %s: %s\n", path, strerror(errno));
		return -errno;
	}
	return 0;
}

bool nth_armed;
unsigned int bind_injected;	/* failures injected into VFIO_DEVICE_BIND_IOMMUFD */

/* Fail the @n-th fault-injection point this thread reaches from now on. */
void
nth_arm(unsigned int n)
{
	char b[16];
	int len = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(nth_fd, b, (size_t)len, 0) != len) {
		printf("# cannot arm fail-nth: %s\n", strerror(errno));
		abort();
	}
	nth_armed = true;
}

/* The remaining countdown (0: fired or not armed). */
static unsigned int
nth_peek(void)
{
	char b[16] = "";
	ssize_t n = pread(nth_fd, b, sizeof(b) - 1, 0);

	return n > 0 ? (unsigned int)strtoul(b, NULL, 10) : 0;
}

/* The remaining countdown (0: fired or not armed), and stop it. */
unsigned int
nth_pause(void)
{
	char b[16] = "";
	ssize_t n = pread(nth_fd, b, sizeof(b) - 1, 0);
	int i;

	for (i = 0; i < 2; i++)
		if (pwrite(nth_fd, "0", 1, 0) == 1)
			break;
	/* A failed read means the failure hit the read itself. */
	return n > 0 ? (unsigned int)strtoul(b, NULL, 10) : 0;
}

/* Disarm; true if the failure was injected since nth_arm(). */
bool
nth_disarm(void)
{
	bool armed = nth_armed;

	nth_armed = false;
	return armed && nth_pause() == 0;
}

/*
 * Every ioctl of the program and the library passes through here, to keep
 * two kernel paths out of the sweep; both crash Linux 7.3 when allocations
 * fail inside them, and neither is the library's:
 * - VFIO_DEVICE_BIND_IOMMUFD is the first open of the device: vfio-pci
 *   enables it, and pci_enable_device() evaluates the ACPI _PRT method for
 *   its INTx routing. ACPICA does not survive failed allocations there:
 *   after a few, its reference counts are corrupt and a later evaluation
 *   dereferences NULL. Only the bind's first failure point is injected
 *   (the igroup allocation of iommufd_device_bind(), before vfio-pci runs);
 *   otherwise the countdown is paused across the bind.
 * - IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS creates the test's mock device: with
 *   some of its allocations failed it succeeds with a device that has no
 *   IOMMU group, and IOMMU_TEST_OP_PASID_CHECK_HWPT on that device
 *   dereferences NULL. The countdown is paused across it.
 */
static bool
paused_request(unsigned long request, const void *arg)
{
	const struct ifd_iommu_test_cmd *cmd = arg;

	if (request == IFD_VFIO_DEVICE_BIND_IOMMUFD)
		return true;
	/* The feature probe passes a bare size word: read op only behind a full header. */
	return request == IFD_IOMMU_TEST_CMD && cmd->size >= sizeof(*cmd) &&
		(cmd->op == IFD_IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS ||
		 cmd->op == IFD_IOMMU_TEST_OP_MOCK_DOMAIN);
}

int
ioctl(int fd, unsigned long request, ...)
{
	unsigned int left;
	va_list ap;
	void *arg;
	long ret;

	va_start(ap, request);
	arg = va_arg(ap, void *);
	va_end(ap);
	if (!nth_armed || !paused_request(request, arg))
		return (int)syscall(SYS_ioctl, fd, request, arg);
	left = nth_pause();
	if (left == 1 && request == IFD_VFIO_DEVICE_BIND_IOMMUFD) {
		nth_arm(1);
		ret = syscall(SYS_ioctl, fd, request, arg);
		if (nth_peek() == 0)
			bind_injected++;
		return (int)ret;
	}
	ret = syscall(SYS_ioctl, fd, request, arg);
	if (left != 0)
		nth_arm(left);
	return (int)ret;
}
