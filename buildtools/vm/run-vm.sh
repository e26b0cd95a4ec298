#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run one program as root inside the test guest: Linux 7.x (cached build of
# Debian's linux-source), QEMU TCG q35 with an emulated Intel VT-d in
# scalable and PASID mode, two e1000e NICs on one hub (0000:00:02.0 and
# 0000:00:03.0, bound to vfio-pci), 2 MB hugepages on /dev/hugepages, the
# host's root read-only. Prints the program's stdout and stderr and exits
# with its status.
#
# Fails (exit 125, with the cause) on a timeout, a guest that died without
# an exit status, or any kernel Oops, BUG, WARNING or panic in the console
# log, which is kept (path printed; --log FILE to choose it).
#
# Usage: run-vm.sh [--aw-bits 48|39] [--timeout SECONDS] [--mem MB]
#                  [--kernel DIR] [--log FILE] [--cwd DIR] [--vfio BDF]...
#                  [--env NAME=VALUE]... -- PROGRAM [ARGS...]
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}
aw=48 timeout=600 mem=1536 kdir= log= cwd=$PWD vfio= envs=()
die() { echo "run-vm: $*" >&2; exit 125; }

while [ $# -gt 0 ]; do
	case "$1" in
	--aw-bits) aw=$2; shift 2 ;;
	--timeout) timeout=$2; shift 2 ;;
	--mem) mem=$2; shift 2 ;;
	--kernel) kdir=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	--cwd) cwd=$2; shift 2 ;;
	--vfio) vfio="$vfio $2"; shift 2 ;;
	--env) envs+=("$2"); shift 2 ;;
	--) shift; break ;;
	*) die "unknown option '$1' (see the usage at the top of $0)" ;;
	esac
done
[ $# -gt 0 ] || die "no program given: run-vm.sh [options] -- PROGRAM [ARGS...]"
case "$aw" in 39|48) ;; *) die "--aw-bits takes 39 or 48" ;; esac
command -v qemu-system-x86_64 >/dev/null || die "qemu-system-x86_64 missing (package qemu-system-x86)"

if [ -z "$kdir" ]; then
	kdir=$("$here/build-guest-kernel.sh" "$cache") || die "no guest kernel"
fi
[ -s "$kdir/bzImage" ] || die "$kdir/bzImage missing"
initrd=$("$here/make-initramfs.sh" "$cache") || die "no initramfs"

out=$(mktemp -d /var/tmp/run-vm.XXXXXX)
[ -n "$log" ] || log="$out.console.log"
cleanup() { rm -rf "$out"; }
trap cleanup EXIT

prog=$1
case "$prog" in /*) ;; *) prog=$(command -v "$prog" || echo "$cwd/$prog") ;; esac
shift
keep="$cwd $(dirname "$prog") $(cd "$here/../.." && pwd)"
{
	echo "JOB_OUT='$out'"
	echo "JOB_KEEP='$keep'"
	echo "JOB_VFIO='$vfio'"
} > "$out/job.env"
{
	echo "cd '$cwd' || exit 126"
	echo "export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
	echo "export HOME=/root LANG=C.UTF-8"
	for e in "${envs[@]}"; do
		printf 'export %q\n' "$e"
	done
	printf 'exec %q' "$prog"
	for a in "$@"; do printf ' %q' "$a"; done
	echo
} > "$out/job.sh"

start=$(date +%s)
set +e
timeout --foreground -k 10 "$timeout" qemu-system-x86_64 \
	-machine q35,kernel-irqchip=split -accel tcg -cpu max -smp 2 -m "$mem" \
	-nographic -no-reboot -monitor none -serial stdio \
	-kernel "$kdir/bzImage" -initrd "$initrd" \
	-append "console=ttyS0 intel_iommu=on,sm_on iommu=nopt hugepagesz=2M hugepages=256 panic=-1 rdinit=/init" \
	-device intel-iommu,intremap=on,x-scalable-mode=on,x-pasid-mode=on,caching-mode=on,aw-bits="$aw" \
	-netdev hubport,id=h0,hubid=0 -device e1000e,netdev=h0,addr=02.0 \
	-netdev hubport,id=h1,hubid=0 -device e1000e,netdev=h1,addr=03.0 \
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on \
	-virtfs local,path="$out",mount_tag=out,security_model=none \
	< /dev/null > "$log" 2>&1
qrc=$?
set -e
took=$(( $(date +%s) - start ))

[ -f "$out/stdout" ] && cat "$out/stdout"
[ -f "$out/stderr" ] && cat "$out/stderr" >&2
[ -f "$out/dmesg" ] && cp "$out/dmesg" "$log.dmesg"

if [ $qrc = 124 ] || [ $qrc = 137 ]; then
	die "timeout after ${timeout} s (console log: $log)"
fi
if [ -f "$out/init-error" ]; then
	die "guest setup failed: $(cat "$out/init-error") (console log: $log)"
fi
if grep -nE 'Oops|BUG:|WARNING:|Kernel panic|general protection fault|UBSAN:|KASAN:|cut here' "$log" >&2; then
	die "the guest kernel reported a problem (lines above; console log: $log)"
fi
[ -f "$out/status" ] || die "the guest ended without an exit status (qemu exit $qrc; console log: $log)"
status=$(cat "$out/status")
echo "run-vm: exit status $status after $took s (aw-bits $aw; console log: $log)" >&2
exit "$status"
