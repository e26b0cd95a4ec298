#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Every message the libraries can print, as a reStructuredText page.

Scans lib/**/*.c and drivers/**/*.c for the reporting calls

  ifd_fail(err, hint, fmt, ...)        lib/iommufd, logged at ERR
  ifd_fail_quiet(err, hint, fmt, ...)  lib/iommufd, logged at DEBUG
  ifd_log(level, fmt, ...)             lib/iommufd, levels above DEBUG only
  pasid_fail(err, hint, fmt, ...)      lib/pasid, kept for rte_pasid_last_error()
  IFB_LOG(level, fmt, ...)             drivers/bus/iommufd, above DEBUG only

and writes doc/guides/messages.rst: per call, the message pattern, the
errno, the cause and what to do. A library failure prints
"<what>: <ERRNO> (<hint or strerror>)"; the script follows the errno and
the hint through ternaries, local variables, snprintf() and the small
hint helpers (switch on the errno) to list every variant.

  gen-messages.py                 write doc/guides/messages.rst
  gen-messages.py -o FILE         write FILE instead (--warn-only: exit 0
                                  even if a call cannot be parsed)
  gen-messages.py --check [PAGE]  exit 1 if a call cannot be parsed, or if
                                  PAGE (default doc/guides/messages.rst)
                                  lacks a message or differs from what the
                                  sources give
  gen-messages.py --list          print the extracted messages (debugging)
