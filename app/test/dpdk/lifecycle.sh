#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
#
# The adapter's life cycle, scenario by scenario, in the test guest (run by
# meson: vm-lifecycle, vm-lifecycle-hotplug, vm-lifecycle-fallback; the
# table of doc/guides/lifecycle.rst comes from its rows:
# devtools/gen-lifecycle.sh). Each scenario checks what it claims and
# prints one row "# LCROW|scenario|result|DMA faults|descriptors|left" (a
# TAP comment).
#
# Usage: lifecycle.sh --lib ADAPTER.so --app lifecycle_app [--check DOC]
#                     [--testpmd PATH] GROUP...
# GROUP: basic (exit while forwarding, rte_eal_cleanup, release, secondary
# DMA, kill -9 of the primary under a secondary, injected IPC failures:
# also one by one as exit, cleanup, release, secondary, kill_primary, ipc),
# hotplug (run-vm.sh --hotplug: testpmd while QEMU removes and adds back a
# NIC), fallback (run-vm.sh --intremap off with type1's
# allow_unsafe_interrupts: iommufd refuses the bind, type1 accepts it).
# With --check DOC every row must appear in DOC as it is (the table there
# is what the tests find).
#
# "left" is measured after the processes end: the hugepage files of the
# run are removed and every hugepage must be free again (a page still
# pinned by an IOMMU mapping would not be), and each NIC must be free to
# bind in a new iommufd.
# Output is TAP.

set -u

lib= app= doc= groups=()
testpmd=${TESTPMD:-/usr/bin/dpdk-testpmd}
while [ $# -gt 0 ]; do
	case "$1" in
	--lib) lib=$(readlink -f "$2"); shift 2 ;;
	--app) app=$(readlink -f "$2"); shift 2 ;;
	--check) doc=$(readlink -f "$2"); shift 2 ;;
	--testpmd) testpmd=$2; shift 2 ;;
	-*) echo "usage: $0 --lib ADAPTER --app lifecycle_app [--check DOC] GROUP..." >&2; exit 2 ;;
	*) groups+=("$1"); shift ;;
	esac
done
[ -n "$lib" ] && [ -n "$app" ] && [ ${#groups[@]} -gt 0 ] ||
	{ echo "usage: $0 --lib ADAPTER --app lifecycle_app [--check DOC] GROUP..." >&2; exit 2; }

read -r nic0 nic1 <<<"${DPDK_IOMMUFD_VM_NICS:-0000:00:02.0 0000:00:03.0}"
work=$(mktemp -d /tmp/lifecycle.XXXXXX)
trap 'rm -rf "$work"' EXIT
trap '' PIPE
n=0 failed=0 planned=0
basic="exit cleanup release secondary kill_primary ipc"
scenarios=()
for g in "${groups[@]}"; do
	case "$g" in
	basic) read -ra more <<<"$basic"; scenarios+=("${more[@]}") ;;
	exit|cleanup|release|secondary|kill_primary|ipc|hotplug|fallback) scenarios+=("$g") ;;
	*) echo "Bail out! unknown group or scenario $g"; exit 1 ;;
	esac
