#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs inside the test VM: examples/pasid_sva on the emulated e1000e NIC
# 0000:00:02.0, which has no PASID, must refuse with exit status 2 and say
# why, naming the device; running --in-memory, it must leave no hugepage
# files behind and give all its hugepages back. TAP.
# Usage: pasid_sva_check.sh PATH_TO_dpdk-pasid_sva
set -u
prog=${1:?usage: pasid_sva_check.sh PATH_TO_dpdk-pasid_sva}
dev=0000:00:02.0
echo "TAP version 13"
echo "1..2"

hp_free() {
	awk '/^HugePages_Free:/ { print $2 }' /proc/meminfo
}
free_before=$(hp_free)
out=$("$prog" -l 0-1 -n 1 --in-memory -a "$dev" 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'

ok1=1
if [ $rc -eq 2 ] && echo "$out" | grep -q "pasid_sva: $dev has no usable PASID"; then
	echo "ok 1 - the example refuses $dev (exit 2) and says it has no usable PASID"
else
	echo "not ok 1 - exit status $rc (expected 2) or no 'no usable PASID' message for $dev"
	ok1=0
fi

ok2=1
files=$(find /dev/hugepages -mindepth 1 2>/dev/null | head -5)
free_after=$(hp_free)
if [ -n "$files" ]; then
	echo "not ok 2 - hugepage files left behind: $files"
	ok2=0
elif [ "$free_after" != "$free_before" ]; then
	echo "not ok 2 - free hugepages $free_before before, $free_after after"
	ok2=0
else
	echo "ok 2 - no hugepage files left, $free_after hugepages free as before"
fi
[ $ok1 -eq 1 ] && [ $ok2 -eq 1 ]
