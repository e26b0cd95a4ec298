#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Print the Debian archive URI the machine's apt sources already name (the
# first one that is not the security archive), for the project's scripts
# that fetch other suites through the same mirror (fetch-debian-package.sh,
# release-tree.sh). Exit status 1, with a message, when there is none.
set -euo pipefail

uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
	/etc/apt/sources.list.d/*.sources 2>/dev/null |
	grep -Eo '(https?|file)://[^ ]*/debian/?( |$)' | grep -v security | head -n1 | tr -d ' ' || true)
if [ -z "$uri" ]; then
	echo "debian-mirror: no Debian mirror URI found in /etc/apt/sources.list{,.d}" >&2
	exit 1
fi
echo "$uri"
