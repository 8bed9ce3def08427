#!/bin/bash
# Measures IKE SA setups against a strongSwan 5.9 responder (charon-systemd, kernel-libipsec, PSK,
# aes256gcm16-prfsha256-x25519, pool 10.99.0.0/16) with the load generator, at several concurrency levels.
# Topology: netns lg-bench-gw (192.0.2.1, strongSwan) <veth> lg-bench-cl (192.0.2.2, load generator).
# Everything (daemon, namespaces, temp dir) is removed on exit. Needs root, strongSwan and the .NET SDK.
#
#   scripts/loadgen-vs-strongswan.sh                     # COUNT=500, LEVELS="1 10 50"
#   COUNT=1000 LEVELS="10 100" REUSE_DH=1 scripts/loadgen-vs-strongswan.sh
#   EXTRA="--rate 200" LEVELS=0 scripts/loadgen-vs-strongswan.sh   # rate mode (level 0 = no in-flight bound)
#   VERBOSE=1 ...                                        # also print the progress lines and the full report
set -u
COUNT=${COUNT:-500}
LEVELS=${LEVELS:-"1 10 50"}
PROPOSAL=${PROPOSAL:-aes256gcm16-prfsha256-x25519}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
GW=lg-bench-gw CL=lg-bench-cl
D=$(mktemp -d /tmp/lg-bench-XXXXXX)
PID=
cleanup() {
    [ -n "$PID" ] && kill "$PID" 2>/dev/null
    for i in $(seq 50); do [ -n "$PID" ] && kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    [ -n "$PID" ] && kill -9 "$PID" 2>/dev/null
    ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null
    rm -rf "$D"
}
trap cleanup EXIT

dotnet build "$ROOT/bench/Concentrator.LoadGen" -c Release -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
LG="$ROOT/bench/Concentrator.LoadGen/bin/Release/net10.0/concentrator-loadgen"

lab_netns_up


lab_strongswan_conf
export STRONGSWAN_CONF=$D/strongswan.conf
start_responder() {  # a fresh daemon per level, so memory per SA is measured from the same start
    setsid ip netns exec $GW env STRONGSWAN_CONF=$D/strongswan.conf /usr/sbin/charon-systemd </dev/null >/dev/null 2>&1 &
    PID=$!
    for i in $(seq 500); do swanctl --stats >/dev/null 2>&1 && break; sleep 0.01; done
    swanctl --load-all --file $D/swanctl.conf >/dev/null 2>&1 || { echo "swanctl --load-all failed"; exit 1; }
}
stop_responder() {
    kill $PID 2>/dev/null
    for i in $(seq 50); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done
    kill -9 $PID 2>/dev/null; PID=
}
start_responder
echo "strongSwan $(swanctl --version | awk '{print $NF}') responder (fresh charon-systemd per level), $COUNT setups per level, $(nproc) cores, proposal $PROPOSAL${REUSE_DH:+, --reuse-dh}"
printf '| %-11s | %8s | %8s | %8s | %8s | %8s | %6s | %14s | %11s | %12s |\n' concurrency setups/s p50_ms p90_ms p99_ms max_ms failed resp_cpu_ms/SA resp_KiB/SA lg_cpu_ms/SA
printf '|%s|\n' "-------------|----------|----------|----------|----------|----------|--------|----------------|-------------|--------------"
QUIET=--quiet; [ -n "${VERBOSE:-}" ] && QUIET=
run=0
for c in $LEVELS; do
    run=$((run + 1))
    [ -z "$PID" ] && start_responder
    J=$D/run$run.json
    CONC="--concurrency $c"; [ "$c" = 0 ] && CONC=""
    # a fresh identity range per run; the SAs are deleted (--teardown) after the numbers are taken
    "$LG" 192.0.2.1 --psk lg-bench-psk --count "$COUNT" $CONC ${EXTRA:-} --teardown $QUIET --netns $CL \
        --id "r$run-c{n}@loadgen" --responder-pid $PID --json "$J" ${REUSE_DH:+--reuse-dh} >$D/run$run.txt 2>&1
    python3 - "$J" "$c" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); l = r["latencyMs"]
print("| %-11s | %8.1f | %8.1f | %8.1f | %8.1f | %8.1f | %6d | %14.2f | %11.1f | %12.2f |" % (sys.argv[2], r["setupsPerSecond"], l["p50"], l["p90"], l["p99"], l["max"],
      r["failed"], r.get("responderCpuMsPerSetup", 0), r.get("responderRssKiBPerSa", 0), r.get("loadGenCpuMsPerSetup", 0)))
if r["failed"]: print("   failures:", r["failuresByCause"])
PY
    [ -f "$J" ] && [ -z "${VERBOSE:-}" ] || cat $D/run$run.txt
    stop_responder
done
