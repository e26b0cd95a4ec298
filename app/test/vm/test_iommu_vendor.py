#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""dpdk-iommufd-info on an emulated IOMMU of another vendor than Intel, run
inside the test guest (buildtools/vm/run-vm.sh --iommu amd|smmuv3): the
vendor blob of IOMMU_GET_HW_INFO, decoded, is checked field by field
against what the guest kernel says elsewhere (sysfs, its boot log) and
against the emulator's documented register values; what the emulated IOMMU
lacks is shown as the tool reports it, with the exact message.

  amd     QEMU 11.1's amd-iommu (DMA remapping on): hw_info type 4, EFR and
          EFR2 against /sys/class/iommu/ivhd*/amd-iommu/features and the
          kernel's "Extended features" line; no interrupt remapping
          ("No southbridge IOAPIC found"): every bind answers EPERM and the
          tool says why, then the test waives MSI isolation
          (iommufd.allow_unsafe_interrupts=1) to read the blob.

  smmuv3  QEMU 11.1's SMMUv3 on the arm64 virt machine: hw_info type 2,
          IDR0..5 decoded, against the kernel's "ias/oas (features ...)"
          line; MSIs are isolated by the GICv3 ITS, so no waiver.

TAP output. Usage: test_iommu_vendor.py amd|smmuv3 PATH_TO_dpdk-iommufd-info"""

import glob
import json
import os
import re
import subprocess
import sys

VENDOR = sys.argv[1]
TOOL = sys.argv[2]
results = []

# QEMU 11.1.3 hw/i386/amd_iommu.h: AMDVI_DEFAULT_EXT_FEATURES = PREFETCH |
# PPR | IA | GT | HE | GATS_MODE (2 << 12) | HATS_MODE (2 << 10) | GA, and
# AMDVI_DEFAULT_EXT_FEATURES2 = 0.
QEMU_AMD_EFR = 0x29d3
QEMU_AMD_EFR2 = 0
NO_MSI_ISOLATION = ('the platform cannot isolate MSIs: enable interrupt remapping '
                    '(CONFIG_IRQ_REMAP) or load iommufd with allow_unsafe_interrupts=1')
# Linux 7.3 drivers/iommu/amd/init.c print_iommu_info(): EFR bit -> word.
AMD_TOKENS = [('PreF', 'pref'), ('PPR', 'ppr'), ('X2APIC', 'xt'), ('NX', 'nx'),
              ('GT', 'gt'), ('[5]', None), ('IA', 'ia'), ('GA', 'ga'), ('HE', 'he'),
              ('PC', 'pc'), ('GA_vAPIC', 'gam_vapic'), ('SNP', 'snp')]


def case(fn):
    results.append(fn)
    return fn


def expect(cond, what):
    if not cond:
        raise AssertionError(what)


def run(*args):
    p = subprocess.run([TOOL] + list(args), capture_output=True, text=True, timeout=300)
    return p.returncode, p.stdout, p.stderr


def dmesg():
    return subprocess.run(['dmesg'], capture_output=True, text=True, check=True).stdout


def kernel_line(pattern):
    for line in dmesg().splitlines():
        m = re.search(pattern, line)
        if m:
            return line.split('] ', 1)[-1], m
    return None, None


def nics():
    return sorted(os.path.basename(p) for p in glob.glob('/sys/bus/pci/devices/*')
                  if os.path.basename(os.path.realpath(p + '/driver')) == 'vfio-pci')


def has_ext_cap(bdf, cap_id):
    """Walk the PCIe extended capabilities in the config space sysfs exposes."""
    with open('/sys/bus/pci/devices/%s/config' % bdf, 'rb') as f:
        cfg = f.read()
    off, seen = 0x100, 0
    while len(cfg) >= off + 4 and off and seen < 64:
        hdr = int.from_bytes(cfg[off:off + 4], 'little')
        if hdr == 0:
            return False
        if hdr & 0xffff == cap_id:
            return True
        off, seen = (hdr >> 20) & 0xffc, seen + 1
    return False


def human_value(out, key):
    """The value of KEY in the tool's human output ("  key    value")."""
    for line in out.splitlines():
        parts = line.strip().split(None, 1)
        if len(parts) == 2 and parts[0] == key:
            return parts[1].strip()
    return ''


