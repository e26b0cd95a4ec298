#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Check of the test rig with the kernel's own iommufd selftests (not this
# project's tests): builds tools/testing/selftests/iommu (iommufd and
# iommufd_fail_nth) from the kernel source tree that built the guest kernel,
# runs them in the guest through run-vm.sh and prints their pass, fail and
# skip counts.
#
# The source tree is the one named by the kernel directory's "source-tree"
# file; its uapi headers come from the kernel directory's "headers/"
# (headers_install), so nothing is written into the source tree. The
# binaries are linked statically with the host gcc (libcap-dev needed) and
# cached beside the kernel, keyed by this script and the selftest sources:
#
#   <kernel dir>/selftests-iommu-<hash>/{iommufd,iommufd_fail_nth}
#
# Usage: kernel-selftests.sh [OPTIONS]
#   --kernel DIR              kernel directory (default: what
#                             build-guest-kernel.sh prints; environment:
#                             DPDK_IOMMUFD_KERNEL)
#   --iommufd-timeout S       time limit of iommufd in the guest (default 600)
#   --fail-nth-timeout S      time limit of iommufd_fail_nth (default 900)
#   --no-fail-nth             run iommufd only
#   --strict                  exit 1 when a selftest fails (default: report)
#   --results DIR             where to keep the full outputs (default: a new
#                             directory under $TMPDIR or /tmp; printed)
#   --aw-bits, --mem, -v      passed to run-vm.sh
# Environment: DPDK_IOMMUFD_CACHE, as for build-guest-kernel.sh.
#
# Exit status: 0 when both programs ran to their end (whatever their
# results; with --strict, only when nothing failed), 1 when a selftest
# failed under --strict or a program did not finish (timeout, crash, no
# TAP plan), 125 when the rig failed (run-vm.sh's message says why), 2 on
# usage errors.
# (kernel-selftests.sh --in-guest ... is what run-vm.sh runs in the guest.)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
me="kernel-selftests"
die() { echo "$me: $*" >&2; exit 125; }
usage_error() { echo "$me: $*; see the usage at the top of $0" >&2; exit 2; }

# In the guest: run each program with its time limit, each output framed
# by marker lines for the host side to split.
if [ "${1:-}" = --in-guest ]; then
	shift
	bindir=$1
	shift
	[ "${DPDK_IOMMUFD_VM:-}" = 1 ] || { echo "$me: --in-guest outside the guest" >&2; exit 2; }
	while [ $# -ge 2 ]; do
		name=$1 limit=$2
		shift 2
		echo "@@@ begin $name"
		start=$(date +%s.%N)
		rc=0
		timeout -k 10 "$limit" "$bindir/$name" 2>&1 || rc=$?
		secs=$(printf '%.1f' "$(echo "$(date +%s.%N) - $start" | bc)")
		echo
		echo "@@@ end $name rc=$rc seconds=$secs limit=$limit"
	done
	exit 0
fi

kernel=${DPDK_IOMMUFD_KERNEL:-}
cache=${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}
t_iommufd=600
t_fail_nth=900
fail_nth=1
strict=0
results=
vmopts=()
need_arg() { [ $# -ge 2 ] || usage_error "option $1 needs an argument"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) need_arg "$@"; kernel=$2; shift 2 ;;
	--iommufd-timeout) need_arg "$@"; t_iommufd=$2; shift 2 ;;
	--fail-nth-timeout) need_arg "$@"; t_fail_nth=$2; shift 2 ;;
	--no-fail-nth) fail_nth=0; shift ;;
	--strict) strict=1; shift ;;
	--results) need_arg "$@"; results=$2; shift 2 ;;
	--aw-bits|--mem) need_arg "$@"; vmopts+=("$1" "$2"); shift 2 ;;
	-v|--verbose) vmopts+=(-v); shift ;;
	*) usage_error "unknown argument '$1'" ;;
	esac
done
for t in "$t_iommufd" "$t_fail_nth"; do
	[[ "$t" =~ ^[1-9][0-9]*$ ]] || usage_error "time limits are positive numbers of seconds, not '$t'"
done

if [ -z "$kernel" ]; then
	kernel=$("$here/build-guest-kernel.sh" "$cache") ||
		die "no guest kernel: build-guest-kernel.sh failed (see above)"
fi
[ -s "$kernel/bzImage" ] || die "no kernel image $kernel/bzImage"
[ -s "$kernel/source-tree" ] || die "$kernel/source-tree is missing: which source tree built this kernel?"
src=$(cat "$kernel/source-tree")
stdir="$src/tools/testing/selftests/iommu"
[ -f "$stdir/Makefile" ] || die "no iommu selftests in the source tree $src ($stdir/Makefile missing)"
[ -f "$kernel/headers/include/linux/iommufd.h" ] ||
	die "no installed uapi headers in $kernel/headers (headers_install output expected)"

