#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
"""Compare the project's uAPI headers with the kernel's.

lib/iommufd/iommufd_uapi.h carries its own copy of the iommufd and VFIO
cdev uAPI: every kernel type is renamed ifd_<name>, every kernel macro or
enumerator IFD_<NAME>, struct members keep their names. This checker
compares, name by name,

  * every struct ifd_X with struct X: size, alignment, and for every member
    (nested members as a.b) its offset, size, type spelling and signedness;
  * every IFD_Y macro (object-like) and enumerator with Y: its value;

against the real headers of Debian's linux-libc-dev package at the exact
version pinned below (LIBC_DEV_VERSION: the same kernel release as the 7.3
guest kernel's source; moving it is a commit of its own), downloaded (not
installed) with buildtools/fetch-debian-package.sh and unpacked in a cache
keyed by package version. The mock-IOMMU test header iommufd_test_uapi.h is
compared with drivers/iommu/iommufd/iommufd_test.h of an unpacked kernel
source tree of that same version when there is one (the newest otherwise).

Values are measured by compiling and running one generated program, so every
mismatch is reported, in words. A name of ours that the kernel header lacks is
a mismatch too, unless its line in our header carries the comment
"abi-check: not in uapi".

Exit status: 0 no mismatch, 1 mismatches or errors, 77 nothing to compare
against (no kernel headers could be obtained).
"""

import argparse
import fcntl
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))
FETCH = os.path.join(TOP, 'buildtools', 'fetch-debian-package.sh')
DEFAULT_CACHE = os.environ.get('DPDK_IOMMUFD_CACHE', '/var/cache/dpdk-iommufd')
# The pinned headers: (package, exact version, suite).
LIBC_DEV = ('linux-libc-dev', '7.3.4-1~bpo13+1', 'trixie-backports')
LIBC_DEV_VERSION = LIBC_DEV[1]
NO_CHECKS_MACRO = 'IOMMUFD_UAPI_NO_LAYOUT_CHECKS'
LOCAL_MARK = 'abi-check: not in uapi'
PREFIX_TYPE = 'ifd_'
PREFIX_CONST = 'IFD_'



def loud(msg):
    bar = '*' * 78
    print(bar, msg, bar, sep='\n', flush=True)


def die(msg):
    print('abi-check: error: ' + msg, file=sys.stderr, flush=True)
    sys.exit(1)


# --------------------------------------------------------------------------
# Getting the kernel headers


def dpkg_version_key(v):
    """Sort key approximating dpkg ordering well enough for cache dirs."""
    parts = re.split(r'(\d+)', v.replace('~', '\x00'))
    return [int(p) if p.isdigit() else p for p in parts]


def fetch_libc_dev(cache):
    """Return (include_dir, version) of the pinned linux-libc-dev."""
    abi = os.path.join(cache, 'abi')
    os.makedirs(abi, exist_ok=True)
    unpacked = os.path.join(abi, 'linux-libc-dev')
    with open(os.path.join(abi, '.unpack.lock'), 'w') as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        proc = subprocess.run([FETCH, os.path.join(abi, 'fetch'),
                               '--exact'] + list(LIBC_DEV),
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True)
        deb = proc.stdout.strip()
        if proc.returncode != 0 or not deb:
            sys.stderr.write(proc.stderr)
            cached = [d for d in [os.path.join(unpacked, LIBC_DEV_VERSION)]
                      if os.path.isfile(os.path.join(
                          d, 'usr/include/linux/iommufd.h'))]
            if not cached:
                return None, None
            ver = os.path.basename(cached[-1])
            loud('abi-check: could not fetch linux-libc-dev; using the cached '
                 + ver + ' unpacked in ' + cached[-1])
            return os.path.join(cached[-1], 'usr/include'), ver
        sys.stderr.write(proc.stderr)
        ver = subprocess.run(['dpkg-deb', '-f', deb, 'Version'], check=True,
                             stdout=subprocess.PIPE, text=True).stdout.strip()
        dest = os.path.join(unpacked, ver)
        inc = os.path.join(dest, 'usr/include')
        if not os.path.isfile(os.path.join(inc, 'linux/iommufd.h')):
            os.makedirs(unpacked, exist_ok=True)
            tmp = tempfile.mkdtemp(prefix='.unpack.', dir=unpacked)
            try:
                subprocess.run(['dpkg-deb', '-x', deb, tmp], check=True)
                shutil.rmtree(dest, ignore_errors=True)
                os.rename(tmp, dest)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        return inc, ver


