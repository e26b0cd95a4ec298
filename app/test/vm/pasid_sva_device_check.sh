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
# The adapter's PASID namespace is as wide as the device (its debug line),
# and a secondary (lifecycle_app pasid-peer) that took PASIDs from the
# namespace of a primary holding its own is killed: the primary frees its
# PASIDs at once (its log line).
# Usage: pasid_sva_device_check.sh PATH_TO_dpdk-pasid_sva PATH_TO_dpdk-iommufd-run
#        PATH_TO_lifecycle_app PATH_TO_ADAPTER
set -u
usage="usage: pasid_sva_device_check.sh PROG LAUNCHER LIFECYCLE_APP ADAPTER"
prog=${1:?$usage}
launcher=${2:?$usage}
peer_app=${3:?$usage}
adapter=${4:?$usage}
echo "TAP version 13"
echo "1..6"
n=0
fail=0

# device width exec priv iova
check() {
	local dev=$1 width=$2 exec=$3 priv=$4 iova=$5 out rc pasids workers
	local mode=VA
	[ "$iova" = pa ] && mode=PA
	n=$((n + 1))
	out=$("$launcher" "$prog" --lcores 0@0,1@1,2@1 -n 1 --in-memory --iova-mode="$iova" \
		--log-level=bus.iommufd:debug -a "$dev" -- --device "$dev" 2>&1)
	rc=$?
	echo "$out" | sed 's/^/# /'
	why=
	if [ $rc != 0 ]; then
		why="exit status $rc"
	elif ! echo "$out" | grep -q "pasid_sva: $dev: IOMMU group [0-9]*, PASID width $width bits, EXEC $exec, PRIV $priv, IOVA as $mode"; then
		why="no capability line 'PASID width $width bits, EXEC $exec, PRIV $priv, IOVA as $mode'"
	elif ! echo "$out" | grep -q "PASID namespace of $width bits (the narrowest PASID-capable device)"; then
		why="the PASID namespace is not $width bits wide"
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
# A secondary takes three PASIDs from the primary's namespace and is killed.
peer_ok=0
env LD_PRELOAD="$adapter" "$peer_app" -l 0 -n 1 --file-prefix=pasid_sva --proc-type=secondary \
	--no-pci -- pasid-peer > "$work/peer" 2>&1 &
peer=$!
for _ in $(seq 600); do
	grep -q "LC holding" "$work/peer" && break
	kill -0 $peer 2>/dev/null || break
	sleep 0.1
done
if grep -q "LC holding" "$work/peer"; then
	kill -9 $peer
	wait $peer 2>/dev/null
	for _ in $(seq 100); do
		grep -q "a process sharing the PASID namespace ended: 3 of its PASIDs freed" "$work/out" &&
			{ peer_ok=1; break; }
		sleep 0.1
	done
fi
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
n=$((n + 1))
if [ $peer_ok = 1 ]; then
	echo "ok $n - a killed secondary's 3 PASIDs are freed by the primary at once (pidfd)"
else
	sed 's/^/# peer: /' "$work/peer"
	grep -i pasid "$work/out" | sed 's/^/# primary: /'
	echo "not ok $n - the PASIDs of a killed secondary were not freed"
	fail=1
fi
rm -rf "$work"
exit $fail
