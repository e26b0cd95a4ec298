#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Regenerate doc/guides/lifecycle.rst: run the life-cycle scenarios
# (app/test/dpdk/lifecycle.sh) in the three guests the vm suite uses for
# them and write their rows into the table. The vm suite's vm-lifecycle*
# tests then check that every row they find is in the page.
#
# Usage: devtools/gen-lifecycle.sh [BUILD_DIR]   (default: build; built
# with DPDK, as devtools/run-tests.sh builds it)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
build=$(readlink -f "${1:-$top/build}")
lib=$build/drivers/bus/iommufd/librte_bus_iommufd.so
app=$build/app/test/dpdk/lifecycle_app
[ -f "$lib" ] && [ -x "$app" ] || { echo "gen-lifecycle: build $build first (ninja -C $build)" >&2; exit 1; }
out=$top/doc/guides/lifecycle.rst
rows=$(mktemp)
trap 'rm -f "$rows"' EXIT

run() { # run-vm options... -- group
	"$top/buildtools/vm/run-vm.sh" --timeout 1100 "$@" | tee /dev/stderr | sed -n 's/^# LCROW|/LCROW|/p' >>"$rows"
}
run -- "$top/app/test/dpdk/lifecycle.sh" --lib "$lib" --app "$app" basic
run --hotplug -- "$top/app/test/dpdk/lifecycle.sh" --lib "$lib" --app "$app" hotplug
run --intremap off --kernel-arg vfio_iommu_type1.allow_unsafe_interrupts=1 -- \
	"$top/app/test/dpdk/lifecycle.sh" --lib "$lib" --app "$app" fallback
[ "$(wc -l <"$rows")" = 8 ] || { echo "gen-lifecycle: expected 8 rows, got $(wc -l <"$rows") (see above)" >&2; exit 1; }

{
	sed -n '1,/^   :header:/p' "$out"
	echo
	awk -F'|' '{ printf "   \"%s\", \"%s\", \"%s\", \"%s\", \"%s\"\n", $2, $3, $4, $5, $6 }' "$rows"
	echo
	sed -n '/^.. end of table/,$p' "$out"
} >"$out.new"
mv "$out.new" "$out"
echo "gen-lifecycle: wrote $out"