# Build (cached).
key=$(cat "$0" "$stdir"/Makefile "$stdir"/*.c "$stdir"/*.h "$src/tools/testing/selftests/lib.mk" \
	"$src/tools/testing/selftests/kselftest_harness.h" | sha256sum | cut -c1-16)
bindir="$kernel/selftests-iommu-$key"
progs=(iommufd iommufd_fail_nth)
if [ ! -x "$bindir/iommufd" ] || [ ! -x "$bindir/iommufd_fail_nth" ]; then
	for tool in make gcc; do
		command -v "$tool" >/dev/null || die "missing build tool '$tool' (run buildtools/install-deps.sh)"
	done
	[ -f /usr/include/sys/capability.h ] || die "missing libcap headers (package libcap-dev)"
	tmp=$(mktemp -d "$kernel/.selftests-build.XXXXXX") || die "cannot create a build directory in $kernel"
	trap 'rm -rf "$tmp"' EXIT
	echo "$me: building ${progs[*]} from $stdir" >&2
	mk=(make -C "$stdir" OUTPUT="$tmp" KHDR_INCLUDES="-isystem $kernel/headers/include")
	if ! LDFLAGS=-static "${mk[@]}" >"$tmp/build.log" 2>&1; then
		echo "$me: static link failed, linking dynamically (the guest runs the host's libraries)" >&2
		rm -f "$tmp/iommufd" "$tmp/iommufd_fail_nth"
		if ! "${mk[@]}" >>"$tmp/build.log" 2>&1; then
			tail -n 30 "$tmp/build.log" >&2
			die "building the iommu selftests failed (log above)"
		fi
	fi
	for p in "${progs[@]}"; do
		[ -x "$tmp/$p" ] || die "the selftest build produced no $p"
	done
	rm -rf "$bindir.new"
	mkdir "$bindir.new"
	cp "$tmp/iommufd" "$tmp/iommufd_fail_nth" "$tmp/build.log" "$bindir.new/"
	rm -rf "$bindir"
	mv "$bindir.new" "$bindir"
	rm -rf "$tmp"
	trap - EXIT
fi

if [ -z "$results" ]; then
	results=$(mktemp -d "${TMPDIR:-/tmp}/kernel-selftests.XXXXXX") || die "cannot create a results directory"
else
	mkdir -p "$results" || die "cannot create $results"
fi
jobs=(iommufd "$t_iommufd")
[ "$fail_nth" = 0 ] || jobs+=(iommufd_fail_nth "$t_fail_nth")
vm_timeout=$((t_iommufd + 20 + 120))
[ "$fail_nth" = 0 ] || vm_timeout=$((vm_timeout + t_fail_nth + 20))

echo "$me: running ${jobs[0]}${jobs[2]:+ and ${jobs[2]}} of $(cat "$kernel/source-version" 2>/dev/null || echo "$src") in the guest" >&2
start=$(date +%s)
vmrc=0
"$here/run-vm.sh" "${vmopts[@]}" --kernel "$kernel" --timeout "$vm_timeout" \
	--log "$results/console.log" \
	-- "$here/kernel-selftests.sh" --in-guest "$bindir" "${jobs[@]}" \
	>"$results/guest.out" || vmrc=$?
elapsed=$(($(date +%s) - start))

# Split and count.
rc=0
for ((i = 0; i < ${#jobs[@]}; i += 2)); do
	name=${jobs[i]}
	awk -v n="$name" '$0 == "@@@ begin " n {on = 1; next} on && index($0, "@@@ end " n " ") == 1 {exit} on' \
		"$results/guest.out" >"$results/$name.tap"
	endline=$(grep -m1 "^@@@ end $name " "$results/guest.out" || true)
	plan=$(sed -n 's/^1\.\.\([0-9]*\)$/\1/p' "$results/$name.tap" | head -n1)
	pass=$(grep -Ec '^ok [0-9]+ ' "$results/$name.tap" || true)
	skip=$(grep -Ec '^ok [0-9]+ .*# SKIP' "$results/$name.tap" || true)
	xfail=$(grep -Ec '^ok [0-9]+ .*# XFAIL' "$results/$name.tap" || true)
	fail=$(grep -Ec '^not ok [0-9]+ ' "$results/$name.tap" || true)
	pass=$((pass - skip - xfail))
	summary="$name: pass $pass, fail $fail, skip $skip"
	[ "$xfail" = 0 ] || summary+=", xfail $xfail"
	summary+=" of ${plan:-?} planned"
	if [ -z "$endline" ]; then
		summary+="; did not finish (the guest stopped first)"
		rc=1
	else
		prc=$(sed -n 's/.* rc=\([0-9]*\) .*/\1/p' <<<"$endline")
		secs=$(sed -n 's/.* seconds=\([0-9.]*\) .*/\1/p' <<<"$endline")
		summary+="; exit status $prc after $secs s"
		if [ "$prc" = 124 ] || [ "$prc" = 137 ]; then
			summary+=" (killed at its time limit)"
			rc=1
		elif [ -z "$plan" ] || [ $((pass + skip + xfail + fail)) != "$plan" ]; then
			summary+=" (incomplete TAP output)"
			rc=1
		fi
	fi
	echo "$summary"
	grep -m1 '^# Totals:' "$results/$name.tap" | sed "s/^/  $name /" || true
	if [ "$fail" != 0 ]; then
		grep -E '^not ok [0-9]+ ' "$results/$name.tap" | sed 's/^/  /'
		[ "$strict" = 0 ] || rc=1
	fi
done
echo "$me: guest run took $elapsed s; full outputs in $results"
if [ "$vmrc" = 125 ] || [ "$vmrc" = 124 ]; then
	echo "$me: the rig failed (run-vm.sh exit $vmrc, message above)" >&2
	exit 125
elif [ "$vmrc" != 0 ]; then
	echo "$me: the guest job failed (run-vm.sh exit $vmrc)" >&2
	exit 125
fi
exit $rc
