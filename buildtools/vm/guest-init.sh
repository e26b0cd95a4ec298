#!/bin/busybox sh
# SPDX-License-Identifier: BSD-3-Clause
#
# PID 1 of the test guest (inside the initramfs made by make-initramfs.sh).
# Mounts the host's root read-only (9p tag "hostroot") and the job's
# writable output directory (9p tag "out"), binds the NICs to vfio-pci,
# chroots into the host root and runs the job script written by
# run-vm.sh, then powers off. The job's stdout, stderr and exit status
# land in the output directory.

/bin/busybox --install -s /bin
export PATH=/bin:/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t devtmpfs dev /dev

fail() {
	echo "guest-init: $*" > /dev/ttyS0
	echo "guest-init: $*" > /out/init-error 2>/dev/null
	poweroff -f
}

mkdir -p /host /hostro /out
opts=trans=virtio,version=9p2000.L,msize=262144
mount -t 9p -o "$opts" out /out || fail "cannot mount the output share"
mount -t 9p -o "$opts,ro" hostroot /host || fail "cannot mount the host root"
# A second view of the host root that later mounts on /host do not cover.
mount --bind /host /hostro || fail "cannot bind the host root"
. /out/job.env || fail "no job description in the output share"

for m in proc sys dev; do
	mount --rbind /$m /host/$m || fail "cannot bind /$m"
done
mount -t tmpfs tmp /host/tmp || fail "cannot mount /tmp"
mount -t tmpfs run /host/run || fail "cannot mount /run"
mkdir -p /host/dev/hugepages
mount -t hugetlbfs -o pagesize=2M none /host/dev/hugepages || fail "cannot mount hugetlbfs"
# The tmpfs over /tmp hides host paths below it: show them again.
for p in $JOB_KEEP; do
	case "$p" in
	/tmp/*) mkdir -p "/host$p" && mount --bind "/hostro$p" "/host$p" ||
		fail "cannot show $p inside the guest" ;;
	esac
done
mount --bind /out "/host$JOB_OUT" || fail "cannot mount the output share at $JOB_OUT"

# NICs (and any device named by the job) to vfio-pci.
for d in /sys/bus/pci/devices/*; do
	bdf=${d##*/}
	id="$(cat $d/vendor):$(cat $d/device)"
	case " $JOB_VFIO " in *" $bdf "*) want=1 ;; *) want=0 ;; esac
	[ "$id" = "0x8086:0x10d3" ] && want=1
	[ $want = 1 ] || continue
	echo vfio-pci > $d/driver_override
	[ -e $d/driver ] && echo $bdf > $d/driver/unbind
	echo $bdf > /sys/bus/pci/drivers_probe
	[ -e $d/vfio-dev ] || fail "$bdf did not bind to vfio-pci"
done
ip link set lo up 2>/dev/null

chroot /host /bin/sh "$JOB_OUT/job.sh" > /out/stdout 2> /out/stderr
echo $? > /out/status
dmesg > /out/dmesg
sync
poweroff -f
