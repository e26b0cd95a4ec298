#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Runs inside the test VM: the DMA test with its ring left unmapped on
# purpose (--break-mapping) must fail, and fail exactly where the device's
# DMA needed the missing mapping. Shows that test_vm_dma can fail. TAP.
# Usage: dma_break_check.sh PATH_TO_test_vm_dma
set -u
prog=${1:?usage: dma_break_check.sh PATH_TO_test_vm_dma}
echo "TAP version 13"
echo "1..3"
out=$(TEST_STRICT=1 "$prog" --break-mapping 2>&1)
rc=$?
echo "$out" | sed 's/^/# /'
[ $rc -ne 0 ] && echo "ok 1 - the DMA test fails without the mapping (exit $rc)" ||
	echo "not ok 1 - the DMA test passed although its ring was not mapped"
echo "$out" | grep -q '^not ok 1 - dma_tx_writes_back_dd' &&
	echo "ok 2 - the positive DMA case is the one that fails" ||
	echo "not ok 2 - the positive DMA case did not fail"
dmesg | grep -q 'DMAR: \[DMA' &&
	echo "ok 3 - the IOMMU logged the blocked DMA" ||
	echo "not ok 3 - no DMAR fault in the kernel log"
[ $rc -ne 0 ] && echo "$out" | grep -q '^not ok 1 - dma_tx_writes_back_dd' &&
	dmesg | grep -q 'DMAR: \[DMA'
