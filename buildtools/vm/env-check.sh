#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# The guest gets only the environment a test asks for (run-vm.sh): this runs
# run-vm.sh with host variables that would change a test's outcome
# (TEST_ONLY, TEST_STRICT=0, RTE_IOMMUFD_MODE, DPDK_IOMMUFD_ENV_CHECK_HOST)
# and one --env setting with spaces, and checks inside the guest that none
# of the host's leaked and that the --env value arrived intact. TAP output.
#
# Usage: env-check.sh [run-vm.sh options...]
set -u

if [ "${1:-}" = --in-guest ]; then
	echo "TAP version 13"
	echo "1..5"
	n=0 bad=0
	t() {
		n=$((n + 1))
		if eval "$2"; then echo "ok $n - $1"; else echo "not ok $n - $1"; bad=1; fi
	}
	t "host TEST_ONLY does not reach the guest" '[ -z "${TEST_ONLY+set}" ]'
	t "host TEST_STRICT does not reach the guest" '[ -z "${TEST_STRICT+set}" ]'
	t "host RTE_IOMMUFD_MODE does not reach the guest" '[ -z "${RTE_IOMMUFD_MODE+set}" ]'
	t "no other host variable reaches the guest" '[ -z "${DPDK_IOMMUFD_ENV_CHECK_HOST+set}" ]'
	t "the --env setting arrives intact" '[ "${ENV_CHECK_ASKED:-}" = "a b'"'"'c" ] && [ -n "${PATH:-}" ]'
	env | sed 's/^/# guest env: /'
	exit $bad
fi

here=$(cd "$(dirname "$0")" && pwd)
exec env TEST_ONLY=no_such_case TEST_STRICT=0 RTE_IOMMUFD_MODE=type1 \
	DPDK_IOMMUFD_ENV_CHECK_HOST=1 \
	"$here/run-vm.sh" "$@" --env "ENV_CHECK_ASKED=a b'c" -- "$here/env-check.sh" --in-guest