"""

import argparse
import difflib
import os
import re
import sys

TOP = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), '..'))
PAGE = os.path.join('doc', 'guides', 'messages.rst')

# Reporting functions and macros: name -> (index of the errno argument or
# None, index of the hint argument or None, index of the format, level).
# A level of None means "the first argument names the level".
REPORTERS = {
    'ifd_fail': (0, 1, 2, 'ERR'),
    'ifd_fail_quiet': (0, 1, 2, 'DEBUG'),
    'ifd_log': (None, None, 1, None),
    'pasid_fail': (0, 1, 2, 'ERR'),
    'IFB_LOG': (None, None, 1, None),
}
# Where messages finally go: calls that are allowed to print directly.
SINKS = {('lib/iommufd/log.c', 'log_msg'),
         ('drivers/bus/iommufd/bus_iommufd.c', 'lib_log')}
# Calls that print or log without going through a reporter above.
DIRECT_PRINT = re.compile(r'\b(RTE_LOG|RTE_LOG_LINE|rte_log|printf|fprintf|vfprintf|'
                          r'puts|fputs|perror|syslog)\s*\(')
LEVELS = {
    'RTE_IOMMUFD_LOG_ERR': 'ERR', 'RTE_IOMMUFD_LOG_WARNING': 'WARNING',
    'RTE_IOMMUFD_LOG_INFO': 'INFO', 'RTE_IOMMUFD_LOG_DEBUG': 'DEBUG',
    'EMERG': 'EMERG', 'ALERT': 'ALERT', 'CRIT': 'CRIT', 'ERR': 'ERR',
    'WARNING': 'WARNING', 'NOTICE': 'NOTICE', 'INFO': 'INFO', 'DEBUG': 'DEBUG',
}

# ---------------------------------------------------------------------------
# Hand-written knowledge: what to do about a message.
#
# ADVICE_BY_HINT: (regex on the printed hint, cause, what to do); the first
# match wins. Cause None: the hint itself is the cause.
# ADVICE_BY_OP: (regex on the message pattern, errno or '*', cause, what to do)
# for messages without a hint or whose hint is strerror().
# ADVICE_BY_ERRNO: errno -> (cause, what to do), the last resort.
# ---------------------------------------------------------------------------

ADVICE_BY_HINT = [
    (r'^NULL', None,
     'A bug in the caller: pass valid arguments (check the result of the call that made each object).'),
    (r'negative file descriptor', None,
     'Pass an open descriptor; check the call that opened it.'),
    (r'^not an open file', None, 'Pass an open descriptor of a memfd or hugetlbfs file.'),
    (r'does not answer iommufd ioctls', None,
     'Pass a descriptor of /dev/iommu (or set RTE_IOMMUFD_DEV to the right node).'),
    (r'^no iommufd', None,
     'Load the module (modprobe iommufd) or build the kernel with CONFIG_IOMMUFD, and enable '
     'the IOMMU on the kernel command line; see :doc:`real_hardware`.'),
    (r'^permission denied', None,
     'Run as root, or give the user read-write access to /dev/iommu and /dev/vfio/devices/vfioN '
     '(udev rule or chown); see :doc:`real_hardware`.'),
    (r'CAP_SYS_RESOURCE', None, 'Run with CAP_SYS_RESOURCE, or keep the default accounting mode.'),
    (r'mappings already exist', None,
     'Set the accounting mode right after rte_iommufd_open(), before the first map.'),
    (r'devices are already attached to this IOAS', None,
     'Set the option on a fresh IOAS, before the first attach.'),
    (r'no object with this id', None,
     'The id was already destroyed or belongs to another iommufd: check the id\'s origin.'),
    (r'object still attached or referenced', None,
     'Detach the devices and PASIDs using it and free the HWPTs built on it, then destroy it.'),
    (r'^still attached to a device RID or PASID', None,
     'Detach every RID and PASID using the HWPT (rte_iommufd_device_detach(), '
     'rte_iommufd_device_pasid_detach()) before rte_iommufd_hwpt_free().'),
    (r'^devices or page tables still use it', None,
     'Detach the devices, free the HWPTs allocated over the IOAS, then free it.'),
    (r'^devices or PASIDs are still attached', None,
     'Call rte_iommufd_space_detach() for every attachment first.'),
    (r'a HWPT still delivers faults', None,
     'Free the HWPTs allocated with this fault queue first.'),
    (r'a HWPT allocated outside this library still delivers faults', None,
     'Destroy that HWPT (rte_iommufd_destroy()) before freeing the queue.'),
    (r'expected DDDD:BB:DD\.F', None, 'Give the address as lspci -D prints it, e.g. 0000:01:00.0.'),
    (r'a field is out of range', None, 'Check the address with lspci -D.'),
    (r'output buffer', None, 'A bug in the caller: pass a larger buffer.'),
    (r'path too long', None, 'Use a shorter sysfs or device root.'),
    (r'^no such PCI device', None, 'Check the address with lspci -D; the device may be hidden or removed.'),
    (r'no VFIO device cdevs', None,
     'Use a kernel with CONFIG_VFIO_DEVICE_CDEV=y (Linux 6.6+), or the legacy VFIO path.'),
    (r'^no driver bound', None,
     'Bind the device to vfio-pci (driver_override, drivers_probe); see :doc:`real_hardware`.'),
    (r'^bound to .*, not vfio-pci', None,
     'Unbind the current driver and bind vfio-pci; see :doc:`real_hardware`.'),
    (r'holds no vfioN entry', None,
     'The device is being bound or unbound right now: retry, or rebind it to vfio-pci.'),
    (r'incomplete backend operations', None,
     'A backend must provide attach and detach operations.'),
    (r'^the cdev node is missing', None,
     'Mount devtmpfs on /dev (or create the node), or pass dev_root in the parameters.'),
    (r'^the device is open elsewhere', None,
     'Close the other user of the device (another process, or its VFIO group).'),
    (r'in use by another process or iommufd', None,
     'Another process or iommufd holds the device (a VFIO device opens once at a time): '
     'stop it, or pass the descriptor over instead of opening twice.'),
    (r'^the VF token does not match', None,
     'Pass the token that was set on the PF (vfio-pci vf_token).'),
    (r'^a VF token is required', None,
     'Pass the PF\'s VF token in rte_iommufd_device_params.vf_token, or fix the node\'s permissions.'),
    (r'opened through its VFIO group', None,
     'Close the group (/dev/vfio/N) user, or the other iommufd owning the IOMMU group.'),
    (r'cannot isolate MSIs', None,
     'Enable interrupt remapping (CONFIG_IRQ_REMAP, intremap on), or accept the risk with '
     'iommufd.allow_unsafe_interrupts=1.'),
    (r'^VF token given to a device', None,
     'Pass no token for devices that are neither a PF nor a VF; a kernel before 6.17 takes no token.'),
    (r'descriptor is not valid', None, 'The context was closed: open it again.'),
    (r'page table id 0', None, 'Pass the id of an IOAS or HWPT (rte_iommufd_ioas_id(), rte_iommufd_hwpt_id()).'),
    (r'the RID needs a HWPT allocated with ALLOC_PASID|an IOAS gets an automatic page table', None,
     'With PASIDs attached, attach the RID to a HWPT allocated with RTE_IOMMUFD_HWPT_ALLOC_PASID '
     '(rte_iommufd_policy_hwpt_flags() gives the flags); see :doc:`pasid_model`.'),
    (r'^no IOAS or HWPT with this id|^no HWPT with this id', None,
     'Check the id: it may have been freed, or belong to another context.'),
    (r'reserved region of the device', None,
     'Move the mappings or allow_iovas ranges out of the device\'s reserved regions '
     '(query rte_iommufd_ioas_iova_ranges() after attach).'),
    (r'^PASID 0 is the RID', None, 'Use rte_iommufd_device_attach()/detach() for the RID, or a PASID from 1 up.'),
    (r'^kernel: no PASID attach', None,
     'The running kernel has neither PASID attach (VFIO_DEVICE_ATTACH_PASID) nor PASID-capable '
     'page tables (IOMMU_HWPT_ALLOC_PASID): Linux 6.15 or later. Debian\'s 6.12 reports PASID '
     'widths but cannot attach PASIDs; the RID paths work. See :doc:`troubleshooting`.'),
    (r'predates PASID', None, 'PASID attach needs Linux 6.15 or later.'),
    (r'no usable PASID', None,
     'The device cannot tag DMA with a PASID here: check the kernel (CONFIG_PCI_PASID, scalable '
     'mode), the IOMMU and the device; see :doc:`pasid_model` and :doc:`real_hardware`.'),
    (r'beyond the device\'s PASID width', None,
     'Use a PASID in 1..2^w-1 with w = out_max_pasid_log2 (allocate from a namespace of that '
     'width, see :doc:`pasid_model`).'),
    (r'page table was not allocated for PASID use|not a HWPT allocated for PASID use', None,
     'Allocate the HWPT with RTE_IOMMUFD_HWPT_ALLOC_PASID and attach that HWPT, not an IOAS id.'),
    (r'the RID is attached to a page table not allocated for PASID|RID\'s page table may not be PASID', None,
     'Replace the RID\'s page table with one allocated with ALLOC_PASID (attach again), then '
     'attach the PASID.'),
    (r'driver has no PASID operations', None, 'The device\'s driver or IOMMU cannot attach PASIDs.'),
    (r'no IOMMU_HWPT_ALLOC', None, 'HWPT allocation needs Linux 6.6 or later; attach the IOAS directly.'),
    (r'FAULT_ID_VALID', None,
     'Pass the fault queue in rte_iommufd_hwpt_params.fault and use rte_iommufd_hwpt_alloc_ex().'),
    (r'unknown HWPT flags|unknown map flags', None, 'Use only the flags of the enum in rte_iommufd.h.'),
    (r'vendor data type, length and pointer', None,
     'Give data_type, data_len and data together, or none of them.'),
    (r'no dirty tracking', None,
     'Allocate without DIRTY_TRACKING, or check RTE_IOMMUFD_HW_CAP_DIRTY_TRACKING first.'),
    (r'has no PASID support, or another requested flag', None,
     'The IOMMU has no PASID support: check rte_iommufd_device_pasid_caps() before asking for ALLOC_PASID.'),
    (r'cannot nest page tables', None, 'Nesting needs an IOMMU with nested translation.'),
    (r'unsupported flag or data type', None, 'Drop the unsupported flag or vendor data.'),
    (r'^no such device$', None, 'The device was closed or belongs to another context.'),
    (r'not an IOAS or nesting parent', None,
     'Pass an IOAS id, or a HWPT allocated with NEST_PARENT for a nested HWPT; check the flags.'),
    (r'not allocated with DIRTY_TRACKING', None, 'Allocate the HWPT with RTE_IOMMUFD_HWPT_DIRTY_TRACKING.'),
    (r'page size must be a power of two', None, 'Pass a power-of-two page size of at least 4096 and an aligned, non-empty range.'),
    (r'zero length', None, 'Pass a non-zero length.'),
    (r'neither READ nor WRITE', None, 'Pass RTE_IOMMUFD_MAP_READ, RTE_IOMMUFD_MAP_WRITE or both.'),
    (r'already reserved by an attached device', None,
     'Allow only IOVAs outside the attached devices\' reserved regions.'),
    (r'no IOMMU_IOAS_MAP_FILE', None, 'Map the file through mmap() and rte_iommufd_ioas_map() instead (Linux before 6.13).'),
    (r'different iommufd contexts', None, 'Copy only between IOAS of the same context.'),
    (r'no mapping covers the source range', None, 'Copy a range that is mapped in the source IOAS.'),
    (r'iommufd never splits one', None,
     'Unmap whole mappings: keep the granularity you mapped with (or remap the rest).'),
    (r'outside the IOMMU\'s usable ranges, or address|beyond the IOMMU\'s address width', None,
     'Pick an IOVA inside rte_iommufd_ioas_iova_ranges() (e.g. not IOVA = VA with a 39-bit '
     'IOMMU), or let the kernel choose (no FIXED_IOVA).'),
    (r'falls in a reserved region', None, 'Pick an IOVA outside the reserved regions (rte_iommufd_ioas_iova_ranges()).'),
    (r'has no usable IOVA range', None, 'The attached devices reserve everything: check the IOMMU setup.'),
    (r'not aligned', None, 'Align address and length to the IOMMU page size (4 KiB, or the alignment rte_iommufd_ioas_iova_ranges() reports).'),
    (r'already mapped', None, 'Unmap the range first, or map elsewhere.'),
    (r'no free IOVA range', None, 'Unmap something, or map smaller pieces.'),
    (r'locked-memory limit', None,
     'Raise the limit (ulimit -l, RLIMIT_MEMLOCK) or run with CAP_IPC_LOCK.'),
    (r'virtual address range is not mapped', None, 'Map the memory in the process first (mmap).'),
    (r'unsupported flags or file type', None, 'Use a memfd or a hugetlbfs file.'),
    (r'no fault queues', None, 'Fault queues need Linux 6.11 or later.'),
    (r'multiple of the 40-byte record', None, 'Pass what read() on the fault descriptor returned.'),
    (r'unknown flag or permission bits', None, 'The kernel is newer than the library: update the library.'),
    (r'zero capacity', None, 'Pass room for at least one record.'),
    (r'next fault group does not fit', None, 'Read again with room for more records (a group can hold several).'),
    (r'unknown response code', None, 'Answer RTE_IOMMUFD_FAULT_SUCCESS or RTE_IOMMUFD_FAULT_INVALID.'),
    (r'no pending group with this cookie', None, 'Answer each group once, with the cookie of its last record.'),
    (r'no such device id in this iommufd', None, 'The device was unbound: open it again.'),
    (r'no IOMMU_GET_HW_INFO', None, 'Hardware information needs Linux 6.6 or later (PASID widths 6.15).'),
    (r'IOAS belongs to another context|different contexts', None, 'Use objects of one context together.'),
    (r'every PASID of the namespace is in use', None,
     'Free PASIDs, reclaim those of dead owners (rte_pasid_space_reclaim()), or use a wider namespace.'),
    # lib/pasid
    (r'^not a registered owner', None,
     'Pass an owner returned by rte_pasid_owner_register() and not unregistered since, or '
     'RTE_PASID_OWNER_NONE.'),
    (r'every PASID of the namespace is allocated or reserved', None,
     'Free PASIDs, reclaim those of dead owners (rte_pasid_space_reclaim()), unreserve values, '
     'or use a wider namespace.'),
    (r'beyond the namespace.s width', None,
     'Use a value below 2^width (rte_pasid_space_info() gives the width).'),
    (r'^the value is reserved', None, 'Unreserve it first (rte_pasid_unreserve()), or take another value.'),
    (r'^the value is allocated already', None, 'Take another value, or have its owner free it first.'),
    (r'^not allocated: freed already', None,
     'Free each PASID once, in the namespace it came from (rte_pasid_state() tells its state).'),
    (r'^allocated to another owner', None,
     'Free it with the owner it was allocated to (rte_pasid_state() gives it). A second free of a '
     'value handed out again meanwhile is refused here: look for a double free in the caller.'),
    (r'a value of the range is allocated', None,
     'Free the allocated values of the range first (the message names one), or reserve another range.'),
    (r'no allocated PASID after it', None, 'Nothing to do: the iteration is over.'),
    (r'^no such process', None, 'Register a live process (pid 0: the caller).'),
    (r'all 64 owner slots', None,
     'Unregister owners that are done, or free the slots of dead ones (rte_pasid_space_reclaim()).'),
    (r'liveness callback failed', None, 'See the callback\'s own error; nothing changed: call again.'),
    (r'^a width is 1 to 20 bits', None,
     'Use a width of 1 to 20 bits; a device with width 0 has no PASID (rte_pasid_shared_width() '
     'returns ENOTSUP for it).'),
    (r'device without PASID support cannot share', None, 'Leave that device out of the shared namespace.'),
    (r'^the memory must be aligned', None,
     'Pass memory aligned to 64 bytes (mmap, a memzone or aligned_alloc), a width of 1 to 20 and flags 0.'),
    (r'give at least rte_pasid_space_size', None, 'Size the memory with rte_pasid_space_size(max_width).'),
    (r'^no namespace there', None,
     'Attach the memory another process initialised with rte_pasid_space_init(), from its start.'),
    (r'made by another version of the library', None,
     'Run the primary and the secondary processes from the same build.'),
    (r'damaged header or short mapping', None,
     'Map the whole namespace (rte_pasid_space_size() bytes); if it was overwritten, make a new one.'),
    (r'made in another PID namespace', None, 'Run the processes that share a namespace in one PID namespace.'),
    (r'namespace memory was overwritten|written outside this library', None,
     'Find what writes into the namespace memory (a stray pointer, a second init); make a new namespace.'),
    (r'PASIDs above the new width are allocated', None,
     'Free the PASIDs at or above 2^width first (rte_pasid_next() lists them with their owners), or '
     'keep the device out of the shared namespace.'),
    (r'the namespace was made narrower', None,
     'Make the namespace with the widest width it will ever need (its max_width).'),
    (r'attach failed and so did the rollback', None,
     'Unbind the PASID (rte_iommufd_space_pasid_unbind()) until it succeeds; the PASID is not handed out meanwhile.'),
    (r'a device may still use the PASID', None,
     'Find out why the detach failed (the message before), then unbind again.'),
    (r'PASID is not allocated in this namespace', None,
     'Unbind each PASID once, with the namespace it came from.'),
    (r'namespace is wider than the device', None,
     'Narrow the namespace (rte_pasid_space_narrow()) to the smallest width of its devices '
     '(rte_pasid_shared_width()); see :doc:`pasid_model`.'),
    (r'does not report PASID widths|^kernel: no PASID reporting', None,
     'The running kernel does not report PASID widths in IOMMU_GET_HW_INFO: Linux 6.15 or later '
     '(or a kernel with that change backported, as Debian\'s 6.12).'),
    (r'has no PASID support, or PASID is not enabled', None,
     'See :doc:`troubleshooting` (the PASID width is 0).'),
    (r'not attached to this address space', None, 'Detach from the space the RID or PASID was attached to.'),
]

ADVICE_BY_OP = [
    (r'^iommufd fd .*: closed with', '*',
     'rte_iommufd_close() came while handles of the context were still allocated: this is allowed '
     '(each handle holds a reference), and the descriptor with their kernel objects (and pinned memory) '
     'lasts until the last of them is released.',
     'Nothing if they are released later; otherwise free or close the handles listed (their _free or '
     '_close function), in any order.'),
    (r'^iommufd context allocation|^device create|^address space (create|attach)', 'ENOMEM',
     'Out of memory.', 'Free memory; check for leaks of handles.'),
    (r'^open ', '*', 'open() failed for another reason.', 'Check the path and the kernel log (dmesg).'),
    (r'^IOMMU_DESTROY', '*', 'The kernel refused to destroy the object.', 'Check dmesg; the handle is kept, retry after detaching.'),
    (r'^IOMMU_OPTION', '*', 'The kernel refused the option.', 'The kernel may predate the option (EOPNOTSUPP, ENOTTY): check the kernel version.'),
    (r'^IOMMU_IOAS_ALLOC', '*', 'The kernel could not allocate an IOAS.', 'Usually ENOMEM: free memory.'),
    (r'^IOMMU_IOAS_IOVA_RANGES', '*', 'Reading the usable IOVA ranges failed.', 'Check that the IOAS still exists.'),
    (r'^IOMMU_IOAS_ALLOW_IOVAS', '*', 'The kernel refused the ranges.', 'Pass ordered, non-overlapping ranges (start <= last).'),
    (r'^IOMMU_IOAS_(MAP|COPY)', '*', 'The kernel refused the mapping.', 'See the errno; check dmesg.'),
    (r'^IOMMU_IOAS_UNMAP', '*', 'The kernel refused the unmap.', 'See the errno; check dmesg.'),
    (r'^IOMMU_HWPT_ALLOC', 'ENOMEM', 'Out of memory.', 'Free memory.'),
    (r'^IOMMU_HWPT_ALLOC', '*', 'The kernel refused the page table.', 'See the errno; check the flags against the device\'s capabilities.'),
    (r'^IOMMU_HWPT_(SET_DIRTY|GET_DIRTY)', '*', 'The kernel refused the dirty-tracking call.', 'Check that the HWPT has DIRTY_TRACKING and tracking is started.'),
    (r'^IOMMU_FAULT_QUEUE_ALLOC', '*', 'The kernel could not make a fault queue.', 'Usually ENOMEM or EMFILE: free memory or descriptors.'),
    (r'^IOMMU_GET_HW_INFO', '*', 'The kernel could not report the device\'s IOMMU.', 'Check dmesg; the device may be gone.'),
    (r'^VFIO_DEVICE_BIND_IOMMUFD', '*', 'The kernel refused to bind the device.', 'Check dmesg for the cause.'),
    (r'^(replace|attach|detach) ', '*', 'The kernel refused the RID attach, replace or detach.', 'Check dmesg; see the errno.'),
    (r'^PASID (attach|detach)', '*', 'The kernel refused the PASID attach, replace or detach.', 'Check dmesg; see :doc:`pasid_model`.'),
    (r'^fault queue', '*', 'Reading or answering the fault queue failed.', 'See the errno.'),
    (r'^PASID bind pasid', '*', 'The attach on that device failed; the devices before it were detached '
     'again and the PASID freed.', 'See the attach message logged before it.'),
    (r'^PASID bind: allocation', '*', 'rte_pasid_alloc() refused: EINVAL for a NULL namespace or an '
     'owner that is not registered.',
     'Pass the namespace, and an owner from rte_pasid_owner_register() or RTE_PASID_OWNER_NONE.'),
    (r'^PASID bind: namespace', '*', 'The namespace could not be read (not initialised or damaged).',
     'Pass a namespace made by rte_pasid_space_init() or rte_pasid_space_create().'),
    (r'^address space', '*', 'The attach through the address space failed.', 'See the messages logged before it.'),
    (r'^PASID namespace init: process-shared robust mutex', '*',
     'The C library could not make a process-shared robust mutex for the namespace.',
     'Use a C library with robust mutexes (glibc); see the errno.'),
    (r'^PASID unbind .*: free', '*', 'The namespace refused to free the PASID after every device let go '
     '(its owner changed meanwhile, or the namespace is damaged); it stays allocated.',
     'See rte_pasid_last_error() for the allocator\'s reason.'),
]

ADVICE_BY_ERRNO = {
    'ENOMEM': ('Out of memory (or over a memory limit).', 'Free memory; check ulimit -l for pinned memory.'),
    'EINVAL': ('An argument was refused.', 'Check the arguments against the API reference.'),
    'EBUSY': ('The object is in use.', 'Release its users first.'),
    'ENOENT': ('No such object.', 'Check the id or path.'),
    'EPERM': ('Operation not permitted.', 'Check privileges and the kernel configuration.'),
    'EACCES': ('Permission denied.', 'Check the permissions of the device nodes.'),
    'EOPNOTSUPP': ('Not supported by this kernel, IOMMU or device.', 'Check the kernel version and the device\'s capabilities.'),
    'ENOTSUP': ('Not supported.', 'Check the kernel configuration.'),
    'ERANGE': ('Value out of range.', 'Use a value within the reported limits.'),
    'ENODEV': ('No such device.', 'Check the device address.'),
    'ENXIO': ('The device is not usable through VFIO.', 'Bind it to vfio-pci.'),
    'ENAMETOOLONG': ('A path or buffer is too long or too short.', 'Use shorter paths or bigger buffers.'),
    'EBADF': ('Bad file descriptor.', 'Pass an open descriptor.'),
    'EMSGSIZE': ('The output does not fit.', 'Pass more room.'),
    'ENOTTY': ('The file does not answer this ioctl.', 'Use the right device node; the kernel may predate the call.'),
}
# Strings a hint helper can return that never accompany a failure (the
# callers only fail when the reason is something else).
NOT_FAILURE_HINTS = {'PASIDs usable', 'unknown reason'}

ANY_CAUSE = ('Another errno, from the kernel or from the call underneath; the reason printed '
             'is its strerror() text.')
ANY_ADVICE = 'Look the errno up in the API reference of the call, and check dmesg.'

SECTION_TITLES = {
    'lib/iommufd/context.c': 'Context, options and object ids',
    'lib/iommufd/device.c': 'Devices: discovery, bind, attach, PASIDs',
    'lib/iommufd/ioas.c': 'IOAS: ranges and mappings',
    'lib/iommufd/hwpt.c': 'HWPTs and dirty tracking',
    'lib/iommufd/fault.c': 'Fault queues',
    'lib/iommufd/hw_info.c': 'Hardware information',
    'lib/iommufd/pasid_policy.c': 'PASID capabilities',
    'lib/iommufd/space.c': 'Address spaces',
    'lib/iommufd/pasid_bind.c': 'PASID bindings',
    'lib/pasid/pasid_space.c': 'PASID allocator: namespaces and widths',
    'lib/pasid/pasid_alloc.c': 'PASID allocator: PASIDs and reservations',
    'lib/pasid/pasid_owner.c': 'PASID allocator: owners',
}

# Advice for the DPDK adapter's messages: (regex on the pattern, cause, what to do).
ADAPTER_ADVICE = [
    (r'^RTE_IOMMUFD_MODE=<setting>: <mode_reason>',
     'RTE_IOMMUFD_MODE asks for something this process cannot do: an unknown value, '
     'iommufd requested but not usable (no /dev/iommu, no VFIO cdevs, no-IOMMU mode, or the '
     'primary process does not use iommufd), or EAL\'s own VFIO code not reachable.',
     'Follow the reason printed; unset RTE_IOMMUFD_MODE to let the adapter choose.'),
    (r'^RTE_IOMMUFD_MODE=.*: using',
     'Which implementation serves DPDK\'s VFIO calls, and why.', 'Nothing: information.'),
    (r'^cannot fall back', 'iommufd failed and EAL\'s own VFIO functions cannot be found.',
     'Fix the iommufd failure logged before, or run without the adapter.'),
    (r'^RTE_IOMMUFD_MODE=auto: using the legacy',
     'iommufd could not be used, so the adapter handed DPDK\'s VFIO calls back to EAL.',
     'Nothing, unless iommufd was expected: the reason says why it was not used.'),
    (r'cannot duplicate the', 'dup() failed: the process is out of descriptors.', 'Raise ulimit -n.'),
    (r'already holds <.*> groups', 'Too many IOMMU groups in one container.', 'Use fewer devices per container.'),
    (r'all <.*> are in use', 'Too many VFIO containers.', 'Destroy unused containers.'),
    (r'default VFIO container', 'An application tried to destroy the default container.', 'Destroy only containers it created.'),
    (r'still has <.*> device\(s\) attached', 'The container still has devices.', 'Release the devices first (rte_vfio_release_device()).'),
    (r'no PASID-capable page table',
     'The device\'s IOMMU refused a PASID-capable HWPT; its RID is attached to DPDK\'s IOAS directly.',
     'Nothing for RID DMA; PASIDs of this device cannot share DPDK\'s address space '
     '(see :doc:`pasid_model`).'),
    (r'in a secondary process is not supported',
     'rte_vfio_container_dma_map() was called in a secondary process.', 'Map from the primary process.'),
    (r'user mappings', 'Too many user mappings in one container.', 'Map bigger, fewer ranges.'),
    (r'^DPDK memory at VA',
     'Some of DPDK\'s memory has IOVAs the IOMMU cannot translate.',
     'Follow the advice printed at the end of the message (IOVA mode, IOMMU address width).'),
    (r'outside the IOMMU\'s usable IOVA ranges',
     'The IOVA is beyond the IOMMU\'s address width or inside a reserved region.',
     'Use IOVAs inside the ranges printed; with IOVA as VA and a 39-bit IOMMU, use --iova-mode=pa '
     'or a 48-bit IOMMU.'),
    (r'^DMA map VA', 'The kernel refused the mapping; the library\'s message follows the colon.',
     'See that message in the tables above.'),
    (r'conflicts with .*: a range must be free',
     'The range overlaps an existing mapping (named) without being entirely mapped to the same memory already; nothing was mapped (rte_errno EEXIST).',
     'Map a free IOVA range, or exactly the memory already mapped there; unmap the other mapping first to reuse its IOVAs.'),
    (r'mapping the adapter did not make',
     'The kernel holds a mapping in the range that was not made through the adapter (e.g. made directly on the iommufd); nothing was mapped (rte_errno EEXIST).',
     'Use a free IOVA range, or map through rte_vfio_container_dma_map() only.'),
    (r'cuts the mapping', 'iommufd cannot unmap part of a mapping.', 'Unmap whole mappings as they were mapped.'),
    (r'has VA', 'The IOVA is mapped, but for another VA.', 'Unmap with the VA that was mapped.'),
    (r'of DPDK memory failed',
     'Mapping or unmapping DPDK\'s memory segments failed; the last error is printed.',
     'See the last error in the tables above.'),
    (r'memory events', 'The adapter cannot follow memory hot-plug events.',
     'Use --legacy-mem, or fix the EAL error printed.'),
    (r'multi-process action', 'The multi-process channel could not be set up.',
     'Check EAL\'s multi-process setup (--in-memory, --no-shconf disable it).'),
    (r'^PASIDs need the iommufd mode',
     'A PASID call came before rte_eal_init(), or DPDK\'s VFIO API runs on the type1 container.',
     'Call it after rte_eal_init(), with RTE_IOMMUFD_MODE unset, auto or iommufd.'),
    (r'bytes for the PASID namespace', 'The shared memzone for the PASID namespace could not be reserved.',
     'Give EAL more memory (about 1.2 MB are needed).'),
    (r'primary process has no PASID namespace',
     'A secondary process asked for a PASID before the primary made the namespace.',
     'Allocate a PASID in the primary process first.'),
    (r'cannot use the PASID namespace', 'The shared namespace is damaged, from another version, or from another PID namespace.',
     'Run primary and secondaries from the same build and PID namespace.'),
    (r'PASID owner', 'All owner slots of the namespace are in use.',
     'End processes that hold PASIDs, or let rte_pasid_space_reclaim() free dead ones.'),
    (r'is still attached to <.*>: detach it first', 'The PASID is still attached to a device.',
     'rte_bus_iommufd_pasid_detach() on every device, then free it.'),
    (r'is not a device set up over iommufd', 'The device was not probed by DPDK through this adapter.',
     'Probe it first (it must be bound to vfio-pci and allowed with -a).'),
    (r'PASIDs can only be attached in the primary', 'PASID attach is done by the primary process, which owns the devices.',
     'Attach from the primary process.'),
    (r'has no usable PASID', 'The device or its IOMMU has no PASID width here (the reason is printed).',
     'See :doc:`troubleshooting` (the PASID width is 0).'),
    (r'page table was not allocated for PASID use \(see the warning',
     'At setup the device\'s IOMMU refused a PASID-capable page table (a WARNING said so).',
     'Nothing to do for this device: its PASIDs cannot share DPDK\'s address space.'),
    (r'is not allocated to this process', 'The PASID was not allocated by rte_bus_iommufd_pasid_alloc() in this process.',
     'Allocate it first, and attach only PASIDs of this process.'),
    (r'IOMMU group number', 'The device has no IOMMU group link in sysfs.', 'Check that the IOMMU is enabled.'),
    (r'VFIO_DEVICE_GET_INFO failed', 'The VFIO device refused GET_INFO.', 'Check dmesg.'),
    (r'did not give its VFIO device',
     'A secondary process asked the primary for a device it has not set up.', 'Probe the device in the primary process first.'),
    (r'not managed by VFIO driver', 'The device is not bound to vfio-pci; DPDK skips it.', 'Bind it to vfio-pci if DPDK should use it.'),
    (r'VFIO is not enabled', 'A device was set up before rte_vfio_enable() succeeded.', 'See the earlier messages of rte_eal_init().'),
    (r'only PCI devices', 'A non-PCI device was asked for.', 'Set RTE_IOMMUFD_MODE=type1 for it.'),
    (r'DPDK\'s memory lies outside', 'DPDK\'s memory cannot be mapped (see the message before).',
     'Change the IOVA mode or the IOMMU width.'),
    (r'no VFIO device cdevs', 'The kernel lacks CONFIG_VFIO_DEVICE_CDEV (Linux 6.6+).',
     'Use a kernel with VFIO device cdevs, or RTE_IOMMUFD_MODE=type1.'),
    (r'cannot be used over iommufd', 'Opening, binding or attaching the device failed.', 'See the reason, and the tables above.'),
    (r'release of a device that is not set up', 'A device was released twice or never set up.', 'A bug in the caller.'),
    (r'check whether module', 'sysfs is not mounted.', 'Mount sysfs on /sys.'),
    (r'VFIO module <.*> not loaded', 'vfio-pci is not loaded: no VFIO devices.', 'modprobe vfio-pci, if VFIO is wanted.'),
    (r'^iommufd cannot be used', 'Opening /dev/iommu or the default IOAS failed, and no fallback was allowed.',
     'Follow the reason; set RTE_IOMMUFD_MODE=type1 to use the legacy container.'),
    (r'secondary processes will not be able',
     'The multi-process channel could not be registered.', 'Secondary processes need it; see the message before.'),
    (r'cannot (open|read) <', 'The no-IOMMU mode parameter could not be read.', 'Check that the vfio module is loaded.'),
    (r'invalid group fd', 'The group descriptor is not one the adapter gave out.', 'A bug in the caller.'),
    (r'invalid VFIO container fd', 'The container descriptor is not one the adapter gave out.', 'Use the descriptor rte_vfio_container_create() returned.'),
    (r'already in container', 'The IOMMU group is bound to another container.', 'Unbind it from that container first.'),
    (r'is not in container', 'The IOMMU group is not bound to this container.', 'Bind it first.'),
]

# ---------------------------------------------------------------------------
# A small C tokenizer and statement walker.
# ---------------------------------------------------------------------------

TOKEN_RE = re.compile(r'''
    (?P<ws>\s+)
  | (?P<comment>//[^\n]*|/\*.*?\*/)
  | (?P<pp>^[ \t]*\#(?:\\\n|[^\n])*)
  | (?P<str>"(?:\\.|[^"\\\n])*")
  | (?P<chr>'(?:\\.|[^'\\\n])+')
  | (?P<num>\.?\d(?:[eEpP][+-]|[\w.])*)
  | (?P<id>[A-Za-z_]\w*)
  | (?P<op>->|\+\+|--|<<=|>>=|<<|>>|<=|>=|==|!=|&&|\|\||[-+*/%&|^]=|\.\.\.|[{}()\[\];,.?:=<>!~+\-*/%&|^])
''', re.S | re.M | re.X)


class Tok:
    __slots__ = ('kind', 'text', 'line')

    def __init__(self, kind, text, line):
        self.kind, self.text, self.line = kind, text, line

    def __repr__(self):
        return self.text


class ParseError(Exception):
    pass


def tokenize(src, path):
    toks, pos, line = [], 0, 1
    while pos < len(src):
        m = TOKEN_RE.match(src, pos)
        if m is None:
            raise ParseError('%s:%d: cannot tokenize %r' % (path, line, src[pos:pos + 20]))
        kind = m.lastgroup
        text = m.group()
        if kind not in ('ws', 'comment', 'pp'):
            toks.append(Tok(kind, text, line))
        line += text.count('\n')
        pos = m.end()
    return toks


def c_string(text):
    """The value of a C string literal token."""
    body = text[1:-1]
    return re.sub(r'\\(.)', lambda m: {'n': '\n', 't': '\t'}.get(m.group(1), m.group(1)), body)


OPEN = {'(': ')', '[': ']', '{': '}'}


def match(toks, i):
    """Index of the bracket closing toks[i]."""
    depth = 0
    for j in range(i, len(toks)):
        t = toks[j].text
        if t in OPEN:
            depth += 1
        elif t in (')', ']', '}'):
            depth -= 1
            if depth == 0:
                return j
    raise ParseError('line %d: unbalanced %s' % (toks[i].line, toks[i].text))


def split_top(toks, sep=','):
    """Split a token list at top-level separators."""
    parts, cur, depth = [], [], 0
    for t in toks:
        if t.text in OPEN:
            depth += 1
        elif t.text in (')', ']', '}'):
            depth -= 1
        if depth == 0 and t.text == sep:
            parts.append(cur)
            cur = []
        else:
            cur.append(t)
    parts.append(cur)
    return parts


def split_ternary(toks):
    """(cond, then, else) of a top-level 'c ? a : b', or None."""
    depth, q = 0, None
    for k, t in enumerate(toks):
        if t.text in OPEN:
            depth += 1
        elif t.text in (')', ']', '}'):
            depth -= 1
        elif depth == 0 and t.text == '?' and q is None:
            q = k
            nest = 0
        elif depth == 0 and q is not None and t.text == '?':
            nest += 1
        elif depth == 0 and q is not None and t.text == ':':
            if nest == 0:
                return toks[:q], toks[q + 1:k], toks[k + 1:]
            nest -= 1
    return None


def ternary_leaves(toks):
    """The value expressions of a chain of ternaries."""
    toks = strip_parens(toks)
    t = split_ternary(toks)
    if t is None:
        return [toks]
    return ternary_leaves(t[1]) + ternary_leaves(t[2])


def strip_parens(toks):
    while len(toks) >= 2 and toks[0].text == '(' and match(toks, 0) == len(toks) - 1:
        toks = toks[1:-1]
    return toks


class Function:
    """A function definition: name, parameters, body tokens, and for each
    body token the stack of conditions around it."""

    def __init__(self, path, name, params, body):
        self.path, self.name, self.params, self.body = path, name, params, body
        self.ctx = [()] * len(body)
        self.walk_stmts(0, len(body), ())

    # Context entries: ('if', cond), ('else', cond), ('case', labels, subject), ('loop', cond).
    def mark(self, i, j, ctx):
        for k in range(i, j):
            self.ctx[k] = ctx

    def walk_stmts(self, i, end, ctx):
        while i < end:
            i = self.walk_stmt(i, end, ctx)

    def walk_stmt(self, i, end, ctx):
        b = self.body
        t = b[i].text
        if t == '{':
            j = match(b, i)
            self.walk_stmts(i + 1, j, ctx)
            return j + 1
        if t == ';':
            return i + 1
        if t == 'if':
            q = match(b, i + 1)
            cond = b[i + 2:q]
            self.mark(i, q + 1, ctx)
            k = self.walk_stmt(q + 1, end, ctx + (('if', cond),))
            if k < end and b[k].text == 'else':
                k = self.walk_stmt(k + 1, end, ctx + (('else', cond),))
            return k
        if t == 'switch':
            q = match(b, i + 1)
            subject = b[i + 2:q]
            self.mark(i, q + 1, ctx)
            j = match(b, q + 1)
            k, labels, after_stmt = q + 2, [], False
            while k < j:
                if b[k].text in ('case', 'default'):
                    if after_stmt:
                        labels, after_stmt = [], False
                    c = k + 1
                    depth = 0
                    while not (b[c].text == ':' and depth == 0):
                        depth += b[c].text in OPEN
                        depth -= b[c].text in (')', ']', '}')
                        c += 1
                    labels.append(b[k + 1:c] if b[k].text == 'case' else 'default')
                    k = c + 1
                    continue
                k = self.walk_stmt(k, j, ctx + (('case', tuple(labels), subject),))
                after_stmt = True
            return j + 1
        if t in ('for', 'while'):
            q = match(b, i + 1)
            self.mark(i, q + 1, ctx)
            if t == 'while' and q + 1 < end and b[q + 1].text == ';':
                return q + 2
            return self.walk_stmt(q + 1, end, ctx + (('loop', b[i + 2:q]),))
        if t == 'do':
            k = self.walk_stmt(i + 1, end, ctx + (('loop', []),))
            q = match(b, k + 1)
            return q + 2
        if b[i].kind == 'id' and i + 1 < end and b[i + 1].text == ':' and t != 'default':
            return i + 2        # goto label
        # An expression or declaration statement, up to ';' at depth 0.
        j, depth = i, 0
        while j < end:
            x = b[j].text
            if x in OPEN:
                depth += 1
            elif x in (')', ']', '}'):
                depth -= 1
            elif x == ';' and depth == 0:
                break
            j += 1
        self.mark(i, j + 1, ctx)
        return j + 1


def parse_functions(path, toks):
    funcs, i, depth = [], 0, 0
    while i < len(toks):
        t = toks[i].text
        if t == '{' and depth == 0:
            j = match(toks, i)
            if i > 0 and toks[i - 1].text == ')':
                # find the parameter list and the name before it
                k, d = i - 1, 0
                while True:
                    if toks[k].text == ')':
                        d += 1
                    elif toks[k].text == '(':
                        d -= 1
                        if d == 0:
                            break
                    k -= 1
                name = toks[k - 1].text
                params = []
                for p in split_top(toks[k + 1:i - 1]):
                    ids = [x.text for x in p if x.kind == 'id']
                    if ids and ids != ['void']:
                        params.append(ids[-1])
                if toks[k - 1].kind == 'id':
                    funcs.append(Function(path, name, params, toks[i + 1:j]))
            i = j + 1
            continue
        i += 1
    return funcs


# ---------------------------------------------------------------------------
# Messages
# ---------------------------------------------------------------------------

PRI_RE = re.compile(r'^PRI([diouxX])(8|16|32|64|PTR|MAX)$')
CONV_RE = re.compile(r'%([-+ #0]*)(\*|\d+)?(?:\.(\*|\d+))?(hh|h|ll|l|j|z|t|L)?([diouxXeEfgGcspn%])')
CAST_TYPES = {'unsigned', 'signed', 'long', 'int', 'short', 'char', 'const', 'void', 'size_t',
              'uint8_t', 'uint16_t', 'uint32_t', 'uint64_t', 'int32_t', 'int64_t', 'uintptr_t',
              'ssize_t', 'struct', 'enum', 'double', 'float', 'bool'}


def format_string(toks):
    """The format of a string-literal argument (literals and PRI macros)."""
    out = []
    for t in toks:
        if t.kind == 'str':
            out.append(c_string(t.text))
        elif t.kind == 'id' and PRI_RE.match(t.text):
            out.append('ll' + PRI_RE.match(t.text).group(1))
        else:
            return None
    return ''.join(out)


def is_const(toks):
    """A constant expression: an upper-case name, a number, or a negated errno."""
    t = [x.text for x in strip_parens(toks)]
    if t[:1] == ['-']:
        t = t[1:]
    return len(t) == 1 and re.fullmatch(r'[A-Z_][A-Z_0-9]*|\d\w*', t[0]) is not None


PLACEHOLDER_NAMES = {'dev': 'device', 'devs': 'device', 'idev': 'device', 'addr': 'device',
                     'dev_addr': 'device', 'device_name': 'device', 'p': 'pasid', 'i': 'index'}


def placeholder(name):
    return '<%s>' % PLACEHOLDER_NAMES.get(name, name)


def is_errno(t):
    return re.fullmatch(r'E[A-Z0-9]+', t) is not None and t not in ('EOF',)


def errno_literal(toks):
    toks = strip_parens(toks)
    if len(toks) == 2 and toks[0].text == '-' and is_errno(toks[1].text):
        return toks[1].text
    return None


def errno_tests(cond, var):
    """Errnos that a condition tests the variable against (VAR == -E / VAR == E)."""
    found = set()
    txt = [t.text for t in cond]
    for k in range(len(txt)):
        if txt[k] == var and k + 1 < len(txt) and txt[k + 1] == '==':
            rest = txt[k + 2:k + 4]
            if rest[:1] == ['-'] and len(rest) == 2 and is_errno(rest[1]):
                found.add(rest[1])
            elif rest and is_errno(rest[0]):
                found.add(rest[0])
    return found


def arg_name(toks, params=None):
    """A short placeholder for a format argument."""
    toks = strip_parens(toks)
    # casts
    while len(toks) > 2 and toks[0].text == '(':
        j = match(toks, 0)
        inner = toks[1:j]
        if j < len(toks) - 1 and inner and all(t.text in CAST_TYPES or t.text == '*' or
                                             t.text.endswith('_t') for t in inner):
            toks = strip_parens(toks[j + 1:])
        else:
            break
    texts = [t.text for t in toks]
    if len(toks) == 1:
        if toks[0].kind == 'str':
            return c_string(toks[0].text)
        if toks[0].kind == 'num':
            return texts[0]
        if params and texts[0] in params:
            return params[texts[0]]
        return placeholder(texts[0])
    if split_ternary(toks):
        alts = ternary_leaves(toks)
        words = []
        for b in alts:
            b = strip_parens(b)
            words.append(c_string(b[0].text) if len(b) == 1 and b[0].kind == 'str'
                         else arg_name(b, params))
        if '' in words:
            return '[%s]' % '|'.join(w for w in words if w)
        return '|'.join(words)
    # drop subscripts: a[i]->b is a->b
    flat, k = [], 0
    while k < len(toks):
        if toks[k].text == '[':
            k = match(toks, k) + 1
            continue
        flat.append(toks[k])
        k += 1
    if len(flat) > 2 and flat[-2].text in ('->', '.') and flat[-1].kind == 'id' and \
            flat[-1].text not in ('id', 'name'):
        return placeholder(flat[-1].text)
    if all(t.kind == 'id' or t.text in ('->', '.') for t in flat):
        ids = [t.text for t in flat if t.kind == 'id']
        if ids[-1] in ('id', 'name') and len(ids) > 1:
            return placeholder(ids[-2])
        return placeholder(ids[-1])
    if toks[0].kind == 'id' and len(toks) > 1 and toks[1].text == '(' and match(toks, 1) == len(toks) - 1:
        name = re.sub(r'^(rte_iommufd_|rte_|ifd_|ifb_)', '', toks[0].text)
        name = re.sub(r'_str$', '', name)
        return placeholder(name)
    return '<n>'


def render_format(fmt, args, where, params=None):
    """Replace the conversions of a format by placeholders named after the arguments."""
    out, k, pos = [], 0, 0
    for m in CONV_RE.finditer(fmt):
        out.append(fmt[pos:m.start()])
        pos = m.end()
        if m.group(5) == '%':
            out.append('%')
            continue
        if m.group(2) == '*' or m.group(3) == '*':
            k += 1
        if k >= len(args):
            raise ParseError('%s: format "%s" has more conversions than arguments' % (where, fmt))
        out.append(arg_name(args[k], params))
        k += 1
    out.append(fmt[pos:])
    if k != len(args):
        raise ParseError('%s: format "%s" has fewer conversions than arguments' % (where, fmt))
    return ''.join(out)


class Variant:
    """One way a message can end: errnos (None: any other) and hint (None: strerror)."""

    def __init__(self, errnos, hint):
        self.errnos = frozenset(errnos) if errnos else None
        self.hint = hint

    def key(self):
        return (tuple(sorted(self.errnos)) if self.errnos else (), self.hint or '')


class Analyzer:
    def __init__(self, files):
        self.files = files           # path -> list of Function
        self.funcs = {}
        for fl in files.values():
            for f in fl:
                self.funcs.setdefault(f.name, f)

    # -- errno of the err argument --------------------------------------

    def cond_errnos(self, func, idx, var):
        for entry in reversed(func.ctx[idx]):
            if entry[0] == 'if':
                e = errno_tests(entry[1], var)
                if e:
                    return e
        return None

    def assignments(self, func, var, before):
        """(index, expr tokens) of 'VAR = expr' before a position."""
        b, out = func.body, []
        for k in range(before):
            if b[k].text == var and k + 1 < len(b) and b[k + 1].text == '=' and \
                    (k == 0 or b[k - 1].text not in ('.', '->')):
                j, depth = k + 2, 0
                while j < len(b):
                    x = b[j].text
                    if x in OPEN:
                        depth += 1
                    elif x in (')', ']', '}'):
                        if depth == 0:
                            break
                        depth -= 1
                    elif x in (';', ',') and depth == 0:
                        break
                    j += 1
                out.append((k, b[k + 2:j]))
        return out

    @staticmethod
    def related(a, b):
        n = min(len(a), len(b))
        return a[:n] == b[:n]

    def var_errnos(self, func, idx, var):
        e = self.cond_errnos(func, idx, var)
        if e:
            return e
        if var == 'errno':
            return None
        here = func.ctx[idx]
        same = [(k, x) for k, x in self.assignments(func, var, idx)
                if len(func.ctx[k]) <= len(here) and self.related(func.ctx[k], here)]
        if not same:
            return None
        k0, expr = same[-1]
        lit = errno_literal(expr)
        if lit is None:
            return None
        found = {lit}
        for k, x in self.assignments(func, var, idx):
            if k > k0 and errno_literal(x):
                found.add(errno_literal(x))
        # errnos handled by an earlier test at this level
        for k in range(k0, idx):
            c = func.ctx[k]
            if c and c[-1][0] == 'if' and len(c) <= len(here) and self.related(c[:-1], here) \
                    and c != here[:len(c)]:
                found -= errno_tests(c[-1][1], var)
        return found or None

    def err_errnos(self, func, idx, toks):
        lit = errno_literal(toks)
        if lit:
            return {lit}
        t = strip_parens(toks)
        if len(t) == 1 and t[0].kind == 'id':
            return self.var_errnos(func, idx, t[0].text)
        if len(t) == 2 and t[0].text == '-' and t[1].text == 'errno':
            return self.cond_errnos(func, idx, 'errno')
        raise ParseError('%s:%d: errno argument %s not understood' %
                         (func.path, toks[0].line if toks else 0, ' '.join(x.text for x in toks)))

    # -- hints ------------------------------------------------------------

    def hint_variants(self, func, idx, toks, errvar, binds, depth=0):
        """Variants of a hint expression (list of (errnos or None, text or None))."""
        if depth > 8:
            raise ParseError('%s: hint recursion too deep' % func.path)
        toks = strip_parens(toks)
        where = '%s:%d' % (func.path, toks[0].line if toks else 0)
        if not toks:
            raise ParseError('%s: empty hint' % where)
        texts = [t.text for t in toks]
        if texts == ['NULL']:
            return [(None, None)]
        fmt = format_string(toks)
        if fmt is not None:
            return [(None, fmt)]
        tern = split_ternary(toks)
        if tern:
            cond, alts = tern[0], tern[1:]
            val = self.const_cond(cond, binds)
            e = set()
            for v in ([errvar] if errvar else []) + ['errno']:
                e |= errno_tests(self.bind(cond, binds), v)
            out = []
            if val is not False:
                for er, h in self.hint_variants(func, idx, alts[0], errvar, binds, depth + 1):
                    out.append((er if er else (e or None), h))
            if val is not True:
                out.extend(self.hint_variants(func, idx, alts[1], errvar, binds, depth + 1))
            return out
        if toks[0].kind == 'id' and len(toks) > 1 and toks[1].text == '(' and \
                match(toks, 1) == len(toks) - 1:
            callee = self.funcs.get(toks[0].text)
            if callee is None:
                raise ParseError('%s: hint from %s(), which is not defined in the scanned sources' %
                                 (where, toks[0].text))
            args = split_top(toks[2:-1])
            nb = {}
            for p, a in zip(callee.params, args):
                a = self.bind(a, binds)
                nb[p] = a
            # a parameter bound to the caller's errno variable
            perr = None
            for p, a in nb.items():
                a2 = strip_parens(a)
                if errvar and len(a2) == 1 and a2[0].text == errvar:
                    perr = p
            return self.returns(callee, nb, perr, depth + 1)
        if len(toks) == 1 and toks[0].kind == 'id':
            return self.var_variants(func, idx, toks[0].text, errvar, binds, depth + 1)
        raise ParseError('%s: hint expression "%s" not understood' % (where, ' '.join(texts)))

    @staticmethod
    def bind(toks, binds):
        out = []
        for t in toks:
            if t.kind == 'id' and t.text in binds:
                out.extend(binds[t.text])
            else:
                out.append(t)
        return out

    def const_cond(self, cond, binds):
        """True/False when a condition on constants can be decided, else None."""
        c = [t.text for t in strip_parens(self.bind(cond, binds))]
        if len(c) == 3 and c[1] == '&' and c[0] == c[2] and re.fullmatch(r'[A-Z_0-9]+', c[0]):
            return True
        return None

    def returns(self, func, binds, perr, depth):
        """Variants of what a hint helper returns."""
        out, matched_case = [], False
        cands = []
        b = func.body
        for k, t in enumerate(b):
            if t.text != 'return':
                continue
            # the ';' at depth 0
            j, d = k + 1, 0
            while True:
                x = b[j].text
                d += x in OPEN
                d -= x in (')', ']', '}')
                if x == ';' and d == 0:
                    break
                j += 1
            expr = b[k + 1:j]
            errs, keep, in_case = None, True, False
            for entry in func.ctx[k]:
                if entry[0] == 'case':
                    labels, subject = entry[1], strip_parens(entry[2])
                    sname = subject[0].text if len(subject) == 1 else None
                    if sname in binds and sname != perr and is_const(binds[sname]):
                        in_case = True
                        val = [x.text for x in strip_parens(binds[sname])]
                        hit = any(lab != 'default' and [x.text for x in strip_parens(list(lab))] == val
                                  for lab in labels)
                        if hit:
                            matched_case = True
                        elif 'default' in labels:
                            keep = 'default'
                        else:
                            keep = False
                    elif sname == perr:
                        es = set()
                        for lab in labels:
                            if lab != 'default':
                                el = errno_literal(list(lab))
                                if el:
                                    es.add(el)
                        errs = es or None
                elif entry[0] == 'if' and perr:
                    es = errno_tests(entry[1], perr)
                    if es:
                        errs = es
            cands.append((k, expr, errs, keep, in_case))
        for k, expr, errs, keep, in_case in cands:
            if keep is False:
                continue
            if keep == 'default' and matched_case:
                continue
            if matched_case and not in_case:
                continue
            for er, h in self.hint_variants(func, k, expr, perr, binds, depth + 1):
                out.append((er if er else errs, h))
        return out

    def var_variants(self, func, idx, var, errvar, binds, depth):
        here = func.ctx[idx]
        out = []
        b = func.body
        for k in range(idx):
            if b[k].text != var or (k > 0 and b[k - 1].text in ('.', '->')):
                continue
            if not self.related(func.ctx[k], here):
                continue
            errs = None
            for entry in reversed(func.ctx[k]):
                if entry[0] == 'if' and errvar:
                    e = errno_tests(entry[1], errvar)
                    if e:
                        errs = e
                        break
            if k + 1 < len(b) and b[k + 1].text == '=':
                expr = None
                for kk, x in self.assignments(func, var, k + 1):
                    if kk == k:
                        expr = x
                for er, h in self.hint_variants(func, k, expr, errvar, binds, depth + 1):
                    out.append((er if er else errs, h))
            elif k >= 2 and b[k - 1].text == '(' and b[k - 2].text == 'snprintf':
                q = match(b, k - 1)
                args = split_top(b[k:q])
                fmt = format_string(args[2])
                if fmt is None:
                    raise ParseError('%s:%d: snprintf into %s with a computed format' %
                                     (func.path, b[k].line, var))
                out.append((errs, render_format(fmt, args[3:], '%s:%d' % (func.path, b[k].line))))
        if not out:
            raise ParseError('%s:%d: cannot tell what %s holds' % (func.path, b[idx].line, var))
        return out


class Message:
    def __init__(self, path, func, line, reporter, level, pattern, variants, callers):
        self.path, self.func, self.line = path, func, line
        self.reporter, self.level, self.pattern = reporter, level, pattern
        self.variants = variants
        self.callers = callers


def scan(top):
    paths = []
    for sub in ('lib', 'drivers'):
        for root, dirs, names in os.walk(os.path.join(top, sub)):
            dirs.sort()
            for n in sorted(names):
                if n.endswith('.c'):
                    paths.append(os.path.relpath(os.path.join(root, n), top))
    files, errors, raw = {}, [], {}
    for p in paths:
        with open(os.path.join(top, p), encoding='utf-8') as f:
            src = f.read()
        raw[p] = src
        try:
            files[p] = parse_functions(p, tokenize(src, p))
        except (ParseError, IndexError) as e:
            errors.append('%s: %s' % (p, e))
            files[p] = []
    return paths, files, raw, errors


def param_values(an, func):
    """For a static function's parameters that every caller passes as a string
    literal: parameter -> 'a|b'."""
    vals = {p: [] for p in func.params}
    for fl in an.files.values():
        for f in fl:
            b = f.body
            for k in range(len(b) - 1):
                if b[k].text == func.name and b[k + 1].text == '(':
                    args = split_top(b[k + 2:match(b, k + 1)])
                    for p, a in zip(func.params, args):
                        a = strip_parens(a)
                        if vals[p] is not None and len(a) == 1 and a[0].kind == 'str':
                            v = c_string(a[0].text)
                            if v not in vals[p]:
                                vals[p].append(v)
                        else:
                            vals[p] = None
    return {p: '|'.join(v) for p, v in vals.items() if v}


def public_callers(an, name, seen=None):
    """Public (rte_*) functions that reach a function, up to a few levels."""
    if name.startswith('rte_'):
        return [name]
    seen = seen or set()
    if name in seen or len(seen) > 6:
        return []
    seen.add(name)
    out = []
    for fl in an.files.values():
        for f in fl:
            if f.name == name:
                continue
            body = f.body
            for k in range(len(body) - 1):
                if body[k].text == name and body[k + 1].text == '(':
                    for c in public_callers(an, f.name, seen):
                        if c not in out:
                            out.append(c)
                    break
    return out


def extract(top):
    paths, files, raw, errors = scan(top)
    an = Analyzer(files)
    msgs = []
    for p in paths:
        for f in files[p]:
            b = f.body
            for i, t in enumerate(b):
                if t.text not in REPORTERS or i + 1 >= len(b) or b[i + 1].text != '(':
                    continue
                where = '%s:%d (%s)' % (p, t.line, f.name)
                try:
                    q = match(b, i + 1)
                    args = split_top(b[i + 2:q])
                    ierr, ihint, ifmt, level = REPORTERS[t.text]
                    if level is None:
                        lv = [x.text for x in args[0]]
                        level = LEVELS.get(lv[-1]) if lv else None
                        if level is None:
                            raise ParseError('level %s not understood' % ' '.join(lv))
                        if level == 'DEBUG':
                            continue
                    if len(args) <= ifmt:
                        raise ParseError('too few arguments')
                    fmt = format_string(args[ifmt])
                    if fmt is None:
                        raise ParseError('the format is not a string literal')
                    fargs = args[ifmt + 1:]
                    params = param_values(an, f)
                    # a format argument that is a ternary of long literals gives variants
                    expand = None
                    for n, a in enumerate(fargs):
                        if split_ternary(strip_parens(a)):
                            lits = [x for x in strip_parens(a) if x.kind == 'str']
                            if any(len(c_string(x.text)) > 24 for x in lits):
                                expand = n
                    if expand is not None:
                        alts = ternary_leaves(fargs[expand])
                        patterns = []
                        for alt in alts:
                            fa = list(fargs)
                            fa[expand] = alt
                            patterns.append(render_format(fmt, fa, where, params))
                    else:
                        patterns = [render_format(fmt, fargs, where, params)]
                    variants = [(None, None)]
                    if ierr is not None:
                        errs = an.err_errnos(f, i, args[ierr])
                        errvar = None
                        e = strip_parens(args[ierr])
                        if len(e) == 1 and e[0].kind == 'id':
                            errvar = e[0].text
                        elif len(e) == 2 and e[1].text == 'errno':
                            errvar = 'errno'
                        hv = an.hint_variants(f, i, args[ihint], errvar, {})
                        variants = []
                        seen = set()
                        for er, h in hv:
                            if h in NOT_FAILURE_HINTS:
                                continue
                            if errs and er:
                                er = set(er) & set(errs)
                                if not er:
                                    continue
                            er = er or errs
                            v = Variant(er, h)
                            if v.key() not in seen:
                                seen.add(v.key())
                                variants.append(v)
                        # specific errnos first, "any other" last
                        variants.sort(key=lambda v: v.errnos is None)
                    else:
                        variants = [Variant(None, None)]
                    for pat in patterns:
                        msgs.append(Message(p, f.name, t.line, t.text, level, pat, variants,
                                            public_callers(an, f.name)))
                except (ParseError, IndexError, TypeError) as e:
                    errors.append('%s: cannot parse this call: %s' % (where, e))
    # Printing around the reporters, and reporters hidden in macros.
    for p, src in raw.items():
        code = blank_comments_and_strings(src)
        for m in DIRECT_PRINT.finditer(code):
            fn = function_at(files[p], src, m.start())
            if (p, fn) not in SINKS:
                errors.append('%s:%d: %s() prints directly; report through one of %s' %
                              (p, src.count('\n', 0, m.start()) + 1, m.group(1),
                               ', '.join(sorted(REPORTERS))))
    errors.extend(wrapper_macros(top))
    return msgs, errors


WRAPPER_RE = re.compile(r'#\s*define\s+(\w+)\s*\([^)]*\)(?:\\\n|[^\n])*?'
                        r'\b(ifd_fail|ifd_fail_quiet|ifd_log|pasid_fail|IFB_LOG|RTE_LOG|RTE_LOG_LINE|'
                        r'rte_log)\b')


def wrapper_macros(top):
    """Macros that wrap a reporter but are not known reporters themselves."""
    errs = []
    for sub in ('lib', 'drivers'):
        for root, dirs, names in sorted(os.walk(os.path.join(top, sub))):
            for n in sorted(names):
                if not n.endswith(('.c', '.h')):
                    continue
                path = os.path.join(root, n)
                with open(path, encoding='utf-8') as f:
                    code = blank_comments_and_strings(f.read())
                for m in WRAPPER_RE.finditer(code):
                    if m.group(1) not in REPORTERS:
                        errs.append('%s: macro %s() wraps %s(): add it to REPORTERS in '
                                    'devtools/gen-messages.py' %
                                    (os.path.relpath(path, top), m.group(1), m.group(2)))
    return errs


def blank_comments_and_strings(src):
    """The source with comments and string literals blanked (lines kept)."""
    return re.sub(r'//[^\n]*|/\*.*?\*/|"(?:\\.|[^"\\\n])*"',
                  lambda m: re.sub(r'[^\n]', ' ', m.group()), src, flags=re.S)


def function_at(funcs, src, offset):
    line = src.count('\n', 0, offset) + 1
    best = None
    for f in funcs:
        if f.body and f.body[0].line <= line <= f.body[-1].line + 1:
            best = f.name
    return best


# ---------------------------------------------------------------------------
# Advice and output
# ---------------------------------------------------------------------------

def advise(pattern, errno_names, hint):
    """(cause, what to do); cause None when the printed hint says it all."""
    if hint:
        for rx, cause, todo in ADVICE_BY_HINT:
            if re.search(rx, hint):
                return cause, todo
    ops = [(cause, todo) for rx, e, cause, todo in ADVICE_BY_OP
           if re.search(rx, pattern) and errno_names and e in errno_names]
    if ops:
        return (None if hint else ops[0][0]), ops[0][1]
    if errno_names and errno_names[0] in ADVICE_BY_ERRNO:
        c, t = ADVICE_BY_ERRNO[errno_names[0]]
        return (None if hint else c), t
    ops = [(cause, todo) for rx, e, cause, todo in ADVICE_BY_OP
           if re.search(rx, pattern) and e == '*']
    if ops:
        return (None if hint else ops[0][0]), ops[0][1]
    return (None if hint else ANY_CAUSE), ANY_ADVICE


def adapter_advice(pattern):
    for rx, cause, todo in ADAPTER_ADVICE:
        if re.search(rx, pattern):
            return cause, todo
    return None, None


def lit(s):
    """An inline literal (never empty, no surrounding spaces)."""
    s = s.strip() or ' '
    return '``%s``' % s.replace('``', '`\\`')


def cell(lines, first):
    out = []
    for n, ln in enumerate(lines):
        prefix = ('   * - ' if first else '     - ') if n == 0 else '       '
        out.append((prefix + ln).rstrip() if ln or n == 0 else '')
    return out


def render(msgs):
    lib = [m for m in msgs if m.reporter in ('ifd_fail', 'ifd_fail_quiet', 'ifd_log', 'pasid_fail')]
    drv = [m for m in msgs if m.reporter == 'IFB_LOG']
    out = [
        '.. SPDX-License-Identifier: BSD-3-Clause',
        '',
        '.. Generated by devtools/gen-messages.py from lib/**/*.c and drivers/**/*.c.',
        '   Do not edit: change the sources or the tables in the script, then run',
        '   devtools/gen-messages.py (the fast test doc-messages checks this page).',
        '',
        '.. _messages:',
        '',
        'Messages',
        '========',
        '',
        'Every message the libraries can print, generated from the sources.',
        '',
        'A failure of ``lib/iommufd`` prints one line, ``<what>: <ERRNO> (<reason>)``,',
        'through the log handler (default: stderr, prefixed ``iommufd:``) and keeps it',
        'for ``rte_iommufd_last_error()``. ``<what>`` names the operation and its',
        'objects; ``<reason>`` is the library\'s explanation, or ``strerror()`` of the',
        'errno when the library has none (rows with the errno *any* or *other*).',
        'Words in angle brackets stand for values, ``a|b`` means either word and',
        '``[x]`` optional text. Under each pattern are the public calls that can print',
        'it. :doc:`troubleshooting` walks through the common cases.',
        '',
        'A failure of ``lib/pasid`` (the PASID allocator) makes a line of the same',
        'form and keeps it for ``rte_pasid_last_error()``; that library prints nothing.',
        '',
        'The DPDK adapter (``drivers/bus/iommufd``) logs through DPDK with the log type',
        '``bus.iommufd``; its own messages are listed last, and it forwards the',
        'library\'s as ``BUS_IOMMUFD: iommufd: <message>``. Debug-level trace lines are',
        'not listed: they report successes.',
        '',
    ]
    bypath = {}
    for m in lib:
        bypath.setdefault(m.path, []).append(m)
    out += ['Library messages', '----------------', '']
    for path in sorted(bypath, key=lambda p: (list(SECTION_TITLES).index(p)
                                              if p in SECTION_TITLES else 99, p)):
        title = SECTION_TITLES.get(path, path)
        out += [title, '~' * len(title), '', 'Source: ``%s``.' % path, '',
                '.. list-table::', '   :header-rows: 1', '   :widths: 30 10 30 30', '',
                '   * - Message', '     - Errno', '     - Cause', '     - What to do']
        groups = {}
        for m in bypath[path]:
            g = groups.setdefault(m.pattern, {'callers': [], 'level': m.level, 'rows': []})
            for c in m.callers:
                if c not in g['callers']:
                    g['callers'].append(c)
            for v in m.variants:
                if all(v.key() != w.key() for w in g['rows']):
                    g['rows'].append(v)
        for pattern, g in groups.items():
            specific = any(v.errnos for v in g['rows'])
            rows = sorted(g['rows'], key=lambda v: v.errnos is None)
            for n, v in enumerate(rows):
                if n == 0:
                    first = [lit(pattern)]
                    if g['callers']:
                        first += ['', ', '.join(lit(c + '()') for c in g['callers'])]
                    if g['level'] == 'DEBUG':
                        first += ['', '(logged at DEBUG)']
                else:
                    first = ['']
                errnames = sorted(v.errnos) if v.errnos else None
                en = ', '.join(errnames) if errnames else ('*other*' if specific else '*any*')
                cause, todo = advise(pattern, errnames, v.hint)
                if v.hint:
                    why = [lit(v.hint)] + (['', cause] if cause else [])
                else:
                    why = [cause]
                out += cell(first, True)
                out += cell([en], False)
                out += cell(why, False)
                out += cell([todo], False)
        out.append('')
    if drv:
        out += ['DPDK adapter messages', '---------------------', '',
                'Logged with the DPDK log type ``bus.iommufd``; ``<last_error>`` is the',
                'library message of the failure (see the tables above).', '',
                '.. list-table::', '   :header-rows: 1', '   :widths: 40 10 25 25', '',
                '   * - Message', '     - Level', '     - Cause', '     - What to do']
        seen = set()
        for m in drv:
            if m.pattern in seen:
                continue
            seen.add(m.pattern)
            cause, todo = adapter_advice(m.pattern)
            if cause is None:
                cause, todo = 'See the message.', ANY_ADVICE
            out += cell([lit(m.pattern), '', 'Source: ``%s``' % m.path], True)
            out += cell([m.level], False)
            out += cell([cause], False)
            out += cell([todo], False)
        out.append('')
    while out and out[-1] == '':
        out.pop()
    return '\n'.join(out) + '\n'


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--top', default=TOP, help='source tree (default: this script\'s tree)')
    ap.add_argument('-o', '--output', help='file to write (default: doc/guides/messages.rst)')
    ap.add_argument('--check', nargs='?', const='', metavar='PAGE',
                    help='check PAGE (default doc/guides/messages.rst) against the sources')
    ap.add_argument('--list', action='store_true', help='print the extracted messages')
    ap.add_argument('--warn-only', action='store_true',
                    help='when writing, report unparseable calls but exit 0')
    args = ap.parse_args()

    msgs, errors = extract(args.top)
    if args.list:
        for m in msgs:
            print('%s:%d %s [%s] %s' % (m.path, m.line, m.func, m.level, m.pattern))
            for v in m.variants:
                print('    %-24s %s' % (','.join(sorted(v.errnos)) if v.errnos else '*',
                                        v.hint if v.hint is not None else '(strerror)'))
    for e in errors:
        print('gen-messages: %s' % e, file=sys.stderr)
    page = render(msgs)

    if args.check is not None:
        path = args.check or os.path.join(args.top, PAGE)
        try:
            with open(path, encoding='utf-8') as f:
                have = f.read()
        except OSError as e:
            print('gen-messages: cannot read %s: %s' % (path, e), file=sys.stderr)
            return 1
        missing = sorted({m.pattern for m in msgs if lit(m.pattern) not in have})
        for m in missing:
            print('gen-messages: %s: message missing: %s' % (path, m), file=sys.stderr)
        stale = have != page
        if stale and not missing:
            diff = difflib.unified_diff(have.splitlines(), page.splitlines(), path,
                                        'from the sources', lineterm='', n=1)
            print('\n'.join(list(diff)[:40]), file=sys.stderr)
        if errors or missing or stale:
            print('gen-messages: %s is out of date or a call cannot be parsed; fix the sources '
                  'or run devtools/gen-messages.py' % path, file=sys.stderr)
            return 1
        print('gen-messages: %s: %d messages, all present' % (path, len(msgs)))
        return 0

    if args.list:
        return 1 if errors else 0
    dest = args.output or os.path.join(args.top, PAGE)
    old = None
    if os.path.exists(dest):
        with open(dest, encoding='utf-8') as f:
            old = f.read()
    if old != page:
        os.makedirs(os.path.dirname(os.path.abspath(dest)), exist_ok=True)
        with open(dest, 'w', encoding='utf-8') as f:
            f.write(page)
    return 1 if errors and not args.warn_only else 0


if __name__ == '__main__':
    sys.exit(main())
