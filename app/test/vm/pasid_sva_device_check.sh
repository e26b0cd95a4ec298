#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs inside the test VM with two PASID test devices (run-vm.sh --qemu sid
# --pasid-dev 16,1,1 --pasid-dev 8,0,0: 0000:00:08.0 and 0000:00:09.0 on
# vfio-pci): examples/pasid_sva's positive path. On each device, with IOVA
# as VA and as PA: exit status 0; the device's PASID width and EXEC/PRIV
# as its capability says; every worker lcore with a PASID of its own,
# attached, its buffer copied by the device and checked; the IOVA mode
# printed as EAL runs it; everything detached and freed at the end. TAP.
# Usage: pasid_sva_device_check.sh PATH_TO_dpdk-pasid_sva PATH_TO_dpdk-iommufd-run
set -u
prog=${1:?usage: pasid_sva_device_check.sh PROG LAUNCHER}
launcher=${2:?usage: pasid_sva_device_check.sh PROG LAUNCHER}
echo "TAP version 13"
echo "1..5"
n=0
fail=0

# device width exec priv iova
check() {
	local dev=$1 width=$2 exec=$3 priv=$4 iova=$5 out rc pasids workers
	local mode=VA
	[ "$iova" = pa ] && mode=PA
	n=$((n + 1))
	out=$("$launcher" "$prog" --lcores 0@0,1@1,2@1 -n 1 --in-memory --iova-mode="$iova" -a "$dev" -- --device "$dev" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	why=
	if [ $rc != 0 ]; then
		why="exit status $rc"
	elif ! echo "$out" | grep -q "pasid_sva: $dev: IOMMU group [0-9]*, PASID width $width bits, EXEC $exec, PRIV $priv, IOVA as $mode"; then
		why="no capability line 'PASID width $width bits, EXEC $exec, PRIV $priv, IOVA as $mode'"
	else
		workers=$(echo "$out" | grep -c "runs with PASID [0-9]* on $dev: the device copied its buffer, checked")
		pasids=$(echo "$out" | awk '$1 ~ /^[0-9]+$/ && $5 == "IOAS" { print $2 }' | sort -u | wc -l)
		if [ "$workers" != 2 ]; then
			why="$workers of 2 workers report a checked copy"
		elif [ "$pasids" != 2 ]; then
			why="$pasids distinct PASIDs in the table, expected 2"
		elif ! echo "$out" | grep -q "IOAS [0-9]* (DPDK memory, IOVA as $mode)"; then
			why="the table does not say IOVA as $mode"
		elif ! echo "$out" | grep -q "pasid_sva: all PASIDs detached and freed"; then
			why="PASIDs not all detached and freed"
		fi
	fi
	if [ -z "$why" ]; then
		echo "ok $n - $dev (width $width, EXEC $exec, PRIV $priv), IOVA as $mode: two workers, two PASIDs, copies checked"
	else
		echo "not ok $n - $dev, IOVA as $mode: $why"
		fail=1
	fi
}

check 0000:00:08.0 16 yes yes va
check 0000:00:08.0 16 yes yes pa
check 0000:00:09.0 8 no no va
check 0000:00:09.0 8 no no pa
# The telemetry lists the PASIDs in use while the example holds them.
n=$((n + 1))
work=$(mktemp -d /tmp/pasid_sva.XXXXXX)
mkfifo "$work/in"
"$launcher" "$prog" --lcores 0@0,1@1,2@1 -n 1 --file-prefix=pasid_sva -a 0000:00:08.0 -- --device 0000:00:08.0 --hold \
	< "$work/in" > "$work/out" 2>&1 &
pid=$!
exec 3> "$work/in"
waited=0
while ! grep -q 'holding the PASIDs attached' "$work/out" && kill -0 $pid 2>/dev/null && [ $waited -lt 120 ]; do
	sleep 1
	waited=$((waited + 1))
done
# The client waits for its answer without a limit of its own: bounded
# attempts (a loaded TCG guest may leave one unanswered), each logged.
for try in 1 2 3; do
	echo /iommufd/pasids | timeout 30 python3 /usr/bin/dpdk-telemetry.py -f pasid_sva > "$work/tel" 2>&1 &&
		grep -q '"attached"' "$work/tel" && break
	echo "# telemetry attempt $try: no answer within 30 s"
done
exec 3>&-
wait $pid
rc=$?
sed 's/^/# telemetry: /' "$work/tel"
attached=$(grep -o '"0000:00:08.0:[0-9]*"' "$work/tel" | sort -u | wc -l)
if [ $rc = 0 ] && grep -q '"attached": 2' "$work/tel" && [ "$attached" = 2 ]; then
	echo "ok $n - /iommufd/pasids lists the two attached PASIDs of 0000:00:08.0 while the example holds them"
else
	sed 's/^/# /' "$work/out"
	echo "not ok $n - telemetry: $attached PASIDs of 0000:00:08.0 listed, example exit status $rc"
	fail=1
fi
rm -rf "$work"
exit $fail
