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
# The log is kept so that, on failure, the failed tests and their messages are printed again at the very end (CI
# shows only the tail of a long, interleaved log).
log=$(mktemp /tmp/concentrator-test-log.XXXXXX)
rc_file=$(mktemp /tmp/concentrator-test-rc.XXXXXX)
{ dotnet test Concentrator.sln -c Release --no-build --filter "Ring!=Guest" --blame-hang-timeout 15m \
    --logger "console;verbosity=normal" "$@"; echo $? > "$rc_file"; } 2>&1 | tee "$log"
rc=$(cat "$rc_file")
if [ "$rc" -ne 0 ]; then
  echo
  echo "=== scripts/test.sh: dotnet test exited $rc; the failures, repeated ==="
  grep -E -A 25 '^[[:space:]]+Failed [A-Za-z]' "$log" | grep -v -E '^\[(INFO|DEBUG)\]' | head -300
  grep -E '^(Passed!|Failed!)|Total tests|Failed:' "$log"
fi
rm -f "$log" "$rc_file"
exit "$rc"
