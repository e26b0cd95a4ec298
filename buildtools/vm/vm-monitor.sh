#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# In a guest started with run-vm.sh --monitor: run one command of QEMU's
# human monitor (e.g. "device_del nic1") and print its answer.
#
# Usage: vm-monitor.sh COMMAND...
# Exit status 0 when the monitor answered (whatever it said: the caller
# checks the answer), 1 when there is no monitor or it did not answer
# within 30 s.
set -euo pipefail

dir=${DPDK_IOMMUFD_VM_MONITOR:-}
[ -n "$dir" ] && [ -d "$dir" ] || {
	echo "vm-monitor: no QEMU monitor here (the guest must be started with run-vm.sh --monitor)" >&2
	exit 1
}
[ $# -ge 1 ] || { echo "usage: vm-monitor.sh COMMAND..." >&2; exit 2; }
name="$(date +%s%N).$$"
printf '%s\n' "$*" >"$dir/$name.tmp"
mv "$dir/$name.tmp" "$dir/$name.req"
for _ in $(seq 600); do
	if [ -f "$dir/$name.rep" ]; then
		cat "$dir/$name.rep"
		rm -f "$dir/$name.rep"
		exit 0
	fi
	sleep 0.05
done
echo "vm-monitor: the monitor did not answer '$*' within 30 s (see monitor-agent.log in the run directory)" >&2
exit 1
