#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-iommufd-info against the real kernel, inside the test VM: its JSON
is checked against sysfs, its exit codes against what it was asked, and a
device held by another iommufd is reported busy without failing the run,
and what the kernel lacks is said in words: whether the kernel has PASID
attach is asked of the kernel itself (a raw IOMMU_HWPT_ALLOC with
IOMMU_HWPT_ALLOC_PASID), never read from its version, and the tool's report
must agree. Runs unchanged on every guest kernel (7.3, 6.12).
TAP output. Usage: test_info_tool.py PATH_TO_dpdk-iommufd-info"""

import fcntl
import glob
import json
import os
import struct
import subprocess
import sys

TOOL = sys.argv[1]
results = []

NO_PASID_ATTACH = 'kernel: no PASID attach and no IOMMU_HWPT_ALLOC_PASID (needs Linux 6.15+)'
VFIO_DEVICE_BIND_IOMMUFD = 0x3B76
IOMMU_DESTROY = 0x3B80
IOMMU_IOAS_ALLOC = 0x3B81
IOMMU_HWPT_ALLOC = 0x3B89
IOMMU_HWPT_ALLOC_PASID = 1 << 3


def kernel_has_pasid_attach(bdf='0000:00:02.0'):
    """Ask the kernel directly: IOMMU_HWPT_ALLOC with ALLOC_PASID on a NIC
    bound to a fresh iommufd (the emulated VT-d is in scalable mode, so a
    kernel with PASID attach accepts it; one without answers EOPNOTSUPP)."""
    cdev = os.listdir('/sys/bus/pci/devices/%s/vfio-dev' % bdf)[0]
    ifd = os.open('/dev/iommu', os.O_RDWR)
    dfd = os.open('/dev/vfio/devices/' + cdev, os.O_RDWR)
    try:
        bind = bytearray(struct.pack('IIiIQ', 24, 0, ifd, 0, 0))
        fcntl.ioctl(dfd, VFIO_DEVICE_BIND_IOMMUFD, bind)
        dev_id = struct.unpack_from('I', bind, 12)[0]
        ioas = bytearray(struct.pack('III', 12, 0, 0))
        fcntl.ioctl(ifd, IOMMU_IOAS_ALLOC, ioas)
        ioas_id = struct.unpack_from('I', ioas, 8)[0]
        hwpt = bytearray(struct.pack('IIIIIIIIQII', 48, IOMMU_HWPT_ALLOC_PASID, dev_id,
                                     ioas_id, 0, 0, 0, 0, 0, 0, 0))
        try:
            fcntl.ioctl(ifd, IOMMU_HWPT_ALLOC, hwpt)
        except OSError as e:
            if e.errno != 95:   # EOPNOTSUPP
                raise
            return False
        fcntl.ioctl(ifd, IOMMU_DESTROY, bytearray(struct.pack(
            'II', 8, struct.unpack_from('I', hwpt, 16)[0])))
        return True
    finally:
        os.close(dfd)
        os.close(ifd)


def case(fn):
    results.append(fn)
    return fn


def run(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout, p.stderr


def sysfs_hex(path):
    with open(path) as f:
        return int(f.read().strip(), 16)


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


@case
def json_matches_sysfs():
    rc, out, err = run('--json')
    expect(rc == 0, 'exit %d: %s' % (rc, err))
    doc = json.loads(out)
    expect(doc['schema_version'] == 1, 'schema version')
    expect(doc['kernel_features']['ioas'] is True, 'ioas feature')
    lacks = doc['kernel_lacks']
    expect(isinstance(lacks, list) and all(isinstance(x, str) and x.startswith('kernel: ')
                                           for x in lacks), 'kernel_lacks: %r' % (lacks,))
    devs = {d['pci_address']: d for d in doc['devices']}
    sys_devs = sorted(os.path.basename(p) for p in glob.glob('/sys/bus/pci/devices/*')
                      if os.path.basename(os.path.realpath(p + '/driver')) == 'vfio-pci')
    expect(sorted(devs) == sys_devs, 'devices %s == sysfs %s' % (sorted(devs), sys_devs))
    cap = sysfs_hex(glob.glob('/sys/class/iommu/*/intel-iommu/cap')[0])
    ecap = sysfs_hex(glob.glob('/sys/class/iommu/*/intel-iommu/ecap')[0])
    for bdf, d in devs.items():
        base = '/sys/bus/pci/devices/' + bdf
        expect(d['status'] == 'ok', '%s status %s' % (bdf, d.get('message')))
        expect(d['cdev'] == os.listdir(base + '/vfio-dev')[0], 'cdev of ' + bdf)
        expect(d['iommu_group'] == os.path.basename(os.path.realpath(base + '/iommu_group')),
               'group of ' + bdf)
        numa = int(open(base + '/numa_node').read()) if os.path.exists(base + '/numa_node') else -1
        expect(d['numa_node'] == numa, 'numa of ' + bdf)
        expect(d['id'] == '%04x:%04x' % (sysfs_hex(base + '/vendor'), sysfs_hex(base + '/device')),
               'id of ' + bdf)
        expect(d['iommu']['type'] == 'intel-vtd', 'VT-d')
        v = d['iommu']['vendor']
        expect(int(v['cap_reg'], 16) == cap, 'cap_reg %s == sysfs 0x%x' % (v['cap_reg'], cap))
        expect(int(v['ecap_reg'], 16) == ecap, 'ecap_reg == sysfs')
        expect(v['mgaw'] == ((cap >> 16) & 0x3f) + 1, 'decoded MGAW')
        expect(d['iommu']['address_width'] == ((cap >> 16) & 0x3f) + 1, 'address width')
        expect(d['pasid']['width'] == 0 and d['pasid']['max_pasid'] == 0, 'e1000e has no PASID')
        expect(d['ats'] is False, 'no ATS on the emulated NIC')
        ranges = d['iova_ranges']
        expect(len(ranges) >= 2, 'the MSI window splits the IOVA space')
        expect(int(ranges[-1]['last'], 16) == (1 << d['iommu']['address_width']) - 1,
               'aperture ends at the address width')


@case
def kernel_lacks_in_words():
    has = kernel_has_pasid_attach()
    print('# the kernel %s PASID attach (raw IOMMU_HWPT_ALLOC_PASID)' % ('has' if has else 'lacks'))
    rc, out, err = run('--json')
    expect(rc == 0, 'exit %d: %s' % (rc, err))
    doc = json.loads(out)
    expect(doc['kernel_features']['pasid'] is has,
           'pasid feature %r, the kernel says %r' % (doc['kernel_features']['pasid'], has))
    for d in doc['devices']:
        reason = d['pasid']['reason']
        if has:
            expect(NO_PASID_ATTACH not in doc['kernel_lacks'], 'no lack claimed: %r' % doc['kernel_lacks'])
            expect(reason.startswith('the device or its IOMMU has no PASID support'),
                   '%s: reason %r' % (d['pci_address'], reason))
        else:
            expect(NO_PASID_ATTACH in doc['kernel_lacks'], 'lack named: %r' % doc['kernel_lacks'])
            expect(reason == NO_PASID_ATTACH, '%s: reason %r names the kernel' % (d['pci_address'], reason))
    rc, out, err = run()
    expect(rc == 0, 'exit %d: %s' % (rc, err))
    expect('what the running kernel lacks' in out, 'the human output has the section')
    expect((NO_PASID_ATTACH in out) is not has, 'the human output says it in words')
    expect('the device or its IOMMU has no PASID support' not in out or has,
           'the device is not blamed for the kernel')


@case
def human_output_and_device_filter():
    rc, out, err = run('--device', '00:03.0')
    expect(rc == 0, 'exit %d: %s' % (rc, err))
    expect('0000:00:03.0' in out and '0000:00:02.0' not in out, 'only the chosen device')
    expect('\033[' not in out, 'no colour when not on a terminal')
    expect('intel-vtd' in out and 'iova_ranges' in out, 'human output has the sections')


@case
def exit_codes():
    rc, _, err = run('--device', '0000:00:1f.7')
    expect(rc == 5 and 'not a PCI device bound to vfio-pci' in err, 'unknown device: %d %s' % (rc, err))
    rc, _, err = run('--device', 'eth0')
    expect(rc == 2 and 'not a PCI address' in err, 'bad address: %d' % rc)
    rc, _, _ = run('--bogus')
    expect(rc == 2, 'bad option: %d' % rc)
    rc, out, _ = run('--help')
    expect(rc == 0 and 'Exit status' in out, 'help')
    env = dict(os.environ, RTE_IOMMUFD_DEV='/nonexistent')
    p = subprocess.run([TOOL], capture_output=True, text=True, env=env)
    expect(p.returncode == 3 and 'CONFIG_IOMMUFD' in p.stderr, 'no iommufd: %d' % p.returncode)


@case
def busy_device_is_reported_not_fatal():
    # Bind 0000:00:02.0 to an iommufd of this process; the tool then finds it busy.
    bdf = '0000:00:02.0'
    cdev = os.listdir('/sys/bus/pci/devices/%s/vfio-dev' % bdf)[0]
    ifd = os.open('/dev/iommu', os.O_RDWR)
    dfd = os.open('/dev/vfio/devices/' + cdev, os.O_RDWR)
    try:
        bind = bytearray(struct.pack('IIiIQ', 24, 0, ifd, 0, 0))
        fcntl.ioctl(dfd, 0x3B76, bind)   # VFIO_DEVICE_BIND_IOMMUFD
        rc, out, err = run('--json')
        expect(rc == 0, 'a busy device is not fatal: exit %d %s' % (rc, err))
        devs = {d['pci_address']: d for d in json.loads(out)['devices']}
        expect(devs[bdf]['status'] == 'busy', '%s reported %s' % (bdf, devs[bdf]['status']))
        expect(devs['0000:00:03.0']['status'] == 'ok', 'the other NIC still reported')
    finally:
        os.close(dfd)
        os.close(ifd)


def main():
    print('TAP version 13\n1..%d' % len(results))
    failed = 0
    for i, fn in enumerate(results, 1):
        try:
            fn()
            print('ok %d - %s' % (i, fn.__name__))
        except Exception as e:   # report and go on
            failed += 1
            print('# %s: %s' % (fn.__name__, e))
            print('not ok %d - %s' % (i, fn.__name__))
    print('# info-tool: %d passed, %d failed, 0 skipped' % (len(results) - failed, failed))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
