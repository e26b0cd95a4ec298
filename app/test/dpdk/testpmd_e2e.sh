#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
#
# End-to-end test of the iommufd adapter with Debian's unmodified
# dpdk-testpmd: the host's DPDK 22.11 (--lib), or another Debian release's
# DPDK in its tree (--release-build: 24.11 in trixie's, 25.11 in sid's,
# started through the launcher dpdk-iommufd-run). Runs INSIDE the test guest (as root, two e1000e
# NICs on one hub at 0000:00:02.0 and 0000:00:03.0 bound to vfio-pci, 2 MB
# hugepages on /dev/hugepages), e.g. from the host:
#
#   buildtools/vm/run-vm.sh -- app/test/dpdk/testpmd_e2e.sh \
#       --lib build-dpdk/drivers/bus/iommufd/librte_bus_iommufd.so
#   buildtools/vm/run-vm.sh --aw-bits 39 -- app/test/dpdk/testpmd_e2e.sh \
#       --lib build-dpdk/drivers/bus/iommufd/librte_bus_iommufd.so --aw39
#   buildtools/release-build.sh sid build/release/sid
#   buildtools/vm/run-vm.sh -- app/test/dpdk/testpmd_e2e.sh \
#       --release-build build/release/sid --case iommufd-va
#
# With --release-build DIR (a build of buildtools/release-build.sh; DIR/tree
# names the release's tree), the tree is entered with chroot after /dev,
# /proc, /sys, fresh /tmp and /run, and DIR (as /dpdk-iommufd/build) are
# mounted into it; testpmd and the telemetry client are that release's
# own, and every testpmd is started as
#   dpdk-iommufd-run dpdk-testpmd ...     (the documented command)
#
# (meson test -C build-dpdk --suite vm runs both: app/test/dpdk/meson.build)
#
# Each case starts testpmd with the adapter preloaded, io forwarding between
# the two ports started with tx_first, and checks:
# - the adapter's log line names the chosen mode;
# - the descriptors the process holds (/proc/PID/fd): /dev/iommu and the
#   VFIO cdevs and no VFIO container or group over iommufd, the reverse with
#   RTE_IOMMUFD_MODE=type1 (the control);
# - both ports' RX and TX counters are non-zero and grow between two
#   "show port stats all";
# - the guest kernel logged no DMA remapping fault.
#
# Cases (default: iommufd-va iommufd-pa iommufd-match iommufd-xmem type1-va mp):
#   iommufd-va, iommufd-pa   auto mode (iommufd), --iova-mode=va / pa
#   iommufd-match            auto mode, --iova-mode=va, EAL started with
#                            --match-allocations: the adapter maps each
#                            allocation of DPDK memory as one mapping
#                            (checked in its log), DMA goes through them
#   iommufd-xmem             auto mode, mbufs in external memory
#                            (--mp-alloc=xmem: anonymous 4 KiB pages at
#                            0x7f... addresses, mapped through the memory
#                            events of rte_malloc_heap_memory_add)
#   type1-va, type1-pa       RTE_IOMMUFD_MODE=type1 (the control)
#   pod                      auto mode, testpmd in a mount namespace whose
#                            /dev holds only what a Kubernetes device plugin
#                            hands a pod (/dev/iommu, the two VFIO cdevs,
#                            hugepages, null/zero/random/urandom/shm/pts):
#                            it forwards over iommufd; without the adapter
#                            (the control) EAL's type1 code finds no
#                            container and the ports are not probed
#   no-msi-isolation         (an IOMMU without interrupt remapping: QEMU's
#                            AMD-Vi) auto mode: the adapter's bind of the
#                            first port is refused (EPERM) and it says why
#                            in one line naming the cure and type1's own
#                            switch (off: no fallback); testpmd probes no
#                            port. Then MSI isolation is waived for the
#                            cases that follow (iommufd and vfio_iommu_type1
#                            allow_unsafe_interrupts=1), saying so
#   mismatch                 (--release-build with --other-build DIR: a
#                            build for another EAL ABI) testpmd with the
#                            other release's adapter preloaded and that
#                            release's DPDK libraries on LD_LIBRARY_PATH,
#                            as on a machine with two DPDKs installed: the
#                            adapter loads but EAL's callers bind to the
#                            process' own EAL. It must say so in one error
#                            line naming both ABIs and the launcher, first
#                            (auto: EAL then meets the other EAL's trace
#                            points and fails on its own), and with
#                            RTE_IOMMUFD_MODE=iommufd exit with status 1
#                            before EAL's initialisation
#   mp                       a primary testpmd forwarding and a secondary
#                            testpmd (--proc-type=secondary): the secondary
#                            gets the iommufd and the device cdevs from the
#                            primary (action "bus_iommufd_mp") and reads
#                            the ports' counters through its own BAR maps;
#                            the primary answers the telemetry commands
#                            /iommufd/devices, /iommufd/caps, /iommufd/mappings
# With --aw39 (a guest with a 39-bit IOMMU, run-vm.sh --aw-bits 39):
#   iommufd-va               forwards: EAL places its memory at 4 GiB, its
#                            IOVAs fit a 39-bit aperture
#   aw39-xmem                external memory at 0x7f... (IOVA as VA) lies
#                            beyond the aperture: the adapter must say so
#                            (address, IOVA ranges, what to do), and the
#                            kernel's DMA faults confirm the diagnosis
# Output is TAP; exit status 0 when every case passed.

