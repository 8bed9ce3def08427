#!/bin/bash
# Issue 15 (c) at the issue's size: 10,000 setups spread over a 3-node cluster (three Host processes in three network
# namespaces on one bridge), kill -9 of node 3 once half are established, its blocks reassigned after downing, its
# clients reconnecting to nodes 1 and 2, every lease checked for duplicates. It runs the Host.Tests test
# ClusterKillRunTests with CONCENTRATOR_KILL9_SETUPS (CI runs the same test at 150 setups) and keeps its output.
#
#   SETUPS=10000 scripts/cluster-kill9.sh
set -u
SETUPS=${SETUPS:-10000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/cluster-kill9-$STAMP}
mkdir -p "$OUT"
dotnet build "$ROOT/tests/Concentrator.Host.Tests" -c Release -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
echo "SETUPS=$SETUPS, $(nproc) cores, load average before $(cut -d' ' -f1-3 /proc/loadavg)" | tee "$OUT/run.txt"
CONCENTRATOR_KILL9_SETUPS=$SETUPS timeout 7200 dotnet test "$ROOT/tests/Concentrator.Host.Tests" -c Release --no-build \
    --filter "FullyQualifiedName~ClusterKillRunTests" --logger "console;verbosity=detailed" >"$OUT/test.log" 2>&1
rc=$?
grep -E "killed node|established,|leases checked|Passed |Failed |Assert" "$OUT/test.log" | tee -a "$OUT/run.txt"
echo "exit $rc, load average after $(cut -d' ' -f1-3 /proc/loadavg); full output in $OUT/test.log" | tee -a "$OUT/run.txt"
exit $rc