def param(module):
    with open('/sys/module/%s/parameters/allow_unsafe_interrupts' % module) as f:
        return f.read().strip()


def set_param(module, value):
    with open('/sys/module/%s/parameters/allow_unsafe_interrupts' % module, 'w') as f:
        f.write(value)


# ----------------------------------------------------------------------------
# AMD-Vi
# ----------------------------------------------------------------------------

amd = {}


def amd_cases():
    @case
    def kernel_runs_amd_vi():
        print('# checking: the guest kernel drives an AMD-Vi (its log, sysfs), no VT-d')
        line, m = kernel_line(r'AMD-Vi: Using global IVHD EFR:(0x[0-9a-f]+), EFR2:(0x[0-9a-f]+)')
        expect(line is not None, 'no "AMD-Vi: Using global IVHD EFR:..." line in the kernel log')
        print('# kernel: ' + line)
        amd['log_efr'], amd['log_efr2'] = int(m.group(1), 16), int(m.group(2), 16)
        line, m = kernel_line(r'AMD-Vi: Extended features \((0x[0-9a-f]+), (0x[0-9a-f]+|0)\):(.*)$')
        expect(line is not None, 'no "AMD-Vi: Extended features" line in the kernel log')
        print('# kernel: ' + line)
        expect(int(m.group(1), 16) == amd['log_efr'], 'the two log lines agree on EFR')
        amd['tokens'] = m.group(3).split()
        paths = glob.glob('/sys/class/iommu/*/amd-iommu/features')
        expect(len(paths) == 1, 'one AMD IOMMU in sysfs: %r' % paths)
        with open(paths[0]) as f:
            feat = f.read().strip()
        print('# sysfs %s: %s' % (paths[0], feat))
        efr, efr2 = feat.split(':')
        amd['efr'], amd['efr2'] = int(efr, 16), int(efr2, 16)
        expect(amd['efr'] == amd['log_efr'] and amd['efr2'] == amd['log_efr2'],
               'sysfs and the log agree')
        expect(not glob.glob('/sys/class/iommu/*/intel-iommu'), 'no VT-d in this guest')

    @case
    def kernel_has_no_interrupt_remapping():
        print('# checking: what QEMU\'s AMD-Vi lacks, in the kernel\'s words: interrupt remapping')
        for pattern in (r'AMD-Vi: .*No southbridge IOAPIC found',
                        r'AMD-Vi: Disabling interrupt remapping'):
            line, _ = kernel_line(pattern)
            expect(line is not None, 'the kernel did not log /%s/' % pattern)
            print('# kernel: ' + line)
        line, _ = kernel_line(r'AMD-Vi: Interrupt remapping enabled')
        expect(line is None, 'the kernel claims interrupt remapping: ' + str(line))

    @case
    def bind_refused_without_msi_isolation():
        print('# checking: dpdk-iommufd-info says why each bind fails (EPERM), exit status 1')
        expect(param('iommufd') == 'N', 'iommufd.allow_unsafe_interrupts is already %s' % param('iommufd'))
        rc, out, err = run('--json')
        expect(rc == 1, 'exit status %d (1: a device could not be queried): %s' % (rc, err))
        devs = {d['pci_address']: d for d in json.loads(out)['devices']}
        expect(sorted(devs) == nics(), 'devices %s == sysfs %s' % (sorted(devs), nics()))
        for bdf, d in devs.items():
            expect(d['status'] == 'error', '%s status %s' % (bdf, d['status']))
            msg = d.get('message', '')
            print('# %s: %s' % (bdf, msg))
            expect('EPERM' in msg and NO_MSI_ISOLATION in msg,
                   '%s: message %r names EPERM and the cure' % (bdf, msg))
        rc, out, err = run()
        expect(rc == 1 and NO_MSI_ISOLATION in out, 'the human output says it too: %d' % rc)

    @case
    def waive_msi_isolation():
        print('# MSI isolation waived from here on (iommufd.allow_unsafe_interrupts=1): QEMU\'s '
              'AMD-Vi gives this guest no interrupt remapping (see above), and the blob of '
              'IOMMU_GET_HW_INFO is read only from a bound device')
        set_param('iommufd', '1')
        expect(param('iommufd') == 'Y', 'the parameter reads %s' % param('iommufd'))

    @case
    def hw_info_type4_matches_kernel():
        print('# checking: hw_info type 4, EFR/EFR2 raw and decoded, against sysfs, the kernel '
              'log and QEMU\'s documented AMDVI_DEFAULT_EXT_FEATURES')
        rc, out, err = run('--json')
        expect(rc == 0, 'exit %d: %s' % (rc, err))
        devs = {d['pci_address']: d for d in json.loads(out)['devices']}
        expect(sorted(devs) == nics(), 'devices %s == sysfs %s' % (sorted(devs), nics()))
        for bdf, d in devs.items():
            expect(d['status'] == 'ok', '%s: %s' % (bdf, d.get('message')))
            i, v = d['iommu'], d['iommu']['vendor']
            print('# %s: type %s (%d), efr %s efr2 %s, capabilities %s' %
                  (bdf, i['type'], i['type_id'], v['efr'], v['efr2'], d['capabilities']))
            expect(i['type'] == 'amd' and i['type_id'] == 4, 'type %r' % i['type'])
            efr, efr2 = int(v['efr'], 16), int(v['efr2'], 16)
            expect(efr == amd['efr'] and efr2 == amd['efr2'],
                   'blob EFR 0x%x/0x%x == sysfs 0x%x/0x%x' % (efr, efr2, amd['efr'], amd['efr2']))
            expect(efr == QEMU_AMD_EFR and efr2 == QEMU_AMD_EFR2,
                   'QEMU 11.1.3 documents EFR 0x%x, EFR2 0' % QEMU_AMD_EFR)
            # Each word of the kernel's "Extended features" line, and no other.
            for word, key in AMD_TOKENS:
                on = word in amd['tokens']
                if key is None:
                    expect(on == bool(efr & (1 << 5)), 'bit 5')
                    continue
                expect(v[key] is on, '%s: decoded %s=%r, the kernel %s it' %
                       (bdf, key, v[key], 'prints' if on else 'does not print'))
            # Fields of QEMU's constant (2 << 10 HATS, 2 << 12 GATS, PASmax 0).
            want = {'hats': 2, 'gats': 2, 'glx': 0, 'pasmax': 0, 'gio': False, 'eph': False,
                    'hd': False, 'ha': False, 'host_levels': 6, 'host_width': 64,
                    'guest_levels': 4, 'pasid_width': 1, 'num_int_remap': 0}
            for k, w in want.items():
                expect(v[k] == w, '%s: %s = %r, want %r' % (bdf, k, v[k], w))
            # GATS 2 is a reserved encoding (QEMU mirrors HATS' 6-level value).
            expect(i['registers_valid'] is False, 'GATS 2 is reserved: registers_valid false')
            expect('GATS' in i.get('registers_note', ''), 'the note names GATS: %r' %
                   i.get('registers_note'))
            print('# %s: registers_valid false: %s' % (bdf, i['registers_note']))
            # Linux: no v2 (PASID) tables without GIoSup: no "V2 page table" line.
            line, _ = kernel_line(r'AMD-Vi: V2 page table enabled')
            expect(line is None and i['pasid_supported'] is False and i['iommu_pasid_bits'] == 0
                   and i['linux_max_pasid_log2'] == 0, 'no PASID support at the IOMMU')
            # out_max_pasid_log2 0: the e1000e has no PASID capability (0x1b).
            expect(not has_ext_cap(bdf, 0x1b), 'the e1000e has no PASID capability')
            expect(d['pasid']['width'] == 0 and d['pasid']['max_pasid'] == 0, 'PASID width 0')
            print('# %s: pasid width %d (out_max_pasid_log2), reason: %s' %
                  (bdf, d['pasid']['width'], d['pasid']['reason']))
            # out_capabilities: PCI_ATS_NOT_SUPPORTED (bit 3) as the config space says.
            caps = int(d['capabilities'], 16)
            expect(bool(caps & 0x8) == (not has_ext_cap(bdf, 0x0f)),
                   'PCI_ATS_NOT_SUPPORTED (0x8) in %s agrees with the ATS capability' % d['capabilities'])
            expect(d['ats'] is False, 'no ATS')
            # The kernel's aperture: at most the host table's width.
            last = int(d['iova_ranges'][-1]['last'], 16)
            bits = (last + 1).bit_length() - 1
            print('# %s: IOVA ranges end at 0x%x (%d bits); EFR HATS allows %d' %
                  (bdf, last, bits, v['host_width']))
            expect(last + 1 == 1 << bits and bits <= i['address_width'],
                   'aperture 2^%d within address_width %d' % (bits, i['address_width']))

    @case
    def human_output_names_amd():
        print('# checking: the human output has the AMD section')
        rc, out, err = run('--device', nics()[0])
        expect(rc == 0, 'exit %d: %s' % (rc, err))
        print('\n'.join('# ' + l for l in out.splitlines()
                        if re.search(r'^\s+(type|efr2?|registers_\w+|pasid_width|hats|gats|pasmax) ', l)))
        for key, value in (('type', 'amd'), ('efr', '0x29d3'), ('hats', '2'), ('gats', '2'),
                           ('pasmax', '0'), ('registers_valid', 'no')):
            expect(human_value(out, key) == value, 'human output: %s %r' % (key, human_value(out, key)))
        expect('GATS' in human_value(out, 'registers_note'), 'the note in the human output')


