#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
#
# PID 1 of the test guest (packed as /init by make-initramfs.sh; not meant to
# run on a host). It turns the guest into a place where one host command runs
# against the guest's kernel, then powers the guest off:
#
#   1. mounts proc, sysfs, devtmpfs, and the writable 9p share "out" at /out;
#      reads the job description /out/vm.conf written by run-vm.sh:
#        VM_OUTDIR   host path of the out share (the job sees it there, rw)
#        VM_JOB      host path of the job script (bash; cwd, env, command)
#        VM_EXPOSE   newline separated host paths that must stay visible even
#                    though they lie under /tmp, /run, ... (see below)
#        VM_DEVICES  space separated PCI addresses to bind to vfio-pci too
#        VM_ROOT     (optional) host path of another root for the job: the
#                    arm64 guest's userland tree (buildtools/arm64-tree.sh).
#                    /host is then a tmpfs holding that tree's top-level
#                    entries (bound read-only from the 9p view), and each
#                    VM_EXPOSE path's top directory that the tree lacks
#                    (e.g. /work) is bound in from the host root
#   2. mounts the host root read-only over 9p ("hostroot") at /host, with
#      proc, sysfs, debugfs, devtmpfs, devpts, tmpfs on /host/dev/shm,
#      hugetlbfs on /host/dev/hugepages, tmpfs on /host/tmp, /host/run and
#      /host/var/run (when that is a directory and not a link);
#   3. re-exposes, read-only from the 9p view, the top directory of each
#      VM_EXPOSE path that a tmpfs above hides (a tree cloned under /tmp stays
#      visible, with its siblings inside that top directory), then
#      bind-mounts /out at VM_OUTDIR;
#   4. binds every e1000e NIC (8086:10d3) and every VM_DEVICES entry to
#      vfio-pci (driver_override + drivers_probe); brings up lo;
#   5. runs VM_JOB with bash inside "chroot /host", environment cleared (the
#      job sets its own), stdin /dev/null, stdout to /out/stdout, stderr to
#      /out/stderr, exit status to /out/status; copies the kernel log to
#      /out/dmesg; then "poweroff -f".
# A failing setup step writes its reason to /out/init-error (and the console)
# and powers off without running the job. Progress goes to /out/init.log.
# Timestamps (seconds since boot) go to /out/times ("start T", "end T").
# Nothing printed here may contain the kernel-problem words that run-vm.sh
# looks for in the console log.

/bin/busybox mkdir -p /bin /proc /sys /dev /out /host /hostro /tmp
/bin/busybox --install -s /bin
export PATH=/bin HOME=/ TERM=dumb

mount -t devtmpfs devtmpfs /dev
# The initramfs has no /dev/console node: attach the standard streams now.
exec </dev/null >/dev/console 2>&1

have_out=0
log() {
	echo "vm-init: $*"
	[ "$have_out" = 1 ] && echo "$*" >>/out/init.log
	return 0
}
fail() {
	echo "vm-init: setup failed: $*"
	if [ "$have_out" = 1 ]; then
		echo "$*" >/out/init-error
		dmesg >/out/dmesg 2>/dev/null
		sync
	fi
	poweroff -f
	sleep 60
	exit 1
}

mount -t proc proc /proc || fail "cannot mount proc"
mount -t sysfs sysfs /sys || fail "cannot mount sysfs"

p9opts=trans=virtio,version=9p2000.L,msize=512000
mount -t 9p -o "$p9opts" out /out || fail "cannot mount the 9p share 'out' at /out"
have_out=1
: >/out/init.log
log "out share mounted; uptime $(cut -d' ' -f1 /proc/uptime) s"

[ -r /out/vm.conf ] || fail "the job description /out/vm.conf is missing"
VM_OUTDIR='' VM_JOB='' VM_EXPOSE='' VM_DEVICES='' VM_ROOT=''
. /out/vm.conf || fail "cannot read /out/vm.conf"
[ -n "$VM_OUTDIR" ] || fail "/out/vm.conf sets no VM_OUTDIR"
[ -n "$VM_JOB" ] || fail "/out/vm.conf sets no VM_JOB"

