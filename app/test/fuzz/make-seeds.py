#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
#
# Writes the seed corpora of the fuzz targets into corpus/<target>/ (the
# committed files; rerun after changing an input format). Register values
# are those of real IOMMUs quoted in app/test/test_hw_caps.c.

import os
import struct

HERE = os.path.dirname(os.path.abspath(__file__))


def write(target, name, data):
    d = os.path.join(HERE, 'corpus', target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), 'wb') as f:
        f.write(data)


def pgfault(flags=3, dev=1, pasid=5, grp=7, perm=3, rsv=0, addr=0x1234000, length=4096, cookie=9):
    return struct.pack('<6IQ2I', flags, dev, pasid, grp, perm, rsv, addr, length, cookie)


# fault_parse: capacity, records
write('fault_parse', 'one', bytes([4]) + pgfault())
write('fault_parse', 'two_last', bytes([2]) + pgfault(flags=1) + pgfault(flags=3, grp=8))
write('fault_parse', 'too_many', bytes([1]) + pgfault() * 2)
write('fault_parse', 'bad_flags', bytes([4]) + pgfault(flags=4))
write('fault_parse', 'reserved', bytes([4]) + pgfault(rsv=1))
write('fault_parse', 'short', bytes([4]) + pgfault()[:39])
write('fault_parse', 'empty', bytes([3]))

# pci_addr: output size, string
for i, (n, s) in enumerate([(13, '0000:00:02.0'), (16, '00:1f.7'), (12, '0000:00:02.0'),
                            (16, 'FFFF:ff:1f.7'), (16, '0:0.8'), (16, '12345:00:00.0'),
                            (16, '0000:00:20.0'), (16, '1:2:3.4'), (16, 'a:b.c')]):
    write('pci_addr', 'addr%d' % i, bytes([n]) + s.encode())

# hw_info: struct iommu_hw_info, features, pasid, two widths, vendor data
def hw_info(data_type, data_len, width, caps):
    return struct.pack('<4IQIB3xQ', 40, 0, 1, data_len, 0, data_type, width, caps)

ALL_FEATURES = (1 << 15) - 1
VTD_BLOB = struct.pack('<IIQQ', 0, 0, 0xd2008c222f0686, 0x490080f00f4a)
write('hw_info', 'vtd_no_pasid', hw_info(1, 24, 0, 8) + struct.pack('<QI', ALL_FEATURES, 5) +
      bytes([20, 8]) + VTD_BLOB)
write('hw_info', 'mock_pasid20', hw_info(0xfeedbeef, 8, 20, 6) +
      struct.pack('<QI', ALL_FEATURES, 0xfffff) + bytes([20, 5]) + struct.pack('<II', 0, 0xdeadbeef))
write('hw_info', 'old_kernel', hw_info(1, 24, 7, 6) + struct.pack('<QI', 0xff, 3) +
      bytes([0, 0]) + VTD_BLOB)
write('hw_info', 'wide', hw_info(2, 200, 31, 0xffffffff) + struct.pack('<QI', ALL_FEATURES, 1 << 21) +
      bytes([21, 1]))

# hw_caps: selector (type), stop index, blob
SMMU = struct.pack('<II6III', 0, 0, 0x0046123b, 0x00600002, 0, 0x1714, 0, 0xffff0472, 0x43b, 0x2)
QEMU_SMMU = struct.pack('<II6III', 1, 0, 0x0d40101a, 0x02730010, 0, 0x404, 0, 0x54, 0, 0)
write('hw_caps', 'vtd_qemu', bytes([1, 0]) + VTD_BLOB)
write('hw_caps', 'vtd_icl', bytes([1, 9]) + struct.pack('<IIQQ', 1, 0, 0xd2008c40660462, 0x49e2ff0505e))
write('hw_caps', 'vtd_v6', bytes([0x81, 3]) + struct.pack('<QQ', 0x9ed008c40780466, 0x3ee9e86f050df) +
      bytes(24) + struct.pack('<IIQQ', 0, 0, 0x9ed008c40780466, 0x3ee9e86f050df))
write('hw_caps', 'smmu_fvp', bytes([2, 0]) + SMMU)
write('hw_caps', 'smmu_qemu', bytes([2, 40]) + QEMU_SMMU)
write('hw_caps', 'tegra', bytes([3, 2]) + struct.pack('<IBBBB', 0, 1, 2, 3, 0))
write('hw_caps', 'amd_zen4', bytes([4, 0]) + struct.pack('<QQ', 0x246577efa2254afa, 0x10))
write('hw_caps', 'amd_genoa', bytes([4, 77]) + struct.pack('<QQ', 0xa5bf7320a2294aee, 0x1d))
write('hw_caps', 'amd_short', bytes([4, 0]) + struct.pack('<Q', 0x58f77ef22294a5a))
write('hw_caps', 'unknown', bytes([6, 0]) + bytes(16))

