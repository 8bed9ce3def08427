#!/bin/sh
# Runs every test of Concentrator. Needs root (network namespaces, netlink, qemu guest) on Debian 12 with the
# .NET SDK; installs the Debian packages the tests use and restores NuGet packages itself.
set -eu
cd "$(dirname "$0")/.."
if [ "$(id -u)" -ne 0 ]; then
  echo "scripts/test.sh: run as root (the tests create network namespaces and program the kernel)" >&2
  exit 1
fi
./scripts/install-test-deps.sh
dotnet restore Concentrator.sln
dotnet build Concentrator.sln -c Release --no-restore
# The guest-kernel ring's own tests (trait Ring=Guest) run inside the qemu guest, started by a host-side test.
dotnet test Concentrator.sln -c Release --no-build --filter "Ring!=Guest" --blame-hang-timeout 15m \
  --logger "console;verbosity=normal" "$@"