set -u

lib=
release_build=
other_build=
launcher=
root=
cases=()
ports="0000:00:02.0 0000:00:03.0"
testpmd=${TESTPMD:-/usr/bin/dpdk-testpmd}
init_timeout=${INIT_TIMEOUT:-300}
fwd_seconds=${FWD_SECONDS:-4}
keep=0

usage() {
	sed -n '2,/^$/s/^# \{0,1\}//p' "$0" >&2
	echo "usage: $0 {--lib PATH | --launcher PATH | --release-build DIR} [--case NAME]... [--aw39] [--keep-logs]" >&2
	exit 2
}

while [ $# -gt 0 ]; do
	case "$1" in
	--lib) lib=$2; shift 2 ;;
	--release-build) release_build=$2; shift 2 ;;
	--launcher) launcher=$2; shift 2 ;;
	--other-build) other_build=$2; shift 2 ;;
	--case) cases+=("$2"); shift 2 ;;
	--aw39) cases+=(iommufd-va aw39-xmem); shift ;;
	--keep-logs) keep=1; shift ;;
	-h|--help) usage ;;
	*) echo "unknown argument '$1'" >&2; usage ;;
	esac
done
[ -n "$lib" ] || [ -n "$launcher" ] || [ -n "$release_build" ] || usage
[ ${#cases[@]} -gt 0 ] || cases=(iommufd-va iommufd-pa iommufd-match iommufd-xmem type1-va mp)

# A testpmd that died must not kill the script through its command fifo.
trap '' PIPE
work=$(mktemp -d /tmp/testpmd_e2e.XXXXXX)
[ $keep = 1 ] || trap 'rm -rf "$work"' EXIT
n=0
failed=0

echo "1..${#cases[@]}"

# Bail out of the whole run: the environment is not what the test needs.
bail() {
	echo "Bail out! $*"
	exit 1
}

[ "$(id -u)" = 0 ] || bail "must run as root (inside the test guest)"

# How a testpmd is started, in the background: "exec_dpdk [ENV...] PROGRAM
# ARGS... &" (the process replaces the background subshell, so that $! is
# testpmd's pid), under the command in "wrap" if any. Host DPDK: through
# the launcher (--launcher) or with the adapter preloaded (--lib). Release
# tree: inside the tree, through the tree build's launcher.
if [ -n "$release_build" ]; then
	release_build=$(readlink -f "$release_build")
	[ -f "$release_build/tree" ] ||
		bail "$release_build/tree missing: run buildtools/release-build.sh RELEASE $release_build on the host first"
	root=$(cat "$release_build/tree")
	[ -f "$root/.dpdk-iommufd-tree" ] || bail "$root is not a release tree (buildtools/release-tree.sh)"
	launcher=/dpdk-iommufd/build/app/dpdk-iommufd-run/dpdk-iommufd-run
	mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" &&
		mount --rbind /sys "$root/sys" && mount -t tmpfs tmpfs "$root/tmp" &&
		mount -t tmpfs tmpfs "$root/run" &&
		mount --bind "$release_build" "$root/dpdk-iommufd/build" ||
		bail "cannot set up the mounts of the release tree $root"
	[ -x "$root$launcher" ] || bail "no launcher in $release_build (build it with buildtools/release-build.sh)"
	testpmd=/usr/bin/dpdk-testpmd
	[ -x "$root$testpmd" ] || bail "$root has no $testpmd (package dpdk-dev)"
	echo "# release tree $root: $(cat "$root/.dpdk-iommufd-tree")"
elif [ -n "$launcher" ]; then
	launcher=$(readlink -f "$launcher")
	[ -x "$testpmd" ] || bail "$testpmd missing (package dpdk)"
	[ -x "$launcher" ] || bail "launcher $launcher missing (build it first)"
else
	lib=$(readlink -f "$lib")
	[ -x "$testpmd" ] || bail "$testpmd missing (package dpdk)"
	[ -f "$lib" ] || bail "adapter library $lib missing (build it first)"
fi
exec_dpdk() {
	local envs=()
	while [ $# -gt 0 ] && [[ "$1" == *=* ]]; do
		envs+=("$1")
		shift
	done
	if [ -n "$root" ]; then
		exec env -u RTE_IOMMUFD_MODE -u LD_PRELOAD "${envs[@]}" chroot "$root" "$launcher" "$@"
	elif [ -n "$launcher" ]; then
		exec env -u RTE_IOMMUFD_MODE -u LD_PRELOAD "${envs[@]}" "${wrap[@]}" "$launcher" "$@"
	else
		exec env -u RTE_IOMMUFD_MODE LD_PRELOAD="$lib" "${envs[@]}" "${wrap[@]}" "$@"
	fi
}
for p in $ports; do
	[ "$(basename "$(readlink -f /sys/bus/pci/devices/$p/driver)")" = vfio-pci ] ||
		bail "$p is not bound to vfio-pci"
done
grep -q hugetlbfs /proc/mounts || bail "no hugetlbfs mounted"

# Print a file as TAP diagnostics.
diag() {
	sed 's/^/# /' "$1"
}

# DMA remapping faults the guest kernel logged (VT-d, AMD-Vi, SMMUv3).
dmar_faults() {
	dmesg 2>/dev/null | grep -cE 'DMAR: \[DMA (Read|Write)|DMAR: DRHD: handling fault|Event logged \[IO_PAGE_FAULT|arm-smmu-v3.*event: F_' || true
}

# RX-packets and TX-packets of "show port stats all", one line per port and
# snapshot: "<port> <rx> <tx>".
port_stats() {
	awk '/NIC statistics for port/ { port = $(NF - 1); next }
	     port != "" && /RX-packets:/ { rx = $2 }
	     port != "" && /TX-packets:/ { print port, rx, $2; port = "" }' "$1"
}

# Classify the descriptors of a process: sets fd_iommu, fd_cdev,
# fd_container and fd_group to counts.
scan_fds() {
	local pid=$1 t
	fd_iommu=0 fd_cdev=0 fd_container=0 fd_group=0
	for f in /proc/"$pid"/fd/*; do
		t=$(readlink "$f" 2>/dev/null) || continue
		# Seen from outside a chroot or a pod's mount namespace, the
		# device paths carry a prefix (the tree, or the guest's /host).
		case "$t" in /?*/dev/*) t=/dev/${t#*/dev/} ;; esac
		case "$t" in
		/dev/iommu) fd_iommu=$((fd_iommu + 1)) ;;
		/dev/vfio/devices/vfio*) fd_cdev=$((fd_cdev + 1)) ;;
		/dev/vfio/vfio) fd_container=$((fd_container + 1)) ;;
		/dev/vfio/[0-9]*|/dev/vfio/noiommu-*) fd_group=$((fd_group + 1)) ;;
		esac
	done
}

