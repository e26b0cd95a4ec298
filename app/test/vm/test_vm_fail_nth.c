/* SPDX-License-Identifier: BSD-3-Clause
 * Copyright(c) 2026 The dpdk-iommufd authors
 */

/*
 * Error unwinding of lib/iommufd under injected failures. Runs as root
 * inside the test VM (Linux 7.3 with FAULT_INJECTION, FAILSLAB,
 * FAIL_PAGE_ALLOC, FAULT_INJECTION_DEBUG_FS and CONFIG_IOMMUFD_TEST).
 *
 * Every setup sequence of the library (below) is run again and again
 * with one injected failure, at N = 1, 2, ... until it completes without
 * reaching the Nth failure point:
 *   - kernel: /proc/self/task/<tid>/fail-nth makes the Nth fault-injection
 *     point of this thread fail (slab and page allocations, the iommufd
 *     test build's own points), as the kernel's iommufd_fail_nth selftest
 *     does;
 *   - malloc: the Nth malloc/calloc/realloc of the process returns NULL.
 * After each injected failure:
 *   - the failing library call must return a negative errno, log an
 *     error, and leave its output handle untouched;
 *   - the state the library reports must agree with the kernel's (mock
 *     devices: PASID_CHECK_HWPT; address spaces: attachment counts; PASID
 *     bindings: a PASID a device has is allocated in its namespace, one
 *     no device has is not);
 *   - a run that completed although a failure was injected must have the
 *     result of a clean one (features, PASID capabilities);
 *   - the teardown (every release call must succeed) must leave nothing
 *     behind: no file descriptor (/proc/self/fd before and after), no
 *     kernel object (every id of the context answers ENOENT to
 *     IOMMU_DESTROY before it is closed), no pinned page (the mock's
 *     MD_CHECK_REFS on a witness iommufd), no heap block (malloc and free
 *     are counted), and a VFIO device must be bindable again from a fresh
 *     iommufd.
 * The final run, without injection, must succeed and pass the sequence's
 * own checks. Each case prints what it tried and one line
 *   # robustness: fail-nth mode=M seq=S tried=N injected=I failed=F absorbed=A leaks=L
 *     violations=V ok=0|1
 * that devtools/robustness.sh collects. Two kernel paths that do not
 * survive injected failures are kept out of the kernel sweep (see ioctl()
 * below). FAIL_NTH_TRACE=1 prints one line per run.
 *
 * Usage: test_vm_fail_nth [BDF]   (default 0000:00:02.0)
 */

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "iommufd_test_uapi.h"
#include "iommufd_uapi.h"
#include "rte_iommufd.h"
#include "rte_iommufd_pasid.h"
#include "rte_pasid.h"
#include "mock_dev.h"
#include "test.h"

/* Give up on a sequence that still reaches its Nth failure point. */
#define MAX_NTH 3000
/* Kernel object ids probed after a teardown. */
#define PROBE_IDS 128
#define MAX_FDS 256
#define BUF_LEN (16 * 4096ul)
#define TEST_PASID 5u

static const char *bdf = "0000:00:02.0";
static bool trace;	/* FAIL_NTH_TRACE=1: one line per run */
static char cdev_path[64];
static void *buf;
static int witness_fd = -1;
static uint64_t expected_features;	/* of a context opened without injection */

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
static volatile long heap_live;		/* blocks allocated and not freed */
static volatile unsigned long malloc_nth; /* fail the malloc_nth-th allocation; 0: never */
static volatile bool malloc_fired;
static bool under_valgrind;	/* valgrind replaces the malloc family */

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
static int
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

static bool nth_armed;
static unsigned int bind_injected;	/* failures injected into VFIO_DEVICE_BIND_IOMMUFD */

/* Fail the @n-th fault-injection point this thread reaches from now on. */
static void
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
static unsigned int
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
static bool
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

/* ---------------------------------------------------------------- */
/* Library messages                                                  */
/* ---------------------------------------------------------------- */

static unsigned long err_msgs;
static char last_msg[512];

static void
capture_log(enum rte_iommufd_log_level level, const char *msg, void *arg)
{
	(void)arg;
	if (level != RTE_IOMMUFD_LOG_ERR)
		return;
	err_msgs++;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
}

/* ---------------------------------------------------------------- */
/* Sequences                                                         */
/* ---------------------------------------------------------------- */

struct seq_state {
	struct rte_iommufd *ctx;
	struct rte_iommufd_ioas *ioas;
	struct rte_iommufd_device *dev;
	struct mock_dev *mock;		/* owned by dev once dev exists */
	struct rte_iommufd_hwpt *hwpt;
	struct rte_iommufd_fault *fault;
	struct rte_iommufd_space *space;
	uint64_t iova;
	uint32_t pasid_hwpt;		/* HWPT on TEST_PASID (plain attach), 0 if none */
	bool space_rid, space_pasid;
	/* (g): a second device and a PASID namespace. */
	struct rte_iommufd_device *dev2;
	struct mock_dev *mock2;		/* owned by dev2 once dev2 exists */
	bool space_rid2;
	struct rte_pasid_space *ns;
	uint32_t bound;			/* PASID bound, or kept allocated by a failed call */
	/* The failing step. */
	const char *step;
	int err;
	char problem[256];		/* contract violation, "" if none */
};

