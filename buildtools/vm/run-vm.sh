#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Run one host command as root inside a QEMU guest: TCG, q35, an emulated
# Intel VT-d in scalable and PASID mode, two e1000e NICs on one hub
# (0000:00:02.0 and 0000:00:03.0, bound to vfio-pci), 2 MB hugepages (256,
# or --hugepages N) on /dev/hugepages, and the guest kernel that build-guest-kernel.sh builds.
# The guest's userspace is the host root, shared read-only over 9p: the
# command sees the host's files at their usual paths, plus the guest's
# /dev (/dev/iommu, /dev/vfio/devices/vfio*), /proc and /sys.
#
# Usage:
#   run-vm.sh [OPTIONS] -- PROGRAM [ARGS...]
# Options:
#   --aw-bits 48|39    VT-d address width (default 48; with 39, QEMU's own
#                      default, IOVAs from 512 GiB up are outside the aperture)
#   --timeout SECONDS  kill the guest after this long (default 600)
#   --mem MB           guest memory (default 1536; it must exceed the
#                      hugepages' share, N*2 MB, by at least 700 MB)
#   --hugepages N      2 MB hugepages reserved on the kernel command line
#                      (default 256: 512 MB)
#   --kernel DIR       directory holding the guest's bzImage (default: what
#                      build-guest-kernel.sh builds or finds in the cache;
#                      environment: DPDK_IOMMUFD_KERNEL)
#   --kernel-series S  the guest kernel of series S (7.3 or 6.12, see
#                      fetch-kernel-source.sh), built or found in the cache
#                      by build-guest-kernel.sh --series S; overrides
#                      DPDK_IOMMUFD_KERNEL (not --kernel)
#   --log FILE         where to write the guest's console log (default: in
#                      the run directory, kept only when the run fails)
#   --cwd DIR          working directory of PROGRAM (default: the current one)
#   --env NAME=VALUE   set NAME for PROGRAM (repeatable)
#   --vfio BDF         also bind guest PCI device BDF to vfio-pci
#                      (repeatable; the two e1000e NICs are always bound)
#   --iommu vtd|amd    the emulated IOMMU: Intel VT-d (default), or AMD-Vi
#                      (QEMU's amd-iommu with DMA remapping, at 0000:00:10.0;
#                      needs --qemu sid, chosen when --qemu is not given;
#                      the guest kernel finds no southbridge IOAPIC and
#                      runs without interrupt remapping: VFIO binds answer
#                      EPERM until a test sets allow_unsafe_interrupts)
#              |smmuv3 or an Arm SMMUv3: an arm64 guest (QEMU 11.1's
#                      qemu-system-aarch64, virt machine with iommu=smmuv3,
#                      GICv3 with ITS, cortex-a72) running the arm64 kernel
#                      (build-guest-kernel.sh --arch arm64) with Debian
#                      bookworm's arm64 userland (buildtools/arm64-tree.sh)
#                      as its root; the host's paths the job needs (the
#                      tree, --cwd, PROGRAM and its arguments) are bound in
#                      from the host root when the arm64 tree lacks their
#                      top directory: PROGRAM must be an arm64 program or
#                      a script (python3, bash) the tree runs. Same NICs
#                      (e1000e at 00:02.0 and 00:03.0); needs --qemu sid
#   --qemu bookworm|sid  which QEMU: bookworm's 7.2 (default; VT-d with
#                      1 PASID bit, no ATS/PRS) or sid's 11.1.3 from the tree
#                      that buildtools/release-tree.sh sid installs and caches
#                      (VT-d scalable-mode, pasid-bits=20, fsts, svm,
#                      device-iotlb; vfio-user client)
#   --pasid-dev W,E,P  add a PASID test device (buildtools/testdev, one
#                      model process per instance on a socket in the run
#                      directory): PASID width W (1..20), EXEC E and PRIV P
#                      (0 or 1); at 0000:00:08.0, 09.0, ... in order, bound to
#                      vfio-pci; needs --qemu sid (repeatable). The job gets
#                      DPDK_IOMMUFD_PASID_DEVS="BDF,W,E,P ..." and each model
#                      logs to pasid-devN.log in DPDK_IOMMUFD_VM_OUT
#                      (DPDK_IOMMUFD_SID_TREE names another sid tree)
#   --testdev PATH     the model program (default: built from
#                      buildtools/testdev with cc into the run directory)
#   --monitor          give the job QEMU's human monitor: in the guest,
#                      buildtools/vm/vm-monitor.sh COMMAND runs COMMAND
#                      (e.g. "device_del nic1") and prints the answer
#                      (DPDK_IOMMUFD_VM_MONITOR names the request directory;
#                      the host side logs to monitor-agent.log)
#   --hotplug          put the second NIC behind a PCIe root port, where it
#                      can be removed and added back (device id "nic1",
#                      0000:01:00.0 instead of 0000:00:03.0; ACPI hot-plug);
#                      implies --monitor. The job gets
#                      DPDK_IOMMUFD_VM_NICS="0000:00:02.0 0000:01:00.0"
#                      (always set: the NICs' addresses)
#   --intremap on|off  VT-d interrupt remapping (default on). Without it the
#                      kernel refuses VFIO binds unless allow_unsafe_interrupts
#   --kernel-arg ARG   append ARG to the guest kernel's command line
#                      (repeatable; e.g. vfio_iommu_type1.allow_unsafe_interrupts=1)
#   --expose PATH      keep host PATH visible in the guest although it lies
#                      under /tmp or /run (see below; repeatable)
#   --keep             keep the run directory even when the run succeeds
#   -v, --verbose      report paths, the exit status and timings on stderr
# Environment: DPDK_IOMMUFD_CACHE (cache directory, default
# /var/cache/dpdk-iommufd), DPDK_IOMMUFD_KERNEL (as --kernel), TMPDIR
# (where the run directory is made, default /tmp).
#
# In the guest, PROGRAM runs in --cwd with only this environment: PATH,
# HOME, USER, LOGNAME, SHELL, TZ, LANG, LANGUAGE and LC_* of this script's,
# the --env settings, and
#   TMPDIR=/tmp  DPDK_IOMMUFD_VM=1  DPDK_IOMMUFD_VM_OUT=<run directory>
# Nothing else of the host's environment reaches the guest (a host TEST_ONLY,
# LD_PRELOAD or RTE_IOMMUFD_MODE does not): what a test needs, it passes
# with --env.
# DPDK_IOMMUFD_VM_OUT is writable in the guest and readable on the host
# afterwards (with --keep). Everything else of the host is read-only. /tmp,
# /run, /dev/shm are fresh tmpfs; what the host has below /tmp or /run is
# hidden, except the top directories (e.g. /tmp/ci-clone) holding: --cwd,
# PROGRAM, absolute-path arguments that exist, the entries of LD_PRELOAD
# and LD_LIBRARY_PATH given with --env, this source tree, and --expose paths.
#
# Output: PROGRAM's stdout and stderr, printed on this script's stdout and
# stderr after the guest has powered off (the console goes to the log
# only). Exit status: PROGRAM's. The run FAILS with exit status 125 and a
# message naming the cause and the kept console log when
#   - the guest does not finish within --timeout (QEMU is killed);
#   - the guest's setup fails (the message says which step);
#   - the guest ends without reporting PROGRAM's exit status (it died);
#   - the console log has a kernel "Oops", "BUG:", "WARNING:",
#     "Kernel panic", "general protection fault", "UBSAN" or "KASAN" line
#     (even when PROGRAM succeeded).
# Usage errors exit 2.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
tree=$(cd "$here/../.." && pwd)
me=run-vm
rig_fail=125
die() { echo "$me: $*" >&2; exit $rig_fail; }
usage() { sed -n '/^# Usage:$/,/^# Usage errors/{s/^# \{0,1\}//;p}' "$0"; exit 0; }
usage_error() { echo "$me: $*; see $0 --help" >&2; exit 2; }