# run_case NAME MODE IOVA EXPECT [TESTPMD-ARGS...]: MODE is auto or type1;
# EXPECT is forward, or out-of-range (forwarding runs, the adapter reports
# memory beyond the IOMMU's aperture and the kernel DMA faults on it).
# Sets "why" on failure.
run_case() {
	local name=$1 mode=$2 iova=$3 expect=$4
	local log=$work/$name.log in=$work/$name.in pid waited=0 rc
	local args=(-l 0-1 -n 1 --in-memory --iova-mode="$iova" "${eal_extra[@]}")
	local faults_before

	shift 4
	for p in $ports; do
		args+=(-a "$p")
	done
	args+=(-- -i --forward-mode=io --nb-cores=1 "$@")
	faults_before=$(dmar_faults)
	mkfifo "$in"
	if [ "$mode" = auto ]; then
		exec_dpdk "$testpmd" "${args[@]}" < "$in" > "$log" 2>&1 &
	else
		exec_dpdk RTE_IOMMUFD_MODE="$mode" "$testpmd" "${args[@]}" \
			< "$in" > "$log" 2>&1 &
	fi
	pid=$!
	exec 3> "$in"
	echo "# $name: testpmd pid $pid (RTE_IOMMUFD_MODE=$mode, --iova-mode=$iova)"

	while ! grep -q 'testpmd> ' "$log" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			break
		fi
		if [ $waited -ge "$init_timeout" ]; then
			why="testpmd showed no prompt within $init_timeout s"
			kill -9 "$pid" 2>/dev/null
			exec 3>&-
			wait "$pid" 2>/dev/null
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	echo "# $name: prompt after ${waited} s"

	if ! kill -0 "$pid" 2>/dev/null; then
		exec 3>&-
		wait "$pid"
		why="testpmd exited (status $?) before its prompt"
		return 1
	fi
	scan_fds "$pid"
	# e1000e links come up a few seconds after the ports start.
	waited=0
	while [ $waited -lt 30 ] && { ! grep -q 'Port 0: link state change event' "$log" ||
				      ! grep -q 'Port 1: link state change event' "$log"; }; do
		sleep 1
		waited=$((waited + 1))
	done
	echo "start tx_first" >&3
	sleep "$fwd_seconds"
	echo "show port stats all" >&3
	sleep "$fwd_seconds"
	echo "show port stats all" >&3
	sleep 2
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	waited=0
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt 120 ]; do
		sleep 1
		waited=$((waited + 1))
	done
	echo "# $name: testpmd quit after ${waited} s"
	if kill -0 "$pid" 2>/dev/null; then
		kill -9 "$pid"
		wait "$pid" 2>/dev/null
		why="testpmd did not quit"
		return 1
	fi
	wait "$pid"
	rc=$?
	[ $rc = 0 ] || { why="testpmd exited with status $rc"; return 1; }

	check_mode_line "$log" "$mode" || return 1
	check_iova_mode "$log" "$iova" || return 1
	check_fds "$mode" || return 1
	check_stats "$log" || return 1
	if [ "$expect" = out-of-range ]; then
		check_out_of_range "$log" "$faults_before"
		return
	fi
	if [ "$(dmar_faults)" != "$faults_before" ]; then
		why="the guest kernel logged DMA remapping faults"
		dmesg 2>/dev/null | grep -E 'DMAR' | tail -n 5 | sed 's/^/# dmesg: /'
		return 1
	fi
	return 0
}