#define PROBLEM(s, ...) do { \
	if ((s)->problem[0] == '\0') \
		snprintf((s)->problem, sizeof((s)->problem), __VA_ARGS__); \
} while (0)

/*
 * A library call that must either succeed or fail by the rules: a
 * negative errno, an ERR message, and (for calls that create a handle)
 * the output left as it was.
 */
#define LIB(s, name, expr, out) do { \
	unsigned long _msgs = err_msgs; \
	int _r; \
	(s)->step = name; \
	_r = (expr); \
	if (_r != 0) { \
		(s)->err = _r; \
		if (_r >= 0 || _r < -4095) \
			PROBLEM(s, "%s returned %d, not a negative errno", name, _r); \
		else if (err_msgs == _msgs) \
			PROBLEM(s, "%s failed (%s) without an error message", name, \
				rte_iommufd_errno_name(_r)); \
		if ((out) != NULL) \
			PROBLEM(s, "%s failed but set its output handle", name); \
		return _r; \
	} \
} while (0)

/*
 * A call of lib/pasid, which keeps no messages: the errno rule only.
 * lib/pasid makes no kernel call; the only failure points it reaches are
 * those of the memory allocator. Under valgrind that allocator is
 * valgrind's own, whose mmap and munmap run in this thread: a failure
 * injected there aborts valgrind itself (memcheck asserts on a failed
 * munmap of its shadow memory), so the countdown is paused across the call.
 */
#define LIBQ(s, name, expr, out) do { \
	unsigned int _left = under_valgrind && nth_armed ? nth_pause() : 0; \
	int _r; \
	(s)->step = name; \
	_r = (expr); \
	if (_left != 0) \
		nth_arm(_left); \
	if (_r != 0) { \
		(s)->err = _r; \
		if (_r >= 0 || _r < -4095) \
			PROBLEM(s, "%s returned %d, not a negative errno", name, _r); \
		if ((out) != NULL) \
			PROBLEM(s, "%s failed but set its output handle", name); \
		return _r; \
	} \
} while (0)

/* A step of the test's own (creating the mock device). */
#define OWN(s, name, expr) do { \
	int _r; \
	(s)->step = name; \
	_r = (expr); \
	if (_r != 0) { \
		(s)->err = _r; \
		return _r; \
	} \
} while (0)

static const void *const no_out = NULL;

static int
do_open_ioas(struct seq_state *s)
{
	LIB(s, "rte_iommufd_open", rte_iommufd_open(&s->ctx), s->ctx);
	LIB(s, "rte_iommufd_ioas_alloc", rte_iommufd_ioas_alloc(s->ctx, &s->ioas), s->ioas);
	return 0;
}

static int
do_map_unmap(struct seq_state *s, struct rte_iommufd_ioas *ioas)
{
	struct rte_iommufd_iova_range *r = NULL;
	uint64_t unmapped = 0;
	uint32_t nr = 0;

	LIB(s, "rte_iommufd_ioas_iova_ranges", rte_iommufd_ioas_iova_ranges(ioas, &r, &nr, NULL), r);
	free(r);
	LIB(s, "rte_iommufd_ioas_map", rte_iommufd_ioas_map(ioas, buf, BUF_LEN, &s->iova,
							    RTE_IOMMUFD_MAP_RW), no_out);
	LIB(s, "rte_iommufd_ioas_unmap", rte_iommufd_ioas_unmap(ioas, s->iova, BUF_LEN, &unmapped),
	    no_out);
	if (unmapped != BUF_LEN)
		PROBLEM(s, "unmap reported 0x%" PRIx64 " bytes, not 0x%lx", unmapped, BUF_LEN);
	return 0;
}

static int
do_mock_dev(struct seq_state *s, uint32_t pt_id)
{
	OWN(s, "mock device (IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)",
	    mock_new(rte_iommufd_fd(s->ctx), pt_id, IFD_MOCK_FLAGS_DEVICE_PASID, true, &s->mock));
	LIB(s, "rte_iommufd_device_create",
	    rte_iommufd_device_create(s->ctx, "mock0", s->mock->idev_id, &mock_ops, s->mock,
				      &s->dev), s->dev);
	return 0;
}

/* (a) context, IOAS, ranges, map, unmap. */
static int
seq_ioas(struct seq_state *s)
{
	int ret = do_open_ioas(s);

	return ret != 0 ? ret : do_map_unmap(s, s->ioas);
}

/* (b) + VFIO device open and bind, RID attach to the IOAS. */
static int
seq_vfio(struct seq_state *s)
{
	int ret = do_open_ioas(s);

	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_device_open", rte_iommufd_device_open(s->ctx, bdf, NULL, &s->dev),
	    s->dev);
	LIB(s, "rte_iommufd_device_attach",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_ioas_id(s->ioas), NULL), no_out);
	return do_map_unmap(s, s->ioas);
}

/* (c) + a PASID-capable HWPT and a RID replace onto it. */
static int
seq_vfio_hwpt(struct seq_state *s)
{
	int ret = seq_vfio(s);

	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_hwpt_alloc",
	    rte_iommufd_hwpt_alloc(s->dev, rte_iommufd_ioas_id(s->ioas),
				   RTE_IOMMUFD_HWPT_ALLOC_PASID, &s->hwpt), s->hwpt);
	LIB(s, "rte_iommufd_device_attach (replace)",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_hwpt_id(s->hwpt), NULL), no_out);
	return do_map_unmap(s, s->ioas);
}

