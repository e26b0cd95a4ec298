#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Regenerate the DPDK memory scaling figures: run the benchmark
# vm-dpdk-mem-scale (meson test --benchmark; app/test/dpdk/bench_mem_scale.c:
# 1, 2, 4 and 8 GiB, iommufd and type1 alternating, and the adapter without
# IOMMU_IOAS_MAP_FILE, in a 10 GiB guest with 4160 hugepages), keep its
# output in doc/guides/mem_scale.txt, and write the plot
# (doc/guides/mem_scale.svg), the generated part of doc/guides/mem_scale.rst
# and the figures in README.md from it.
#
# Usage: devtools/gen-mem-scale.sh [--from LOG] [BUILD_DIR]
#   BUILD_DIR  default build (configured with DPDK)
#   --from LOG make the figures from a saved run (no guest): the benchmark's
#              output, or meson's JSON log of a run (meson-logs/*.json)
# GEN_NOTE is added to the kept copy's header line.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
from=
while [ $# -gt 0 ]; do
	case "$1" in
	--from) from=$(readlink -f "$2"); shift 2 ;;
	-h|--help) sed -n '3,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
out=$top/doc/guides/mem_scale.txt
log=$(mktemp)
trap 'rm -f "$log"' EXIT
if [ -z "$from" ]; then
	build=$(readlink -f "${1:-$top/build}")
	[ -f "$build/build.ninja" ] || { echo "gen-mem-scale: configure $build first (meson setup $build -Ddpdk=enabled)" >&2; exit 1; }
	# The command line is meson's (app/test/dpdk/meson.build): one home.
	meson test -C "$build" --benchmark --logbase mem_scale --print-errorlogs vm-dpdk-mem-scale ||
		echo "gen-mem-scale: the benchmark failed (see above); figures from what it printed" >&2
	from=$build/meson-logs/mem_scale.json
fi
case "$from" in
*.json)
	python3 -c 'import json, sys
for line in open(sys.argv[1]):
	d = json.loads(line)
	if d.get("name") == "vm-dpdk-mem-scale":
		sys.stdout.write(d.get("stdout") or "")' "$from" >"$log"
	from=$log ;;
esac
grep -q '^# DATA' "$from" || { echo "gen-mem-scale: no '# DATA' lines in the benchmark's output" >&2; exit 1; }
grep -q -e '^RATIO' -e '^# RATIO' "$from" || echo "gen-mem-scale: no RATIO lines (a run cut short): ratios computed from the DATA lines" >&2
# The kept copy: without the children's EAL chatter ("#   ...").
if [ "$from" != "$out" ]; then
	{
		echo '# SPDX-License-Identifier: BSD-3-Clause'
		echo "# devtools/gen-mem-scale.sh, $(date -u +%Y-%m-%d)${GEN_NOTE:+ ($GEN_NOTE)}"
		grep -v -e '^#   ' -e '^build-guest-kernel:' -e '^# SPDX' -e '^# devtools/gen-mem-scale' "$from"
	} >"$out"
fi
python3 "$top/devtools/mem_scale_report.py" "$out" "$top/doc/guides/mem_scale.svg" \
	"$top/doc/guides/mem_scale.rst" "$top/README.md"
echo "gen-mem-scale: wrote doc/guides/mem_scale.{txt,svg,rst} and README.md's figures"
