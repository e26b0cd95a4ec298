#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
#
# dpdk-iommufd-run and the adapter's load-time check, on the host (suite
# fast: no root, no device, EAL never initialised): which programs the
# launcher serves or refuses, and the one error line the adapter prints
# when a process' rte_vfio_* callers do not reach it. TAP.
#
# Usage: test_launcher.sh LAUNCHER LAUNCHER_TEMPLATE ADAPTER EAL_NODE EAL_USER EAL_USER_STATIC
#   EAL_USER, EAL_USER_STATIC: app/test/dpdk/eal_user.c linked with DPDK's
#   EAL dynamically and statically ("none" when the static EAL is missing)
set -u
launcher=$1 template=$2 adapter=$(readlink -f "$3") node=$4 eal_user=$5 eal_static=$6
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
n=0
failed=0
echo "1..9"

# result NAME CONDITION-STATUS: print ok/not ok; diagnostics from $work/out, $work/err.
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1"
		sed 's/^/# stdout: /' "$work/out"
		sed 's/^/# stderr: /' "$work/err"
		failed=1
	fi
}
run() {
	"$@" > "$work/out" 2> "$work/err"
	rc=$?
}

run "$launcher" /bin/true
[ $rc = 2 ] && grep -q "dpdk-iommufd-run: /bin/true does not use DPDK" "$work/err"
result "launcher refuses a program without DPDK (exit 2, one line)" $?

printf '#!/bin/sh\nexec %s "$@"\n' "$eal_user" > "$work/wrapper.sh"
chmod +x "$work/wrapper.sh"
run "$launcher" "$work/wrapper.sh"
[ $rc = 2 ] && grep -q "is not an ELF program (a script?): run the DPDK program itself" "$work/err"
result "launcher refuses a script and says to run the DPDK program itself" $?

if [ "$eal_static" = none ]; then
	echo "static EAL (librte_eal.a) not found at configure time: install libdpdk-dev" > "$work/err"
	: > "$work/out"
	false
else
	run "$launcher" "$eal_static"
	[ $rc = 2 ] && grep -q "has DPDK linked statically: .* build it with DPDK's shared libraries" "$work/err"
fi
result "launcher refuses a program with DPDK linked statically" $?

sed "s|@ADAPTER_DIRS@|$work/none|" "$template" > "$work/run-noadapter"
run env DPDK_IOMMUFD_ADAPTER_PATH= bash "$work/run-noadapter" "$eal_user"
[ $rc = 2 ] && grep -q "uses librte_eal.so.[0-9]* (EAL ABI $node) and no adapter built for it is installed (searched $work/none; found: none): build and install dpdk-iommufd against that DPDK" "$work/err"
result "launcher without an adapter for the program's EAL says which ABI and what to do" $?

run env -u LD_PRELOAD -u RTE_IOMMUFD_MODE "$launcher" "$eal_user"
[ $rc = 0 ] && grep -qx "preload=$adapter reached=1" "$work/out" && [ ! -s "$work/err" ]
result "launcher preloads the adapter built for the program's EAL ($node); its calls reach it, nothing printed" $?

run env LD_PRELOAD="$adapter" /bin/true
[ $rc = 0 ] && [ ! -s "$work/err" ]
result "the adapter preloaded into a process without DPDK stays silent" $?

if [ "$eal_static" = none ]; then
	false
else
	run env LD_PRELOAD="$adapter" "$eal_static"
	[ $rc = 0 ] && grep -q "reached=0" "$work/out" &&
		grep -q "BUS_IOMMUFD: this program has DPDK linked statically: its EAL keeps its own rte_vfio_\*, which a preloaded library ($adapter) cannot replace" "$work/err"
fi
result "preloaded into a static DPDK program: one error line, and indeed not reached" $?

run env -u LD_PRELOAD "$eal_user" --dlopen "$adapter"
[ $rc = 0 ] && grep -q "reached=0" "$work/out" &&
	grep -q "BUS_IOMMUFD: rte_vfio_enable@$node resolves to .*librte_eal.so.[0-9]*, not to this adapter ($adapter), which was loaded after EAL" "$work/err"
result "loaded after EAL (dlopen, as with -d): one error line, and indeed not reached" $?

run env -u LD_PRELOAD RTE_IOMMUFD_MODE=iommufd "$eal_user" --dlopen "$adapter"
[ $rc = 1 ] && grep -q "RTE_IOMMUFD_MODE=iommufd: iommufd cannot serve this process (see above); exiting" "$work/err" &&
	[ ! -s "$work/out" ]
result "with RTE_IOMMUFD_MODE=iommufd that process stops (exit 1) instead of running over type1" $?
exit $failed
