#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Download the pinned Debian kernel source package of one guest kernel series
# through the mirror the machine's apt sources already name, without touching
# the system's apt state. Each series is an exact (package, version, suite):
# a Debian upload cannot change what CI tests; moving a series to a newer
# version is a commit of its own that shows the new results.
#
# Usage: fetch-kernel-source.sh CACHE_DIR [SERIES]   (SERIES: 7.3 (default), 6.12)
#        fetch-kernel-source.sh --list               (the pins, one a line)
# Prints the path of the downloaded .deb on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)

# series  package            version            suite
pins='7.3   linux-source-7.3   7.3.4-1~bpo13+1    trixie-backports
6.12  linux-source-6.12  6.12.117-1         trixie'

if [ "${1:-}" = --list ]; then
	echo "$pins"
	exit 0
fi
cache=${1:?usage: fetch-kernel-source.sh CACHE_DIR [SERIES]}
series=${2:-7.3}

read -r _ pkg ver suite < <(awk -v s="$series" '$1 == s' <<<"$pins") || true
if [ -z "${pkg:-}" ]; then
	echo "fetch-kernel-source: no pinned kernel series '$series' (known: $(awk '{printf "%s ", $1}' <<<"$pins"))" >&2
	exit 2
fi
exec "$here/../fetch-debian-package.sh" "$cache" --exact "$pkg" "$ver" "$suite"
