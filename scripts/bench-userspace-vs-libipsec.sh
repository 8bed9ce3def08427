#!/usr/bin/env bash
# Side by side: iperf3 TCP throughput (one stream, A -> B) between two network namespaces through
#   (a) Concentrator's userspace ESP dataplane (TUN ipsec1, static SAs; BenchmarkDotNet's
#       UserspaceTunnelThroughputBenchmarks over tests/.../NetnsPair.cs, which also measures the bare veth), and
#   (b) strongSwan 5.9.8 kernel-libipsec (two charon-systemd instances, swanctl, PSK, TUN ipsec0),
# both with AES-256-GCM-16 ESP in UDP 4500 (kernel-libipsec always encapsulates: it fakes a NAT).
# Same addresses both times: outer 192.0.2.1 <veth> 192.0.2.2, inner 10.99.0.1 -> 10.99.0.2.
# The runs alternate (ours, strongSwan, ours, ...) so both see the same background load on a shared machine.
# Prints one markdown table (medians of RUNS runs, ratio ours/strongSwan) and writes it, with the raw
# numbers in the order they were measured, to bench/results/userspace-vs-libipsec-<UTC time>.md.
# Needs root, iproute2, iperf3, strongSwan (charon-systemd, swanctl, libcharon-extra-plugins), .NET SDK.
# Usage: scripts/bench-userspace-vs-libipsec.sh [seconds-per-run (10)] [runs (3)]
set -euo pipefail
cd "$(dirname "$0")/.."
SECONDS_PER_RUN="${1:-10}"
RUNS="${2:-3}"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT="bench/results/userspace-vs-libipsec-$STAMP.md"
D=$(mktemp -d /tmp/us-vs-libipsec.XXXXXX)
NSA="ss-a-$$" NSB="ss-b-$$"
PIDA= PIDB= SRV=

cleanup() {
    for p in $SRV $PIDB $PIDA; do kill "$p" 2>/dev/null || true; done
    for p in $SRV $PIDB $PIDA; do
        for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done
        kill -9 "$p" 2>/dev/null || true
    done
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    [ -d "$D" ] && echo "logs kept in $D (delete when done)" >&2 || true
}
trap cleanup EXIT

median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
load() { cut -d' ' -f1-3 /proc/loadavg; }

# ---- strongSwan kernel-libipsec, site to site between the same addresses (namespaces ss-a-*/ss-b-*) ----
ip netns add "$NSA"; ip netns add "$NSB"
ip link add ss-va netns "$NSA" type veth peer name ss-vb netns "$NSB"
ip -n "$NSA" addr add 192.0.2.1/24 dev ss-va; ip -n "$NSB" addr add 192.0.2.2/24 dev ss-vb
for ns in "$NSA" "$NSB"; do ip -n "$ns" link set lo up; done
ip -n "$NSA" link set ss-va up; ip -n "$NSB" link set ss-vb up
# kernel-libipsec routes the CHILD SA from an address inside local_ts: the inner addresses live on lo
ip -n "$NSA" addr add 10.99.0.1/32 dev lo; ip -n "$NSB" addr add 10.99.0.2/32 dev lo

