#!/bin/bash
# `concentrator list-sas` end to end against the real Host holding SIZE SAs from the load generator (issue 14:
# "streamed, so 100,000 SAs list in under 1 s"). Same lab and connection as scripts/loadgen-held-memory.sh (pool
# 10.96.0.0/14 so 100,000 clients fit, DPD off), plus a management socket in the temp dir:
#   1. a fresh Host (README command 1's binary, `concentrator run --config …`) in netns $GW;
#   2. loadgen "hold": SIZE clients at concurrency CONC, --reuse-dh, held until the listings are done;
#   3. when all SIZE are established and SETTLE s passed, RUNS rounds of, in this order:
#        json     `concentrator list-sas --json --socket S`            (the JSON array as streamed)
#        table    `concentrator list-sas --socket S`                   (the human table: the CLI parses the array)
#        filtered `concentrator list-sas --json --identity ID --socket S` (one SA of SIZE matches)
#        curl     `curl --unix-socket S http://concentrator/sas`       (the daemon and socket only, no CLI start-up)
#      each: wall time (date +%s%N around the command), bytes written to stdout, the daemon's VmRSS before, its
#      peak during (VmHWM after `echo 5 > /proc/PID/clear_refs` reset it, plus VmRSS sampled every ~5 ms) and
#      VmRSS after; CPU time (user + system) of the daemon (/proc/PID/stat) and of the client command
#      (/usr/bin/time): on these shared cores the wall time is mostly waiting for a core, the CPU time is the work;
#      PAUSE s between listings;
#   4. the daemon's System.Runtime counters (dotnet-counters, 1 s) run through all listings: GC heap before,
#      the largest during, after, and the bytes the daemon allocated over each kind's listings.
# Medians over RUNS by bench/../scripts/lib/list-sas-table.py. Results: bench/results/list-sas-<UTC>/.
#
#   scripts/loadgen-list-sas.sh                      # SIZE=100000 RUNS=7
#   NS_PREFIX=h2l SIZE=10000 RUNS=3 scripts/loadgen-list-sas.sh
#   TRACE=1 ...                                    # then a dotnet-trace CPU sample of 3 more listings (trace-*.txt)
#   PERF=1 ...                                     # then `perf record -g` of the daemon over 3 more curl listings
#                                                  # (DOTNET_PerfMapEnabled=1 and W^X off on the Host; perf-*.txt)
#   GCDUMP=1 ...                                   # a dotnet-gcdump (full GC) before and after the listings:
#                                                  # gcdump-before.txt / gcdump-after.txt (heap by type)
#   NO_BUILD=1 HOST_BIN=/x/concentrator LG_BIN=/y/concentrator-loadgen CLI=/z/concentrator ...  # other builds
set -u
SIZE=${SIZE:-100000}
RUNS=${RUNS:-7}
CONC=${CONC:-20}
SETTLE=${SETTLE:-10}
PAUSE=${PAUSE:-3}
export LAB_POOL=${LAB_POOL:-10.96.0.0/14} LAB_DPD=${LAB_DPD:-0s}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/list-sas-$STAMP}
GW=${NS_PREFIX:-lg-ls}-gw CL=${NS_PREFIX:-lg-ls}-cl   # NS_PREFIX=x: namespaces x-gw and x-cl
D=$(mktemp -d /tmp/lg-ls-XXXXXX)
SOCK=$D/conc.sock
HOLDER= COUNTERS= SAMPLER=
cleanup() {
    for p in $SAMPLER $COUNTERS $HOLDER; do kill $p 2>/dev/null; done
    stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"
}
trap cleanup EXIT
export PATH="$PATH:$HOME/.dotnet/tools"
command -v dotnet-counters >/dev/null || dotnet tool install -g dotnet-counters >/dev/null || { echo "cannot install dotnet-counters"; exit 1; }
if [ -n "${NO_BUILD:-}" ]; then   # NO_BUILD=1: the binaries already built (lab_build's paths)
    LG=${LG_BIN:-$ROOT/bench/Concentrator.LoadGen/bin/Release/net10.0/concentrator-loadgen}
    HOST=${HOST_BIN:-$ROOT/src/Concentrator.Host/bin/Release/net10.0/concentrator}
    mkdir -p "$OUT"
else
    lab_build
