#!/bin/bash
# Offered load against achieved setups/s and p99 latency, strongSwan and Concentrator (same lab and connection as
# scripts/loadgen-side-by-side.sh), then the plot and the side-by-side table.
# For every rate R in RATES (setups started per second, no bound on the handshakes in flight), each responder
# (REPEAT times, interleaved): a fresh responder, a warm-up run (WARMUP setups at concurrency 10, deleted) so
# Concentrator's JIT is not counted, then R*DURATION setups at rate R, deleted at the end (--teardown).
# "Sustained" = the highest R at which every repetition had 0 failures and the median achieved rate was at least
# 90 % of R (scripts/lib/rate-sweep-table.py); then each responder is run REPEAT more
# times at half its sustained rate (p99 and CPU per setup there). Requests are retransmitted after 1, 1.8, 3.2 s
# and given up after 11.9 s (the load generator's defaults), so an overloaded responder shows failures.
# PIN=1 (default): the responder runs on CPU 0 and the load generator on CPU 1 (taskset), so that each has one
# core and the load generator cannot take the responder's CPU (PIN=0: both float over all cores).
# Results: bench/results/rate-sweep-<UTC>/ (every JSON and text output, runs.txt with each exact command,
# sweep.dat, table.md, summary.json, rate-sweep.png via scripts/lib/rate-sweep-plot.sh).
#
#   RATES="200 400 600 800 1000 1200" DURATION=8 REPEAT=3 scripts/loadgen-rate-sweep.sh
set -u
RATES=${RATES:-"200 400 600 800 1000 1200"}
DURATION=${DURATION:-8}
REPEAT=${REPEAT:-3}
WARMUP=${WARMUP:-300}
RESPONDERS=${RESPONDERS:-"strongswan concentrator"}
PIN=${PIN:-1}
LGPIN=
if [ "$PIN" = 1 ]; then export RESP_CPUS=0; LGPIN="taskset -c 1"; fi
export LAB_POOL=${LAB_POOL:-10.96.0.0/14}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/rate-sweep-$STAMP}
GW=lg-rs-gw CL=lg-rs-cl
D=$(mktemp -d /tmp/lg-rs-XXXXXX)
cleanup() { stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
lab_build
lab_prepare
SSV=$(swanctl --version 2>&1 | grep -o '[0-9]\+\.[0-9]\+\.[0-9]\+' | head -1)

run=0
one() {  # responder rate tag
    local resp=$1 rate=$2 tag=$3 count
    count=$(python3 -c "print(max(1, round($rate * $DURATION)))")
    run=$((run + 1))
    local J=$OUT/$resp-$tag.json T=$OUT/$resp-$tag.txt
    if [ $resp = strongswan ]; then start_strongswan || exit 1; else start_concentrator $OUT/$resp-$tag.log || exit 1; fi
    $LGPIN "$LG" 192.0.2.1 --psk lg-bench-psk --count $WARMUP --concurrency 10 --teardown --reuse-dh --netns $CL --id "w$run-{n}@loadgen" --quiet >/dev/null 2>&1
    local CMD="$LGPIN $LG 192.0.2.1 --psk lg-bench-psk --rate $rate --count $count --teardown --reuse-dh --netns $CL --id s$run-{n}@loadgen --responder-pid $PID --json $J"
    timeout 150 $CMD >$T 2>&1
    echo "$resp rate=$rate $tag exit=$? : ${CMD//$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
    stop_responder
    [ $resp = concentrator ] && shrink_log $OUT/$resp-$tag.log
}

echo "RATES=\"$RATES\" DURATION=$DURATION PIN=$PIN REPEAT=$REPEAT WARMUP=$WARMUP LAB_POOL=$LAB_POOL, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), strongSwan $SSV" | tee $OUT/runs.txt
for r in $(seq $REPEAT); do
    for rate in $RATES; do
        for resp in $RESPONDERS; do one $resp $rate "r$rate-$r"; done
    done
done
# half of each responder's sustained rate
for resp in $RESPONDERS; do
    half=$(python3 "$ROOT/scripts/lib/rate-sweep-table.py" "$OUT" --sustained $resp)
    [ -z "$half" ] && { echo "$resp: no rate without failures" | tee -a $OUT/runs.txt; continue; }
    half=$(python3 -c "print(f'{$half / 2:g}')")
    for r in $(seq $REPEAT); do one $resp $half "half$half-$r"; done
done
python3 "$ROOT/scripts/lib/rate-sweep-table.py" "$OUT" "$SSV" | tee $OUT/table.md
"$ROOT/scripts/lib/rate-sweep-plot.sh" "$OUT"
echo "results in $OUT"