/* (d) fault queue, HWPT delivering to it, RID replace onto it (mock device). */
static int
seq_fault(struct seq_state *s)
{
	struct rte_iommufd_hwpt_params params = { .flags = RTE_IOMMUFD_HWPT_ALLOC_PASID };
	int ret = do_open_ioas(s);

	if (ret != 0)
		return ret;
	ret = do_mock_dev(s, rte_iommufd_ioas_id(s->ioas));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_fault_alloc", rte_iommufd_fault_alloc(s->ctx, &s->fault), s->fault);
	params.fault = s->fault;
	LIB(s, "rte_iommufd_hwpt_alloc_ex (fault)",
	    rte_iommufd_hwpt_alloc_ex(s->dev, rte_iommufd_ioas_id(s->ioas), &params, &s->hwpt),
	    s->hwpt);
	LIB(s, "rte_iommufd_device_attach (fault HWPT)",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_hwpt_id(s->hwpt), NULL), no_out);
	return do_map_unmap(s, s->ioas);
}

/* (e) PASID attach, map, unmap, PASID detach on a PASID-capable mock device. */
static int
seq_pasid(struct seq_state *s)
{
	int ret = do_open_ioas(s);

	if (ret != 0)
		return ret;
	ret = do_mock_dev(s, rte_iommufd_ioas_id(s->ioas));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_hwpt_alloc",
	    rte_iommufd_hwpt_alloc(s->dev, rte_iommufd_ioas_id(s->ioas),
				   RTE_IOMMUFD_HWPT_ALLOC_PASID, &s->hwpt), s->hwpt);
	LIB(s, "rte_iommufd_device_attach (replace)",
	    rte_iommufd_device_attach(s->dev, rte_iommufd_hwpt_id(s->hwpt), NULL), no_out);
	LIB(s, "rte_iommufd_device_pasid_attach",
	    rte_iommufd_device_pasid_attach(s->dev, TEST_PASID, rte_iommufd_hwpt_id(s->hwpt),
					    NULL), no_out);
	s->pasid_hwpt = rte_iommufd_hwpt_id(s->hwpt);
	ret = do_map_unmap(s, s->ioas);
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_device_pasid_detach",
	    rte_iommufd_device_pasid_detach(s->dev, TEST_PASID), no_out);
	s->pasid_hwpt = 0;
	return 0;
}

/* (f) address space: policy HWPTs for the RID and a PASID (mock device). */
static int
seq_space(struct seq_state *s)
{
	struct rte_iommufd_ioas *ioas;
	int ret;

	LIB(s, "rte_iommufd_open", rte_iommufd_open(&s->ctx), s->ctx);
	LIB(s, "rte_iommufd_space_create", rte_iommufd_space_create(s->ctx, NULL, NULL, &s->space),
	    s->space);
	ioas = rte_iommufd_space_ioas(s->space);
	ret = do_mock_dev(s, rte_iommufd_ioas_id(ioas));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_space_attach (RID)",
	    rte_iommufd_space_attach(s->space, s->dev, RTE_IOMMUFD_NO_PASID, NULL), no_out);
	s->space_rid = true;
	LIB(s, "rte_iommufd_space_attach (PASID)",
	    rte_iommufd_space_attach(s->space, s->dev, TEST_PASID, NULL), no_out);
	s->space_pasid = true;
	ret = do_map_unmap(s, ioas);
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_space_detach (PASID)",
	    rte_iommufd_space_detach(s->space, s->dev, TEST_PASID), no_out);
	s->space_pasid = false;
	return 0;
}

/* Bind a PASID on both devices; a PASID kept allocated is remembered. */
static int
bind_both(struct seq_state *s)
{
	struct rte_iommufd_device *devs[2] = { s->dev, s->dev2 };
	uint32_t pasid = 0;
	int ret;

	ret = rte_iommufd_space_pasid_bind(s->space, s->ns, RTE_PASID_OWNER_NONE, devs, 2, &pasid);
	if (ret == 0 || ret == -EIO)
		s->bound = pasid;
	else if (pasid != 0)
		PROBLEM(s, "failed bind (%s) reported PASID %u", rte_iommufd_errno_name(ret), pasid);
	return ret;
}

static int
unbind_both(struct seq_state *s)
{
	struct rte_iommufd_device *devs[2] = { s->dev, s->dev2 };
	int ret;

	ret = rte_iommufd_space_pasid_unbind(s->space, s->ns, RTE_PASID_OWNER_NONE, devs, 2, s->bound);
	if (ret == 0)
		s->bound = 0;
	return ret;
}

