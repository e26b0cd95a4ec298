#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
#
# Forwarding rate of Debian's dpdk-testpmd (DPDK 22.11) with the adapter
# preloaded, RTE_IOMMUFD_MODE=iommufd against RTE_IOMMUFD_MODE=type1. Runs
# INSIDE the test guest like testpmd_e2e.sh (two e1000e NICs on one hub at
# 0000:00:02.0 and 0000:00:03.0 bound to vfio-pci), e.g. from the host:
#
#   buildtools/vm/run-vm.sh -- app/test/dpdk/bench_testpmd_rate.sh \
#       --lib build/drivers/bus/iommufd/librte_bus_iommufd.so \
#       --count-lib build/app/test/dpdk/libioctl_count.so
#
# Each round starts testpmd (io forwarding, start tx_first), takes
# "show port stats all" twice WINDOW seconds apart and counts the packets
# both ports received in between; the modes alternate, ROUNDS rounds each
# (default 6), each mode first in half of them.
# EAL gets --match-allocations in both modes (the adapter then maps each
# allocation of DPDK memory as one mapping; EAL's type1 code maps page by
# page either way); the count library (ioctl_count.c, preloaded too) counts
# the DMA map requests of the whole run. Prints per mode the median rate,
# time to the prompt (EAL init to ports started) and map requests, then
# the ratios iommufd/type1. Under TCG, with other guests on the host, the
# figures are noisy.

set -u

lib=
count_lib=
rounds=${ROUNDS:-6}
window=${WINDOW:-5}
testpmd=${TESTPMD:-/usr/bin/dpdk-testpmd}

while [ $# -gt 0 ]; do
	case "$1" in
	--lib) lib=$(readlink -f "$2"); shift 2 ;;
	--count-lib) count_lib=$(readlink -f "$2"); shift 2 ;;
	--rounds) rounds=$2; shift 2 ;;
	--window) window=$2; shift 2 ;;
	*) echo "usage: $0 --lib PATH --count-lib PATH [--rounds N] [--window SECONDS]" >&2; exit 2 ;;
	esac
done
[ -f "$lib" ] || { echo "adapter library '$lib' missing" >&2; exit 2; }
[ -f "$count_lib" ] || { echo "ioctl count library '$count_lib' missing" >&2; exit 2; }
[ -x "$testpmd" ] || { echo "$testpmd missing" >&2; exit 2; }
trap '' PIPE
work=$(mktemp -d /tmp/testpmd_rate.XXXXXX)
trap 'rm -rf "$work"' EXIT

# Sum of RX-packets over the two ports, one line per snapshot (the first
# two are the "show port stats all", then come stop's statistics).
rx_sums() {
	awk '/RX-packets:/ { s += $2; if (++n % 2 == 0) { print s; s = 0 } }' "$1"
}

# run MODE ROUND: prints "<pps> <startup_s> <map_ioctls>" or nothing on failure.
run() {
	local log=$work/$1.$2.log in=$work/$1.$2.in pid t0 t1 t2 t3 waited=0 a b
	mkfifo "$in"
	t0=$(date +%s.%N)
	env RTE_IOMMUFD_MODE="$1" LD_PRELOAD="$lib $count_lib" IOCTL_COUNT_REPORT=1 \
		"$testpmd" -l 0-1 -n 1 --in-memory --match-allocations \
		-a 0000:00:02.0 -a 0000:00:03.0 -- -i --forward-mode=io --nb-cores=1 \
		< "$in" > "$log" 2>&1 &
	pid=$!
	exec 3> "$in"
	while ! grep -q 'testpmd> ' "$log" && kill -0 "$pid" 2>/dev/null &&
	      [ $waited -lt 3000 ]; do
		sleep 0.1
		waited=$((waited + 1))
	done
	t1=$(date +%s.%N)
	waited=0
	while [ $waited -lt 30 ] && { ! grep -q 'Port 0: link state change event' "$log" ||
				      ! grep -q 'Port 1: link state change event' "$log"; }; do
		sleep 1
		waited=$((waited + 1))
	done
	echo "start tx_first" >&3
	sleep 2
	echo "show port stats all" >&3
	t2=$(date +%s.%N)
	sleep "$window"
	echo "show port stats all" >&3
	t3=$(date +%s.%N)
	sleep 1
	echo "stop" >&3
	echo "quit" >&3
	exec 3>&-
	waited=0
	while kill -0 "$pid" 2>/dev/null && [ $waited -lt 120 ]; do
		sleep 1
		waited=$((waited + 1))
	done
	kill -9 "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	read -r a b _ <<< "$(rx_sums "$log" | tr '\n' ' ')"
	if [ -z "${b:-}" ] || [ "$b" -le "$a" ]; then
		echo "$1 round $2: no forwarding; log:" >&2
		tail -n 20 "$log" >&2
		return
	fi
	maps=$(sed -n 's/^IOCTL_COUNT map=\([0-9]*\) .*/\1/p' "$log")
	if [ -z "$maps" ]; then
		echo "$1 round $2: no IOCTL_COUNT line (did testpmd exit cleanly?)" >&2
		return
	fi
	awk -v n=$((b - a)) -v t0="$t0" -v t1="$t1" -v t2="$t2" -v t3="$t3" -v m="$maps" \
		'BEGIN { printf "%.0f %.2f %d\n", n / (t3 - t2), t1 - t0, m }'
}