side_conf() {  # $1 = side dir, $2 = my outer, $3 = peer outer, $4 = my inner, $5 = peer inner, $6 = my id, $7 = peer id
    mkdir -p "$1"
    cat >"$1/strongswan.conf" <<CONF
charon {
    load_modular = no
    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
    # logging off on the data path, as in the Concentrator run
    filelog { main { path = $1/charon.log
                     default = 0
                     ike = 1 } }
    syslog { daemon { default = -1 } }
    plugins { vici { socket = unix://$1/charon.vici } }
}
swanctl { socket = unix://$1/charon.vici }
CONF
    cat >"$1/swanctl.conf" <<CONF
connections { s2s {
    version = 2
    local_addrs = $2
    remote_addrs = $3
    proposals = aes256gcm16-prfsha256-x25519
    local { auth = psk
            id = $6 }
    remote { auth = psk
             id = $7 }
    children { net { local_ts = $4/32
                     remote_ts = $5/32
                     esp_proposals = aes256gcm16
                     mode = tunnel } }
} }
secrets { ike-s2s { id-1 = $6
                    id-2 = $7
                    secret = "us-vs-libipsec-psk" } }
CONF
}
side_conf "$D/a" 192.0.2.1 192.0.2.2 10.99.0.1 10.99.0.2 a.bench.test b.bench.test
side_conf "$D/b" 192.0.2.2 192.0.2.1 10.99.0.2 10.99.0.1 b.bench.test a.bench.test
start_charon() {  # $1 = netns, $2 = side dir; prints the daemon's pid
    setsid ip netns exec "$1" env STRONGSWAN_CONF="$2/strongswan.conf" /usr/sbin/charon-systemd </dev/null >/dev/null 2>&1 &
    echo $!
}
PIDA=$(start_charon "$NSA" "$D/a"); PIDB=$(start_charon "$NSB" "$D/b")
for side in a b; do
    for _ in $(seq 500); do STRONGSWAN_CONF="$D/$side/strongswan.conf" swanctl --stats >/dev/null 2>&1 && break; sleep 0.01; done
    STRONGSWAN_CONF="$D/$side/strongswan.conf" timeout 20 swanctl --load-all --file "$D/$side/swanctl.conf" >"$D/$side/load.log" 2>&1 \
        || { cat "$D/$side/load.log" >&2; exit 1; }
done
STRONGSWAN_CONF="$D/a/strongswan.conf" timeout 30 swanctl --initiate --ike s2s --child net >"$D/initiate.log" 2>&1 \
    || { tail -20 "$D/initiate.log" "$D/a/charon.log" >&2; exit 1; }
SAS=$(STRONGSWAN_CONF="$D/a/strongswan.conf" swanctl --list-sas 2>&1)
grep -q 'AES_GCM_16-256' <<<"$SAS" || { echo "unexpected CHILD SA: $SAS" >&2; exit 1; }
ip netns exec "$NSA" ping -c 2 -i 0.2 -W 2 10.99.0.2 >/dev/null || { echo "no ping through strongSwan's tunnel" >&2; exit 1; }
MTU_SS=$(ip -n "$NSA" -o link show ipsec0 | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
ip netns exec "$NSB" iperf3 -s >/dev/null 2>&1 &
SRV=$!
sleep 0.5
# one strongSwan run, called by the benchmark after each of its own tunnel runs (interleaved: same background load)
cat >"$D/ss-run.sh" <<RUN
#!/bin/sh
set -e
ip netns exec "$NSA" iperf3 -c 10.99.0.2 -t "$SECONDS_PER_RUN" -J >"$D/iperf.json"
python3 -c 'import json, sys; print("AesGcm256 strongswan-libipsec %.1f Mbit/s" % (json.load(open(sys.argv[1]))["end"]["sum_received"]["bits_per_second"] / 1e6))' "$D/iperf.json" >>"$D/runs.txt"
RUN
chmod +x "$D/ss-run.sh"
: >"$D/runs.txt"

# ---- (a)+(b) runs: BenchmarkDotNet (in process) builds Concentrator's tunnel, measures the bare veth RUNS times,
# then RUNS times: one run through Concentrator's dataplane, one through strongSwan's (the hook above) ----
echo "building bench/Concentrator.Benchmarks (Release) ..." >&2
dotnet build -c Release bench/Concentrator.Benchmarks >"$D/build.log" 2>&1 || { tail -30 "$D/build.log" >&2; exit 1; }
LOAD=$(load)
echo "runs: veth ${RUNS}x, then (Concentrator, strongSwan) ${RUNS}x, ${SECONDS_PER_RUN}s each ..." >&2
US_IPERF_CIPHERS=AesGcm256 US_IPERF_SECONDS=$SECONDS_PER_RUN US_IPERF_RUNS=$RUNS US_IPERF_RESULT="$D/runs.txt" \
    US_IPERF_BETWEEN_RUNS="$D/ss-run.sh" \
    dotnet run -c Release --no-build --project bench/Concentrator.Benchmarks -- --filter '*UserspaceTunnelThroughput*' \
    >"$D/bdn.log" 2>&1 || { tail -40 "$D/bdn.log" >&2; exit 1; }
grep -q ' userspace-esp ' "$D/runs.txt" || { echo "no userspace-esp result" >&2; tail -40 "$D/bdn.log" >&2; exit 1; }
LOAD_END=$(load)
# the CHILD SA's counters after the runs: the traffic really went through strongSwan's SA
SAS=$(STRONGSWAN_CONF="$D/a/strongswan.conf" swanctl --list-sas 2>&1)

# ---- table ----
pick() { awk -v l="$2" '$2 == l { print $3 }' "$1"; }
VETH=$(pick "$D/runs.txt" veth); OURS=$(pick "$D/runs.txt" userspace-esp); SS=$(pick "$D/runs.txt" strongswan-libipsec)
M_VETH=$(echo "$VETH" | median); M_OURS=$(echo "$OURS" | median); M_SS=$(echo "$SS" | median)
RATIO=$(awk -v a="$M_OURS" -v b="$M_SS" 'BEGIN { printf "%.2f", a / b }')
row() { printf '| %s | %s | **%s** |\n' "$1" "$(echo $2 | sed 's/ / · /g')" "$3"; }
TABLE=$( {
    echo "| path (iperf3 TCP, 1 stream, ${SECONDS_PER_RUN} s per run) | runs, Mbit/s | median Mbit/s |"
    echo "|---|---|---:|"
    row "bare veth, no tunnel (reference)" "$VETH" "$M_VETH"
    row "Concentrator userspace dataplane (TUN ipsec1, MTU 1400)" "$OURS" "$M_OURS"
    row "strongSwan 5.9.8 kernel-libipsec (TUN ipsec0, MTU ${MTU_SS:-?})" "$SS" "$M_SS"
    echo
    echo "**ratio Concentrator / strongSwan (medians): ${RATIO}×**"
} )
echo
echo "$TABLE"
{
    echo "# Userspace ESP throughput: Concentrator vs strongSwan kernel-libipsec ($STAMP)"
    echo
    echo "Command (as root, from the repository root):"
    echo
    echo '```'
    echo "scripts/bench-userspace-vs-libipsec.sh $SECONDS_PER_RUN $RUNS"
    echo '```'
    echo
    echo "Both: AES-256-GCM-16 ESP in UDP 4500, tunnel mode, two namespaces joined by a veth (192.0.2.1 <-> 192.0.2.2),"
    echo "inner 10.99.0.1 -> 10.99.0.2, iperf3 client in A, server in B. Concentrator: static SAs from"
    echo "tests/Concentrator.Kernel.Tests/Userspace/NetnsPair.cs, driven by UserspaceTunnelThroughputBenchmarks"
    echo "(in-process BenchmarkDotNet job, namespaces us-a-*/us-b-*). strongSwan: two charon-systemd, swanctl, PSK, site to site,"
    echo "proposals aes256gcm16-prfsha256-x25519 / esp aes256gcm16, plugins kernel-libipsec + kernel-netlink."
    echo
    echo "$TABLE"
    echo
    echo "Machine: $(nproc) cores ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')), kernel $(uname -r),"
    echo "$(dotnet --version 2>/dev/null | sed 's/^/.NET SDK /'), strongSwan $(dpkg-query -W -f='${Version}' charon-systemd 2>/dev/null || echo '?'), iperf3 $(iperf3 --version | head -1 | cut -d' ' -f2)."
    echo "Runs interleaved (Concentrator, strongSwan, Concentrator, ...) so both see the same background load;"
    echo "load average (1/5/15 min) before: $LOAD, after: $LOAD_END (the machine is shared with other builds and"
    echo "tests: read the runs, not only the medians)."
    echo
    echo "Raw lines:"
    echo
    echo '```'
    cat "$D/runs.txt"
    grep -E 'AES_GCM|in  |out ' <<<"$SAS" | sed 's/^ *//' | head -6 || true
    echo '```'
} >"$OUT"
echo
echo "written: $OUT"
rm -rf "$D"