/* (g) a PASID from a namespace bound on two devices of one address space. */
static int
seq_bind(struct seq_state *s)
{
	uint32_t ioas_id;
	int ret;

	LIB(s, "rte_iommufd_open", rte_iommufd_open(&s->ctx), s->ctx);
	LIB(s, "rte_iommufd_space_create", rte_iommufd_space_create(s->ctx, NULL, NULL, &s->space),
	    s->space);
	LIBQ(s, "rte_pasid_space_create", rte_pasid_space_create(IFD_MOCK_PASID_WIDTH, 0, &s->ns),
	     s->ns);
	ioas_id = rte_iommufd_ioas_id(rte_iommufd_space_ioas(s->space));
	ret = do_mock_dev(s, ioas_id);
	if (ret != 0)
		return ret;
	OWN(s, "mock device (IOMMU_TEST_OP_MOCK_DOMAIN_FLAGS)",
	    mock_new(rte_iommufd_fd(s->ctx), ioas_id, IFD_MOCK_FLAGS_DEVICE_PASID, true, &s->mock2));
	LIB(s, "rte_iommufd_device_create",
	    rte_iommufd_device_create(s->ctx, "mock1", s->mock2->idev_id, &mock_ops, s->mock2,
				      &s->dev2), s->dev2);
	LIB(s, "rte_iommufd_space_attach (RID)",
	    rte_iommufd_space_attach(s->space, s->dev, RTE_IOMMUFD_NO_PASID, NULL), no_out);
	s->space_rid = true;
	LIB(s, "rte_iommufd_space_attach (RID 2)",
	    rte_iommufd_space_attach(s->space, s->dev2, RTE_IOMMUFD_NO_PASID, NULL), no_out);
	s->space_rid2 = true;
	LIB(s, "rte_iommufd_space_pasid_bind", bind_both(s), no_out);
	ret = do_map_unmap(s, rte_iommufd_space_ioas(s->space));
	if (ret != 0)
		return ret;
	LIB(s, "rte_iommufd_space_pasid_unbind", unbind_both(s), no_out);
	return 0;
}

/* What a completed sequence must have produced. */
static void
verify_done(struct seq_state *s)
{
	struct rte_iommufd_pasid_caps caps;

	/* Features are probed once per context: a transient failure must not hide one. */
	if (s->ctx != NULL && rte_iommufd_features(s->ctx) != expected_features)
		PROBLEM(s, "completed, but the context has features 0x%" PRIx64 ", not 0x%" PRIx64,
			rte_iommufd_features(s->ctx), expected_features);
	if (s->dev == NULL)
		return;
	/* The device's capabilities are those of the device, not of a transient failure. */
	if (rte_iommufd_device_pasid_caps(s->dev, &caps) != 0)
		PROBLEM(s, "completed, but the device has no PASID capabilities: %.200s", last_msg);
	else if (s->mock != NULL && caps.width != IFD_MOCK_PASID_WIDTH)
		PROBLEM(s, "completed, but the mock device reports PASID width %u, not %u",
			caps.width, IFD_MOCK_PASID_WIDTH);
	else if (s->mock == NULL && caps.width != 0)
		PROBLEM(s, "completed, but the e1000e reports PASID width %u", caps.width);
	if (s->space != NULL && rte_iommufd_space_hwpts(s->space) != 1)
		PROBLEM(s, "completed, but the space holds %u HWPTs, not 1 shared",
			rte_iommufd_space_hwpts(s->space));
}

/* ---------------------------------------------------------------- */
/* Teardown and leak checks                                          */
/* ---------------------------------------------------------------- */

struct leaks {
	unsigned int fd, kernel, pins, heap, rebind, release, state;
};

static unsigned int
leaks_total(const struct leaks *l)
{
	return l->fd + l->kernel + l->pins + l->heap + l->rebind + l->release + l->state;
}

static int
fd_snapshot(int *fds, int max)
{
	struct dirent *de;
	int n = 0;
	DIR *d = opendir("/proc/self/fd");

	if (d == NULL)
		return -errno;
	while ((de = readdir(d)) != NULL) {
		int fd;

		if (de->d_name[0] == '.')
			continue;
		fd = atoi(de->d_name);
		if (fd == dirfd(d))
			continue;
		if (n < max)
			fds[n] = fd;
		n++;
	}
	closedir(d);
	return n;
}

/* The kernel agrees with the handles' view of the mock device. */
static void
check_mock_state(struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	uint32_t rid = rte_iommufd_device_attached_hwpt(s->dev);

	if (rid != 0 && mock_pasid_check(s->mock, RTE_IOMMUFD_NO_PASID, rid) != 0) {
		lk->state++;
		snprintf(why, len, "the library says the RID is on hwpt %u, the kernel disagrees",
			 rid);
	}
	if (s->space == NULL && mock_pasid_check(s->mock, TEST_PASID, s->pasid_hwpt) != 0) {
		lk->state++;
		snprintf(why, len, "PASID %u: the kernel does not have hwpt %u on it", TEST_PASID,
			 s->pasid_hwpt);
	}
	if (s->space != NULL &&
	    rte_iommufd_space_attachments(s->space) != (unsigned int)s->space_rid + s->space_pasid) {
		lk->state++;
		snprintf(why, len, "the space counts %u attachments; %u succeeded",
			 rte_iommufd_space_attachments(s->space),
			 (unsigned int)s->space_rid + s->space_pasid);
	}
}

/*
 * The ownership rule of PASID bindings: a PASID a device still has is
 * allocated in the namespace, and one no device has is not (unless the
 * library says it kept it).
 */
static void
check_bind_state(struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	const struct mock_dev *m[2] = { s->dev ? s->mock : NULL, s->dev2 ? s->mock2 : NULL };
	int i, allocated = rte_pasid_count(s->ns);
	unsigned int j;

	for (i = 0; i < 2; i++) {
		for (j = 0; m[i] != NULL && j < m[i]->nr_pasids; j++) {
			if (rte_pasid_state(s->ns, m[i]->pasids[j], NULL) ==
			    RTE_PASID_STATE_ALLOCATED)
				continue;
			lk->state++;
			snprintf(why, len, "mock%d has PASID %u, which its namespace has not allocated",
				 i, m[i]->pasids[j]);
		}
	}
	if (allocated != (s->bound != 0)) {
		lk->state++;
		snprintf(why, len, "the namespace has %d PASIDs allocated, the library reported %u",
			 allocated, s->bound);
	}
}