# wait_prompt LOG PID: 0 once testpmd shows its prompt, 1 if it exited or
# the time ran out ("why" set).
wait_prompt() {
	local log=$1 pid=$2 waited=0
	while ! grep -q 'testpmd> ' "$log" 2>/dev/null; do
		if ! kill -0 "$pid" 2>/dev/null; then
			why="testpmd (pid $pid) exited before its prompt"
			return 1
		fi
		if [ $waited -ge "$init_timeout" ]; then
			why="testpmd (pid $pid) showed no prompt within $init_timeout s"
			return 1
		fi
		sleep 1
		waited=$((waited + 1))
	done
	return 0
}

# stop_testpmd PID FD: quit through the command fifo open on FD, wait.
stop_testpmd() {
	local pid=$1 fd=$2 waited=0
	echo "quit" >&"$fd" 2>/dev/null
	eval "exec $fd>&-"
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt 120 ]; do
		sleep 1
		waited=$((waited + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
}

# A primary forwarding and a secondary reading the counters.
run_mp_case() {
	local name=$1 plog=$work/$1.primary.log slog=$work/$1.log
	local pin=$work/$1.pin sin=$work/$1.sin ppid spid rc=0 stats p rx
	local eal=(-l 0-1 -n 1 --file-prefix=e2e_mp)

	mkfifo "$pin" "$sin"
	exec_dpdk "$testpmd" "${eal[@]}" -a 0000:00:02.0 \
		-a 0000:00:03.0 -- -i --forward-mode=io --nb-cores=1 < "$pin" > "$plog" 2>&1 &
	ppid=$!
	exec 5> "$pin"
	if ! wait_prompt "$plog" "$ppid"; then
		stop_testpmd "$ppid" 5
		diag "$plog"
		return 1
	fi
	# Telemetry and the secondary's start before forwarding: in the TCG
	# guest, while the forwarding lcore spins on its vCPU, the guest logs
	# "Watchdog remote CPU 1 read timed out" and other threads waited
	# minutes there: telemetry clients got no answer within 30 s and a
	# secondary (whose worker lcore shares that vCPU) stalled in EAL init.
	if ! check_telemetry e2e_mp; then
		stop_testpmd "$ppid" 5
		return 1
	fi
	exec_dpdk "$testpmd" "${eal[@]}" \
		--proc-type=secondary -- -i < "$sin" > "$slog" 2>&1 &
	spid=$!
	exec 6> "$sin"
	echo "# $name: primary pid $ppid, secondary pid $spid"
	if ! wait_prompt "$slog" "$spid"; then
		rc=1
		echo "# secondary threads (tid state wchan):"
		for t in /proc/"$spid"/task/*; do
			echo "#   ${t##*/} $(awk '{ print $3 }' "$t/stat" 2>/dev/null) $(cat "$t/wchan" 2>/dev/null) $(cat "$t/comm" 2>/dev/null)"
		done
		diag "$slog"
	else
		scan_fds "$spid"
		# Forwarding by the primary, counters read by the secondary.
		echo "start tx_first" >&5
		sleep "$fwd_seconds"
		echo "show port stats all" >&6
		sleep 2
	fi
	stop_testpmd "$spid" 6
	stop_testpmd "$ppid" 5
	[ $rc = 0 ] || { diag "$plog"; return 1; }
	check_mode_line "$slog" auto || return 1
	check_fds auto || return 1
	stats=$(port_stats "$slog")
	echo "$stats" | sed 's/^/# secondary stats (port rx tx): /'
	for p in 0 1; do
		rx=$(echo "$stats" | awk -v p=$p '$1 == p { print $2; exit }')
		if [ -z "$rx" ] || ! [ "$rx" -gt 0 ]; then
			why="the secondary reads no RX packets on port $p"
			return 1
		fi
	done
	return 0
}