aw_bits=48
timeout=600
mem=1536
hugepages=256
kernel=${DPDK_IOMMUFD_KERNEL:-}
kernel_opt=
series=
log=
cwd=$PWD
keep=0
verbose=0
devices=()
expose=()
qemu_flavour=bookworm
qemu_opt=
iommu=vtd
pasid_devs=()
testdev=
envs=()
monitor=0
hotplug=0
intremap=on
kargs=()
cache=${DPDK_IOMMUFD_CACHE:-/var/cache/dpdk-iommufd}

need_arg() { [ $# -ge 2 ] || usage_error "option $1 needs an argument"; }
while [ $# -gt 0 ]; do
	case "$1" in
	--aw-bits) need_arg "$@"; aw_bits=$2; shift 2 ;;
	--timeout) need_arg "$@"; timeout=$2; shift 2 ;;
	--mem) need_arg "$@"; mem=$2; shift 2 ;;
	--hugepages) need_arg "$@"; hugepages=$2; shift 2 ;;
	--kernel) need_arg "$@"; kernel=$2; kernel_opt=1; shift 2 ;;
	--kernel-series) need_arg "$@"; series=$2; shift 2 ;;
	--log) need_arg "$@"; log=$2; shift 2 ;;
	--cwd) need_arg "$@"; cwd=$2; shift 2 ;;
	--env) need_arg "$@"; envs+=("$2"); shift 2 ;;
	--vfio|--device) need_arg "$@"; devices+=("$2"); shift 2 ;;
	--expose) need_arg "$@"; expose+=("$2"); shift 2 ;;
	--qemu) need_arg "$@"; qemu_flavour=$2; qemu_opt=1; shift 2 ;;
	--iommu) need_arg "$@"; iommu=$2; shift 2 ;;
	--pasid-dev) need_arg "$@"; pasid_devs+=("$2"); shift 2 ;;
	--testdev) need_arg "$@"; testdev=$2; shift 2 ;;
	--monitor) monitor=1; shift ;;
	--hotplug) hotplug=1; monitor=1; shift ;;
	--intremap) need_arg "$@"; intremap=$2; shift 2 ;;
	--kernel-arg) need_arg "$@"; kargs+=("$2"); shift 2 ;;
	--keep) keep=1; shift ;;
	-v|--verbose) verbose=1; shift ;;
	-h|--help) usage ;;
	--) shift; break ;;
	-*) usage_error "unknown option '$1'" ;;
	*) break ;;
	esac