/*
 * Close @p dev, whose backend destroys its mock, or destroy @p m when no
 * device wraps it yet; false if the kernel refused a detach or destroy.
 */
static bool
mock_release(struct rte_iommufd_device *dev, struct mock_dev *m)
{
	unsigned int fails = mock_close_failures;

	if (dev != NULL) {
		rte_iommufd_device_close(dev);
		return mock_close_failures == fails;
	}
	return m == NULL || mock_destroy(m);
}

/* Release everything, in an application's order; count what fails. */
static void
teardown(struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	int ret, id;

	if (s->dev != NULL && s->mock != NULL && s->ns == NULL)
		check_mock_state(s, lk, why, len);
	if (s->ns != NULL) {
		check_bind_state(s, lk, why, len);
		if (s->bound != 0 && unbind_both(s) != 0) {
			lk->release++;
			snprintf(why, len, "PASID unbind: %.200s", last_msg);
		}
		if (s->space_rid2 &&
		    rte_iommufd_space_detach(s->space, s->dev2, RTE_IOMMUFD_NO_PASID) != 0) {
			lk->release++;
			snprintf(why, len, "space detach RID 2: %.200s", last_msg);
		}
		if (!mock_release(s->dev2, s->mock2)) {
			lk->release++;
			snprintf(why, len, "the second mock device could not be destroyed");
		}
		if (rte_pasid_count(s->ns) != 0) {
			lk->state++;
			snprintf(why, len, "%d PASIDs still allocated after the unbind",
				 rte_pasid_count(s->ns));
		}
		rte_pasid_space_free(s->ns);
	}
	if (s->space != NULL) {
		if (s->space_pasid && rte_iommufd_space_detach(s->space, s->dev, TEST_PASID) != 0) {
			lk->release++;
			snprintf(why, len, "space detach PASID: %.200s", last_msg);
		}
		if (s->space_rid &&
		    rte_iommufd_space_detach(s->space, s->dev, RTE_IOMMUFD_NO_PASID) != 0) {
			lk->release++;
			snprintf(why, len, "space detach RID: %.200s", last_msg);
		}
	}
	if (s->dev != NULL && s->space == NULL && s->pasid_hwpt != 0 &&
	    rte_iommufd_device_pasid_detach(s->dev, TEST_PASID) != 0) {
		lk->release++;
		snprintf(why, len, "PASID detach: %.200s", last_msg);
	}
	if (!mock_release(s->dev, s->mock)) {
		lk->release++;
		snprintf(why, len, "the mock device could not be destroyed");
	}
	/* After the device: it was created on the space's IOAS. */
	if (rte_iommufd_space_free(s->space) != 0) {
		lk->release++;
		snprintf(why, len, "space free: %.200s", last_msg);
	}
	if (rte_iommufd_hwpt_free(s->hwpt) != 0) {
		lk->release++;
		snprintf(why, len, "hwpt free: %.200s", last_msg);
	}
	if (rte_iommufd_fault_free(s->fault) != 0) {
		lk->release++;
		snprintf(why, len, "fault free: %.200s", last_msg);
	}
	if (rte_iommufd_ioas_free(s->ioas) != 0) {
		lk->release++;
		snprintf(why, len, "ioas free: %.200s", last_msg);
	}
	if (s->ctx != NULL) {
		/* Nothing may be left in the context before it closes. */
		for (id = 1; id <= PROBE_IDS; id++) {
			ret = mock_destroy_id(rte_iommufd_fd(s->ctx), (uint32_t)id);
			if (ret != -ENOENT) {
				lk->kernel++;
				snprintf(why, len, "kernel object %d left in the context (IOMMU_DESTROY: %s)",
					 id, ret == 0 ? "destroyed" : rte_iommufd_errno_name(ret));
			}
		}
		rte_iommufd_close(s->ctx);
	}
}

/* A fresh iommufd binds the device: nothing holds it any more. */
static int
vfio_rebind(void)
{
	struct ifd_vfio_device_bind_iommufd bind = { .argsz = sizeof(bind) };
	int ifd, dfd, ret = 0;

	ifd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	if (ifd < 0)
		return -errno;
	dfd = open(cdev_path, O_RDWR | O_CLOEXEC);
	if (dfd < 0) {
		ret = -errno;
		close(ifd);
		return ret;
	}
	bind.iommufd = ifd;
	if (ioctl(dfd, IFD_VFIO_DEVICE_BIND_IOMMUFD, &bind) != 0)
		ret = -errno;
	close(dfd);
	close(ifd);
	return ret;
}

/* No page of the buffer is pinned any more. */
static int
pins_left(void)
{
	struct ifd_iommu_test_cmd cmd;

	memset(&cmd, 0, sizeof(cmd));
	cmd.check_refs.length = BUF_LEN;
	cmd.check_refs.uptr = (uintptr_t)buf;
	cmd.check_refs.refs = 0;
	return mock_test_cmd(witness_fd, IFD_IOMMU_TEST_OP_MD_CHECK_REFS, 0, &cmd);
}