# The adapter's telemetry commands, through DPDK's own client. The client
# waits for answers without a time limit of its own: each attempt is
# bounded, and a second and third attempt are made (each one is logged).
check_telemetry() {
	local prefix=$1 out=$work/telemetry.json try
	for try in 1 2 3; do
		printf '/iommufd/devices\n/iommufd/caps,0000:00:02.0\n/iommufd/mappings\n' |
			timeout 30 ${root:+chroot "$root"} python3 /usr/bin/dpdk-telemetry.py -f "$prefix" > "$out" 2>&1
		echo "# telemetry attempt $try: exit status $?"
		sed 's/^/# telemetry: /' "$out"
		grep -q '"mode": "iommufd"' "$out" &&
			grep -q '"devices": \["0000:00:02.0", "0000:00:03.0"\]' "$out" &&
			grep -q '"hw_info_type": 1' "$out" &&
			grep -qE '"memseg_bytes": [1-9]' "$out" && return 0
	done
	why="unexpected telemetry answers"
	return 1
}

check_mode_line() {
	local log=$1 mode=$2 want
	if [ "$mode" = type1 ]; then
		want='BUS_IOMMUFD: RTE_IOMMUFD_MODE=type1: using the legacy VFIO type1 container'
	else
		want='BUS_IOMMUFD: RTE_IOMMUFD_MODE=auto: using iommufd'
	fi
	grep -qF "$want" "$log" && return 0
	why="no adapter log line \"$want\""
	return 1
}

