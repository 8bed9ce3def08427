#!/bin/bash
# Side by side: the same load-generator settings against strongSwan 5.9 (charon-systemd + kernel-libipsec) and
# against Concentrator (src/Concentrator.Host, userspace dataplane: TUN ipsec1, no kernel ESP on this machine).
# Both responders: PSK, IKE aes256gcm16-prfsha256-x25519, ESP aes256gcm16, pool 10.99.0.0/16, one CHILD SA
# (local_ts 198.51.100.0/24), cookie / half-open thresholds lifted because every client uses one source address.
# Topology per responder: netns lg-sbs-gw (192.0.2.1, responder) <veth> lg-sbs-cl (192.0.2.2, load generator).
# A fresh responder process per level (memory per SA is measured from the same start); every run ends with
# --teardown. Prints one table, writes JSON + text table to $OUT (default bench/results/side-by-side-<UTC time>).
#
#   COUNT=1000 LEVELS="1 10 50" scripts/loadgen-side-by-side.sh
#   REPEAT=3 ...        # every (responder, level) REPEAT times, interleaved; the table quotes medians
#   CONC_ENV="DOTNET_ThreadPool_ForceMinWorkerThreads=0x40" ...   # environment for the Concentrator process
#   VERBOSE=1 ...       # print the load generator's output (progress lines + report; always kept in $OUT/*.txt)
set -u
COUNT=${COUNT:-1000}
LEVELS=${LEVELS:-"1 10 50"}
REPEAT=${REPEAT:-1}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/side-by-side-$STAMP}
GW=lg-sbs-gw CL=lg-sbs-cl
D=$(mktemp -d /tmp/lg-sbs-XXXXXX)
cleanup() { stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT

lab_build

lab_netns_up


# ---- strongSwan -------------------------------------------------------------------------------------------
lab_strongswan_conf
export STRONGSWAN_CONF=$D/strongswan.conf

# ---- Concentrator -----------------------------------------------------------------------------------------
lab_concentrator_conf

SSV=$(swanctl --version 2>&1 | grep -o '[0-9]\+\.[0-9]\+\.[0-9]\+' | head -1)
echo "COUNT=$COUNT LEVELS=\"$LEVELS\" REPEAT=$REPEAT EXTRA=\"${EXTRA:-}\" CONC_ENV=\"${CONC_ENV:-}\", $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), strongSwan $SSV" | tee $OUT/runs.txt
run=0
for r in $(seq $REPEAT); do
  for c in $LEVELS; do
    for resp in strongswan concentrator; do
        run=$((run + 1))
        J=$OUT/$resp-c$c-r$r.json; T=$OUT/$resp-c$c-r$r.txt
        if [ $resp = strongswan ]; then start_strongswan || exit 1
        else start_concentrator $OUT/concentrator-c$c-r$r.log || { stop_responder; continue; }; fi
        CONC="--concurrency $c"; [ "$c" = 0 ] && CONC=""
        CMD="$LG 192.0.2.1 --psk lg-bench-psk --count $COUNT $CONC ${EXTRA:-} --teardown --netns $CL --id r$run-c{n}@loadgen --responder-pid $PID --json $J"
        timeout 600 $CMD >$T 2>&1
        echo "$resp c=$c rep=$r exit=$? : ${CMD/$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
        [ -n "${VERBOSE:-}" ] && cat $T
        if [ $resp = concentrator ] && ! kill -0 $PID 2>/dev/null; then echo "  concentrator died during the run" | tee -a $OUT/runs.txt; PID=; fi
        stop_responder
        [ $resp = concentrator ] && shrink_log $OUT/concentrator-c$c-r$r.log
    done
  done
done

python3 - "$OUT" "$LEVELS" "$REPEAT" "$COUNT" "$SSV" <<'PY' | tee $OUT/table.md
import json, os, statistics, sys
out, levels, rep, count, ssv = sys.argv[1], sys.argv[2].split(), int(sys.argv[3]), sys.argv[4], sys.argv[5]
def load(resp, c):
    rs = []
    for r in range(1, rep + 1):
        p = f"{out}/{resp}-c{c}-r{r}.json"
        if os.path.exists(p): rs.append(json.load(open(p)))
    return rs
def med(rs, f):
    v = [f(x) for x in rs]
    return statistics.median(v) if v else None
M = {"setups/s": lambda x: x["setupsPerSecond"], "CPU ms/setup": lambda x: x.get("responderCpuMsPerSetup", 0),
     "p99 ms": lambda x: x["latencyMs"]["p99"], "KiB/SA": lambda x: x.get("responderRssKiBPerSa", 0)}
summary = {"count": int(count), "repeat": rep, "levels": {}}
print(f"strongSwan {ssv}: charon-systemd + kernel-libipsec (ESP in userspace inside charon). "
      f"Concentrator: Concentrator.Host, userspace dataplane (TUN ipsec1); this kernel has no ESP/xfrm interfaces.")
print(f"{count} setups per run, {'median of ' + str(rep) + ' runs' if rep > 1 else 'one run'} per cell; ratio = Concentrator / strongSwan.\n")
print("| concurrency | metric | strongSwan | Concentrator | ratio C/S |")
print("|---:|---|---:|---:|---:|")
for c in levels:
    s, k = load("strongswan", c), load("concentrator", c)
    summary["levels"][c] = {}
    for name, f in M.items():
        a, b = med(s, f), med(k, f)
        ratio = (b / a) if a and b is not None else None
        summary["levels"][c][name] = {"strongswan": a, "concentrator": b, "ratio": ratio}
        fmt = lambda v: "n/a" if v is None else f"{v:.2f}"
        print(f"| {c} | {name} | {fmt(a)} | {fmt(b)} | {'n/a' if ratio is None else f'{ratio:.2f}'} |")
    for resp, rs in (("strongSwan", s), ("Concentrator", k)):
        summary["levels"][c][resp + " runs"] = [dict({n: f(x) for n, f in M.items()}, failed=x["failed"],
            retransmits=x.get("retransmits"), loadGenCpuMsPerSetup=x.get("loadGenCpuMsPerSetup")) for x in rs]
        fails = [x["failed"] for x in rs]
        summary["levels"][c][resp + " failed"] = fails
        if any(fails):
            causes = [x.get("failuresByCause") for x in rs]
            summary["levels"][c][resp + " failuresByCause"] = causes
            print(f"| {c} | {resp} failed | {fails} of {count} | {causes} | |")
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
PY
echo "results in $OUT"
