#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
"""Check what shipped shared libraries export against their version maps.

  check-exports.py NAME LIB.so VERSION_MAP OBJECTS.a [NAME LIB.so MAP OBJECTS.a ...]

For each library, as TAP lines:
- every defined dynamic symbol is listed in the map, in the version node
  it carries, and every symbol of the map is exported;
- nothing internal is exported (ifd_*, ifb_*, *_internal_*);
- a function is in the node EXPERIMENTAL exactly when its definition is in
  the section .text.experimental (the header marks it experimental),
  read from the library's objects (the linker merges that section into
  .text of the .so).
"""

import re
import subprocess
import sys

INTERNAL = re.compile(r'^(ifd_|ifb_)|_internal_')


def read_map(path):
    """{symbol: node} of a GNU ld version script."""
    with open(path, encoding='utf-8') as f:
        text = re.sub(r'/\*.*?\*/', '', f.read(), flags=re.S)
    text = re.sub(r'#[^\n]*', '', text)
    out = {}
    for node, body in re.findall(r'(\w+)\s*\{(.*?)\}', text, flags=re.S):
        scope = 'global'
        for word in re.findall(r'[\w*]+\s*[:;]', body):
            name, sep = word[:-1].strip(), word[-1]
            if sep == ':':
                scope = name
            elif scope == 'global':
                out[name] = node
    return out


def objdump(*args):
    return subprocess.run(['objdump', '-w'] + list(args), check=True,
                          capture_output=True, text=True).stdout.splitlines()


def exported(so):
    """{symbol: (node, section)} of the defined dynamic symbols."""
    out = {}
    for line in objdump('-T', so):
        f = line.split()
        if len(f) < 7 or f[-4] == '*UND*' or f[-4] == '*ABS*':
            continue
        out[f[-1]] = f[-2].strip('()')
    return out


def experimental_in_objects(archive):
    """Global functions defined in .text.experimental in the objects."""
    out = set()
    for line in objdump('-t', archive):
        f = line.split()
        if len(f) >= 6 and f[1] == 'g' and f[-3] == '.text.experimental':
            out.add(f[-1])
    return out


def main(argv):
    if len(argv) < 5 or (len(argv) - 1) % 4:
        print(__doc__.strip(), file=sys.stderr)
        return 2
    n, failed = 0, 0

    def result(ok, what, problems):
        nonlocal n, failed
        n += 1
        failed += not ok
        print('%s %d - %s' % ('ok' if ok else 'not ok', n, what))
        for p in problems:
            print('#   %s' % p)

    for i in range(1, len(argv), 4):
        name, so, vmap, archive = argv[i:i + 4]
        want = read_map(vmap)
        have = exported(so)
        exp_objs = experimental_in_objects(archive)

        problems = ['%s exported in %s, the map says %s' % (s, have[s], want.get(s, 'nothing'))
                    for s in sorted(have) if want.get(s) != have[s]]
        problems += ['%s (%s) in the map but not exported' % (s, want[s])
                     for s in sorted(want) if s not in have]
        result(not problems, '%s: exports = version map (%d symbols)' % (name, len(have)),
               problems)

        leaks = sorted(s for s in set(have) | set(want) if INTERNAL.search(s))
        result(not leaks, '%s: nothing internal exported' % name, leaks)

        problems = ['%s is in EXPERIMENTAL but not marked experimental in its header' % s
                    for s in sorted(have) if have[s] == 'EXPERIMENTAL' and s not in exp_objs]
        problems += ['%s is marked experimental but exported in %s' % (s, have[s])
                     for s in sorted(exp_objs) if s in have and have[s] != 'EXPERIMENTAL']
        result(not problems, '%s: EXPERIMENTAL node = functions marked experimental' % name,
               problems)
    print('1..%d' % n)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