/* ---------------------------------------------------------------- */
/* The sweep                                                         */
/* ---------------------------------------------------------------- */

enum mode { MODE_KERNEL, MODE_MALLOC };

struct sequence {
	const char *name;
	int (*run)(struct seq_state *s);
	bool vfio;
};

#define MAX_TALLY 32

/* How often each step failed, with which errno. */
struct tally {
	const char *step[MAX_TALLY];
	int err[MAX_TALLY];
	unsigned int count[MAX_TALLY];
};

static void
tally_add(struct tally *t, const char *step, int err)
{
	int i;

	for (i = 0; i < MAX_TALLY; i++) {
		if (t->step[i] == NULL) {
			t->step[i] = step;
			t->err[i] = err;
		}
		if (strcmp(t->step[i], step) == 0 && t->err[i] == err) {
			t->count[i]++;
			break;
		}
	}
}

static void
tally_print(const struct tally *t)
{
	int i;

	for (i = 0; i < MAX_TALLY && t->step[i] != NULL; i++)
		printf("#   %-40s %-12s %u\n", t->step[i], rte_iommufd_errno_name(t->err[i]),
		       t->count[i]);
}

/* One run with the @n-th failure point armed (0: none). */
static int
run_once(const struct sequence *seq, enum mode mode, unsigned int n, bool *injected,
		struct seq_state *s, struct leaks *lk, char *why, size_t len)
{
	int fds0[MAX_FDS], fds1[MAX_FDS], nfd0, nfd1, ret;
	long heap0;

	memset(s, 0, sizeof(*s));
	why[0] = '\0';
	nfd0 = fd_snapshot(fds0, MAX_FDS);
	fflush(stdout);
	heap0 = heap_live;

	if (mode == MODE_KERNEL) {
		if (n != 0)
			nth_arm(n);
		ret = seq->run(s);
		*injected = n != 0 && nth_disarm();
	} else {
		malloc_fired = false;
		malloc_nth = n;
		ret = seq->run(s);
		malloc_nth = 0;
		*injected = malloc_fired;
	}
	if (ret == 0)
		verify_done(s);
	/* The device exists and is bound to vfio-pci: a transient failure must
	 * not be reported as a missing, unbound or unsupported device. */
	if (ret != 0 && strcmp(s->step, "rte_iommufd_device_open") == 0 &&
	    (ret == -ENODEV || ret == -ENXIO || ret == -EOPNOTSUPP))
		PROBLEM(s, "device open failed with %s: %.200s", rte_iommufd_errno_name(ret),
			last_msg);
	if (trace) {
		printf("# trace %s N=%u: %s %s %s\n", seq->name, n, *injected ? "injected" : "clean",
		       ret ? s->step : "completed", ret ? rte_iommufd_errno_name(ret) : "");
		fflush(stdout);
		fsync(STDOUT_FILENO);
	}
	teardown(s, lk, why, len);

	if (!under_valgrind && heap_live != heap0) {
		lk->heap++;
		snprintf(why, len, "%ld heap blocks left", heap_live - heap0);
	}
	nfd1 = fd_snapshot(fds1, MAX_FDS);
	if (nfd0 != nfd1 || nfd0 > MAX_FDS ||
	    memcmp(fds0, fds1, (size_t)nfd0 * sizeof(fds0[0])) != 0) {
		lk->fd++;
		snprintf(why, len, "%d file descriptors open, %d before", nfd1, nfd0);
	}
	if (pins_left() != 0) {
		lk->pins++;
		snprintf(why, len, "pages of the buffer are still pinned");
	}
	if (seq->vfio && (ret = vfio_rebind(), ret != 0)) {
		lk->rebind++;
		snprintf(why, len, "a fresh iommufd cannot bind %s: %s", bdf, strerror(-ret));
	}
	return s->err;
}

