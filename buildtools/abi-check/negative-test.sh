#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
# Copyright(c) 2026 The dpdk-iommufd authors
#
# Negative test of abi-check.py: in a copy of iommufd_uapi.h a "__u8 pad;" is
# inserted before ifd_iommu_hw_info.out_max_pasid_log2, which moves that
# member from offset 28 to 29. The checker must fail and name the member.
#
# Usage: negative-test.sh PYTHON CHECKER HEADER WORKDIR [checker options]
# Exit status: 0 the checker caught the change, 1 it did not (or broke),
# 77 the checker had nothing to compare against.
set -euo pipefail

me=negative-test
python=${1:?usage: negative-test.sh PYTHON CHECKER HEADER WORKDIR [options]}
checker=${2:?}
header=${3:?}
work=${4:?}
shift 4

mkdir -p "$work"
copy="$work/iommufd_uapi.h"
sed 's/^\(\t__u8 out_max_pasid_log2;\)/\t__u8 pad;\n\1/' "$header" > "$copy"
if ! grep -q "^$(printf '\t')__u8 pad;\$" "$copy"; then
	echo "$me: FAILED: no '__u8 out_max_pasid_log2;' member in $header to displace"
	exit 1
fi

set +e
out=$("$python" "$checker" --header "$copy" --no-test-header "$@" 2>&1)
rc=$?
set -e
printf '%s\n' "$out"

case $rc in
0)	echo "$me: FAILED: the checker accepted a header with a displaced member"
	exit 1 ;;
1)	;;
77)	echo "$me: skipped: the checker had no kernel headers to compare with"
	exit 77 ;;
*)	echo "$me: FAILED: the checker ended with status $rc"
	exit 1 ;;
esac

expect='abi-check: MISMATCH: struct iommu_hw_info field out_max_pasid_log2: offset 29 in ours, 28 in '
if ! grep -qF -- "$expect" <<<"$out"; then
	echo "$me: FAILED: the checker failed but did not report: $expect..."
	exit 1
fi
echo "$me: ok: the checker rejected the displaced member out_max_pasid_log2"
