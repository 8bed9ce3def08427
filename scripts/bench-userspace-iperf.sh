#!/usr/bin/env bash
# Throughput of the userspace ESP dataplane: iperf3 (one TCP stream) between two network namespaces through
# TUN ipsec1 + ESP in UDP 4500, per cipher, against the bare veth in the same run.
# Needs root, iproute2 and iperf3. Usage: scripts/bench-userspace-iperf.sh [seconds-per-run]
# Against strongSwan kernel-libipsec in the same run: scripts/bench-userspace-vs-libipsec.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
export US_IPERF_SECONDS="${1:-5}"
export US_IPERF_RESULT="${US_IPERF_RESULT:-$(mktemp /tmp/us-iperf.XXXXXX)}"
: > "$US_IPERF_RESULT"
dotnet run -c Release --project bench/Concentrator.Benchmarks -- --filter '*UserspaceTunnelThroughput*' >/dev/null
echo "iperf3 -t $US_IPERF_SECONDS, one TCP stream, namespaces us-a-* -> us-b-* (tests/Concentrator.Kernel.Tests/Userspace/NetnsPair.cs):"
cat "$US_IPERF_RESULT"