# The host root, read-only (and unchanging while the guest runs: the page
# cache may keep what it read). A second, plain view (/hostro) keeps what the
# tmpfs mounts below hide reachable.
if [ -z "$VM_ROOT" ]; then
	mount -t 9p -o "$p9opts,ro,cache=loose" hostroot /host ||
		fail "cannot mount the 9p share 'hostroot' at /host"
	mount -o bind /host /hostro || fail "cannot bind /host to /hostro"
else
	# Another root (the arm64 tree): its top-level entries on a tmpfs.
	mount -t 9p -o "$p9opts,ro,cache=loose" hostroot /hostro ||
		fail "cannot mount the 9p share 'hostroot' at /hostro"
	[ -d "/hostro$VM_ROOT" ] || fail "the root tree $VM_ROOT is not visible in the guest"
	mount -t tmpfs -o mode=755 rootfs /host || fail "cannot mount tmpfs at /host"
	for e in "/hostro$VM_ROOT"/* "/hostro$VM_ROOT"/.[!.]*; do
		[ -e "$e" ] || [ -L "$e" ] || continue
		n=${e##*/}
		# Mount points of the guest's own (a tree made in a container
		# may have /proc as a link to /proc).
		case "$n" in proc|sys|dev)
			mkdir "/host/$n" || fail "cannot create /$n in the root"
			continue ;;
		esac
		if [ -L "$e" ]; then
			ln -s "$(readlink "$e")" "/host/$n" || fail "cannot link /$n of the root tree"
		elif [ -d "$e" ]; then
			mkdir "/host/$n" && mount -o bind "$e" "/host/$n" ||
				fail "cannot bind /$n of the root tree"
		else
			touch "/host/$n" && mount -o bind "$e" "/host/$n" ||
				fail "cannot bind /$n of the root tree"
		fi
	done
	log "root: $VM_ROOT (tree), host root at /hostro"
fi
[ -x /host/bin/bash ] || fail "the root has no /bin/bash"

mount -t proc proc /host/proc || fail "cannot mount proc at /host/proc"
mount -t sysfs sysfs /host/sys || fail "cannot mount sysfs at /host/sys"
if [ -d /host/sys/kernel/debug ]; then
	mount -t debugfs debugfs /host/sys/kernel/debug || fail "cannot mount debugfs"
fi
mount -t devtmpfs devtmpfs /host/dev || fail "cannot mount devtmpfs at /host/dev"
mkdir -p /host/dev/pts /host/dev/shm /host/dev/hugepages ||
	fail "cannot create directories in /host/dev"
mount -t devpts devpts /host/dev/pts || log "no devpts (continuing)"
mount -t tmpfs -o mode=1777 tmpfs /host/dev/shm || fail "cannot mount tmpfs at /host/dev/shm"
mount -t hugetlbfs -o pagesize=2M hugetlbfs /host/dev/hugepages ||
	fail "cannot mount hugetlbfs at /host/dev/hugepages"

# Writable scratch places. HIDDEN lists every mount point that hides host
# content from the job.
HIDDEN="/proc /sys /dev"
mount -t tmpfs -o mode=1777 tmpfs /host/tmp || fail "cannot mount tmpfs at /host/tmp"
HIDDEN="$HIDDEN /tmp"
mount -t tmpfs -o mode=755 tmpfs /host/run || fail "cannot mount tmpfs at /host/run"
HIDDEN="$HIDDEN /run"
mkdir -m 1777 /host/run/lock
if [ -d /hostro/var/run ] && [ ! -L /hostro/var/run ]; then
	mount -t tmpfs -o mode=755 tmpfs /host/var/run || fail "cannot mount tmpfs at /host/var/run"
	HIDDEN="$HIDDEN /var/run"
fi