fi
lab_prepare
CLI=${CLI:-$HOST}   # the client of the listings (another build's CLI against this daemon)
[ -n "${PERF:-}" ] && export CONC_ENV="${CONC_ENV:-} DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0"   # W^X off: JIT code not run from a double mapping perf cannot name
# the management endpoint on a socket of this run (HOCON merges this into the block above)
echo "concentrator.management.socket = \"$SOCK\"" >>$D/conc/concentrator.conf

cpu_ms() { awk '{print ($14 + $15) * 10}' /proc/$PID/stat; }   # utime + stime, 100 Hz ticks
status_kib() { awk -v k="$1:" '$1 == k {print $2}' /proc/$PID/status; }
finished() { grep -o 'established [0-9]*  failed [0-9]*' "$1" | tail -1 | awk '{print $2 + $4}'; }

echo "SIZE=$SIZE RUNS=$RUNS CONC=$CONC SETTLE=$SETTLE PAUSE=$PAUSE LAB_POOL=$LAB_POOL LAB_DPD=$LAB_DPD, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/runs.txt
start_concentrator $OUT/host.log || exit 1
for i in $(seq 100); do [ -S $SOCK ] && break; sleep 0.1; done
CMD="$LG 192.0.2.1 --psk lg-bench-psk --count $SIZE --concurrency $CONC --hold 3600 --reuse-dh --netns $CL --id hold-{n}@loadgen"
echo "hold: ${CMD//$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
$CMD >$OUT/hold.txt 2>&1 &
HOLDER=$!
t0=$(date +%s)
until [ "$(finished $OUT/hold.txt)" = "$SIZE" ]; do
    kill -0 $HOLDER 2>/dev/null || { echo "hold run ended early:"; tail -5 $OUT/hold.txt; exit 1; }
    sleep 1
done
echo "all $SIZE finished after $(( $(date +%s) - t0 )) s: $(grep 'established' $OUT/hold.txt | tail -1)" | tee -a $OUT/runs.txt
sleep $SETTLE

# One identity of the held ones (the load generator numbers them from 1).
FILTER_ID=hold-$(( SIZE / 2 ))@loadgen
kinds=(json table filtered curl)
declare -A KCMD=(
    [json]="$CLI list-sas --json --socket $SOCK"
    [table]="$CLI list-sas --socket $SOCK"
    [filtered]="$CLI list-sas --json --identity $FILTER_ID --socket $SOCK"
    [curl]="curl -sS --unix-socket $SOCK http://concentrator/sas"
)
for k in "${kinds[@]}"; do echo "$k: ${KCMD[$k]//$CLI/concentrator}" | tee -a $OUT/runs.txt; done

command -v dotnet-gcdump >/dev/null || dotnet tool install -g dotnet-gcdump >/dev/null
if [ -n "${GCDUMP:-}" ]; then
    dotnet-gcdump collect -p $PID -o $D/before.gcdump >/dev/null 2>&1
    dotnet-gcdump report $D/before.gcdump 2>&1 | head -60 >$OUT/gcdump-before.txt
fi
dotnet-counters collect -p $PID --counters System.Runtime --format csv --refresh-interval 1 -o $OUT/counters.csv >/dev/null 2>&1 &
COUNTERS=$!
sleep 3
echo "run,kind,startNs,endNs,exit,bytes,rssBeforeKiB,hwmDuringKiB,rssSampledMaxKiB,rssAfterKiB,loadavg1,daemonCpuMs,clientCpuMs" >$OUT/listings.csv
for r in $(seq $RUNS); do
  for k in "${kinds[@]}"; do
    before=$(status_kib VmRSS)
    echo 5 >/proc/$PID/clear_refs   # resets VmHWM to the current RSS
    ( while :; do awk '$1 == "VmRSS:" {print $2}' /proc/$PID/status; sleep 0.005; done ) >$D/rss.txt 2>/dev/null &
    SAMPLER=$!
    c0=$(cpu_ms)
    s=$(date +%s%N)
    /usr/bin/time -f "%U %S" -o $D/time ${KCMD[$k]} >$D/out 2>$D/err
    rc=$?
    e=$(date +%s%N)
    c1=$(cpu_ms)
    ccpu=$(awk '{printf "%d", ($1 + $2) * 1000}' $D/time)
    kill $SAMPLER; wait $SAMPLER 2>/dev/null; SAMPLER=
    hwm=$(status_kib VmHWM)
    smax=$(sort -n $D/rss.txt | tail -1)
    after=$(status_kib VmRSS)
    bytes=$(wc -c <$D/out)
    [ $rc = 0 ] || { echo "$k run $r exit $rc: $(head -c 300 $D/err)" | tee -a $OUT/runs.txt; }
    [ $r = 1 ] && head -c 2000 $D/out >$OUT/sample-$k.txt
    echo "$r,$k,$s,$e,$rc,$bytes,$before,$hwm,${smax:-0},$after,$(cut -d' ' -f1 /proc/loadavg),$(( c1 - c0 )),$ccpu" >>$OUT/listings.csv
    printf '%s run %d: %d ms, %d bytes, rss %d -> peak %d KiB, cpu daemon %d ms client %d ms\n' $k $r $(( (e - s) / 1000000 )) $bytes $before $hwm $(( c1 - c0 )) $ccpu | tee -a $OUT/runs.txt
    sleep $PAUSE
  done
