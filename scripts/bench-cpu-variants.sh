#!/bin/bash
# Responder CPU per setup of Concentrator variants, interleaved in one run (a benchmark, not a test: scripts/test.sh
# does not run it). Each variant is a Host build, an environment and extra HOCON; per trial every variant runs once,
# in the order given, each on a fresh Host in netns $NS_PREFIX-gw (192.0.2.1), driven from $NS_PREFIX-cl by the
# project's load generator (DRV=loadgen: --count COUNT --concurrency 50 --teardown) or by strongSwan's load-tester
# (DRV=loadtester, the initiator of scripts/bench-vs-loadtester.sh; the responder's CPU from before the first setup
# until all are established). Same lab as scripts/bench-vs-loadtester.sh (scripts/lib/loadgen-lab.sh). Prints the
# median CPU µs/setup per variant and its ratio to the first variant.
#
#   scripts/bench-cpu-variants.sh "NAME|HOST|ENV|EXTRA HOCON" ...
#   B=/tmp/main-build/concentrator; C=src/Concentrator.Host/bin/Release/net10.0/concentrator
#   TRIALS=8 scripts/bench-cpu-variants.sh "base|$B|" "spin0|$B|DOTNET_ThreadPool_UnfairSemaphoreSpinLimit=0" \
#       "fj8|$B||akka.actor.default-dispatcher.executor = fork-join-executor" "cand|$C|"
#   DRV=loadtester TRIALS=5 COUNT=2000 NS_PREFIX=bcv OUT=bench/results/x ...
# EXTRA is appended to the Host's concentrator.conf for that variant only. Builds the load generator (and the
# load-tester on first use); the Hosts are taken as given.
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
TRIALS=${TRIALS:-5}
COUNT=${COUNT:-2000}
DRV=${DRV:-loadgen}
NS_PREFIX=${NS_PREFIX:-bcv}
OUT=${OUT:-$ROOT/bench/results/cpu-variants-$(date -u +%Y%m%dT%H%M%SZ)}
[ $# -ge 1 ] || { sed -n 2,17p "$0"; exit 64; }
PROPOSAL=aes256gcm16-prfsha256-x25519
. "$ROOT/scripts/lib/loadgen-lab.sh"
. "$ROOT/scripts/lib/load-tester-lab.sh"
GW=$NS_PREFIX-gw CL=$NS_PREFIX-cl
D=$(mktemp -d /tmp/bench-cpu-XXXXXX)
LAB_DPD=0s
cleanup() { stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
dotnet build "$ROOT/bench/Concentrator.LoadGen" -c Release -v q -nologo >/dev/null || { echo "build of the load generator failed"; exit 1; }
LG="$ROOT/bench/Concentrator.LoadGen/bin/Release/net10.0/concentrator-loadgen"
if [ "$DRV" = loadtester ]; then
    LT=$("$ROOT/scripts/lib/strongswan-load-tester.sh") || { echo "building strongSwan's load-tester failed"; exit 1; }
fi
sample() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null; }   # utime + stime, clock ticks
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$1/status 2>/dev/null; }
TICK=$(getconf CLK_TCK)
mkdir -p "$OUT"
lab_prepare
echo "DRV=$DRV TRIALS=$TRIALS COUNT=$COUNT, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ); variants: $*" | tee "$OUT/runs.txt"
for t in $(seq "$TRIALS"); do
  for v in "$@"; do
    IFS='|' read -r name HOST CONC_ENV EXTRA <<<"$v"
    D0=$D
    if [ -n "${EXTRA:-}" ]; then
        mkdir -p "$D/v-$name"; cp -r "$D/conc" "$D/v-$name/"; echo "$EXTRA" >>"$D/v-$name/conc/concentrator.conf"; D=$D/v-$name
    fi
    base=$OUT/$name-t$t
    start_concentrator "$base.log" || { stop_responder; D=$D0; continue; }
    load0=$(cut -d' ' -f1 /proc/loadavg)
    if [ "$DRV" = loadgen ]; then
        timeout 600 "$LG" 192.0.2.1 --psk lg-bench-psk --count "$COUNT" --concurrency 50 --teardown \
            --netns $CL --id "t$t-c{n}@loadgen" --responder-pid "$PID" --json "$base.json" --quiet >"$base.txt" 2>&1
    else
        c0=$(sample $PID); r0=$(rss $PID)
        lt_done() { c1=$(sample $PID); r1=$(rss $PID); }
        run_lt_initiator "$COUNT" 50 "$base.initiator.log" lt_done
        python3 "$ROOT/scripts/lib/load-tester-log.py" "$base.initiator.log" "$COUNT" --cpu-ticks "$((c1 - c0))" \
            --tick "$TICK" --rss0 "$r0" --rss1 "$r1" --json "$base.json" >"$base.txt"
        rm -f "$base.initiator.log"
    fi
    echo "t$t $name load=$load0: $(grep -h -o 'responder.*' "$base.txt" | tail -1)" | tee -a "$OUT/runs.txt"
    stop_responder; shrink_log "$base.log"; D=$D0
  done
done
python3 - "$OUT" "$@" <<'PY' | tee "$OUT/table.md"
import glob, json, statistics, sys
out, names = sys.argv[1], [v.split('|')[0] for v in sys.argv[2:]]
med = {}
print("| variant | runs | CPU µs/setup (median) | per trial | setups/s (median) | ratio to " + names[0] + " |")
print("|---|---:|---:|---|---:|---:|")
for n in names:
    xs = [json.load(open(f)) for f in sorted(glob.glob(f"{out}/{n}-t*.json"))]
    cpu = [x["responderCpuMsPerSetup"] * 1000 for x in xs]
    if not cpu:
        print(f"| {n} | 0 | n/a | | | |"); continue
    med[n] = statistics.median(cpu)
    ratio = f"{med[n] / med[names[0]]:.2f}" if names[0] in med else "n/a"
    print(f"| {n} | {len(cpu)} | {med[n]:.0f} | {' '.join(str(round(c)) for c in cpu)} | "
          f"{statistics.median(x['setupsPerSecond'] for x in xs):.0f} | {ratio} |")
PY
echo "results in $OUT"