done
[ $# -ge 1 ] || usage_error "no program given"
case "$aw_bits" in 39|48) ;; *) usage_error "--aw-bits takes 48 or 39, not '$aw_bits'" ;; esac
[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || usage_error "--timeout takes a positive number of seconds, not '$timeout'"
[[ "$mem" =~ ^[1-9][0-9]*$ ]] || usage_error "--mem takes a size in MB, not '$mem'"
[[ "$hugepages" =~ ^(0|[1-9][0-9]*)$ ]] || usage_error "--hugepages takes a number of 2 MB pages, not '$hugepages'"
[ "$mem" -ge $((hugepages * 2 + 700)) ] ||
	usage_error "--mem $mem is too small: $((hugepages * 2)) MB are reserved as hugepages (use $((hugepages * 2 + 700)) or more, or fewer --hugepages)"
case "$intremap" in on|off) ;; *) usage_error "--intremap takes on or off, not '$intremap'" ;; esac
for a in "${kargs[@]}"; do
	[[ "$a" =~ ^[A-Za-z0-9_.,=:/-]+$ ]] || usage_error "--kernel-arg takes one plain kernel parameter, not '$a'"
done
case "$qemu_flavour" in bookworm|sid) ;; *) usage_error "--qemu takes bookworm or sid, not '$qemu_flavour'" ;; esac
case "$iommu" in
vtd) ;;
amd|smmuv3)
	[ -z "$qemu_opt" ] || [ "$qemu_flavour" = sid ] ||
		usage_error "--iommu $iommu needs --qemu sid (QEMU 11.1's amd-iommu with dma-remap, qemu-system-aarch64)"
	qemu_flavour=sid ;;
