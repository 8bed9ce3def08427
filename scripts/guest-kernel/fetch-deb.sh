#!/usr/bin/env bash
# Usage: fetch-deb.sh PACKAGE
#
# Prints the directory where the candidate version of Debian package PACKAGE is unpacked, for guest tests that need
# a program the host must not install (libreswan conflicts with the strongSwan packages the host's tests use). The
# package is fetched with `apt-get download` and unpacked with `dpkg -x`, never installed, and kept under
# $CONCENTRATOR_GUEST_CACHE/packages/PACKAGE_VERSION (default cache: /var/cache/concentrator-guest, as
# run-in-guest.sh's). Its dependencies are not fetched: scripts/install-test-deps.sh installs those on the host,
# whose / the guest sees. Concurrent runs serialise on a flock. Exit 123 when the package cannot be had.
set -euo pipefail

[ $# -eq 1 ] || { echo "usage: fetch-deb.sh PACKAGE" >&2; exit 2; }
PKG=$1
CACHE=${CONCENTRATOR_GUEST_CACHE:-/var/cache/concentrator-guest}/packages
fail() { echo "fetch-deb.sh: $*" >&2; exit 123; }

candidate() { apt-cache policy "$PKG" 2>/dev/null | awk '$1 == "Candidate:" { print $2; exit }'; }
VER=$(candidate)
if [ -z "$VER" ] || [ "$VER" = "(none)" ]; then
	apt-get -o DPkg::Lock::Timeout=600 update -qq >&2 || true
	VER=$(candidate)
fi
[ -n "$VER" ] && [ "$VER" != "(none)" ] || fail "no candidate version of $PKG (apt-cache policy)"

DIR=$CACHE/${PKG}_${VER//:/%3a}
mkdir -p "$CACHE"
exec 9>"$CACHE/.lock"
flock 9
if [ ! -e "$DIR/.unpacked" ]; then
	echo "fetch-deb.sh: fetching $PKG $VER (unpacked with dpkg -x, never installed)" >&2
	TMP=$(mktemp -d "$CACHE/download.XXXXXX")
	trap 'rm -rf "$TMP"' EXIT
	# root downloads itself: the _apt sandbox user may not write into the cache
	(cd "$TMP" && apt-get -q -o APT::Sandbox::User=root download "$PKG=$VER" >&2) || fail "apt-get download $PKG=$VER failed"
	rm -rf "$DIR"
	dpkg -x "$TMP"/*.deb "$DIR" || fail "dpkg -x $PKG failed"
	touch "$DIR/.unpacked"
fi
echo "$DIR"