static int
sweep(const struct sequence *seq, enum mode mode)
{
	const char *mname = mode == MODE_KERNEL ? "kernel" : "malloc";
	struct leaks lk = { 0 };
	struct tally t;
	struct seq_state s;
	unsigned int n, injected = 0, failed = 0, absorbed = 0, problems = 0, leaks = 0;
	unsigned int tried = 0;
	bool fired, done = false;
	char why[256];
	int ret;

	memset(&t, 0, sizeof(t));
	bind_injected = 0;
	/* A clean run first: the sequence works and leaves nothing. */
	ret = run_once(seq, mode, 0, &fired, &s, &lk, why, sizeof(why));
	TEST_ASSERT_SUCCESS(ret, "%s: clean run failed at %s: %s", seq->name, s.step, last_msg);
	TEST_ASSERT(s.problem[0] == '\0', "%s: clean run: %s", seq->name, s.problem);
	TEST_ASSERT_EQUAL(leaks_total(&lk), 0, "%s: clean run leaves something: %s", seq->name, why);

	for (n = 1; n <= MAX_NTH && !done; n++) {
		struct leaks before = lk;

		tried++;
		ret = run_once(seq, mode, n, &fired, &s, &lk, why, sizeof(why));
		if (s.problem[0] != '\0') {
			problems++;
			if (problems <= 5)
				printf("# %s/%s N=%u: %s\n", mname, seq->name, n, s.problem);
		}
		if (leaks_total(&lk) != leaks_total(&before)) {
			leaks++;
			if (leaks <= 5)
				printf("# %s/%s N=%u: failed at %s (%s): %s\n", mname, seq->name, n,
				       ret ? s.step : "-", ret ? rte_iommufd_errno_name(ret) : "ok",
				       why);
		}
		if (!fired) {
			/* The sequence ran out of failure points: it must have worked. */
			if (ret != 0) {
				problems++;
				printf("# %s/%s N=%u: no failure injected, but %s failed: %s\n",
				       mname, seq->name, n, s.step, last_msg);
			}
			done = true;
			break;
		}
		injected++;
		if (ret != 0) {
			failed++;
			tally_add(&t, s.step, ret);
		} else {
			absorbed++;
		}
	}
	printf("# %s/%s: N = 1..%u, %u injected: %u failed cleanly, %u absorbed by the kernel or libc; "
	       "leaks %u (fd %u, kernel objects %u, pins %u, heap %u, rebind %u, release %u, state %u); "
	       "contract violations %u%s\n",
	       mname, seq->name, tried, injected, failed, absorbed, leaks, lk.fd, lk.kernel, lk.pins,
	       lk.heap, lk.rebind, lk.release, lk.state, problems,
	       under_valgrind && mode == MODE_KERNEL ? " (heap: see valgrind)" : "");
	if (failed != 0)
		tally_print(&t);
	if (seq->vfio && mode == MODE_KERNEL)
		printf("#   VFIO_DEVICE_BIND_IOMMUFD: %u injected (its first failure point only)\n",
		       bind_injected);
	printf("# robustness: fail-nth mode=%s seq=%s tried=%u injected=%u failed=%u absorbed=%u leaks=%u violations=%u ok=%d\n",
	       mname, seq->name, tried, injected, failed, absorbed, leaks, problems,
	       done && leaks == 0 && problems == 0);
	TEST_ASSERT(done, "%s/%s: still failing at N = %u", mname, seq->name, MAX_NTH);
	TEST_ASSERT(injected > 0, "%s/%s: no failure was ever injected", mname, seq->name);
	TEST_ASSERT_EQUAL(leaks, 0, "%s/%s: runs that left something behind", mname, seq->name);
	TEST_ASSERT_EQUAL(problems, 0, "%s/%s: contract violations", mname, seq->name);
	return TEST_SUCCESS;
}

static const struct sequence seq_a = { "ioas", seq_ioas, false };
static const struct sequence seq_b = { "vfio", seq_vfio, true };
static const struct sequence seq_c = { "vfio-hwpt", seq_vfio_hwpt, true };
static const struct sequence seq_d = { "fault", seq_fault, false };
static const struct sequence seq_e = { "pasid", seq_pasid, false };
static const struct sequence seq_f = { "space", seq_space, false };
static const struct sequence seq_g = { "pasid-bind", seq_bind, false };

/* ---------------------------------------------------------------- */
/* Cases                                                             */
/* ---------------------------------------------------------------- */

/* The rig works: an armed fail-nth makes the next kernel allocation fail. */
static void *volatile sink;

static int
injection_works(void)
{
	struct ifd_iommu_ioas_alloc ia = { .size = sizeof(ia) };
	int ret, fd;
	bool fired;

	fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
	TEST_ASSERT(fd >= 0, "/dev/iommu: %s", strerror(errno));
	nth_arm(1);
	ret = ioctl(fd, IFD_IOMMU_IOAS_ALLOC, &ia) == 0 ? 0 : -errno;
	fired = nth_disarm();
	TEST_ASSERT(fired, "fail-nth 1 did not fire on IOMMU_IOAS_ALLOC");
	TEST_ASSERT_EQUAL(ret, -ENOMEM, "IOMMU_IOAS_ALLOC with its first allocation failed");
	TEST_ASSERT_SUCCESS(ioctl(fd, IFD_IOMMU_IOAS_ALLOC, &ia), "and then it works");
	close(fd);
	/* Same for the heap. */
	if (!under_valgrind) {
		void *p;

		malloc_nth = 1;
		p = malloc(16);
		sink = p;
		malloc_nth = 0;
		TEST_ASSERT(sink == NULL && malloc_fired, "malloc-nth");
		malloc_fired = false;
	}
	return TEST_SUCCESS;
}

static int kernel_ioas(void) { return sweep(&seq_a, MODE_KERNEL); }
static int kernel_vfio(void) { return sweep(&seq_b, MODE_KERNEL); }
static int kernel_vfio_hwpt(void) { return sweep(&seq_c, MODE_KERNEL); }
static int kernel_fault(void) { return sweep(&seq_d, MODE_KERNEL); }
static int kernel_pasid(void) { return sweep(&seq_e, MODE_KERNEL); }
static int kernel_space(void) { return sweep(&seq_f, MODE_KERNEL); }
static int kernel_pasid_bind(void) { return sweep(&seq_g, MODE_KERNEL); }

static int
malloc_sweep(const struct sequence *seq)
{
	return sweep(seq, MODE_MALLOC);
}

static int malloc_ioas(void) { return malloc_sweep(&seq_a); }
static int malloc_vfio(void) { return malloc_sweep(&seq_b); }
static int malloc_vfio_hwpt(void) { return malloc_sweep(&seq_c); }
static int malloc_fault(void) { return malloc_sweep(&seq_d); }
static int malloc_pasid(void) { return malloc_sweep(&seq_e); }
static int malloc_space(void) { return malloc_sweep(&seq_f); }
static int malloc_pasid_bind(void) { return malloc_sweep(&seq_g); }

