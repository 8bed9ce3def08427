#!/bin/bash
# The anchor: Concentrator against strongSwan at its best, in one interleaved run (a benchmark, not a test:
# scripts/test.sh does not run it). Three responders, each fresh for every trial, in netns $NS_PREFIX-gw
# (192.0.2.1), driven from netns $NS_PREFIX-cl (192.0.2.2):
#   ss-fake      strongSwan 5.9.8 (Debian's source, private build) with the load-tester plugin's fake kernel
#                (SA/policy installs are no-ops: no dataplane cost at all) and ikesa_table_size = 4096
#   ss-libipsec  the same build with kernel-libipsec (ESP in userspace over TUN), same table size
#   concentrator src/Concentrator.Host (the build `dotnet run -c Release --project src/Concentrator.Host` runs),
#                userspace dataplane (TUN ipsec1): this kernel has no ESP and no xfrm interfaces
# and two drivers for each: strongSwan's own load-tester as initiator (an independent client) and the project's
# load generator (bench/Concentrator.LoadGen). Same terms for all: PSK, IKE aes256gcm16-prfsha256-x25519, ESP
# aes256gcm16, a virtual IP from 10.99.0.0/16, one CHILD SA to 198.51.100.0/24, COOKIE and half-open throttles
# lifted (every client comes from one address), no logging per SA. Order per trial: for each driver, the three
# responders one after the other, so all of them see the same background load on a shared machine.
# Reported per (driver, responder), medians over the trials: setups/s, responder CPU µs per setup (utime+stime
# of the responder process from before the first setup until all are established), responder RSS KiB per SA
# (VmRSS growth over the same span, SAs held, / SAs), p50 and
# p99 setup latency (IKE_SA_INIT sent to IKE_AUTH answered); and the ratios Concentrator / each strongSwan.
# The first run builds strongSwan with the load-tester plugin into /opt/strongswan-lt (scripts/lib/
# strongswan-load-tester.sh, 7-10 minutes on 2 cores); later runs reuse it.
#
#   scripts/bench-vs-loadtester.sh                        # COUNT=2000 CONCURRENCY=50 TRIALS=3
#   TRIALS=5 COUNT=1000 scripts/bench-vs-loadtester.sh
#   RESPONDERS="ss-fake concentrator" DRIVERS=loadtester ...   # a subset
#   HOST=/path/to/other/concentrator CONC_ENV="DOTNET_TieredPGO=0" ...   # another build / environment
#   BASE_HOST=/path/to/baseline/concentrator RESPONDERS="ss-fake concentrator-base concentrator" ...
#       # a before/after pair in the same run: responder concentrator-base is BASE_HOST (e.g. main's build copied
#       # aside) with BASE_ENV as its environment, interleaved with this tree's build; the ratios then include
#       # Concentrator / the baseline
# Output: bench/results/vs-loadtester-<UTC time>/ (table.md, summary.json, every run's raw numbers and logs).
set -u
COUNT=${COUNT:-2000}
CONCURRENCY=${CONCURRENCY:-50}
TRIALS=${TRIALS:-3}
RESPONDERS=${RESPONDERS:-"ss-fake ss-libipsec concentrator"}
DRIVERS=${DRIVERS:-"loadtester loadgen"}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
. "$ROOT/scripts/lib/load-tester-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/vs-loadtester-$STAMP}
NS_PREFIX=${NS_PREFIX:-blt}
GW=$NS_PREFIX-gw CL=$NS_PREFIX-cl
D=$(mktemp -d /tmp/bench-vs-lt-XXXXXX)
LAB_DPD=0s   # strongSwan's connection has no DPD either
cleanup() { stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT

LT=$("$ROOT/scripts/lib/strongswan-load-tester.sh") || { echo "building strongSwan's load-tester failed"; exit 1; }
CUSTOM_HOST=${HOST:-}
lab_build
[ -n "$CUSTOM_HOST" ] && HOST=$CUSTOM_HOST
lab_prepare
for m in fake libipsec; do lt_responder_conf $m; done

sample() { awk '{ print $14 + $15 }' /proc/$1/stat 2>/dev/null; }   # utime + stime, clock ticks
rss() { awk '/^VmRSS:/ { print $2 }' /proc/$1/status 2>/dev/null; }
TICK=$(getconf CLK_TCK)

echo "COUNT=$COUNT CONCURRENCY=$CONCURRENCY TRIALS=$TRIALS RESPONDERS=\"$RESPONDERS\" DRIVERS=\"$DRIVERS\" CONC_ENV=\"${CONC_ENV:-}\" LT_INITIATORS=${LT_INITIATORS:-4} LT_DELAY=${LT_DELAY:-1}, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), strongSwan $(cat "$LT/.built") ($LT), Concentrator $(git -C "$ROOT" rev-parse --short HEAD)" | tee "$OUT/runs.txt"
for t in $(seq "$TRIALS"); do
  for drv in $DRIVERS; do
    for resp in $RESPONDERS; do
        base=$OUT/$drv-$resp-t$t
        case $resp in
            ss-fake) start_lt_responder fake || { stop_responder; continue; } ;;
            ss-libipsec) start_lt_responder libipsec || { stop_responder; continue; } ;;
            concentrator) start_concentrator "$base.log" || { stop_responder; continue; } ;;
            concentrator-base) HOST=$BASE_HOST CONC_ENV=${BASE_ENV:-} start_concentrator "$base.log" || { stop_responder; continue; } ;;
        esac
        load0=$(cut -d' ' -f1 /proc/loadavg)
        if [ $drv = loadgen ]; then
            timeout 600 "$LG" 192.0.2.1 --psk lg-bench-psk --count "$COUNT" --concurrency "$CONCURRENCY" --teardown \
                --netns $CL --id "t$t-c{n}@loadgen" --responder-pid "$PID" --json "$base.json" --quiet >"$base.txt" 2>&1
            rc=$?
        else
            c0=$(sample $PID); r0=$(rss $PID)
            lt_done() { c1=$(sample $PID); r1=$(rss $PID); }   # all COUNT established and still held
            run_lt_initiator "$COUNT" "$CONCURRENCY" "$base.initiator.log" lt_done
            rc=$?
            python3 "$ROOT/scripts/lib/load-tester-log.py" "$base.initiator.log" "$COUNT" \
                --cpu-ticks "$((c1 - c0))" --tick "$TICK" --rss0 "$r0" --rss1 "$r1" --json "$base.json" >"$base.txt"
        fi
        echo "t$t $drv $resp rc=$rc load=$load0..$(cut -d' ' -f1 /proc/loadavg): $(head -1 "$base.txt" 2>/dev/null)" | tee -a "$OUT/runs.txt"
        if [[ $resp = concentrator* ]] && ! kill -0 "$PID" 2>/dev/null; then echo "  concentrator died during the run" | tee -a "$OUT/runs.txt"; PID=; fi
        stop_responder
        [[ $resp = concentrator* ]] && shrink_log "$base.log"
    done
  done
done
python3 "$ROOT/scripts/lib/vs-loadtester-table.py" "$OUT" "$TRIALS" "$COUNT" "$CONCURRENCY" "$RESPONDERS" "$DRIVERS" | tee "$OUT/table.md"
echo "results in $OUT"
