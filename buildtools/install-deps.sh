#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Install what building and testing dpdk-iommufd needs on Debian 12
# (bookworm), as root. Idempotent: does nothing when all is installed.
set -euo pipefail

packages=(
	# build
	gcc meson ninja-build pkg-config libjansson-dev
	# DPDK 22.11 for the adapter and the end-to-end tests (dpdk-testpmd)
	dpdk dpdk-dev libdpdk-dev librte-net-e1000-23
	# guest kernel build (buildtools/vm)
	make flex bison bc libelf-dev libssl-dev xz-utils cpio rsync
	# test VM
	qemu-system-x86 busybox-static
	# the arm64 guest (SMMUv3): its kernel and our programs cross-built
	gcc-aarch64-linux-gnu
	# Debian release trees for the DPDK matrix (buildtools/release-tree.sh)
	debootstrap
	# the kernel's own iommufd selftests (a check of the rig)
	libcap-dev
	# documentation
	doxygen python3-sphinx
	# fuzzing and sanitizers
	clang libclang-rt-14-dev valgrind
)

missing=()
for p in "${packages[@]}"; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing+=("$p")
	fi
done
if [ ${#missing[@]} -eq 0 ]; then
	echo "install-deps: all ${#packages[@]} packages present"
	exit 0
fi
if [ "$(id -u)" != 0 ]; then
	echo "install-deps: missing packages: ${missing[*]}; run as root (apt-get needs it)" >&2
	exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -q
apt-get install -y -q --no-install-recommends "${missing[@]}"