/*
 * A space whose own IOAS is still used by a device outside it cannot be
 * freed (EBUSY) and must stay a space of its context: a later replace of a
 * RID into another space makes it forget the RID, and it frees once the
 * device is gone. Nothing is left behind.
 */
static int
space_free_busy_stays_valid(void)
{
	struct rte_iommufd_space *sp1 = NULL, *sp2 = NULL;
	struct rte_iommufd *ctx = NULL;
	struct rte_iommufd_device *dev = NULL;
	struct mock_dev *m = NULL;
	long heap0 = heap_live;

	TEST_ASSERT_SUCCESS(rte_iommufd_open(&ctx), "%s", last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, NULL, NULL, &sp1), "%s", last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_create(ctx, NULL, NULL, &sp2), "%s", last_msg);
	TEST_ASSERT_SUCCESS(mock_new(rte_iommufd_fd(ctx),
				     rte_iommufd_ioas_id(rte_iommufd_space_ioas(sp1)),
				     IFD_MOCK_FLAGS_DEVICE_PASID, true, &m),
			    "mock device");
	TEST_ASSERT_SUCCESS(rte_iommufd_device_create(ctx, "mock0", m->idev_id, &mock_ops, m, &dev),
			    "%s", last_msg);
	/* The device's RID is on an automatic page table of sp1's IOAS. */
	TEST_ASSERT_EQUAL(rte_iommufd_space_free(sp1), -EBUSY, "IOAS in use outside the space");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp1, dev, RTE_IOMMUFD_NO_PASID, NULL), "%s",
			    last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_attach(sp2, dev, RTE_IOMMUFD_NO_PASID, NULL), "%s",
			    last_msg);
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp1), 0,
			  "the replace into sp2 was seen by sp1");
	TEST_ASSERT_EQUAL(rte_iommufd_space_attachments(sp2), 1, "sp2 has the RID");
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(sp1), "%s", last_msg);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_detach(sp2, dev, RTE_IOMMUFD_NO_PASID), "%s",
			    last_msg);
	rte_iommufd_device_close(dev);
	TEST_ASSERT_SUCCESS(rte_iommufd_space_free(sp2), "%s", last_msg);
	rte_iommufd_close(ctx);
	/* Under valgrind the heap is its business (and it checks leaks). */
	TEST_ASSERT(under_valgrind || heap_live == heap0, "%ld heap blocks left", heap_live - heap0);
	return TEST_SUCCESS;
}

#define KERNEL_CASES \
	TEST_CASE(injection_works), \
	TEST_CASE(kernel_ioas), \
	TEST_CASE(kernel_vfio), \
	TEST_CASE(kernel_vfio_hwpt), \
	TEST_CASE(kernel_fault), \
	TEST_CASE(kernel_pasid), \
	TEST_CASE(kernel_space), \
	TEST_CASE(kernel_pasid_bind), \
	TEST_CASE(space_free_busy_stays_valid)

static const struct test_case all_cases[] = {
	KERNEL_CASES,
	TEST_CASE(malloc_ioas),
	TEST_CASE(malloc_vfio),
	TEST_CASE(malloc_vfio_hwpt),
	TEST_CASE(malloc_fault),
	TEST_CASE(malloc_pasid),
	TEST_CASE(malloc_space),
	TEST_CASE(malloc_pasid_bind),
	TEST_CASES_END()
};

/* Under valgrind, which replaces the malloc family: no malloc sweeps. */
static const struct test_case valgrind_cases[] = {
	KERNEL_CASES,
	TEST_CASES_END()
};

int
main(int argc, char **argv)
{
	const char *preload = getenv("LD_PRELOAD");
	char name[32];
	int ret;

	if (argc > 1)
		bdf = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	trace = getenv("FAIL_NTH_TRACE") != NULL;
	under_valgrind = preload != NULL && strstr(preload, "vgpreload") != NULL;
	rte_iommufd_log_set_handler(capture_log, NULL);

	ret = rte_iommufd_device_find_cdev(bdf, NULL, name, sizeof(name));
	if (ret == 0)
		ret = fault_injection_setup();
	if (ret == 0) {
		struct rte_iommufd *ctx;

		ret = rte_iommufd_open(&ctx);
		if (ret == 0) {
			expected_features = rte_iommufd_features(ctx);
			rte_iommufd_close(ctx);
			witness_fd = open("/dev/iommu", O_RDWR | O_CLOEXEC);
			if (witness_fd < 0)
				ret = -errno;
		}
	}
	buf = mmap(NULL, BUF_LEN, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (ret < 0 || buf == MAP_FAILED) {
		printf("TAP version 13\n1..0\n# setup failed: %s %s\n", last_msg,
		       ret < 0 ? strerror(-ret) : "mmap");
		return 1;
	}
	snprintf(cdev_path, sizeof(cdev_path), "/dev/vfio/devices/%s", name);
	/* Small pages, all present: only the sequence's own pins count. */
	madvise(buf, BUF_LEN, MADV_NOHUGEPAGE);
	memset(buf, 0x5a, BUF_LEN);
	/* Messages that libc builds once, before anything is counted. */
	(void)strerror(ENOMEM);
	return test_run("vm-fail-nth", under_valgrind ? valgrind_cases : all_cases);
}