done
sleep 2
kill $COUNTERS; wait $COUNTERS 2>/dev/null; COUNTERS=
# Is what the listings left behind garbage? A forced full GC (dotnet-gcdump collect induces one), then the heap again.
dotnet-gcdump collect -p $PID -o $D/after.gcdump >/dev/null 2>&1
[ -n "${GCDUMP:-}" ] && dotnet-gcdump report $D/after.gcdump 2>&1 | head -60 >$OUT/gcdump-after.txt
dotnet-counters collect -p $PID --counters System.Runtime --format csv -o $OUT/after-gc.csv --duration 00:00:04 >/dev/null 2>&1
echo "after a forced full GC: VmRSS $(status_kib VmRSS) KiB" | tee -a $OUT/runs.txt
if [ -n "${TRACE:-}" ]; then
    # TRACE=1: where the daemon's time goes, after the measured listings: thread stacks sampled over 3 curl listings
    command -v dotnet-trace >/dev/null || dotnet tool install -g dotnet-trace >/dev/null
    dotnet-trace collect -p $PID --profile dotnet-common,dotnet-sampled-thread-time --duration 00:00:01:${TRACE_S:-00} -o $D/listing.nettrace >/dev/null 2>&1 &
    TRACER=$!
    sleep 5
    for i in 1 2 3; do ${KCMD[curl]} >/dev/null; done
    wait $TRACER 2>/dev/null   # a minute in all (TRACE_S more seconds): the listings fit in it
    dotnet-trace report $D/listing.nettrace topN -n 40 --inclusive >$OUT/trace-inclusive.txt 2>&1
    dotnet-trace report $D/listing.nettrace topN -n 40 >$OUT/trace-exclusive.txt 2>&1
fi
if [ -n "${PERF:-}" ]; then
    # PERF=1: where the daemon's CPU goes during 3 curl listings (the JIT'd frames named through /tmp/perf-PID.map)
    perf record -F 499 -g -p $PID -o $D/perf.data >/dev/null 2>&1 &
    PERFER=$!
    sleep 2
    for i in 1 2 3; do ${KCMD[curl]} >/dev/null; done
    kill -INT $PERFER; wait $PERFER 2>/dev/null
    perf report -i $D/perf.data --no-children --stdio --sort symbol 2>/dev/null | grep -v '^$' | head -150 >$OUT/perf-self.txt
    perf report -i $D/perf.data --children --stdio --sort symbol -g none 2>/dev/null | grep -v '^$' | head -120 >$OUT/perf-inclusive.txt
fi
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a $OUT/runs.txt
kill $HOLDER 2>/dev/null; wait $HOLDER 2>/dev/null; HOLDER=
stop_responder
shrink_log $OUT/host.log
# the shutdown's one line per SA (a Delete to each client) too: their count, the first 3
n=$(grep -c 'IkeSaActor\[4000\]' $OUT/host.log)
{ echo "# omitted: $n IkeSaActor[4000] lines (shutdown); the first 3:"; grep -m3 'IkeSaActor\[4000\]' $OUT/host.log; grep -v 'IkeSaActor\[4000\]' $OUT/host.log; } >$OUT/host.log.tmp && mv $OUT/host.log.tmp $OUT/host.log
python3 "$ROOT/scripts/lib/list-sas-table.py" "$OUT" | tee $OUT/table.md
echo "results in $OUT"