def kernel_include_dirs(inc):
    """The -I list for a usr/include tree (multiarch asm directory first)."""
    dirs = []
    try:
        triplet = subprocess.run(['gcc', '-print-multiarch'], check=True,
                                 stdout=subprocess.PIPE,
                                 text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        triplet = ''
    if triplet and os.path.isdir(os.path.join(inc, triplet)):
        dirs.append(os.path.join(inc, triplet))
    dirs.append(inc)
    return dirs


def find_kernel_tree(cache):
    """The unpacked kernel source tree of the pinned version holding
    iommufd_test.h, else the newest one."""
    trees = [d for d in glob.glob(os.path.join(cache, 'build', '*', 'tree'))
             if os.path.isfile(os.path.join(
                 d, 'drivers/iommu/iommufd/iommufd_test.h'))]
    trees.sort(key=lambda d: dpkg_version_key(
        os.path.basename(os.path.dirname(d))))
    pinned = [d for d in trees
              if os.path.basename(os.path.dirname(d)) == LIBC_DEV_VERSION]
    if pinned:
        return pinned[0]
    return trees[-1] if trees else None


# --------------------------------------------------------------------------
# Parsing preprocessed headers


def strip_balanced(text, start):
    """Index just past the parenthesised group starting at text[start]."""
    depth = 0
    for i in range(start, len(text)):
        if text[i] == '(':
            depth += 1
        elif text[i] == ')':
            depth -= 1
            if depth == 0:
                return i + 1
    raise ValueError('unbalanced parentheses')


def split_attributes(decl):
    """Remove __attribute__((...)) groups; return (text, [attributes])."""
    attrs = []
    out = ''
    pos = 0
    for m in re.finditer(r'\b__attribute__\s*(?=\()', decl):
        if m.start() < pos:
            continue
        end = strip_balanced(decl, m.end())
        attrs.append(re.sub(r'\s+', '', decl[m.start():end]))
        out += decl[pos:m.start()] + ' '
        pos = end
    out += decl[pos:]
    return out, attrs


def split_top(text, sep):
    """Split @text at @sep outside of (), [] and {}."""
    parts, depth, cur = [], 0, ''
    for ch in text:
        if ch in '([{':
            depth += 1
        elif ch in ')]}':
            depth -= 1
        if ch == sep and depth == 0:
            parts.append(cur)
            cur = ''
        else:
            cur += ch
    parts.append(cur)
    return parts


def matching_brace(text, start):
    depth = 0
    for i in range(start, len(text)):
        if text[i] == '{':
            depth += 1
        elif text[i] == '}':
            depth -= 1
            if depth == 0:
                return i
    raise ValueError('unbalanced braces')


class Field:
    def __init__(self, path, ctype, dims, scalar):
        self.path = path        # a.b for members of named nested structs
        self.ctype = ctype      # type spelling (normalised)
        self.dims = dims        # '' or '[6]' / '[]'
        self.scalar = scalar    # integer member (not array, struct, pointer)

    @property
    def flexible(self):
        return self.dims.endswith('[]')


def norm_type(t):
    return re.sub(r'\s+', ' ', t).strip()


def parse_members(body, prefix, fields):
    for decl in split_top(body, ';'):
        decl = decl.strip()
        if not decl:
            continue
        if '{' in decl:
            m = re.match(r'(?:__extension__\s+)?(struct|union)\s*(\w*)\s*\{',
                         decl)
            if not m:
                raise ValueError('cannot parse member: ' + decl)
            end = matching_brace(decl, m.end() - 1)
            inner = decl[m.end():end]
            rest, _ = split_attributes(decl[end + 1:])
            rest = rest.strip()
            if not rest:
                parse_members(inner, prefix, fields)
                continue
            for d in split_top(rest, ','):
                dm = re.fullmatch(r'\s*(\w+)\s*((?:\[[^\]]*\]\s*)*)', d)
                if not dm:
                    raise ValueError('cannot parse declarator: ' + d)
                name = prefix + dm.group(1)
                dims = re.sub(r'\s+', '', dm.group(2))
                fields.append(Field(name, m.group(1) + ' {...}', dims, False))
                if not dims:
                    parse_members(inner, name + '.', fields)
            continue
        text, attrs = split_attributes(decl)
        if re.search(r':\s*\d+\s*$', text):
            raise ValueError('bit-fields are not supported: ' + decl)
        decls = split_top(text, ',')
        m = re.fullmatch(r'(.*?)([\s*]*)\b(\w+)\s*((?:\[[^\]]*\]\s*)*)',
                         decls[0].strip(), re.S)
        if not m:
            raise ValueError('cannot parse member: ' + decl)
        base = norm_type(m.group(1))
        for i, d in enumerate(decls):
            if i == 0:
                ptr, name, dims = m.group(2), m.group(3), m.group(4)
            else:
                dm = re.fullmatch(r'([\s*]*)(\w+)\s*((?:\[[^\]]*\]\s*)*)',
                                  d.strip())
                if not dm:
                    raise ValueError('cannot parse declarator: ' + d)
                ptr, name, dims = dm.groups()
            ptr = ptr.replace(' ', '')
            dims = re.sub(r'\s+', '', dims)
            ctype = norm_type(' '.join([base + ptr] + attrs))
            scalar = (not dims and not ptr and
                      not re.match(r'(struct|union|enum)\b', base))
            fields.append(Field(prefix + name, ctype, dims, scalar))


class Unit:
    """Definitions found in the preprocessed output, by source file."""

    def __init__(self):
        self.structs = {}       # name -> (file, [Field])
        self.macros = {}        # name -> (file, function_like)
        self.enumerators = {}   # name -> file


def preprocess(includes, incdirs, defines=()):
    src = ''.join('#include %s\n' % i for i in includes)
    cmd = ['gcc', '-E', '-dD', '-std=gnu11', '-x', 'c', '-']
    for d in defines:
        cmd.append('-D' + d)
    for d in incdirs:
        cmd += ['-I', d]
    proc = subprocess.run(cmd, input=src, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, text=True)
    if proc.returncode != 0:
        die('preprocessing %s failed:\n%s' % (', '.join(includes),
                                               proc.stderr))
    return proc.stdout


def parse_unit(text):
    unit = Unit()
    per_file = {}
    cur = '<none>'
    for line in text.split('\n'):
        m = re.match(r'#\s*(\d+)\s+"(.*?)"', line)
        if m:
            cur = os.path.normpath(m.group(2)) if m.group(2)[0] != '<' \
                else m.group(2)
            continue
        m = re.match(r'#\s*define\s+(\w+)(\()?', line)
        if m:
            unit.macros[m.group(1)] = (cur, bool(m.group(2)))
            continue
        m = re.match(r'#\s*undef\s+(\w+)', line)
        if m:
            unit.macros.pop(m.group(1), None)
            continue
        if line.startswith('#'):
            continue
        per_file.setdefault(cur, []).append(line)

    for fname, lines in per_file.items():
        text = '\n'.join(lines)
        depth = []
        d = 0
        for ch in text:
            depth.append(d)
            if ch == '{':
                d += 1
            elif ch == '}':
                d -= 1
        for m in re.finditer(r'\b(struct|union)\s+(\w+)\s*(__attribute__'
                             r'\s*\(\(.*?\)\)\s*)?\{', text):
            if depth[m.start()] != 0:
                continue
            start = m.end() - 1
            end = matching_brace(text, start)
            fields = []
            try:
                parse_members(text[start + 1:end], '', fields)
            except ValueError as e:
                die('%s: %s %s: %s' % (fname, m.group(1), m.group(2), e))
            unit.structs[m.group(2)] = (fname, fields, m.group(1))
        for m in re.finditer(r'\benum\s*(\w*)\s*\{', text):
            if depth[m.start()] != 0:
                continue
            start = m.end() - 1
            end = matching_brace(text, start)
            for item in split_top(text[start + 1:end], ','):
                im = re.match(r'\s*(\w+)', item)
                if im:
                    unit.enumerators[im.group(1)] = fname
    return unit


def local_names(path):
    """Names defined on lines of @path marked as not part of the uAPI."""
    names = set()
    with open(path) as f:
        for line in f:
            if LOCAL_MARK in line:
                names.update(re.findall(r'\b(?:IFD_\w+|ifd_\w+)\b', line))
    return names


# --------------------------------------------------------------------------
# Measuring


class Probe:
    """One C program printing one integer per requested expression."""

    def __init__(self):
        self.exprs = []

    def add(self, expr):
        self.exprs.append(expr)
        return len(self.exprs) - 1

    def run(self, includes, incdirs, workdir):
        src = ['#define %s 1' % NO_CHECKS_MACRO, '#include <stdio.h>',
               '#include <stddef.h>']
        src += ['#include %s' % i for i in includes]
        src.append('int main(void)\n{')
        for i, e in enumerate(self.exprs):
            src.append('\tprintf("%d %%lld\\n", (long long)(%s));' % (i, e))
        src.append('\treturn 0;\n}\n')
        c = os.path.join(workdir, 'abi-probe.c')
        exe = os.path.join(workdir, 'abi-probe')
        with open(c, 'w') as f:
            f.write('\n'.join(src))
        cmd = ['gcc', '-std=gnu11', '-w', '-o', exe, c]
        for d in incdirs:
            cmd += ['-I', d]
        proc = subprocess.run(cmd, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True)
        if proc.returncode != 0:
            die('the probe program %s does not compile:\n%s'
                % (c, proc.stdout))
        out = subprocess.run([exe], check=True, stdout=subprocess.PIPE,
                             text=True).stdout
        vals = {}
        for line in out.split('\n'):
            if line:
                k, v = line.split()
                vals[int(k)] = int(v)
        return vals


def field_ref(tag, path):
    return '((struct %s *)0)->%s' % (tag, path)


def compare(ours_hdr, ours_extra_incdirs, kernel_includes, kernel_incdirs,
            kernel_root, coverage_files, label, workdir):
    """Compare the definitions of @ours_hdr with the kernel's.

    @kernel_root: directories whose files count as the kernel's headers.
    @coverage_files: kernel headers whose definitions ours should all cover
    (the ones it does not are listed as notes).
    Returns (counts, mismatches, notes).
    """
    ours_hdr = os.path.abspath(ours_hdr)
    ours_file = os.path.normpath(ours_hdr)
    kroots = [os.path.normpath(r) + os.sep for r in kernel_root]

    ours = parse_unit(preprocess(['"%s"' % ours_hdr],
                                 ours_extra_incdirs + kernel_incdirs,
                                 [NO_CHECKS_MACRO]))
    kern = parse_unit(preprocess(kernel_includes, kernel_incdirs))

    def in_kernel(fname):
        return any(fname.startswith(r) for r in kroots)

    k_structs = {n: v for n, v in kern.structs.items() if in_kernel(v[0])}
    k_macros = {n: v for n, v in kern.macros.items() if in_kernel(v[0])}
    k_enums = {n for n, f in kern.enumerators.items() if in_kernel(f)}
    local = local_names(ours_hdr)

    found = []      # (sort key, text)
    notes = []
    probe = Probe()
    checks = []     # (sort key, description, ours_idx, kernel_idx, words)
    nstructs = nfields = nconsts = 0

    def mismatch(key, text):
        found.append((key, text))

    def missing(key, what, oname, kname):
        if oname in local:
            notes.append('%s %s: not in kernel header (expected, marked '
                         '"%s")' % (what, kname, LOCAL_MARK))
        else:
            mismatch(key, '%s %s: not in kernel header (%s has no such %s)'
                     % (what, kname, label, what))

    def signedness(v):
        return 'signed' if v else 'unsigned'

    for oname, (fname, ofields, okind) in sorted(ours.structs.items()):
        if fname != ours_file or not oname.startswith(PREFIX_TYPE):
            continue
        kname = oname[len(PREFIX_TYPE):]
        what = okind
        skey = (0, kname)
        if kname not in k_structs:
            missing(skey, what, oname, kname)
            continue
        nstructs += 1
        _, kfields, kkind = k_structs[kname]
        if kkind != okind:
            mismatch(skey, '%s %s: a %s in ours, a %s in %s'
                     % (what, kname, okind, kkind, label))
        for attr, fmt in (('size', 'sizeof(%s %s)'),
                          ('alignment', '_Alignof(%s %s)')):
            checks.append((skey, '%s %s: %s' % (what, kname, attr),
                           probe.add(fmt % (okind, oname)),
                           probe.add(fmt % (kkind, kname)), str))
        kf = {f.path: f for f in kfields}
        of = {f.path: f for f in ofields}
        for i, f in enumerate(ofields):
            desc = '%s %s field %s' % (what, kname, f.path)
            fkey = skey + (i,)
            k = kf.get(f.path)
            if k is None:
                mismatch(fkey, '%s: not in kernel header (%s has no such '
                         'field)' % (desc, label))
                continue
            nfields += 1
            checks.append((fkey, desc + ': offset',
                           probe.add('offsetof(%s %s, %s)'
                                     % (okind, oname, f.path)),
                           probe.add('offsetof(%s %s, %s)'
                                     % (kkind, kname, f.path)), str))
            if f.flexible or k.flexible:
                if f.flexible != k.flexible:
                    mismatch(fkey, '%s: %s in ours, %s in %s'
                             % (desc, f.dims or 'no array',
                                k.dims or 'no array', label))
            else:
                checks.append((fkey, desc + ': size',
                               probe.add('sizeof(%s)'
                                         % field_ref(oname, f.path)),
                               probe.add('sizeof(%s)'
                                         % field_ref(kname, f.path)), str))
            otype = re.sub(r'\b' + PREFIX_TYPE, '', f.ctype) + f.dims
            ktype = k.ctype + k.dims
            if otype != ktype:
                mismatch(fkey, "%s: type '%s' in ours, '%s' in %s"
                         % (desc, otype, ktype, label))
            if f.scalar and k.scalar:
                sgn = '((__typeof__(%s))-1 < 0)'
                checks.append((fkey, desc + ':',
                               probe.add(sgn % field_ref(oname, f.path)),
                               probe.add(sgn % field_ref(kname, f.path)),
                               signedness))
        for i, f in enumerate(kfields):
            if f.path not in of:
                mismatch(skey + (len(ofields) + i,),
                         '%s %s field %s: missing in ours (%s has it)'
                         % (what, kname, f.path, label))

    consts = {}
    for name, (fname, fnlike) in ours.macros.items():
        if fname == ours_file and name.startswith(PREFIX_CONST):
            consts[name] = ('macro', fnlike)
    for name, fname in ours.enumerators.items():
        if fname == ours_file and name.startswith(PREFIX_CONST):
            consts[name] = ('enumerator', False)
    for oname, (kind, fnlike) in sorted(consts.items()):
        kname = oname[len(PREFIX_CONST):]
        ckey = (1, kname)
        if fnlike:
            notes.append('%s %s: function-like, not compared' % (kind, oname))
            continue
        if kname in k_macros:
            if k_macros[kname][1]:
                mismatch(ckey, '%s %s: function-like in %s'
                         % (kind, kname, label))
                continue
        elif kname not in k_enums:
            missing(ckey, kind, oname, kname)
            continue
        nconsts += 1
        checks.append((ckey, '%s %s: value' % (kind, kname),
                       probe.add(oname), probe.add(kname), hex))

    if checks:
        vals = probe.run(['"%s"' % ours_hdr] + kernel_includes,
                         ours_extra_incdirs + kernel_incdirs, workdir)
        for key, desc, oi, ki, words in checks:
            if vals[oi] != vals[ki]:
                mismatch(key, '%s %s in ours, %s in %s'
                         % (desc, words(vals[oi]), words(vals[ki]), label))
    found.sort(key=lambda f: f[0])
    mismatches = [text for _, text in found]

    # Kernel definitions that ours does not cover (information only).
    covered_s = {n[len(PREFIX_TYPE):] for n, v in ours.structs.items()
                 if v[0] == ours_file}
    covered_c = {n[len(PREFIX_CONST):] for n in consts}
    uncovered = []
    for n, v in k_structs.items():
        if v[0] in coverage_files and n not in covered_s:
            uncovered.append('struct ' + n)
    for n, v in k_macros.items():
        if v[0] in coverage_files and n not in covered_c and \
                not re.fullmatch(r'_\w*_H_?', n):
            uncovered.append(n)
    for n, f in kern.enumerators.items():
        if f in coverage_files and n not in covered_c:
            uncovered.append(n)
    for u in sorted(uncovered):
        notes.append('kernel definition not covered by ours: ' + u)

    return (nstructs, nfields, nconsts), mismatches, notes


# --------------------------------------------------------------------------
# Maintenance: the _Static_assert block of a header


def emit_asserts(ours_hdr, kernel_includes, kernel_incdirs, extra_incdirs,
                 workdir):
    """Print _Static_asserts of our names with the kernel's values."""
    ours_hdr = os.path.abspath(ours_hdr)
    ours = parse_unit(preprocess(['"%s"' % ours_hdr],
                                 extra_incdirs + kernel_incdirs,
                                 [NO_CHECKS_MACRO]))
    kern = parse_unit(preprocess(kernel_includes, kernel_incdirs))
    probe = Probe()
    lines = []
    ours_file = os.path.normpath(ours_hdr)
    # Order of appearance in our header.
    with open(ours_hdr) as f:
        src = f.read()

    def pos(pattern):
        m = re.search(pattern, src)
        return m.start() if m else len(src)
    structs = [(pos(r'\b%s\s+%s\s*\{' % (v[2], re.escape(n))), n, v)
               for n, v in ours.structs.items()
               if v[0] == ours_file and n.startswith(PREFIX_TYPE)]
    for _, oname, (_, fields, kind) in sorted(structs):
        kname = oname[len(PREFIX_TYPE):]
        if kname not in kern.structs:
            continue
        lines.append(('', None))
        lines.append(('IOMMUFD_UAPI_SIZE(%s, %%d);' % oname,
                      probe.add('sizeof(%s %s)' % (kind, kname))))
        for f in fields:
            lines.append(('IOMMUFD_UAPI_OFFSET(%s, %s, %%d);'
                          % (oname, f.path),
                          probe.add('offsetof(%s %s, %s)'
                                    % (kind, kname, f.path))))
    consts = [(pos(r'\b%s\b' % n), n) for n, v in ours.macros.items()
              if v[0] == ours_file and n.startswith(PREFIX_CONST)
              and not v[1] and n[len(PREFIX_CONST):] in kern.macros]
    lines.append(('', None))
    for _, n in sorted(consts):
        lines.append(('IOMMUFD_UAPI_VALUE(%s, %%#x);' % n,
                      probe.add(n[len(PREFIX_CONST):])))
    vals = probe.run(kernel_includes, kernel_incdirs, workdir)
    for fmt, idx in lines:
        print(fmt % vals[idx] if idx is not None else fmt)


# --------------------------------------------------------------------------


def main():
    ap = argparse.ArgumentParser(description=__doc__.split('\n')[0])
    ap.add_argument('--header', default=os.path.join(
        TOP, 'lib/iommufd/iommufd_uapi.h'),
        help='our iommufd/VFIO uAPI header (default: %(default)s)')
    ap.add_argument('--test-header', default=os.path.join(
        TOP, 'app/test/iommufd_test_uapi.h'),
        help='our iommufd self-test header (default: %(default)s)')
    ap.add_argument('--no-test-header', action='store_true',
                    help='do not check the self-test header')
    ap.add_argument('--kernel-headers', default='',
                    help='use this headers_install tree (DIR/include/linux '
                    'or DIR/linux) instead of downloading linux-libc-dev')
    ap.add_argument('--kernel-tree', default='',
                    help='kernel source tree for iommufd_test.h (default: '
                    'CACHE/build/<pinned version>/tree, else the newest)')
    ap.add_argument('--cache', default=DEFAULT_CACHE,
                    help='cache directory (default: %(default)s)')
    ap.add_argument('--emit-asserts', metavar='HEADER',
                    help='print the _Static_assert block for HEADER with '
                    'the kernel values, and exit')
    args = ap.parse_args()

    if args.kernel_headers:
        inc = args.kernel_headers
        if os.path.isdir(os.path.join(inc, 'include', 'linux')):
            inc = os.path.join(inc, 'include')
        if not os.path.isfile(os.path.join(inc, 'linux', 'iommufd.h')):
            die('%s has no linux/iommufd.h' % inc)
        label = 'headers_install tree ' + inc
        version = None
    else:
        inc, version = fetch_libc_dev(args.cache)
        if inc is None:
            # A check that cannot compare must not pass as if it had.
            loud('abi-check: FAILED: linux-libc-dev %s could not be '
                 'downloaded and is not cached in %s/abi'
                 % (LIBC_DEV_VERSION, args.cache))
            return 1
        label = 'linux-libc-dev ' + version
    inc = os.path.abspath(inc)
    kincdirs = kernel_include_dirs(inc)

    tree = args.kernel_tree or find_kernel_tree(args.cache)
    test_hdr = None
    if tree:
        test_hdr = os.path.join(os.path.abspath(tree),
                                'drivers/iommu/iommufd/iommufd_test.h')
        if not os.path.isfile(test_hdr):
            die('%s does not exist' % test_hdr)

    work = tempfile.mkdtemp(prefix='abi-check.')
    try:
        if args.emit_asserts:
            hdr = os.path.abspath(args.emit_asserts)
            if os.path.basename(hdr) == os.path.basename(args.test_header):
                if not test_hdr:
                    die('no kernel tree with iommufd_test.h')
                emit_asserts(hdr, ['"%s"' % test_hdr], kincdirs,
                             [os.path.dirname(hdr),
                              os.path.dirname(os.path.abspath(args.header))], work)
            else:
                emit_asserts(hdr, ['<linux/iommufd.h>', '<linux/vfio.h>'],
                             kincdirs, [os.path.dirname(hdr)], work)
            return 0

        failed = False
        counts, mism, notes = compare(
            args.header, [os.path.dirname(os.path.abspath(args.header))],
            ['<linux/iommufd.h>', '<linux/vfio.h>'], kincdirs, [inc],
            [os.path.join(inc, 'linux', 'iommufd.h')], label, work)
        for m in mism:
            print('abi-check: MISMATCH: ' + m)
        for n in notes:
            print('abi-check: note: ' + n)
        print('abi-check: %d structs, %d fields, %d constants compared '
              'against %s: %d mismatches' % (counts + (label, len(mism))))
        failed |= bool(mism)

        if args.no_test_header:
            pass
        elif test_hdr is None:
            loud('abi-check: NOTE: %s was NOT checked: no kernel source tree '
                 'with drivers/iommu/iommufd/iommufd_test.h\n(looked for '
                 '%s/build/<version>/tree; build the guest kernel or pass '
                 '--kernel-tree)' % (args.test_header, args.cache))
        else:
            tver = os.path.basename(os.path.dirname(
                os.path.abspath(tree))) if not args.kernel_tree else tree
            tlabel = 'iommufd_test.h of kernel source ' + tver
            # The test header (app/test) includes iommufd_uapi.h (lib/iommufd).
            counts, mism, notes = compare(
                args.test_header,
                [os.path.dirname(os.path.abspath(args.test_header)),
                 os.path.dirname(os.path.abspath(args.header))],
                ['"%s"' % test_hdr], kincdirs,
                [inc, os.path.dirname(test_hdr)], [test_hdr], tlabel, work)
            for m in mism:
                print('abi-check: MISMATCH: ' + m)
            for n in notes:
                print('abi-check: note: ' + n)
            print('abi-check: %d structs, %d fields, %d constants compared '
                  'against %s: %d mismatches'
                  % (counts + (tlabel, len(mism))))
            failed |= bool(mism)
        return 1 if failed else 0
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == '__main__':
    sys.exit(main())