check_fds() {
	local mode=$1
	echo "# fds: /dev/iommu $fd_iommu, VFIO cdevs $fd_cdev, /dev/vfio/vfio $fd_container, groups $fd_group"
	if [ "$mode" = type1 ]; then
		[ "$fd_container" -ge 1 ] && [ "$fd_group" -ge 1 ] &&
			[ "$fd_iommu" = 0 ] && [ "$fd_cdev" = 0 ] && return 0
		why="type1 control: expected /dev/vfio/vfio and a group, no /dev/iommu or cdev"
	else
		[ "$fd_iommu" -ge 1 ] && [ "$fd_cdev" = 2 ] &&
			[ "$fd_container" = 0 ] && [ "$fd_group" = 0 ] && return 0
		why="iommufd: expected /dev/iommu and 2 VFIO cdevs, no /dev/vfio/vfio or group"
	fi
	return 1
}

check_stats() {
	local log=$1 stats p rx1 tx1 rx2 tx2
	stats=$(port_stats "$log")
	echo "$stats" | sed 's/^/# stats (port rx tx): /'
	for p in 0 1; do
		read -r rx1 tx1 <<<"$(echo "$stats" | awk -v p=$p '$1 == p { print $2, $3; exit }')"
		read -r rx2 tx2 <<<"$(echo "$stats" | awk -v p=$p '$1 == p { r = $2; t = $3 } END { print r, t }')"
		if [ -z "$rx1" ] || [ -z "$rx2" ]; then
			why="no statistics for port $p"
			return 1
		fi
		if ! [ "$rx2" -gt "$rx1" ] || ! [ "$tx2" -gt "$tx1" ]; then
			why="port $p counters do not grow: RX $rx1 -> $rx2, TX $tx1 -> $tx2"
			return 1
		fi
		echo "# port $p: RX $rx1 -> $rx2, TX $tx1 -> $tx2"
	done
	return 0
}

check_iova_mode() {
	local log=$1 want
	want="Selected IOVA mode '$(echo "$2" | tr a-z A-Z)'"
	grep -qF "$want" "$log" && return 0
	why="EAL did not log \"$want\""
	return 1
}

# The adapter's diagnosis of memory beyond the aperture, and the kernel's
# faults on that memory.
check_out_of_range() {
	local log=$1 faults_before=$2 line
	line=$(grep -m1 "BUS_IOMMUFD: DPDK memory at VA 0x7f.* outside the IOMMU's usable IOVA ranges: .*-0x7fffffffff\. The IOMMU's address width is too small for IOVA as VA: use --iova-mode=pa" "$log")
	if [ -z "$line" ]; then
		why="no out-of-range message from the adapter"
		return 1
	fi
	echo "# $line"
	if [ "$(dmar_faults)" = "$faults_before" ]; then
		why="no DMA fault on the memory the adapter reported"
		return 1
	fi
	dmesg 2>/dev/null | grep -m1 'beyond MGAW' | sed 's/^/# dmesg: /'
	return 0
}

# EAL arguments added by a case; a command testpmd runs under.
eal_extra=()
wrap=()

# A pod's view of /dev, as a Kubernetes device plugin builds it: the
# standard nodes, /dev/iommu and the VFIO cdevs, hugepages; no
# /dev/vfio/vfio, no group nodes. "pod.sh PROGRAM ARGS" runs PROGRAM in a
# new mount namespace with that /dev (started under unshare --mount).
cat > "$work/pod.sh" <<'POD'
set -e
src=$(mktemp -d /tmp/pod-dev.XXXXXX)
mount --rbind /dev "$src"
mount -t tmpfs -o mode=0755 pod-dev /dev
for n in null zero full random urandom tty iommu; do
	touch "/dev/$n"
	mount --bind "$src/$n" "/dev/$n"
done
mkdir -p /dev/vfio/devices /dev/hugepages /dev/shm /dev/pts
for c in "$src"/vfio/devices/vfio*; do
	touch "/dev/vfio/devices/${c##*/}"
	mount --bind "$c" "/dev/vfio/devices/${c##*/}"
done
mount -t hugetlbfs -o pagesize=2M pod-hugepages /dev/hugepages
mount -t tmpfs pod-shm /dev/shm
umount -l "$src"
exec "$@"
POD