# ----------------------------------------------------------------------------
# Arm SMMUv3
# ----------------------------------------------------------------------------

smmu = {}
# Linux 7.3 arm-smmu-v3.h ARM_SMMU_FEAT_* bit -> the decoded field that
# arm_smmu_device_hw_probe() sets it from (fields it sets from firmware or
# adjusts afterwards, such as COHERENCY and 2_LVL_STRTAB, left out).
SMMU_FEATURES = [(1, 'cd2l'), (4, 'pri'), (5, 'ats'), (6, 'sev'), (7, 'msi'),
                 (9, 's1p'), (10, 's2p'), (12, 'hyp'), (15, 'ril')]


def smmuv3_cases():
    @case
    def kernel_runs_smmuv3():
        print('# checking: the guest kernel drives an Arm SMMUv3 (its log, sysfs), no other IOMMU')
        # Linux 7.3: "arm-smmu-v3 9050000.smmuv3: oas 44-bit (features 0x...)"
        # (older kernels printed "ias N-bit, " first).
        line, m = kernel_line(r'arm-smmu-v3 .*: (?:ias (\d+)-bit, )?oas (\d+)-bit \(features 0x([0-9a-f]+)\)')
        expect(line is not None, 'no "arm-smmu-v3 ...: oas N-bit (features ...)" line')
        print('# kernel: ' + line)
        smmu['oas'], smmu['features'] = int(m.group(2)), int(m.group(3), 16)
        expect(glob.glob('/sys/class/iommu/smmu3.*'), 'an smmu3.* IOMMU in sysfs')
        expect(not glob.glob('/sys/class/iommu/*/intel-iommu') and
               not glob.glob('/sys/class/iommu/*/amd-iommu'), 'no VT-d or AMD-Vi')
        line, _ = kernel_line(r'ITS \[mem 0x[0-9a-f]+-0x[0-9a-f]+\]')
        expect(line is not None, 'no GICv3 ITS in the kernel log (it isolates the MSIs)')
        print('# kernel: %s (the GICv3 ITS isolates MSIs: no waiver needed)' % line)

    @case
    def binds_without_waiver():
        print('# checking: VFIO binds work without allow_unsafe_interrupts (the ITS isolates MSIs)')
        expect(param('iommufd') == 'N', 'iommufd.allow_unsafe_interrupts is %s' % param('iommufd'))
        rc, out, err = run('--json')
        expect(rc == 0, 'exit %d: %s' % (rc, err))
        devs = {d['pci_address']: d for d in json.loads(out)['devices']}
        expect(sorted(devs) == nics(), 'devices %s == sysfs %s' % (sorted(devs), nics()))
        for bdf, d in devs.items():
            expect(d['status'] == 'ok', '%s: %s' % (bdf, d.get('message')))
        smmu['doc'] = devs

    @case
    def hw_info_type2_matches_kernel():
        print('# checking: hw_info type 2, IDR0..5/IIDR/AIDR decoded, against the kernel\'s '
              'features word and address sizes')
        for bdf, d in smmu['doc'].items():
            i, v = d['iommu'], d['iommu']['vendor']
            print('# %s: type %s (%d), idr0..5 %s, iidr %s, aidr %s, capabilities %s' %
                  (bdf, i['type'], i['type_id'], ' '.join(v['idr%d' % n] for n in range(6)),
                   v['iidr'], v['aidr'], d['capabilities']))
            expect(i['type'] == 'arm-smmuv3' and i['type_id'] == 2, 'type %r' % i['type'])
            for bit, key in SMMU_FEATURES:
                on = bool(smmu['features'] & (1 << bit))
                expect(v[key] is on, '%s: decoded %s=%r, the kernel\'s features bit %d is %r' %
                       (bdf, key, v[key], bit, on))
            tt = smmu['features'] & 0xc
            expect({0: 0xc, 2: 0x4, 3: 0x8}.get(v['ttendian']) == tt,
                   'TTENDIAN %d vs the kernel\'s TT_LE/TT_BE 0x%x' % (v['ttendian'], tt))
            expect(bool(smmu['features'] & (1 << 14)) == (v['vax'] == 1), 'VAX')
            stall = smmu['features'] & (3 << 11)
            expect(bool(stall & (1 << 11)) == v['stall'] and bool(stall & (1 << 13)) == v['stall_force'],
                   'stall model %d vs the kernel' % v['stall_model'])
            expect(v['oas_bits'] == smmu['oas'], 'OAS %d bits, the kernel %d' % (v['oas_bits'], smmu['oas']))
            expect(i['registers_valid'] is True, 'no reserved encoding')
            # PASIDs: the IOMMU's SubstreamID bits; the e1000e has no PASID capability.
            print('# %s: SSIDSIZE %d, pasid_supported %r, pasid width %d (out_max_pasid_log2), '
                  'reason: %s' % (bdf, v['ssidsize'], i['pasid_supported'], d['pasid']['width'],
                                  d['pasid']['reason']))
            expect(i['pasid_supported'] == (v['s1p'] and v['ssidsize'] > 0), 'PASID support')
            expect(not has_ext_cap(bdf, 0x1b), 'the e1000e has no PASID capability')
            expect(d['pasid']['width'] == 0 and d['pasid']['max_pasid'] == 0, 'PASID width 0')
            caps = int(d['capabilities'], 16)
            expect(bool(caps & 0x8) == (not has_ext_cap(bdf, 0x0f)),
                   'PCI_ATS_NOT_SUPPORTED (0x8) in %s agrees with the ATS capability' % d['capabilities'])
            last = int(d['iova_ranges'][-1]['last'], 16)
            bits = (last + 1).bit_length() - 1
            print('# %s: IOVA ranges end at 0x%x (%d bits); decoded address_width %d' %
                  (bdf, last, bits, i['address_width']))
            expect(last + 1 == 1 << bits and bits <= i['address_width'],
                   'aperture 2^%d within address_width %d' % (bits, i['address_width']))

    @case
    def human_output_names_smmuv3():
        print('# checking: the human output has the SMMUv3 section')
        rc, out, err = run('--device', nics()[0])
        expect(rc == 0, 'exit %d: %s' % (rc, err))
        print('\n'.join('# ' + l for l in out.splitlines()
                        if re.search(r'^\s+(type|idr[0-5]|ssidsize|s1p|s2p|oas_bits|reason) ', l)))
        expect(human_value(out, 'type') == 'arm-smmuv3', 'human output: type')
        expect(human_value(out, 'idr0').startswith('0x'), 'human output: idr0')
        expect(human_value(out, 'registers_valid') == 'yes', 'human output: registers_valid')


def main():
    if VENDOR == 'amd':
        amd_cases()
    elif VENDOR == 'smmuv3':
        smmuv3_cases()
    else:
        print('Bail out! unknown vendor %r (amd, smmuv3)' % VENDOR)
        return 1
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
        sys.stdout.flush()
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
