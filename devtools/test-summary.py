#!/usr/bin/python3
# SPDX-License-Identifier: BSD-3-Clause
"""Summarise meson's testlog JSON files: one line per test program, the TAP
subtest counts, and a closing 'N passed, N failed' line."""

import json
import re
import sys


def main(paths):
    lines = []
    for path in paths:
        try:
            lines += open(path, encoding='utf-8').read().splitlines()
        except OSError as e:
            print('test-summary: cannot read %s: %s' % (path, e))
            return 1
    passed = failed = skipped = 0
    programs = []
    for line in lines:
        t = json.loads(line)
        out = t.get('stdout') or ''
        ok = len(re.findall(r'^ok \d+', out, re.M))
        skip = len(re.findall(r'^ok \d+ .*# SKIP', out, re.M))
        notok = len(re.findall(r'^not ok \d+', out, re.M))
        result = t.get('result')
        programs.append((t.get('name'), result, ok - skip, notok, skip))
        if ok + notok == 0:
            # not a TAP program: counts as one test
            if result in ('OK', 'EXPECTEDFAIL'):
                passed += 1
            elif result == 'SKIP':
                skipped += 1
            else:
                failed += 1
        else:
            passed += ok - skip
            skipped += skip
            failed += notok
            if result not in ('OK', 'EXPECTEDFAIL') and notok == 0:
                failed += 1   # crashed or timed out after its last subtest
    for name, result, ok, notok, skip in programs:
        print('  %-40s %-8s %4d ok %3d failed %3d skipped' % (name, result, ok, notok, skip))
    print('tests: %d passed, %d failed, %d skipped' % (passed, failed, skipped))
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
