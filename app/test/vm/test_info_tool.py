#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-iommufd-info against the real kernel, inside the test VM: its JSON
is checked against sysfs, its exit codes against what it was asked, and a
device held by another iommufd is reported busy without failing the run.
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
    expect(doc['kernel_features']['pasid'] is True, 'the 7.x kernel reports PASID widths')
    expect(doc['kernel_features']['ioas'] is True, 'ioas feature')
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
