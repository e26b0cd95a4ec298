#!/bin/bash
# SPDX-License-Identifier: BSD-3-Clause
#
# Download a package of Debian's archive (trixie, trixie-backports or sid)
# through the mirror the machine's apt sources already name, without touching
# the system's apt state: a private sources list, private package lists and a
# private download directory, all under CACHE_DIR. Nothing is installed.
#
# Two forms:
#
#   fetch-debian-package.sh CACHE_DIR --exact PACKAGE VERSION [SUITE]
#       exactly PACKAGE at VERSION (and, with SUITE, only if SUITE offers that
#       version). This is what CI uses: a Debian upload cannot change what is
#       tested; moving to another version is a commit. A .deb already in the
#       cache is used without asking the archive at all.
#   fetch-debian-package.sh CACHE_DIR REGEX [VERSION_REGEX]
#       the newest (by version sort of the names) package whose name matches
#       REGEX, in its newest version matching VERSION_REGEX (default: any).
#       For exploring which versions exist, not for CI.
#
#   CACHE_DIR      cache directory, created if needed (apt/, debs/)
#   REGEX          extended regular expression over package names, e.g.
#                  '^linux-source-7\.[0-9]+$' or '^linux-libc-dev$'
#   VERSION_REGEX  extended regular expression over versions, e.g. '^7\.'
# Prints the path of the downloaded .deb on stdout:
#   CACHE_DIR/debs/<package>_<version>_<arch>.deb
# A .deb already in the cache is not downloaded again.
set -euo pipefail

me=$(basename "$0" .sh)
usage="usage: fetch-debian-package.sh CACHE_DIR {--exact PACKAGE VERSION [SUITE] | REGEX [VERSION_REGEX]}"
cache=${1:?$usage}
die() { echo "$me: $*" >&2; exit 1; }
exact= pkg= ver= suite= regex= vregex=
if [ "${2:-}" = --exact ]; then
	exact=1
	pkg=${3:?$usage}
	ver=${4:?$usage}
	suite=${5:-}
	[[ "$pkg" =~ ^[a-z0-9][a-z0-9.+-]+$ ]] || die "not a package name: '$pkg'"
else
	regex=${2:?$usage}
	vregex=${3:-.}
fi

mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial" "$cache/debs"

# An exact version already downloaded: nothing to ask the archive.
if [ -n "$exact" ]; then
	for f in "$cache/debs/${pkg}_${ver}_"*.deb; do
		if [ -s "$f" ] && [ "$(dpkg-deb -f "$f" Package)" = "$pkg" ] &&
			[ "$(dpkg-deb -f "$f" Version)" = "$ver" ]; then
			echo "$f"
			exit 0
		fi
	done
fi

# One fetch at a time per cache (apt's own lock would make a concurrent
# update fail half way).
exec 9>"$cache/.fetch.lock"
flock 9

# The mirror URI: the first Debian archive URI the system's sources name.
uri=$("$(dirname "$0")/debian-mirror.sh") || die "cannot fetch from Debian's archive without a mirror"

src="$cache/apt/sources.list"
: > "$src"
for s in trixie trixie-backports sid; do
	echo "deb [signed-by=/usr/share/keyrings/debian-archive-keyring.gpg] $uri $s main" >> "$src"
done

aptopts=(-o "Dir::Etc::SourceList=$src" -o "Dir::Etc::SourceParts=/dev/null"
	-o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache=$cache/apt"
	-o "Dir::State::status=/var/lib/dpkg/status" -o "APT::Get::List-Cleanup=0")

# A suite whose signature the system keyring cannot check (a newer release
# key) is reported and ignored; the other suite still serves. Without
# network the lists of the previous run still serve.
apt-get "${aptopts[@]}" update >"$cache/apt/update.log" 2>&1 ||
	echo "$me: apt update reported problems (see $cache/apt/update.log)" >&2

if [ -n "$exact" ]; then
	# madison lines: " pkg | version | uri suite/main amd64 Packages"
	offers=$(apt-cache "${aptopts[@]}" madison "$pkg" 2>/dev/null |
		awk -F'|' -v v="$ver" '{gsub(/ /, "", $2)} $2 == v {print $3}' || true)
	[ -n "$offers" ] || die "$pkg $ver is not offered by trixie, trixie-backports or sid via $uri (the archive moved? pin another version in a commit of its own; see $cache/apt/update.log)"
	if [ -n "$suite" ] && ! grep -Eq " $suite/" <<<"$offers"; then
		die "$pkg $ver is offered, but not by $suite: $(echo $offers)"
	fi
else
	pkg=$(apt-cache "${aptopts[@]}" pkgnames 2>/dev/null |
		grep -E -- "$regex" | sort -V | tail -n1 || true)
	[ -n "$pkg" ] || die "no package matching '$regex' in trixie, trixie-backports or sid via $uri (see $cache/apt/update.log)"

	# Newest version of the package that matches VERSION_REGEX (dpkg ordering).
	while read -r v; do
		[ -n "$v" ] || continue
		if [ -z "$ver" ] || dpkg --compare-versions "$v" gt "$ver"; then
			ver=$v
		fi
	done < <(apt-cache "${aptopts[@]}" madison "$pkg" 2>/dev/null |
		awk -F'|' '{gsub(/ /, "", $2); print $2}' | grep -E -- "$vregex" || true)
	[ -n "$ver" ] || die "no version of $pkg matching '$vregex' in trixie, trixie-backports or sid"
fi

arch=$(apt-cache "${aptopts[@]}" show "$pkg=$ver" 2>/dev/null |
	awk '/^Architecture:/ {print $2; exit}')
[ -n "$arch" ] || die "no architecture known for $pkg $ver"

deb="$cache/debs/${pkg}_${ver}_${arch}.deb"
if [ ! -s "$deb" ]; then
	tmp=$(mktemp -d "$cache/debs/.download.XXXXXX")
	trap 'rm -rf "$tmp"' EXIT
	(cd "$tmp" && apt-get "${aptopts[@]}" download "$pkg=$ver" >&2) ||
		die "download of $pkg $ver failed"
	found=("$tmp/${pkg}_"*.deb)
	[ -f "${found[0]}" ] || die "download of $pkg $ver produced no .deb"
	mv "${found[0]}" "$deb"
fi
echo "$deb"