# mismatch: an adapter built for another EAL ABI, loaded for real.
run_mismatch_case() {
	local name=$1 log=$work/$1.log other tree compat rc node line

	[ -n "$root" ] && [ -n "$other_build" ] || { why="needs --release-build and --other-build"; return 1; }
	other=$(readlink -f "$other_build")
	tree=$(cat "$other/tree" 2>/dev/null) || { why="$other/tree missing (buildtools/release-build.sh)"; return 1; }
	node=$(sed -n 's/^#define IFB_EAL_NODE "\(.*\)"/\1/p' "$other/drivers/bus/iommufd/bus_iommufd_config.h")
	# The other release's DPDK libraries and the adapter built against
	# them, where the chroot sees them (its /tmp).
	compat=$root/tmp/compat
	mkdir -p "$compat"
	cp -a "$tree"/usr/lib/x86_64-linux-gnu/librte_*.so.* "$compat"/ &&
		cp -L "$other"/drivers/bus/iommufd/librte_bus_iommufd.so "$other"/lib/librte_iommufd.so.0 \
			"$other"/lib/librte_pasid.so.0 "$compat"/ || { why="cannot copy the $node build"; return 1; }
	echo quit | timeout 300 chroot "$root" env LD_LIBRARY_PATH=/tmp/compat \
		LD_PRELOAD=/tmp/compat/librte_bus_iommufd.so "$testpmd" -l 0-1 -n 1 --in-memory \
		-a 0000:00:02.0 -a 0000:00:03.0 -- -i > "$log" 2>&1
	rc=$?
	line=$(grep -m1 "BUS_IOMMUFD: this process runs .*librte_eal.so.[0-9]* (EAL ABI DPDK_[0-9]*) but this adapter .* was built for DPDK .* ($node): EAL's callers will not reach it .*dpdk-iommufd-run" "$log")
	echo "# auto, exit status $rc: $line"
	[ -n "$line" ] || { why="no mismatch error line from the $node adapter"; return 1; }
	# It comes first, before anything of EAL's; what follows is EAL's own
	# fate with a second EAL in the process (25.11's init fails on the
	# trace points 24.11's constructors registered into it).
	head -n 1 "$log" | grep -q '^BUS_IOMMUFD: this process runs' ||
		{ why="the mismatch line is not the first line of the output"; return 1; }
	grep -m3 '^EAL: .*\(Error\|Cannot\|fail\)' "$log" | sed 's/^/# auto, then EAL: /'
	echo quit | timeout 300 chroot "$root" env LD_LIBRARY_PATH=/tmp/compat RTE_IOMMUFD_MODE=iommufd \
		LD_PRELOAD=/tmp/compat/librte_bus_iommufd.so "$testpmd" -l 0-1 -n 1 --in-memory \
		-a 0000:00:02.0 -a 0000:00:03.0 -- -i > "$log.forced" 2>&1
	rc=$?
	grep -m2 BUS_IOMMUFD "$log.forced" | sed 's/^/# iommufd forced: /'
	echo "# iommufd forced: exit status $rc"
	[ $rc = 1 ] || { why="with RTE_IOMMUFD_MODE=iommufd the process did not stop (status $rc)"; return 1; }
	grep -q "RTE_IOMMUFD_MODE=iommufd: iommufd cannot serve this process" "$log.forced" ||
		{ why="no forced-mode error line"; return 1; }
	! grep -q 'EAL: Detected' "$log.forced" || { why="EAL initialisation ran although iommufd was forced"; return 1; }
	return 0
}

# pod: testpmd forwards over iommufd with the pod's /dev; the stock EAL
# with the same /dev (the control) probes no port.
run_pod_case() {
	local name=$1 rc log=$work/$1.control.log

	wrap=(unshare --mount --propagation private bash "$work/pod.sh")
	run_case "$name" auto va forward
	rc=$?
	wrap=()
	[ $rc = 0 ] || return $rc
	echo quit | timeout 120 unshare --mount --propagation private bash "$work/pod.sh" \
		env -u LD_PRELOAD -u RTE_IOMMUFD_MODE "$testpmd" -l 0-1 -n 1 --in-memory \
		-a 0000:00:02.0 -a 0000:00:03.0 -- -i > "$log" 2>&1
	echo "# control (stock EAL in the pod): exit status $?"
	grep -E 'VFIO|vfio|No probed' "$log" | head -n 5 | sed 's/^/# control: /'
	if ! grep -q 'No probed ethernet devices' "$log"; then
		why="the stock EAL probed ports without /dev/vfio/vfio (control)"
		diag "$log"
		return 1
	fi
	return 0
}