*) usage_error "--iommu takes vtd, amd or smmuv3, not '$iommu'" ;;
esac
if [ "$iommu" = smmuv3 ] && { [ ${#pasid_devs[@]} -gt 0 ] || [ "$hotplug" = 1 ]; }; then
	usage_error "--iommu smmuv3 takes neither --pasid-dev nor --hotplug"
fi
for p in "${pasid_devs[@]}"; do
	[[ "$p" =~ ^([1-9]|1[0-9]|20),[01],[01]$ ]] ||
		usage_error "--pasid-dev takes WIDTH,EXEC,PRIV (width 1..20, flags 0 or 1), not '$p'"
done
[ ${#pasid_devs[@]} -eq 0 ] || [ "$qemu_flavour" = sid ] ||
	usage_error "--pasid-dev needs --qemu sid (bookworm's QEMU 7.2 has no vfio-user client)"
[ ${#pasid_devs[@]} -le 8 ] || usage_error "at most 8 --pasid-dev instances (slots 08.0 to 0f.0)"
# PASID test devices from slot 08.0 on (02.0, 03.0: the NICs; 04.0: 9p).
pasid_list=
for i in "${!pasid_devs[@]}"; do
	devices+=("$(printf '0000:00:%02x.0' $((8 + i)))")
	pasid_list+="${devices[-1]},${pasid_devs[$i]} "
done
for d in "${devices[@]}"; do
	[[ "$d" =~ ^[0-9a-f]{4}:[0-9a-f]{2}:[0-9a-f]{2}\.[0-7]$ ]] ||
		usage_error "--vfio takes a PCI address like 0000:00:02.0, not '$d'"
done
for e in "${envs[@]}"; do
	[[ "$e" =~ ^[A-Za-z_][A-Za-z0-9_]*= ]] || usage_error "--env takes NAME=VALUE, not '$e'"
done
[ -d "$cwd" ] || usage_error "--cwd $cwd is not a directory"
cwd=$(realpath -e "$cwd")

qemu="qemu-system-x86_64"
[ "$iommu" != smmuv3 ] || qemu="qemu-system-aarch64"
qemu_cmd=("$qemu")
if [ "$qemu_flavour" = sid ]; then
	# sid's QEMU through the sid tree's own loader and libraries.
	stree=${DPDK_IOMMUFD_SID_TREE:-}
	[ -n "$stree" ] || stree=$("$here/../release-tree.sh" sid "$cache") ||
		die "no sid tree: release-tree.sh sid failed (see above)"
	[ -x "$stree/usr/bin/$qemu" ] || die "the sid tree $stree has no usr/bin/$qemu"
	qemu_cmd=("$stree/lib64/ld-linux-x86-64.so.2" --library-path
		"$stree/usr/lib/x86_64-linux-gnu:$stree/lib/x86_64-linux-gnu" "$stree/usr/bin/$qemu"
		-L "$stree/usr/share/qemu" -L "$stree/usr/share/seabios")
	export QEMU_MODULE_DIR="$stree/usr/lib/x86_64-linux-gnu/qemu"
else
	command -v "$qemu" >/dev/null || die "$qemu not found (package qemu-system-x86; run buildtools/install-deps.sh)"
fi
for tool in timeout realpath bc; do
	command -v "$tool" >/dev/null || die "$tool not found (run buildtools/install-deps.sh)"
done

# Kernel and initramfs (both cached). DPDK_IOMMUFD_KERNEL names an x86
# kernel: the arm64 guest takes its own unless --kernel names one.
[ "$iommu" != smmuv3 ] || [ -n "$kernel_opt" ] || kernel=
if [ -n "$series" ] && [ -z "$kernel_opt" ]; then
	[[ "$series" =~ ^[0-9]+\.[0-9]+$ ]] || usage_error "--kernel-series takes a series like 6.12, not '$series'"
	kernel=$("$here/build-guest-kernel.sh" --series "$series" "$cache") ||
		die "no guest kernel of series $series: build-guest-kernel.sh failed (see above)"
elif [ -z "$kernel" ]; then
	kargs_arch=()
	[ "$iommu" != smmuv3 ] || kargs_arch=(--arch arm64)
	kernel=$("$here/build-guest-kernel.sh" "${kargs_arch[@]}" "$cache") ||
		die "no guest kernel: build-guest-kernel.sh failed (see above)"
fi
image=bzImage
[ "$iommu" != smmuv3 ] || image=Image
[ -s "$kernel/$image" ] || die "no kernel image $kernel/$image"
# The arm64 guest's root: Debian's arm64 userland, its busybox in the initramfs.
vm_root=
bb_opt=()
if [ "$iommu" = smmuv3 ]; then
	vm_root=$("$here/../arm64-tree.sh" "$cache") ||
		die "no arm64 userland: arm64-tree.sh failed (see above)"
	bb_opt=(--busybox "$vm_root/bin/busybox")
fi
initrd=$("$here/make-initramfs.sh" "${bb_opt[@]}" "$cache") ||
	die "no initramfs: make-initramfs.sh failed (see above)"
[ -s "$initrd" ] || die "no initramfs $initrd"

# The run directory, shared writable with the guest as "out".
outdir=$(mktemp -d "${TMPDIR:-/tmp}/run-vm.XXXXXX") || die "cannot create a run directory in ${TMPDIR:-/tmp}"
outdir=$(realpath -e "$outdir")
[[ "$outdir" != *[$'\n\'']* ]] || die "unusable run directory name $outdir"
chmod 0755 "$outdir"
[ -n "$log" ] || log="$outdir/console.log"
: >"$log" || die "cannot write the console log $log"
log=$(realpath -e "$log")
job="$outdir/job.sh"

# Host paths the guest must keep visible (see guest-init.sh).
expose_list=
add_expose() {
	local p
	case "$1" in /*) ;; *) return 0 ;; esac
	p=$(realpath -e -- "$1" 2>/dev/null) || return 0
	case "$p" in *$'\n'*) return 0 ;; esac
	expose_list+="$p"$'\n'
}
for p in "${expose[@]}"; do
	[ -e "$p" ] || usage_error "--expose $p does not exist"
	add_expose "$(realpath -e -- "$p")"
done
add_expose "$cwd"
add_expose "$tree"
prog=$1
case "$prog" in
*/*) add_expose "$(cd "$cwd" && realpath -m -- "$prog")" ;;
*) if p=$(cd "$cwd" && command -v -- "$prog"); then add_expose "$p"; fi ;;
esac
for a in "${@:2}"; do
	add_expose "$a"
done
for e in "${envs[@]}"; do
	case "${e%%=*}" in
	LD_PRELOAD|LD_LIBRARY_PATH)
		while IFS= read -r p; do
			add_expose "$p"
		done < <(tr ' :' '\n' <<<"${e#*=}") ;;
	esac
done

nics="0000:00:02.0 0000:00:03.0"
[ "$hotplug" = 0 ] || nics="0000:00:02.0 0000:01:00.0"

# The job: environment, working directory, command.
q() { printf '%q' "$1"; }
{
	echo '#!/bin/bash'
	echo '# Written by run-vm.sh; run by the guest init inside chroot /host.'
	# Only the basics of the host's environment; the rest comes from --env.
	while IFS= read -r name; do
		case "$name" in
		PATH|HOME|USER|LOGNAME|SHELL|TZ|LANG|LANGUAGE|LC_*) ;;
		*) continue ;;
		esac
		echo "export $name=$(q "${!name}")"
	done < <(compgen -e)
	[ -n "${PATH:-}" ] || echo 'export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
	echo "export TMPDIR=/tmp DPDK_IOMMUFD_VM=1 DPDK_IOMMUFD_VM_OUT=$(q "$outdir")"
	echo "export DPDK_IOMMUFD_VM_NICS=$(q "$nics")"
	[ "$monitor" = 0 ] || echo "export DPDK_IOMMUFD_VM_MONITOR=$(q "$outdir/monitor")"
	[ ${#pasid_devs[@]} -eq 0 ] || echo "export DPDK_IOMMUFD_PASID_DEVS=$(q "${pasid_list% }")"
	for e in "${envs[@]}"; do
		echo "export ${e%%=*}=$(q "${e#*=}")"
	done
	echo "cd -- $(q "$cwd") ||"
	echo "	{ echo \"run-vm (guest): cannot enter the working directory\" $(q "$cwd") >&2; exit $rig_fail; }"
	printf 'exec'
	for a in "$@"; do printf ' %s' "$(q "$a")"; done
	printf '\n'
} >"$job"
chmod 0755 "$job"

sq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }
{
	echo "VM_OUTDIR=$(sq "$outdir")"
	echo "VM_JOB=$(sq "$job")"
	echo "VM_EXPOSE=$(sq "$expose_list")"
	echo "VM_DEVICES=$(sq "${devices[*]}")"
	echo "VM_ROOT=$(sq "$vm_root")"
} >"$outdir/vm.conf"

# intel-iommu before the PCI devices it translates; intremap needs the
# split irqchip. multidevs=remap: the host root spans several file systems.
# no_timer_check: the kernel's boot check of the IO-APIC timer fails at
# random on TCG guests of a loaded host ("timer doesn't work through
# Interrupt-remapped IO-APIC", a panic); virtual machines skip it.
cmdline="console=ttyS0 intel_iommu=on,sm_on iommu=nopt no_timer_check hugepagesz=2M hugepages=$hugepages panic=-1 rdinit=/init"
[ "$iommu" != amd ] || cmdline="console=ttyS0 iommu=nopt no_timer_check hugepagesz=2M hugepages=$hugepages panic=-1 rdinit=/init"
[ ${#kargs[@]} -eq 0 ] || cmdline+=" ${kargs[*]}"
iommu_dev="intel-iommu,intremap=$intremap,x-scalable-mode=on,x-pasid-mode=on,caching-mode=on,aw-bits=$aw_bits"
[ "$qemu_flavour" != sid ] ||
	iommu_dev="intel-iommu,intremap=$intremap,scalable-mode=on,pasid-bits=20,fsts=on,svm=on,device-iotlb=on,caching-mode=on,aw-bits=$aw_bits"
iommu_args=(-device "$iommu_dev")
# AMD-Vi: its PCI function placed explicitly (by default it takes slot 2,
# the first NIC's).
[ "$iommu" != amd ] ||
	iommu_args=(-device AMDVI-PCI,id=amdvi0,addr=10.0
		-device "amd-iommu,pci-id=amdvi0,dma-remap=on,intremap=$intremap")
# The second NIC: at 03.0, or behind a root port where it can be unplugged
# (before the 9p devices, which take the first free slots).
nic1_dev=(-device e1000e,netdev=h1,addr=03.0,romfile=)
[ "$hotplug" = 0 ] || nic1_dev=(-device pcie-root-port,id=rp1,chassis=1,slot=1,addr=05.0
	-device e1000e,netdev=h1,bus=rp1,id=nic1,romfile=)
qemu_args=(
	-machine q35,kernel-irqchip=split -accel tcg -cpu max -smp 2 -m "$mem"
	-nographic -no-reboot
	"${iommu_args[@]}"
	-netdev hubport,id=h0,hubid=0 -device e1000e,netdev=h0,addr=02.0,romfile=
	-netdev hubport,id=h1,hubid=0 "${nic1_dev[@]}"
	-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
	-virtfs "local,path=$outdir,mount_tag=out,security_model=none,multidevs=remap"
	-kernel "$kernel/bzImage" -initrd "$initrd" -append "$cmdline"
)
# The arm64 guest: virt with SMMUv3 and a GICv3 ITS (which isolates MSIs),
# the same two NICs and 9p shares, the PL011 console.
if [ "$iommu" = smmuv3 ]; then
	qemu_args=(
		-machine virt,iommu=smmuv3,gic-version=3 -accel tcg -cpu cortex-a72 -smp 2 -m "$mem"
		-nographic -no-reboot
		-netdev hubport,id=h0,hubid=0 -device e1000e,netdev=h0,addr=02.0,romfile=
		-netdev hubport,id=h1,hubid=0 -device e1000e,netdev=h1,addr=03.0,romfile=
		-virtfs local,path=/,mount_tag=hostroot,security_model=none,readonly=on,multidevs=remap
		-virtfs "local,path=$outdir,mount_tag=out,security_model=none,multidevs=remap"
		-kernel "$kernel/Image" -initrd "$initrd"
		-append "console=ttyAMA0 iommu.passthrough=0 hugepagesz=2M hugepages=$hugepages panic=-1 rdinit=/init${kargs[*]:+ ${kargs[*]}}"
	)
fi
if [ "$monitor" = 1 ]; then
	mkdir -m 0777 "$outdir/monitor"
	qemu_args+=(-monitor "unix:$outdir/monitor.sock,server=on,wait=off")
fi
# One device model process per --pasid-dev, each on its socket.
model_pids=()
stop_models() {
	local pid
	for pid in "${model_pids[@]}"; do
		kill -TERM "$pid" 2>/dev/null || true
	done
	for pid in "${model_pids[@]}"; do
		wait "$pid" 2>/dev/null || true
	done
	model_pids=()
}
if [ ${#pasid_devs[@]} -gt 0 ]; then
	if [ -z "$testdev" ]; then
		testdev="$outdir/pasid-testdev"
		cc -O2 -Wall -o "$testdev" "$tree"/buildtools/testdev/*.c >"$outdir/testdev-build.log" 2>&1 ||
			die "cannot build the PASID test device model (see $outdir/testdev-build.log)"
	fi
	[ -x "$testdev" ] || die "no PASID test device model $testdev"
	for i in "${!pasid_devs[@]}"; do
		IFS=, read -r w x p <<<"${pasid_devs[$i]}"
		margs=(--socket "$outdir/pasid-dev$i.sock" --pasid-width "$w")
		[ "$x" = 0 ] || margs+=(--exec)
		[ "$p" = 0 ] || margs+=(--priv)
		"$testdev" "${margs[@]}" </dev/null >>"$outdir/pasid-dev$i.log" 2>&1 &
		model_pids+=($!)
		qemu_args+=(-device "{\"driver\":\"vfio-user-pci\",\"addr\":\"$(printf '%02x' $((8 + i))).0\",\"socket\":{\"type\":\"unix\",\"path\":\"$outdir/pasid-dev$i.sock\"}}")
	done
	for i in "${!pasid_devs[@]}"; do
		for _ in $(seq 100); do
			[ -S "$outdir/pasid-dev$i.sock" ] && break
			sleep 0.1
		done
		[ -S "$outdir/pasid-dev$i.sock" ] || { stop_models; die "PASID test device $i did not listen (see $outdir/pasid-dev$i.log)"; }
	done
fi
if [ "$verbose" = 1 ]; then
	echo "$me: kernel $kernel/bzImage" >&2
	echo "$me: initramfs $initrd" >&2
	echo "$me: run directory $outdir, console log $log" >&2
fi

# QEMU in the background, so that a signal to this script stops it.
qpid=
on_signal() {
	[ -z "$qpid" ] || kill -TERM "$qpid" 2>/dev/null || true
	[ -z "${apid:-}" ] || kill -TERM "$apid" 2>/dev/null || true
	stop_models
	echo "$me: interrupted; run directory kept: $outdir" >&2
	exit 130
}
trap on_signal INT TERM HUP
t_start=$(date +%s.%N)
timeout --kill-after=10 "$timeout" "${qemu_cmd[@]}" "${qemu_args[@]}" </dev/null >>"$log" 2>&1 &
qpid=$!
apid=
if [ "$monitor" = 1 ]; then
	/usr/bin/python3 "$here/monitor-agent.py" "$outdir/monitor.sock" "$outdir/monitor" \
		</dev/null >>"$outdir/monitor-agent.log" 2>&1 &
	apid=$!
fi
qrc=0
wait "$qpid" || qrc=$?
qpid=
if [ -n "$apid" ]; then
	kill -TERM "$apid" 2>/dev/null || true
	wait "$apid" 2>/dev/null || true
fi
t_end=$(date +%s.%N)
trap - INT TERM HUP

# PROGRAM's own output first.
[ -f "$outdir/stdout" ] && cat "$outdir/stdout"
[ -f "$outdir/stderr" ] && cat "$outdir/stderr" >&2

problems=()
if [ "$qrc" = 124 ] || [ "$qrc" = 137 ]; then
	problems+=("timeout: the guest did not finish within $timeout s and was killed")
elif [ "$qrc" != 0 ]; then
	problems+=("qemu failed with exit status $qrc: $(grep -m1 "$qemu:" "$log" || echo 'see the console log')")
fi
if [ -s "$outdir/init-error" ]; then
	problems+=("guest setup failed: $(cat "$outdir/init-error")")
elif [ ! -s "$outdir/status" ] && [ "$qrc" = 0 ]; then
	problems+=("the guest ended without reporting the exit status of $1 (it died; see the console log)")
fi
# The models end when QEMU disconnects; one that fails or lingers is a problem.
for i in "${!model_pids[@]}"; do
	for _ in $(seq 50); do
		kill -0 "${model_pids[$i]}" 2>/dev/null || break
		sleep 0.1
	done
	mrc=0
	if kill -0 "${model_pids[$i]}" 2>/dev/null; then
		kill -TERM "${model_pids[$i]}" 2>/dev/null || true
		wait "${model_pids[$i]}" 2>/dev/null || true
		[ "$qrc" != 0 ] || problems+=("PASID test device $i did not end with QEMU (see $outdir/pasid-dev$i.log)")
	else
		wait "${model_pids[$i]}" || mrc=$?
		[ "$mrc" = 0 ] || problems+=("PASID test device $i exited with status $mrc: $(tail -n1 "$outdir/pasid-dev$i.log")")
	fi
	[ "$verbose" = 0 ] || echo "$me: pasid-dev$i: $(tail -n1 "$outdir/pasid-dev$i.log")" >&2
done
model_pids=()
if splats=$(grep -a -E -m 20 'Oops|BUG:|WARNING:|Kernel panic|general protection fault|UBSAN|KASAN' "$log"); then
	problems+=("the guest kernel reported a problem:"$'\n'"$splats")
fi

status=
if [ -s "$outdir/status" ]; then
	status=$(cat "$outdir/status")
	[[ "$status" =~ ^[0-9]+$ ]] || problems+=("malformed exit status '$status' from the guest")
fi
if [ "$verbose" = 1 ]; then
	times=
	if [ -f "$outdir/times" ]; then
		start=$(sed -n 's/^start //p' "$outdir/times")
		end=$(sed -n 's/^end //p' "$outdir/times")
		[ -z "$start" ] || times="boot to job ${start} s, "
		[ -z "$start" ] || [ -z "$end" ] || times+="job $(echo "$end - $start" | bc) s, "
	fi
	echo "$me: exit status ${status:-none}; ${times}QEMU wall $(printf '%.2f' "$(echo "$t_end - $t_start" | bc)") s (IOMMU $iommu, aw-bits $aw_bits, QEMU $qemu_flavour)" >&2
fi

if [ ${#problems[@]} -gt 0 ]; then
	for p in "${problems[@]}"; do
		echo "$me: FAILED: $p" >&2
	done
	echo "$me: console log: $log" >&2
	[ ! -f "$outdir/dmesg" ] || echo "$me: guest kernel log: $outdir/dmesg" >&2
	echo "$me: run directory kept: $outdir" >&2
	exit $rig_fail
fi

if [ "$keep" = 1 ]; then
	echo "$me: run directory kept: $outdir" >&2
else
	rm -rf "$outdir"
fi
exit "$status"
