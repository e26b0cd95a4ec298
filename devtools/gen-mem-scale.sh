#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Regenerate the DPDK memory scaling figures: run bench_mem_scale
# (app/test/dpdk/bench_mem_scale.c: 1, 2, 4 and 8 GiB, iommufd and type1
# alternating, and the adapter without IOMMU_IOAS_MAP_FILE) in a 10 GiB
# guest with 4160 hugepages, keep its output in doc/guides/mem_scale.txt,
# and write the plot (doc/guides/mem_scale.svg), the generated part of
# doc/guides/mem_scale.rst and the figures in README.md from it.
#
# Usage: devtools/gen-mem-scale.sh [--from LOG] [--repeat N] [BUILD_DIR]
#   BUILD_DIR  default build (built with DPDK)
#   --from LOG make the figures from a saved run of the benchmark (no guest)
#   --repeat N repetitions per size and path (default 3)
# Extra benchmark options go in BENCH_ARGS (e.g. BENCH_ARGS='--sizes 1024,2048');
# GEN_NOTE is added to the kept copy's header line.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
from=
repeat=3
while [ $# -gt 0 ]; do
	case "$1" in
	--from) from=$(readlink -f "$2"); shift 2 ;;
	--repeat) repeat=$2; shift 2 ;;
	-h|--help) sed -n '3,16s/^# \{0,1\}//p' "$0"; exit 0 ;;
	*) break ;;
	esac
done
out=$top/doc/guides/mem_scale.txt
if [ -z "$from" ]; then
	build=$(readlink -f "${1:-$top/build}")
	lib=$build/drivers/bus/iommufd/librte_bus_iommufd.so
	bench=$build/app/test/dpdk/bench_mem_scale
	[ -f "$lib" ] && [ -x "$bench" ] || { echo "gen-mem-scale: build $build first (ninja -C $build)" >&2; exit 1; }
	log=$(mktemp)
	trap 'rm -f "$log"' EXIT
	# shellcheck disable=SC2086
	"$top/buildtools/vm/run-vm.sh" --mem 10240 --hugepages 4160 --timeout 7000 \
		--env LD_PRELOAD="$lib" -- "$bench" --repeat "$repeat" --compare-addr \
		--eal "--in-memory --single-file-segments" ${BENCH_ARGS:-} | tee "$log"
	grep -q '^RATIO' "$log" || { echo "gen-mem-scale: the benchmark printed no RATIO lines (see above)" >&2; exit 1; }
	from=$log
fi
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
