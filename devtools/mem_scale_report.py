#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
"""Figures of bench_mem_scale (app/test/dpdk/bench_mem_scale.c) for the docs.

Reads the benchmark's output (its "# DATA" and "RATIO" lines) and writes:
  - an SVG plot of cost against memory size, both paths;
  - the generated part of doc/guides/mem_scale.rst (between its markers);
  - the generated part of README.md (between its markers).
Python's standard library only.

Usage: mem_scale_report.py LOG SVG RST README
"""

import re
import statistics
import sys

MODES = ["iommufd", "type1", "iommufd-addr"]
COLOURS = {"iommufd": "#1b6ac9", "type1": "#d1495b", "iommufd-addr": "#66a182"}


def parse(path):
    data = {}   # (size, mode, phase) -> {metric: [values]}
    ratios = []
    header = ""
    with open(path, encoding="utf-8", errors="replace") as f:
        for line in f:
            line = line.rstrip("\n")
            m = re.match(r"# DATA size_mb=(\d+) mode=(\S+) phase=(\S+) rep=\d+ (.*)", line)
            if m:
                size, mode, phase = int(m.group(1)), m.group(2), m.group(3)
                for kv in m.group(4).split():
                    k, _, v = kv.partition("=")
                    ph, _, metric = k.partition("_")
                    data.setdefault((size, mode, ph), {}).setdefault(metric, []).append(float(v))
            elif line.startswith(("RATIO", "# RATIO")):
                # TAP comments in the benchmark's output; plain in older logs.
                ratios.append(line[2:] if line.startswith("#") else line)
            elif line.startswith("# sizes"):
                header = line[2:]
    if not data:
        sys.exit("mem_scale_report: no '# DATA' lines in %s" % path)
    return data, ratios, header


def ratios_from_data(data, sizes):
    """RATIO lines as bench_mem_scale prints them, for a log cut short."""
    out = []
    for size in sizes:
        for ph in ("start", "grow", "free"):
            for metric in ("wall_ms", "reqs", "req_ms", "req_cpu_ms"):
                for b, tag in (("type1", "RATIO"), ("iommufd-addr", "RATIO_FILE")):
                    x = data.get((size, "iommufd", ph), {}).get(metric, [])
                    y = data.get((size, b, ph), {}).get(metric, [])
                    r = sorted(p / q for p, q in zip(x, y) if q > 0)
                    if not r:
                        continue
                    note = "; 1 inside the spread: no difference measured" \
                        if metric != "reqs" and r[0] <= 1 <= r[-1] else ""
                    out.append("%s size=%dMiB %s_%s %.3f [%.3f..%.3f] (iommufd %.3f, %s %.3f, "
                               "medians of %d%s; computed from the DATA lines)" % (
                                   tag, size, ph, metric, statistics.median(r), r[0], r[-1],
                                   statistics.median(x), b, statistics.median(y), len(r), note))
    return out


def med(data, size, mode, phase, metric):
    v = data.get((size, mode, phase), {}).get(metric)
    return statistics.median(v) if v else None


def fmt(x, digits=1):
    if x is None:
        return "-"
    if abs(x - round(x)) < 1e-9 and digits == 0:
        return "%d" % round(x)
    return ("%%.%df" % digits) % x


def table_rows(data, sizes, modes):
    rows = []
    for size in sizes:
        for mode in modes:
            r = [("%d MiB" % size) if mode == modes[0] else "", mode]
            for ph in ("start", "grow", "free"):
                r += [fmt(med(data, size, mode, ph, "reqs"), 0),
                      fmt(med(data, size, mode, ph, "req_ms"), 2),
                      fmt(med(data, size, mode, ph, "req_cpu_ms"), 2),
                      fmt(med(data, size, mode, ph, "stime_ms"), 0),
                      fmt(med(data, size, mode, ph, "wall_ms"), 0)]
            rows.append(r)
    return rows


COLS = ["size", "path",
        "start: requests", "start: in requests (ms)", "start: kernel CPU in requests (ms)",
        "start: stime (ms)", "start: EAL init to ports started (ms)",
        "grow: requests", "grow: in requests (ms)", "grow: kernel CPU in requests (ms)",
        "grow: stime (ms)", "grow: wall (ms)",
        "free: requests", "free: in requests (ms)", "free: kernel CPU in requests (ms)",
        "free: stime (ms)", "free: wall (ms)"]


def rst_table(rows):
    out = [".. csv-table:: Medians per size and path",
           "   :header: " + ", ".join('"%s"' % c for c in COLS), ""]
    for r in rows:
        out.append("   " + ", ".join('"%s"' % c for c in r))
    return out


def md_table(data, sizes, modes):
    out = ["| size | path | map requests at start | time in them (ms) | kernel CPU in them (ms) "
           "| EAL init to ports started (ms) | heap growth: requests | time in them (ms) "
           "| heap free: requests | time in them (ms) |",
           "|---|---|---|---|---|---|---|---|---|---|"]
    for size in sizes:
        for mode in modes:
            out.append("| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |" % (
                "%d MiB" % size if mode == modes[0] else "", mode,
                fmt(med(data, size, mode, "start", "reqs"), 0),
                fmt(med(data, size, mode, "start", "req_ms"), 2),
                fmt(med(data, size, mode, "start", "req_cpu_ms"), 2),
                fmt(med(data, size, mode, "start", "wall_ms"), 0),
                fmt(med(data, size, mode, "grow", "reqs"), 0),
                fmt(med(data, size, mode, "grow", "req_ms"), 2),
                fmt(med(data, size, mode, "free", "reqs"), 0),
                fmt(med(data, size, mode, "free", "req_ms"), 2)))
    return out


