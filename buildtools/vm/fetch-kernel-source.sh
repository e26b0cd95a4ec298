#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Download the newest linux-source-7.* package that Debian's archive offers
# (trixie-backports or sid) through the mirror the machine's apt sources
# already name, without touching the system's apt state.
#
# Usage: fetch-kernel-source.sh CACHE_DIR
# Prints the path of the downloaded .deb on stdout.
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
cache=${1:?usage: fetch-kernel-source.sh CACHE_DIR}

exec "$here/../fetch-debian-package.sh" "$cache" '^linux-source-7\.[0-9]+$'
