#!/bin/bash
# Memory per held SA and setup rate while SAs are held, Concentrator and strongSwan (same lab and connection as
# scripts/loadgen-side-by-side.sh, pool 10.96.0.0/14 so 100,000 clients fit). For each responder and SIZE:
#   1. a fresh responder; a warm-up run (WARMUP setups, then deleted) so JIT and first-use caches are not counted;
#   2. baseline after SETTLE s idle: VmRSS (/proc) and, for Concentrator, the managed heap after a forced full
#      GC (dotnet-gcdump collect: an induced blocking gen2 GC, then the live objects are walked) and the
#      System.Runtime counters right after it (dotnet-counters collect);
#   3. loadgen "hold": SIZE clients at concurrency CONC, --reuse-dh, held HOLD s (answering the responder's
#      INFORMATIONALs), no teardown;
#   4. when all SIZE are established and SETTLE s passed: the same samples as in 2;
#   5. a probe run while the SIZE SAs are held: PROBE setups at concurrency PROBE_CONC, deleted after (its
#      setups/s is "the setup rate at SIZE held SAs");
#   6. the hold run ends by itself (its JSON counts the liveness checks it answered) and the responder is stopped.
# Per SA = (after - baseline) / SAs established by the hold run. Results: bench/results/held-memory-<UTC>/.
#
#   SIZES="1000 10000" RESPONDERS="concentrator strongswan" scripts/loadgen-held-memory.sh
#   SIZES=100000 RESPONDERS=concentrator HOLD=120 scripts/loadgen-held-memory.sh
#   LAB_DPD=10s ...     # Concentrator DPD every 10 s during the hold (default here: 0s = off, as strongSwan's)
set -u
SIZES=${SIZES:-"1000 10000"}
RESPONDERS=${RESPONDERS:-"concentrator strongswan"}
CONC=${CONC:-20}
HOLD=${HOLD:-60}
SETTLE=${SETTLE:-10}
WARMUP=${WARMUP:-500}
PROBE=${PROBE:-1000}
PROBE_CONC=${PROBE_CONC:-10}
export LAB_POOL=${LAB_POOL:-10.96.0.0/14} LAB_DPD=${LAB_DPD:-0s}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/held-memory-$STAMP}
GW=${NS_PREFIX:-lg-hm}-gw CL=${NS_PREFIX:-lg-hm}-cl   # NS_PREFIX=x: namespaces x-gw and x-cl
D=$(mktemp -d /tmp/lg-hm-XXXXXX)
HOLDER=
cleanup() {
    [ -n "$HOLDER" ] && kill "$HOLDER" 2>/dev/null
    stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"
}
trap cleanup EXIT
export PATH="$PATH:$HOME/.dotnet/tools"
if [[ " $RESPONDERS " == *" concentrator "* ]]; then
    for t in dotnet-gcdump dotnet-counters; do
        command -v $t >/dev/null || dotnet tool install -g $t >/dev/null || { echo "cannot install $t"; exit 1; }
    done
fi
lab_build
lab_prepare

rss_kib() { awk '/^VmRSS/ {print $2}' /proc/$PID/status; }
# sample NAME: VmRSS, and for Concentrator the live managed heap after a forced GC and the runtime counters
sample() {
    local f=$OUT/$1
    echo "{\"rssKiB\": $(rss_kib)}" >$f.rss.json
    [ $resp = concentrator ] || return 0
    dotnet-gcdump collect -p $PID -o $D/$1.gcdump >/dev/null 2>&1 || echo "gcdump failed" >&2
    dotnet-gcdump report $D/$1.gcdump >$f.gcdump.txt 2>&1
    rm -f $D/$1.gcdump
    dotnet-counters collect -p $PID --counters System.Runtime --format json -o $f.counters.json --duration 00:00:04 >/dev/null 2>&1
    echo "{\"rssKiB\": $(rss_kib)}" >$f.rss-after-gc.json
}
# established + failed of the last progress line in $1 (the hold run's output)
finished() { grep -o 'established [0-9]*  failed [0-9]*' "$1" | tail -1 | awk '{print $2 + $4}'; }

echo "SIZES=\"$SIZES\" RESPONDERS=\"$RESPONDERS\" CONC=$CONC HOLD=$HOLD SETTLE=$SETTLE WARMUP=$WARMUP PROBE=$PROBE PROBE_CONC=$PROBE_CONC LAB_POOL=$LAB_POOL LAB_DPD=$LAB_DPD, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/runs.txt
for resp in $RESPONDERS; do
  for n in $SIZES; do
    [ $resp = strongswan ] && [ $n -gt 65000 ] && { echo "strongswan $n: skipped (sizes above 10k are measured for Concentrator only)" | tee -a $OUT/runs.txt; continue; }
    P=$resp-$n
    if [ $resp = strongswan ]; then start_strongswan || exit 1; else start_concentrator $OUT/$P.log || exit 1; fi
    $LG 192.0.2.1 --psk lg-bench-psk --count $WARMUP --concurrency 10 --teardown --reuse-dh --netns $CL --id "warm-{n}@loadgen" --quiet >$OUT/$P-warmup.txt 2>&1
    sleep $SETTLE; sample $P-baseline
    CMD="$LG 192.0.2.1 --psk lg-bench-psk --count $n --concurrency $CONC --hold $HOLD --reuse-dh --netns $CL --id hold-{n}@loadgen --responder-pid $PID --json $OUT/$P-hold.json"
    echo "$resp $n hold: ${CMD//$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
    $CMD >$OUT/$P-hold.txt 2>&1 &
    HOLDER=$!
    t0=$(date +%s)
    until [ "$(finished $OUT/$P-hold.txt)" = "$n" ]; do
        kill -0 $HOLDER 2>/dev/null || { echo "hold run ended early:"; tail -5 $OUT/$P-hold.txt; break; }
        sleep 1
    done
    echo "  all $n finished after $(( $(date +%s) - t0 )) s: $(grep 'established' $OUT/$P-hold.txt | tail -1)" | tee -a $OUT/runs.txt
    sleep $SETTLE; sample $P-held
    PCMD="$LG 192.0.2.1 --psk lg-bench-psk --count $PROBE --concurrency $PROBE_CONC --teardown --reuse-dh --netns $CL --id probe-{n}@loadgen --responder-pid $PID --json $OUT/$P-probe.json"
    $PCMD >$OUT/$P-probe.txt 2>&1
    echo "  probe exit $?: ${PCMD//$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
    wait $HOLDER; echo "  hold run exit $?" | tee -a $OUT/runs.txt; HOLDER=
    stop_responder
    [ $resp = concentrator ] && shrink_log $OUT/$P.log
  done
done
python3 "$ROOT/scripts/lib/held-memory-table.py" "$OUT" | tee $OUT/table.md
echo "results in $OUT"