def svg_plot(data, sizes, modes, path):
    panels = [("start", "req_ms", "startup: time in map requests (ms)", False),
              ("start", "wall_ms", "EAL init to ports started (ms)", False),
              ("grow", "req_ms", "heap growth: time in map requests (ms)", False),
              ("grow", "reqs", "heap growth: map requests (log)", True),
              ("free", "req_ms", "heap free: time in unmap requests (ms)", False)]
    pw, ph, ml, mt, mb = 300, 220, 55, 30, 40
    width, height = pw * len(panels), ph + 40
    s = ['<!-- SPDX-License-Identifier: BSD-3-Clause -->',
         '<!-- written by devtools/gen-mem-scale.sh (mem_scale_report.py) -->',
         '<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" '
         'font-family="sans-serif" font-size="11">' % (width, height),
         '<rect width="100%" height="100%" fill="white"/>']
    import math
    for i, (phase, metric, title, log) in enumerate(panels):
        x0 = i * pw + ml
        w = pw - ml - 15
        h = ph - mt - mb
        vals = [med(data, sz, m, phase, metric) for sz in sizes for m in modes]
        vals = [v for v in vals if v is not None]
        if not vals:
            continue
        top = max(vals) * 1.1 or 1
        lo = 0.5 if log else 0

        def ty(v):
            if log:
                v = max(v, 0.5)
                return mt + h - h * (math.log10(v) - math.log10(lo)) / (math.log10(top) - math.log10(lo))
            return mt + h - h * v / top

        xmax = max(sizes)

        def tx(sz):
            return x0 + w * sz / xmax

        s.append('<text x="%d" y="18" font-weight="bold">%s</text>' % (i * pw + 10, title))
        s.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (x0, mt + h, x0 + w, mt + h))
        s.append('<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="black"/>' % (x0, mt, x0, mt + h))
        for sz in sizes:
            s.append('<text x="%.1f" y="%d" text-anchor="middle">%g</text>' % (tx(sz), mt + h + 14, sz / 1024))
        s.append('<text x="%d" y="%d" text-anchor="middle">DPDK memory (GiB)</text>' % (x0 + w / 2, mt + h + 30))
        ticks = [10 ** k for k in range(0, int(math.log10(top)) + 1)] if log else [top / 1.1 * f for f in (0, 0.25, 0.5, 0.75, 1)]
        for t in ticks:
            s.append('<text x="%d" y="%.1f" text-anchor="end">%s</text>' % (x0 - 4, ty(t) + 4, "%.4g" % t))
            s.append('<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#ddd"/>' % (x0, ty(t), x0 + w, ty(t)))
        for m in modes:
            pts = [(tx(sz), ty(v)) for sz in sizes for v in [med(data, sz, m, phase, metric)] if v is not None]
            if not pts:
                continue
            s.append('<polyline fill="none" stroke="%s" stroke-width="2" points="%s"/>' % (
                COLOURS[m], " ".join("%.1f,%.1f" % p for p in pts)))
            for p in pts:
                s.append('<circle cx="%.1f" cy="%.1f" r="3" fill="%s"/>' % (p[0], p[1], COLOURS[m]))
    for j, m in enumerate(modes):
        s.append('<rect x="%d" y="%d" width="12" height="4" fill="%s"/>' % (10 + j * 130, height - 12, COLOURS[m]))
        s.append('<text x="%d" y="%d">%s</text>' % (26 + j * 130, height - 7, m))
    s.append("</svg>")
    with open(path, "w", encoding="utf-8") as f:
        f.write("\n".join(s) + "\n")


def replace_between(path, begin, end, lines):
    with open(path, encoding="utf-8") as f:
        text = f.read()
    a, b = text.find(begin), text.find(end)
    if a < 0 or b < a:
        sys.exit("mem_scale_report: %s lacks the markers %r ... %r" % (path, begin, end))
    text = text[:a + len(begin)] + "\n" + "\n".join(lines) + "\n" + text[b:]
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)


def main():
    if len(sys.argv) != 5:
        sys.exit(__doc__)
    log, svg, rst, readme = sys.argv[1:]
    data, ratios, header = parse(log)
    sizes = sorted({k[0] for k in data})
    modes = [m for m in MODES if any(k[1] == m for k in data)]
    if not ratios:
        ratios = ratios_from_data(data, sizes)
    svg_plot(data, sizes, modes, svg)
    lines = ["", "Run: %s." % header, ""] + rst_table(table_rows(data, sizes, modes)) + \
        ["", "Ratios iommufd over type1 (``RATIO``; ``RATIO_FILE``: the adapter over itself "
         "without ``IOMMU_IOAS_MAP_FILE``), the median of the repetitions' ratios and their "
         "spread ``[min..max]``:", "", ".. code-block:: none", ""] + \
        ["   " + r for r in ratios] + [""]
    replace_between(rst, ".. begin generated by devtools/gen-mem-scale.sh",
                    ".. end generated", lines)
    keep = [r for r in ratios if "size=%dMiB" % sizes[-1] in r and
            re.search(r"(start_(wall_ms|reqs|req_ms)|grow_(reqs|req_ms)|free_req_ms) ", r)]
    md = ["", "%s. Medians (`doc/guides/mem_scale.rst`, plot "
          "`doc/guides/mem_scale.svg`; regenerate with `devtools/gen-mem-scale.sh`):" % header, ""] + \
        md_table(data, sizes, modes) + ["", "At %d MiB:" % sizes[-1], ""] + \
        ["    " + r for r in keep] + [""]
    replace_between(readme, "<!-- begin mem-scale (devtools/gen-mem-scale.sh) -->",
                    "<!-- end mem-scale -->", md)


if __name__ == "__main__":
    main()
