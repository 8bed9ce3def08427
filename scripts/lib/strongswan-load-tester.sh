#!/usr/bin/env bash
# Builds strongSwan's load-tester plugin (src/libcharon/plugins/load_tester/, strongSwan's own IKEv2 load
# generator) ONCE into a private prefix, and prints that prefix. Debian 12 does not ship the plugin in any
# binary package, so this takes Debian's source package of the strongSwan that is installed (5.9.8, same
# archive and suite, Debian's patches applied in series order) and configures it with --enable-load-tester.
# Debian's packages and apt state are untouched: the deb-src entry lives in a private apt directory and the
# build installs into $LT_PREFIX (default /opt/strongswan-lt) with its own sysconfdir and pid directory, so its
# charon never meets Debian's. A finished build leaves $LT_PREFIX/.built and is reused; 7-10 minutes on 2 cores.
# Needs root and the Debian archive (apt-get source); installs gcc, make, pkg-config, libssl-dev, libgmp-dev,
# patch, bzip2, xz-utils if missing.
# Usage: scripts/lib/strongswan-load-tester.sh            (build if missing; print the prefix)
#        LT_PREFIX=/somewhere scripts/lib/strongswan-load-tester.sh
set -euo pipefail
LT_PREFIX="${LT_PREFIX:-/opt/strongswan-lt}"
CACHE="${LT_CACHE:-/var/cache/concentrator-bench}"
if [ -f "$LT_PREFIX/.built" ] && [ -x "$LT_PREFIX/libexec/ipsec/charon" ]; then echo "$LT_PREFIX"; exit 0; fi

VERSION=$(dpkg-query -W -f='${Version}' strongswan-libcharon 2>/dev/null || true)
[ -n "$VERSION" ] || { echo "strongswan-libcharon is not installed (scripts/install-test-deps.sh)" >&2; exit 1; }
# Build tools (Debian packages; a benchmark's needs, so not in scripts/install-test-deps.sh)
missing=""
for p in gcc make pkg-config libssl-dev libgmp-dev patch bzip2 xz-utils; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
    apt-get -o DPkg::Lock::Timeout=600 update -qq
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
SRC="$CACHE/src"; APT="$CACHE/apt"
mkdir -p "$SRC" "$APT/lists/partial" "$APT/cache/archives/partial"
exec 9>"$CACHE/build.lock"; flock 9
if [ -f "$LT_PREFIX/.built" ]; then echo "$LT_PREFIX"; exit 0; fi

# A deb-src entry for the archives the installed packages came from (same suites, main), in a private
# apt directory: `apt-get source` needs it, and the machine's own sources and lists stay as they are.
SUITE=$(. /etc/os-release && echo "$VERSION_CODENAME")
cat >"$APT/sources.list" <<LIST
deb-src http://deb.debian.org/debian $SUITE main
deb-src http://deb.debian.org/debian $SUITE-updates main
deb-src http://deb.debian.org/debian-security $SUITE-security main
LIST
APTOPTS=(-o Dir::Etc::SourceList="$APT/sources.list" -o Dir::Etc::SourceParts=/dev/null
         -o Dir::State::Lists="$APT/lists" -o Dir::Cache="$APT/cache" -o APT::Get::List-Cleanup=0)
cd "$SRC"
if ! ls strongswan_*.debian.tar.xz >/dev/null 2>&1; then
    apt-get "${APTOPTS[@]}" update -qq
    # The installed version first; a mirror may index a security update's source before it serves its files,
    # so fall back to the other Debian revisions of the same upstream release (5.9.8-5+deb12uN) the index lists.
    ok=
    for v in "$VERSION" $(apt-cache "${APTOPTS[@]}" showsrc strongswan 2>/dev/null \
                          | sed -n 's/^Version: //p' | grep "^${VERSION%%-*}-" | sort -rV); do
        rm -f strongswan_*.dsc strongswan_*.debian.tar.xz
        if apt-get "${APTOPTS[@]}" source -qq --download-only "strongswan=$v" >/dev/null 2>&1 \
           && ls strongswan_*.debian.tar.xz >/dev/null 2>&1; then ok=$v; break; fi
    done
    [ -n "$ok" ] || { echo "apt-get source strongswan failed for every 5.9.8 revision" >&2; exit 1; }
    echo "strongSwan source: $ok" >&2
fi
UP=$(ls strongswan_*.orig.tar.bz2 | head -1 | sed 's/strongswan_\(.*\)\.orig\.tar\.bz2/\1/')
TREE="$SRC/strongswan-$UP"
if [ ! -f "$TREE/.patched" ]; then
    rm -rf "$TREE"; tar xjf "strongswan_$UP.orig.tar.bz2"
    tar xJf strongswan_*.debian.tar.xz -C "$TREE"
    # Debian's patches, in their series order (what dpkg-source -x would apply)
    while read -r p _; do
        case "$p" in ''|'#'*) continue ;; esac
        patch -d "$TREE" -p1 -s <"$TREE/debian/patches/$p"
    done <"$TREE/debian/patches/series"
    touch "$TREE/.patched"
fi
cd "$TREE"
# The plugins a PSK / X25519 / AES-GCM / CP virtual-IP benchmark needs, both kernel backends (the load-tester's
# fake kernel and kernel-libipsec over TUN) and swanctl/vici; systemd off (no unit, no journald logger).
./configure -q --prefix="$LT_PREFIX" --sysconfdir="$LT_PREFIX/etc" --with-piddir="$LT_PREFIX/var/run" \
    --disable-defaults --enable-charon --enable-swanctl --enable-vici --enable-ikev2 --enable-load-tester \
    --enable-openssl --enable-curve25519 --enable-gcm --enable-aes --enable-sha1 --enable-sha2 --enable-hmac \
    --enable-kdf --enable-nonce --enable-random --enable-pem --enable-x509 --enable-pkcs1 --enable-pkcs8 \
    --enable-pubkey --enable-gmp --enable-socket-default --enable-kernel-netlink --enable-kernel-libipsec \
    --enable-libipsec --enable-attr --enable-constraints --enable-revocation --disable-systemd >/dev/null
make -s -j"$(nproc)" >/dev/null 2>"$CACHE/make.stderr" || { tail -30 "$CACHE/make.stderr" >&2; exit 1; }
make -s install >/dev/null
mkdir -p "$LT_PREFIX/var/run"
# the marker holds the Debian version the build came from (the benchmark quotes it)
ls "$SRC"/strongswan_*.dsc | sed 's/.*strongswan_\(.*\)\.dsc/\1/' | head -1 >"$LT_PREFIX/.built"
echo "$LT_PREFIX"