done
planned=${#scenarios[@]}
echo "1..$planned"
bail() { echo "Bail out! $*"; exit 1; }
[ "$(id -u)" = 0 ] || bail "must run as root inside the test guest"
[ -f "$lib" ] || bail "no adapter $lib"
[ -x "$app" ] || bail "no program $app"
grep -q hugetlbfs /proc/mounts || bail "no hugetlbfs mounted"

dmar_faults() { dmesg | grep -cE 'DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault' || true; }
hp() { awk -v k="HugePages_$1:" '$1 == k { print $2 }' /proc/meminfo; }
hp_total=$(hp Total)

# The adapter preloaded; EAL with two lcores on the guest's two vCPUs.
dpdk() { env LD_PRELOAD="$lib" "$@"; }
eal() { echo "-l 0-1 -n 1 --file-prefix=lc --log-level=bus.iommufd:debug $*"; }
allow="-a $nic0 -a $nic1"

# After every process of a scenario ended: what is left. Sets "left".
left_check() {
	local f
	rm -f /dev/hugepages/lc*
	sleep 1
	left="none"
	if [ "$(hp Free)" != "$hp_total" ]; then
		left="$(( hp_total - $(hp Free) )) hugepages still in use"
		return 1
	fi
	for f in $nic0 $nic1; do
		[ -e "/sys/bus/pci/devices/$f" ] || continue
		if ! "$app" --probe-free "$f" >"$work/free.log" 2>&1; then
			left="$f still bound: $(tail -n1 "$work/free.log")"
			return 1
		fi
	done
	return 0
}

row() {
	echo "# LCROW|$1|$2|$3|$4|$5"
	if [ -n "$doc" ] && ! grep -qF "\"$1\", \"$2\", \"$3\", \"$4\", \"$5\"" "$doc"; then
		echo "# this row is not in $doc (regenerate it: devtools/gen-lifecycle.sh):"
		echo "#   \"$1\", \"$2\", \"$3\", \"$4\", \"$5\""
		return 1
	fi
}

# finish NAME FAULTS-BEFORE SCENARIO WHAT DESCRIPTORS: the checks every
# scenario ends with (no new DMA fault, nothing left), its row, its result.
finish() {
	local name=$1 f0=$2
	[ "$(dmar_faults)" = "$f0" ] || why=${why:-"DMA faults logged"}
	left_check || why=${why:-"left: $left"}
	[ -n "$why" ] || row "$3" "$4" 0 "$5" "$left" || why="row"
	result "$name" "$([ -z "$why" ]; echo $?)" "$why"
}

# result NAME STATUS [WHY]: one TAP line; on failure the log of the case.
result() {
	n=$((n + 1))
	if [ "$2" = 0 ]; then
		echo "ok $n - $1"
	else
		echo "not ok $n - $1: $3"
		failed=$((failed + 1))
		for f in "$work"/*.log; do
			[ -f "$f" ] || continue
			echo "# --- $(basename "$f")"
			grep -v 'IOMMU_IOAS_MAP' "$f" | tail -n 60 | sed 's/^/# /'
		done
		# The whole logs, for run-vm.sh --keep.
		if [ -n "${DPDK_IOMMUFD_VM_OUT:-}" ] && [ -d "$DPDK_IOMMUFD_VM_OUT" ]; then
			mkdir -p "$DPDK_IOMMUFD_VM_OUT/lifecycle-$n" &&
				cp "$work"/*.log "$DPDK_IOMMUFD_VM_OUT/lifecycle-$n/" 2>/dev/null
			dmesg >"$DPDK_IOMMUFD_VM_OUT/lifecycle-$n/dmesg" 2>/dev/null
			echo "# logs kept in $DPDK_IOMMUFD_VM_OUT/lifecycle-$n"
		fi
	fi
	rm -f "$work"/*.log
}

# wait_for FILE PATTERN SECONDS
wait_for() {
	local i
	for i in $(seq $(($3 * 10))); do
		grep -q "$2" "$1" 2>/dev/null && return 0
		sleep 0.1
	done
	return 1
}

# The descriptors process PID holds, as lifecycle_app counts its own.
fds_of_pid() {
	local f t iommu=0 cdev=0 container=0 group=0
	for f in /proc/"$1"/fd/*; do
		t=$(readlink "$f" 2>/dev/null) || continue
		case "$t" in
		/dev/iommu) iommu=$((iommu + 1)) ;;
		/dev/vfio/devices/*) cdev=$((cdev + 1)) ;;
		/dev/vfio/vfio) container=$((container + 1)) ;;
		/dev/vfio/*) group=$((group + 1)) ;;
		esac
	done
	echo "iommu=$iommu cdev=$cdev container=$container group=$group"
}

counter() { # LOG WHEN PORT rx|tx
	awk -v w="$2" -v p="port=$3" -v k="$4=" '$2 == "stats" && $3 == w && $4 == p {
		for (i = 5; i <= NF; i++) if (index($i, k) == 1) print substr($i, length(k) + 1) }' "$1" | tail -n1
}
fds_of() { # LOG WHEN
	awk -v w="$2" '$2 == "fds" && $3 == w { $1 = $2 = $3 = ""; print substr($0, 4) }' "$1" | tail -n1
}

# ------------------------------------------------------------------
scenario_exit() {
	local log=$work/exit.log f0 why= rx0 rx1
	f0=$(dmar_faults)
	# shellcheck disable=SC2046
	dpdk "$app" $(eal $allow) -- serve --forward 3 --exit-while-forwarding >"$log" 2>&1
	rc=$?
	rx0=$(counter "$log" forwarding 0 rx) rx1=$(counter "$log" forwarding 1 rx)
	[ $rc = 0 ] || why="exit status $rc"
	{ [ "${rx0:-0}" -gt 0 ] && [ "${rx1:-0}" -gt 0 ]; } || why=${why:-"no forwarding (rx $rx0 $rx1)"}
	grep -q "LC exit while forwarding" "$log" || why=${why:-"did not reach the exit"}
	finish "exit while forwarding" "$f0" "exit() while forwarding" \
		"exit status 0; the kernel disables the devices before their page tables go" \
		"$(fds_of "$log" started)"
}

scenario_cleanup() {
	local log=$work/cleanup.log tlog=$work/cleanup-type1.log f0 why= a b
	f0=$(dmar_faults)
	# shellcheck disable=SC2046
	dpdk "$app" $(eal $allow) -- serve --forward 2 --cleanup >"$log" 2>&1 || why="exit status $?"
	# shellcheck disable=SC2046
	dpdk env RTE_IOMMUFD_MODE=type1 "$app" $(eal $allow) -- serve --forward 2 --cleanup >"$tlog" 2>&1 ||
		why=${why:-"type1 control: exit status $?"}
	grep -q "LC cleanup 0" "$log" || why=${why:-"rte_eal_cleanup() failed"}
	a=$(fds_of "$log" after-cleanup) b=$(fds_of "$tlog" after-cleanup)
	[[ "$a" == "iommu=1 cdev=2 container=0 group=0 zero=0" ]] || why=${why:-"after rte_eal_cleanup: $a"}
	[[ "$b" == "iommu=0 cdev=0 container=1 group=2 zero=0" ]] || why=${why:-"type1 after rte_eal_cleanup: $b"}
	finish "rte_eal_cleanup" "$f0" "rte_eal_cleanup()" "returns 0; devices stay attached and memory mapped until exit, as with EAL's type1 container (type1: $b)" \
		"after cleanup: $a"
}

scenario_release() {
	local log=$work/release.log f0 why= t0 t1
	f0=$(dmar_faults)
	# shellcheck disable=SC2046
	dpdk "$app" $(eal $allow) -- serve --forward 2 --release >"$log" 2>&1 || why="exit status $?"
	t0=$(counter "$log" after-release-start 0 tx) t1=$(counter "$log" after-release 0 tx)
	grep -q "LC released $nic1" "$log" || why=${why:-"port of $nic1 not removed"}
	[ "${t1:-0}" -gt "${t0:-0}" ] || why=${why:-"port 0 stopped sending after the release ($t0 -> $t1)"}
	grep -q "LC free $nic1 yes" "$log" || why=${why:-"$nic1 not free after its release: $(grep 'LC free' "$log")"}
	grep -q "$nic1: released" "$log" || why=${why:-"the adapter did not release $nic1"}
	finish "release" "$f0" "release of one device (rte_dev_remove)" "detached and closed; the other port keeps sending; the device is free to bind at once" \
		"after the release: $(fds_of "$log" after-release)"
}

# reap PID SECONDS: wait for PID, killing it after SECONDS; 1 if killed.
reap() {
	local i
	for i in $(seq $(($2 * 10))); do
		kill -0 "$1" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$1" 2>/dev/null; then
		kill -9 "$1"
		wait "$1" 2>/dev/null
		return 1
	fi
	wait "$1" 2>/dev/null
	return 0
}

# start_primary LOG HOLDFILE: a primary holding the ports (pid in ppid).
start_primary() {
	# env execs the program: $! is its pid (a shell function would add a
	# subshell in between).
	# shellcheck disable=SC2046
	env LD_PRELOAD="$lib" "$app" $(eal $allow) -- serve --hold "$2" >"$1" 2>&1 &
	ppid=$!
	wait_for "$1" "LC ready" 240
}

scenario_secondary() {
	local plog=$work/primary.log slog=$work/secondary.log f0 why= rc
	f0=$(dmar_faults)
	rm -f "$work/hold"
	start_primary "$plog" "$work/hold" || why="primary not ready"
	if [ -z "$why" ]; then
		# shellcheck disable=SC2046
		timeout 300 env LD_PRELOAD="$lib" "$app" $(eal --proc-type=secondary) -- secondary >"$slog" 2>&1
		rc=$?
		[ $rc = 0 ] || why="secondary exit status $rc"
	fi
	touch "$work/hold"
	reap "$ppid" 60 || why=${why:-"the primary did not end"}
	[ "$(grep -c '^LC round .* received=32 corrupt=0' "$slog")" = 3 ] || why=${why:-"not every round trip arrived intact"}
	finish "secondary DMA" "$f0" "secondary DMA in its own memory" "packets from a pool made in the secondary, from rte_extmem_register() memory mapped with rte_dev_dma_map(), and from an external heap added there cross the NICs intact" \
		"secondary: $(fds_of "$slog" secondary-pools)"
}

scenario_kill_primary() {
	local plog=$work/primary.log slog=$work/secondary.log f0 why= spid rc
	f0=$(dmar_faults)
	rm -f "$work/hold" "$work/go"
	start_primary "$plog" "$work/hold" || why="primary not ready"
	if [ -z "$why" ]; then
		# shellcheck disable=SC2046
		timeout 300 env LD_PRELOAD="$lib" "$app" $(eal --proc-type=secondary) -- secondary \
			--rounds 2 --between "$work/go" >"$slog" 2>&1 &
		spid=$!
		wait_for "$slog" "LC waiting" 240 || why="secondary's first round did not end"
		kill -9 "$ppid"
		wait "$ppid" 2>/dev/null
		! kill -0 "$ppid" 2>/dev/null || why=${why:-"the primary survived kill -9"}
		pgrep -f "serve --hold $work/hold" >/dev/null && why=${why:-"a primary is still running"}
		touch "$work/go"
		wait "$spid"
		rc=$?
		[ -n "$why" ] || [ $rc = 0 ] || why="secondary exit status $rc after the primary was killed"
	fi
	[ "$(grep -c '^LC round .* received=32 corrupt=0' "$slog")" = 6 ] || why=${why:-"not every round trip arrived intact"}
	finish "kill -9 of the primary" "$f0" "kill -9 of the primary under a running secondary" "the secondary keeps its IOAS, devices and mappings and sends and receives again" \
		"secondary: $(fds_of "$slog" secondary-pools)"
}

scenario_ipc() {
	local flog=$work/fake.log slog=$work/ipc.log why= kind a b
	for kind in device init; do
		rm -f "$work/stop"
		# The fake primary runs without the adapter.
		# shellcheck disable=SC2046
		"$app" $(eal --no-pci) -- fake-primary --until "$work/stop" --fault $kind >"$flog" 2>&1 &
		ppid=$!
		wait_for "$flog" "LC ready" 240 || why=${why:-"fake primary not ready"}
		echo "# ipc $kind: fake primary $ppid ready; the secondary asks"

		# shellcheck disable=SC2046
		timeout 120 env LD_PRELOAD="$lib" "$app" $(eal --no-pci --proc-type=secondary) -- ipc-faults \
			>"$slog.$kind" 2>&1
		rc=$?
		echo "# ipc $kind: the secondary ended with status $rc"
		touch "$work/stop"
		reap "$ppid" 30 || why=${why:-"the fake primary did not end"}
		if [ $kind = device ]; then
			a=$(fds_of "$slog.$kind" after-faults)
			[ $rc = 0 ] || why=${why:-"a faulty device reply was accepted"}
			[[ "$a" == *" zero=0" ]] || why=${why:-"descriptors of faulty replies left open: $a"}
			grep -q "malformed reply of the primary process" "$slog.$kind" || why=${why:-"no message for a malformed reply"}
		else
			b=$(fds_of "$slog.$kind" after-failed-init)
			[ $rc = 2 ] || why=${why:-"rte_eal_init did not fail (status $rc)"}
			[[ "$b" == "iommu=0 "*" zero=0" ]] || why=${why:-"descriptors left after the failed init: $b"}
		fi
		cp "$slog.$kind" "$work/ipc-$kind.log"
	done
	rm -f /dev/hugepages/lc*
	[ -n "$why" ] || row "secondary: malformed or failed IPC replies (injected)" "each request fails with a message; EAL init fails when the iommufd reply is an error" - \
		"after 8 faulty replies: $a; after the failed init: $b" "none" || why="row"
	result "injected IPC failures" "$([ -z "$why" ]; echo $?)" "$why"
}

# ------------------------------------------------------------------
scenario_hotplug() {
	local log=$work/testpmd.log in=$work/testpmd.in f0 why= pid t0 r0 r1 i ans replugged=
	f0=$(dmar_faults)
	[ -d "/sys/bus/pci/devices/$nic1" ] || bail "no $nic1: the guest needs run-vm.sh --hotplug"
	mkfifo "$in"
	# Line-buffered, so that the log can be watched (stdbuf adds its library
	# after the adapter in LD_PRELOAD).
	env LD_PRELOAD="$lib" stdbuf -oL "$testpmd" -l 0-1 -n 1 --file-prefix=lc \
		--log-level=bus.iommufd:debug $allow -- \
		-i --hot-plug --forward-mode=txonly --nb-cores=1 <"$in" >"$log" 2>&1 &
	pid=$!
	exec 3>"$in"
	wait_for "$log" "testpmd> " 240 || why="testpmd not ready"
	sleep 3
	echo "start" >&3
	sleep 3
	if [ -z "$why" ]; then
		ans=$("$(dirname "$0")/../../../buildtools/vm/vm-monitor.sh" device_del nic1) || why="monitor: $ans"
		for i in $(seq 300); do
			[ -e "/sys/bus/pci/devices/$nic1" ] || break
			sleep 0.1
		done
		[ ! -e "/sys/bus/pci/devices/$nic1" ] || why=${why:-"$nic1 still present 30 s after device_del"}
		wait_for "$log" "$nic1: released" 30 || why=${why:-"the adapter did not release $nic1"}
	fi
	echo "clear port stats all" >&3
	sleep 3
	echo "show port stats all" >&3
	sleep 1
	t0=$(awk '/NIC statistics for port 0/ { p = 1 } p && /TX-packets:/ { print $2; p = 0 }' "$log" | tail -n1)
	if [ -z "$why" ]; then
		ans=$("$(dirname "$0")/../../../buildtools/vm/vm-monitor.sh" device_add e1000e,netdev=h1,bus=rp1,id=nic1,romfile=) ||
			why="monitor: $ans"
		for i in $(seq 300); do
			[ -e "/sys/bus/pci/devices/$nic1" ] && break
			sleep 0.1
		done
		[ -e "/sys/bus/pci/devices/$nic1" ] || why=${why:-"$nic1 not back 30 s after device_add"}
	fi
	if [ -z "$why" ]; then
		echo vfio-pci >"/sys/bus/pci/devices/$nic1/driver_override"
		[ ! -e "/sys/bus/pci/devices/$nic1/driver" ] ||
			echo "$nic1" >"/sys/bus/pci/devices/$nic1/driver/unbind"
		echo "$nic1" >/sys/bus/pci/drivers_probe
		[ "$(basename "$(readlink -f "/sys/bus/pci/devices/$nic1/driver")")" = vfio-pci ] ||
			why="$nic1 not bound to vfio-pci after the re-plug"
		echo "stop" >&3
		echo "port attach $nic1" >&3
		wait_for "$log" "Port 1 is attached" 60 || why=${why:-"testpmd did not attach $nic1 again"}
		echo "port start 1" >&3
		wait_for "$log" "Port 1: link state change event" 30
		# Both ports again: io forwarding through the hub.
		echo "set fwd io" >&3
		echo "start tx_first" >&3
		sleep 2
		echo "clear port stats all" >&3
		sleep 3
		echo "show port stats all" >&3
		sleep 1
		replugged=$(fds_of_pid "$pid")
	fi
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	for i in $(seq 120); do kill -0 "$pid" 2>/dev/null || break; sleep 1; done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	r0=$(awk '/NIC statistics for port 0/ { p = 1 } p && /RX-packets:/ { print $2; p = 0 }' "$log" | tail -n1)
	r1=$(awk '/NIC statistics for port 1/ { p = 1 } p && /RX-packets:/ { print $2; p = 0 }' "$log" | tail -n1)
	[ -n "$why" ] || [ "${t0:-0}" -gt 0 ] || why="port 0 sent nothing while $nic1 was away"
	[ -n "$why" ] || [ "${r0:-0}" -gt 0 ] || why="port 0 received nothing from the re-plugged port"
	[ -n "$why" ] || [ "${r1:-0}" -gt 0 ] || why="the re-plugged port received nothing"
	[ -n "$why" ] || [ "$replugged" = "iommu=1 cdev=2 container=0 group=0" ] ||
		why="testpmd holds $replugged after the re-plug"
	finish "hot-unplug and re-plug" "$f0" "hot-unplug and re-plug of a NIC under testpmd (QEMU device_del, device_add)" "released on the kernel's request while port 0 keeps sending; attached again, both ports forward" \
		"after the re-plug: $replugged"
}

scenario_fallback() {
	local log=$work/auto.log flog=$work/forced.log f0 why= a line
	f0=$(dmar_faults)
	# shellcheck disable=SC2046
	dpdk "$app" $(eal $allow) -- serve --forward 2 >"$log" 2>&1 || why="auto: exit status $?"
	line=$(grep -o "RTE_IOMMUFD_MODE=auto: using the legacy VFIO type1 container of EAL instead: $nic0: iommufd cannot serve it: .*" "$log" | head -n1)
	[ -n "$line" ] || why=${why:-"no fallback line"}
	[[ "$line" == *EPERM* ]] || why=${why:-"the fallback line names no reason: $line"}
	a=$(fds_of "$log" started)
	[[ "$a" == "iommu=0 cdev=0 container=1 group="* ]] || why=${why:-"auto did not run over type1: $a"}
	[ "$(counter "$log" forwarding 1 rx)" -gt 0 ] 2>/dev/null || why=${why:-"no forwarding over type1"}
	# shellcheck disable=SC2046
	dpdk env RTE_IOMMUFD_MODE=iommufd "$app" $(eal $allow) -- serve >"$flog" 2>&1 && why=${why:-"forced iommufd did not fail"}
	grep -q "$nic0: cannot be used over iommufd: .*EPERM.*RTE_IOMMUFD_MODE=iommufd: no fallback" "$flog" ||
		why=${why:-"forced iommufd: no line naming the reason"}
	finish "fallback to type1" "$f0" "auto mode where iommufd cannot bind (VT-d without interrupt remapping; type1 with allow_unsafe_interrupts)" "one line names the device and EPERM; the process runs over type1 and forwards; forced iommufd fails with that reason" \
		"$a"
}

for sc in "${scenarios[@]}"; do
	"scenario_$sc"
done
[ $failed = 0 ]
