#!/bin/bash
# The setup rate with the metrics listener on against off, same run (issue 14: overhead at most 3 %). The lab of
# scripts/lib/loadgen-lab.sh (namespaces cmet-lg-*), a fresh Concentrator per run, alternating off/on; "on" has
# concentrator.metrics.listen on the gateway namespace's loopback and is scraped once a second during the run (a
# Prometheus scrapes every 15-60 s: this is the pessimistic case), the status page once too. Ratios are on/off of
# the medians.
#
#   COUNT=2000 C=20 REPEAT=5 scripts/loadgen-metrics.sh
set -u
COUNT=${COUNT:-2000}
C=${C:-20}
REPEAT=${REPEAT:-5}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/metrics-on-off-$STAMP}
GW=cmet-lg-gw CL=cmet-lg-cl
D=$(mktemp -d /tmp/cmet-lg-XXXXXX)
SCRAPER=
cleanup() { [ -n "$SCRAPER" ] && kill $SCRAPER 2>/dev/null; stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT

lab_build
lab_netns_up
lab_concentrator_conf
cp $D/conc/concentrator.conf $D/conc/off.conf
{ cat $D/conc/off.conf; echo 'concentrator.metrics.listen = "127.0.0.1:9500"'; } > $D/conc/on.conf

echo "COUNT=$COUNT C=$C REPEAT=$REPEAT, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/runs.txt
for r in $(seq $REPEAT); do
  for mode in off on; do
    cp $D/conc/$mode.conf $D/conc/concentrator.conf
    J=$OUT/$mode-r$r.json; T=$OUT/$mode-r$r.txt
    start_concentrator $OUT/concentrator-$mode-r$r.log || { stop_responder; continue; }
    if [ $mode = on ]; then
      ( while sleep 1; do ip netns exec $GW curl -sf http://127.0.0.1:9500/metrics >/dev/null; done ) &
      SCRAPER=$!
      ip netns exec $GW curl -sf http://127.0.0.1:9500/status >$OUT/status-r$r.html
    fi
    CMD="$LG 192.0.2.1 --psk lg-bench-psk --count $COUNT --concurrency $C --teardown --netns $CL --id $mode-r$r-c{n}@loadgen --responder-pid $PID --json $J --quiet"
    timeout 600 $CMD >$T 2>&1
    echo "$mode rep=$r exit=$? : ${CMD/$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
    if [ $mode = on ]; then
      ip netns exec $GW curl -sf http://127.0.0.1:9500/metrics >$OUT/metrics-r$r.txt
      kill $SCRAPER 2>/dev/null; wait $SCRAPER 2>/dev/null; SCRAPER=
    fi
    stop_responder
    shrink_log $OUT/concentrator-$mode-r$r.log
  done
done

python3 - "$OUT" "$REPEAT" "$COUNT" "$C" <<'PY' | tee $OUT/table.md
import json, os, statistics, sys
out, rep, count, c = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def runs(mode): return [json.load(open(p)) for p in (f"{out}/{mode}-r{r}.json" for r in range(1, rep + 1)) if os.path.exists(p)]
M = {"setups/s": lambda x: x["setupsPerSecond"], "responder CPU ms/setup": lambda x: x.get("responderCpuMsPerSetup", 0),
     "p50 ms": lambda x: x["latencyMs"]["p50"], "p99 ms": lambda x: x["latencyMs"]["p99"], "failed": lambda x: x["failed"]}
def med(rs, f): return statistics.median([f(x) for x in rs]) if rs else None
def fmt(v): return "n/a" if v is None else f"{v:.2f}"
print(f"{count} setups per run at concurrency {c}, median of {rep} runs (runs: {[round(x['setupsPerSecond'], 1) for x in runs('off')]} off, {[round(x['setupsPerSecond'], 1) for x in runs('on')]} on setups/s)\n")
print("| metric | metrics off | metrics on | ratio on/off |")
print("|---|---:|---:|---:|")
for name, f in M.items():
    a, b = med(runs("off"), f), med(runs("on"), f)
    print(f"| {name} | {fmt(a)} | {fmt(b)} | {(f'{b / a:.3f}' if a else 'n/a')} |")
PY
echo "results in $OUT"