# no-msi-isolation: the bind refused with the adapter's one line, then the
# waiver for the cases that follow.
run_no_msi_case() {
	local log=$work/$1.log line m p
	for m in iommufd vfio_iommu_type1; do
		p=/sys/module/$m/parameters/allow_unsafe_interrupts
		[ "$(cat "$p" 2>/dev/null)" = N ] || { why="$p is not N"; return 1; }
	done
	(echo quit | exec_dpdk "$testpmd" -l 0-1 -n 1 --in-memory -a 0000:00:02.0 \
		-a 0000:00:03.0 -- -i) > "$log" 2>&1
	echo "# testpmd without MSI isolation: exit status $?"
	# Auto mode: iommufd refused; the adapter says why, and that the legacy
	# type1 path would refuse it too (its own switch is off), so it does
	# not hand the process over.
	line=$(grep -m1 -F "BUS_IOMMUFD: 0000:00:02.0: cannot be used over iommufd: VFIO_DEVICE_BIND_IOMMUFD 0000:00:02.0 (vfio0) to iommufd" "$log")
	case "$line" in
	*": EPERM (the platform cannot isolate MSIs: enable interrupt remapping (CONFIG_IRQ_REMAP) or load iommufd with allow_unsafe_interrupts=1) (the legacy type1 path would refuse it too: vfio_iommu_type1.allow_unsafe_interrupts is off)") ;;
	*) why="no adapter line naming the refused bind (EPERM), its cure and type1's switch"; return 1 ;;
	esac
	echo "# $line"
	grep -m2 -E 'EAL: Requested device 0000:00:0[23].0 cannot be used' "$log" | sed 's/^/# /'
	dmesg | grep -m1 -i 'interrupt remapping support' | sed 's/^/# dmesg: /'
	grep -q 'No probed ethernet devices' "$log" || { why="testpmd probed ports although every bind was refused"; return 1; }
	echo "# waiving MSI isolation for the cases that follow (iommufd and vfio_iommu_type1 allow_unsafe_interrupts=1): this IOMMU gives the guest no interrupt remapping"
	dmesg | grep -m2 -E 'No southbridge IOAPIC|Disabling interrupt remapping' | sed 's/^/# dmesg: /'
	for m in iommufd vfio_iommu_type1; do
		echo 1 > /sys/module/$m/parameters/allow_unsafe_interrupts || { why="cannot waive for $m"; return 1; }
	done
	return 0
}

# iommufd-match: forwarding over coalesced mappings, and the adapter said so.
run_match_case() {
	local rc

	eal_extra=(--match-allocations --log-level=bus.iommufd:debug)
	run_case "$1" auto va forward
	rc=$?
	eal_extra=()
	[ $rc = 0 ] || return $rc
	if ! grep -q "memory allocated later: one mapping per allocation (--match-allocations)" \
			"$work/$1.log"; then
		why="the adapter did not report coalesced mappings"
		return 1
	fi
	if grep -q "DPDK freed part of the memory of one allocation" "$work/$1.log"; then
		why="a coalesced mapping was split"
		return 1
	fi
	grep -m1 "mapped 0x.* bytes of DPDK memory" "$work/$1.log" | sed 's/^/# /'
	return 0
}

for c in "${cases[@]}"; do
	n=$((n + 1))
	why=
	case "$c" in
	iommufd-va) run_case "$c" auto va forward ;;
	iommufd-pa) run_case "$c" auto pa forward ;;
	iommufd-match) run_match_case "$c" ;;
	iommufd-xmem) run_case "$c" auto va forward --mp-alloc=xmem ;;
	type1-va) run_case "$c" type1 va forward ;;
	type1-pa) run_case "$c" type1 pa forward ;;
	aw39-xmem) run_case "$c" auto va out-of-range --mp-alloc=xmem ;;
	mp) run_mp_case "$c" ;;
	pod) run_pod_case "$c" ;;
	mismatch) run_mismatch_case "$c" ;;
	no-msi-isolation) run_no_msi_case "$c" ;;
	*) why="unknown case"; false ;;
	esac
	if [ $? = 0 ]; then
		echo "ok $n - $c"
	else
		echo "not ok $n - $c: $why"
		[ -f "$work/$c.log" ] && diag "$work/$c.log"
		failed=$((failed + 1))
	fi
done

[ $keep = 1 ] && echo "# logs kept in $work"
[ $failed = 0 ]
