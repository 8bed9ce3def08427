#!/bin/sh
# Installs what the test suite needs on a machine that has only the .NET SDK (Debian 12, run as root).
set -eu
export DEBIAN_FRONTEND=noninteractive
# openssl (ocsp responder) and python3 (http.server for CRLs): scenario 39's revocation servers.
# chromium (+ a font for its screenshots): the status page test loads the page headless (tests/Concentrator.Host.Tests/Metrics/).
PKGS="xz-utils gcc linux-libc-dev iproute2 iputils-ping tcpdump nftables strace iperf3 procps kmod busybox-static qemu-system-x86 \
 strongswan-swanctl charon-systemd libcharon-extra-plugins libcharon-extauth-plugins libstrongswan-standard-plugins libstrongswan-extra-plugins strongswan-charon charon-cmd strongswan-pki \
 systemd util-linux \
 freeradius \
 openssl python3 \
 libnss3-tools libldns3 libevent-pthreads-2.1-7 frr \
 chromium fonts-dejavu-core"
missing=""
for p in $PKGS; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
if [ -n "$missing" ]; then
  echo "installing:$missing"
  apt-get -o DPkg::Lock::Timeout=600 update -qq
  apt-get -o DPkg::Lock::Timeout=600 install -y -qq --no-install-recommends $missing >/dev/null
fi
# libreswan for the guest ring (tests/Concentrator.Interop.Tests/Scenario36_LibreswanGuest/): it conflicts with the
# strongSwan packages above, so it is only unpacked into the guest cache (the line above installs the libraries its
# pluto needs that are not there yet, and certutil for its NSS database).
"$(dirname "$0")/guest-kernel/fetch-deb.sh" libreswan >/dev/null
# The Debian packages enable a charon and a radiusd in the root namespace on hosts with systemd; the tests start
# their own (FreeRADIUS with its own config directory, tests/Concentrator.Server.Tests/Radius/FreeRadius.cs).
if command -v systemctl >/dev/null 2>&1 && [ -d /run/systemd/system ]; then
  systemctl disable --now strongswan strongswan-starter >/dev/null 2>&1 || true
  systemctl disable --now freeradius >/dev/null 2>&1 || true
  # FRR: scenario 36 runs zebra and ospfd with their own directories in the guest.
  systemctl disable --now frr >/dev/null 2>&1 || true
fi