median() {
	sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; print m }'
}

# Half the range of the values, relative to their median.
noise() {
	sort -g | awk '{ v[NR] = $1 }
		END { m = NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2;
		      printf "%.3f\n", (m > 0 ? (v[NR] - v[1]) / 2 / m : 0) }'
}

failed=0
# The guest's first testpmd reads its binary and libraries over 9p: a
# warm-up run (type1, not counted) takes that cost. The order of the modes
# alternates: odd rounds start with iommufd, even rounds with type1.
if [ -z "$(run type1 0)" ]; then
	echo "warm-up run failed"
	exit 1
fi
for r in $(seq "$rounds"); do
	order="iommufd type1"
	[ $((r % 2)) = 0 ] && order="type1 iommufd"
	for m in $order; do
		res=$(run "$m" "$r")
		if [ -z "$res" ]; then
			failed=1
			continue
		fi
		echo "$m round $r: pps startup_s map_ioctls = $res"
		echo "$res" >> "$work/$m"
	done
done
[ $failed = 0 ] || { echo "some rounds failed"; exit 1; }
for m in iommufd type1; do
	eval "pps_$m=\$(cut -d' ' -f1 \"\$work/\$m\" | median)"
	eval "up_$m=\$(cut -d' ' -f2 \"\$work/\$m\" | median)"
	eval "maps_$m=\$(cut -d' ' -f3 \"\$work/\$m\" | median)"
	eval "echo \"MEDIAN $m rx_pps \$pps_$m startup_s \$up_$m map_ioctls \$maps_$m\""
	eval "ppsn_$m=\$(cut -d' ' -f1 \"\$work/\$m\" | noise)"
	eval "upn_$m=\$(cut -d' ' -f2 \"\$work/\$m\" | noise)"
	eval "echo \"SPREAD $m rx_pps +-\$ppsn_$m startup_s +-\$upn_$m (half the range of the rounds, of the median)\""
done
# A ratio whose distance from 1 is within the larger spread of the two
# modes is marked: the rounds do not tell the modes apart.
# shellcheck disable=SC2154
awk -v f="$pps_iommufd" -v t="$pps_type1" -v uf="$up_iommufd" -v ut="$up_type1" \
	-v mf="$maps_iommufd" -v mt="$maps_type1" \
	-v pn="$(printf '%s\n' "$ppsn_iommufd" "$ppsn_type1" | sort -g | tail -1)" \
	-v un="$(printf '%s\n' "$upn_iommufd" "$upn_type1" | sort -g | tail -1)" '
	function tag(r, n) {
		return (r - 1 <= n && 1 - r <= n) ? \
			sprintf("; within the rounds\47 spread of +-%.0f%%: not significant", n * 100) : ""
	}
	BEGIN {
	r = f / t; printf "RATIO rx_pps %.3f (target >= 0.98%s) %s\n", r, tag(r, pn), (r >= 0.98 ? "met" : "MISSED")
	r = uf / ut; printf "RATIO startup %.3f (target <= 1.00%s) %s\n", r, tag(r, un), (r <= 1 ? "met" : "MISSED")
	r = mf / mt; printf "RATIO map_ioctls %.3f (iommufd %d, type1 %d; target <= 0.125) %s\n", r, mf, mt, (r <= 0.125 ? "met" : "MISSED")
}'