# cdev_sysfs: flags, name size, driver, entries, address
def cdev(flags, size, drv, ents, addr):
    out = bytes([flags, size]) + drv + b'\0'
    for e in ents:
        out += e + b'\0'
    return out + addr

# Entry and driver names go through a 39-character alphabet: index bytes.
ALPHA = 'abcdefghijklmnopqrstuvwxyz0123456789-_.'
def n(s):
    return bytes(ALPHA.index(c) + 39 if ALPHA.index(c) == 0 else ALPHA.index(c) for c in s)

write('cdev_sysfs', 'vfio0', cdev(0x07 | 0x20, 16, n('vfio-pci'), [n('vfio0')], b'0000:00:02.0'))
write('cdev_sysfs', 'short_addr', cdev(0x07 | 0x20 | 0x80 | 0x10, 16, n('vfio-pci'), [n('vfio12')], b''))
write('cdev_sysfs', 'no_cdev', cdev(0x05, 16, n('vfio-pci'), [], b'0000:00:02.0'))
write('cdev_sysfs', 'e1000e', cdev(0x09, 16, n('e1000e'), [], b'00:02.0'))
write('cdev_sysfs', 'unbound', cdev(0x01, 16, n('x'), [], b'0000:00:02.0'))
write('cdev_sysfs', 'no_device', cdev(0x00, 16, n('x'), [], b'0000:00:03.0'))
write('cdev_sysfs', 'named_vfio_pci', cdev(0xcd, 0x0e, n('vfio-pci'), [], b''))
write('cdev_sysfs', 'too_long', cdev(0x07 | 0x60, 5, n('vfio-pci'), [n('vfio10'), n('vfio1'), n('other')],
                                     b'0000:00:02.0'))

# log_env: errno, level, flags, text
for i, (err, lvl, fl, text) in enumerate([(-12, 4, 1, b'debug'), (22, 1, 0, b'WARNING'),
                                          (-95, 9, 0, b'3'), (0, 2, 1, b'info'),
                                          (-2147483648, 0, 0, b''), (4096, 3, 0, b'x' * 400)]):
    write('log_env', 'case%d' % i, struct.pack('<ibB', err, lvl, fl) + text)

# pasid: max width, then operations (opcode, arg, a16, b16)
def op(code, arg=0, a=0, b=0):
    return struct.pack('<BBHH', code, arg, a, b)

REG, ALLOC, VALUE, FREE, RES, UNRES, STATE, NEXT, NARROW, SETW, UNREG, GET, RECLAIM, INFO, AUDIT = \
    9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 14
write('pasid', 'basic', bytes([4]) + op(REG) + op(ALLOC, 1) + op(ALLOC, 0) + op(VALUE, 1, 9) +
      op(FREE, 0, 1) + op(FREE, 1, 1) + op(ALLOC, 1) + op(NEXT, 0, 0) + op(STATE, 0, 9) +
      op(INFO) + op(AUDIT))
write('pasid', 'reserve', bytes([5]) + op(RES, 0, 3, 5) + op(ALLOC) + op(ALLOC) + op(ALLOC) +
      op(UNRES, 0, 4, 0) + op(ALLOC) + op(INFO))
write('pasid', 'widths', bytes([8]) + op(ALLOC) * 3 + op(NARROW, 1) + op(NARROW, 2) +
      op(SETW, 8) + op(SETW, 9) + op(VALUE, 0, 200) + op(NARROW, 7) + op(INFO))
write('pasid', 'owners', bytes([6]) + op(REG) + op(REG) + op(ALLOC, 1) + op(ALLOC, 2) +
      op(ALLOC, 2) + op(GET, 2) + op(RECLAIM, 0, 2, 0) + op(UNREG, 1) + op(INFO) + op(AUDIT))
write('pasid', 'full', bytes([1]) + op(ALLOC) + op(ALLOC) + op(RECLAIM, 0xff) + op(INFO))
write('pasid', 'owners_free', bytes([3]) + op(REG) + op(REG) + op(VALUE, 1, 5) + op(ALLOC, 2) +
      op(VALUE, 2, 6) + op(ALLOC, 0) + op(FREE, 0, 5) + op(FREE, 2, 5) + op(FREE, 1, 5) +
      op(FREE, 1, 5) + op(ALLOC, 2) + op(STATE, 0, 1) + op(FREE, 65, 1) +
      op(RECLAIM, 0, 2, 0) + op(INFO) + op(AUDIT))
write('pasid', 'ranges', bytes([9]) + b''.join(op(RES, 0, 4 * k + 1, 1) for k in range(100)) +
      op(UNRES, 0, 5, 1) + op(RES, 0, 401, 1) + op(ALLOC) + op(INFO) + op(AUDIT))