# Bring back, read-only, the top directory (below the hiding mount point) of
# each path the job needs: its working directory, its program, the tree.
expose() {
	p=$1
	for m in $HIDDEN; do
		case "$p" in
		"$m")
			log "not exposing $p: it is itself a scratch mount point"
			return 0 ;;
		"$m"/*)
			rel=${p#"$m"/}
			top=$m/${rel%%/*}
			case "$exposed" in *"
$top
"*) return 0 ;; esac
			if [ -d "/hostro$top" ]; then
				mkdir -p "/host$top" || fail "cannot create /host$top"
			elif [ -e "/hostro$top" ]; then
				touch "/host$top" || fail "cannot create /host$top"
			else
				log "not exposing $p: $top does not exist on the host"
				return 0
			fi
			mount -o bind "/hostro$top" "/host$top" ||
				fail "cannot expose $top (needed for $p)"
			exposed="$exposed$top
"
			log "exposed $top (read-only) for $p"
			return 0 ;;
		esac
	done
	# Another root: a top directory the tree lacks comes from the host.
	if [ -n "$VM_ROOT" ]; then
		rel=${p#/}
		top=/${rel%%/*}
		case "$exposed" in *"
$top
"*) return 0 ;; esac
		[ "$top" != / ] || return 0
		if [ -e "/hostro$VM_ROOT$top" ] || [ -L "/hostro$VM_ROOT$top" ]; then
			# The tree's own (e.g. /usr/bin/python3): its file serves.
			[ -e "/hostro$VM_ROOT$p" ] && return 0
			fail "cannot expose $p: $top belongs to the root tree $VM_ROOT, which has no $p"
		fi
		[ -e "/hostro$top" ] || { log "not exposing $p: $top does not exist on the host"; return 0; }
		mkdir -p "/host$top" && mount -o bind "/hostro$top" "/host$top" ||
			fail "cannot expose $top (needed for $p)"
		exposed="$exposed$top
"
		log "exposed $top (read-only, from the host root) for $p"
	fi
	return 0
}
exposed='
'
oldifs=$IFS
IFS='
'
set -f
for p in $VM_EXPOSE; do
	IFS=$oldifs
	[ -n "$p" ] && expose "$p"
done
set +f
IFS=$oldifs

# The out share at its host path, writable.
if [ ! -d "/host$VM_OUTDIR" ]; then
	mkdir -p "/host$VM_OUTDIR" || fail "cannot create /host$VM_OUTDIR for the out share"
fi
mount -o bind /out "/host$VM_OUTDIR" || fail "cannot bind the out share at $VM_OUTDIR"
[ -r "/host$VM_JOB" ] || fail "the job script $VM_JOB is not visible in the guest"

# NICs and requested devices to vfio-pci.
bind_vfio() {
	bdf=$1
	dev=/sys/bus/pci/devices/$bdf
	[ -d "$dev" ] || fail "PCI device $bdf does not exist in the guest"
	if [ -e "$dev/driver" ]; then
		drv=$(basename "$(readlink "$dev/driver")")
		[ "$drv" = vfio-pci ] && return 0
		echo "$bdf" >"$dev/driver/unbind" || fail "cannot unbind $bdf from $drv"
	fi
	echo vfio-pci >"$dev/driver_override" || fail "cannot set driver_override of $bdf"
	echo "$bdf" >/sys/bus/pci/drivers_probe || fail "drivers_probe of $bdf failed"
	[ -e "$dev/driver" ] || fail "$bdf has no driver after probing vfio-pci"
	drv=$(basename "$(readlink "$dev/driver")")
	[ "$drv" = vfio-pci ] || fail "$bdf is bound to $drv, not vfio-pci"
	grp=$(basename "$(readlink "$dev/iommu_group" 2>/dev/null)" 2>/dev/null)
	cdev=$(ls "$dev/vfio-dev" 2>/dev/null | tr '\n' ' ')
	cdev=${cdev% }
	log "$bdf bound to vfio-pci (iommu group ${grp:-none}, cdev ${cdev:-none})"
}
for dev in /sys/bus/pci/devices/*; do
	[ -e "$dev/vendor" ] || continue
	if [ "$(cat "$dev/vendor"):$(cat "$dev/device")" = 0x8086:0x10d3 ]; then
		bind_vfio "$(basename "$dev")"
	fi
done
for bdf in $VM_DEVICES; do
	bind_vfio "$bdf"
done

ip link set lo up || fail "cannot bring up the loopback interface"

t0=$(cut -d' ' -f1 /proc/uptime)
echo "start $t0" >/out/times
log "running $VM_JOB (uptime $t0 s)"
chroot /host /usr/bin/env -i /bin/bash --noprofile --norc "$VM_JOB" \
	</dev/null >/out/stdout 2>/out/stderr
rc=$?
t1=$(cut -d' ' -f1 /proc/uptime)
echo "end $t1" >>/out/times
echo "$rc" >/out/status.tmp && mv /out/status.tmp /out/status
log "job exited with status $rc (uptime $t1 s)"
dmesg >/out/dmesg
sync
poweroff -f
sleep 60
