#!/bin/bash
# Issue 15, Performance: setups/s of a 3-node cluster against a single node on this box, cross-node messages per 1,000
# setups and the pool block hand-out latency. Three Host processes in three network namespaces on one bridge
# (h2kb-n1..3, 192.0.2.11-13, as Host.Tests' ClusterLab) against one Host (cluster off) in h2kb-n1; the load generator is
# three processes, one per client namespace (h2kb-c1..3, 192.0.2.21-23), COUNT/3 setups each, all at once: in the
# 3-node trials each targets its own node, in the 1-node trials all target node 1. Same total setups, fresh Hosts per
# trial, trials interleaved (1-node and 3-node alternate, the order flipped each repetition), medians reported.
# setups/s of a trial = all setups established / the longest of the three load generators' setup windows.
# Cross-node messages: the sum over nodes of `concentrator stats --json` clusterMessages, after the run minus before
# it (the cluster formed and every node admitting). Block hand-outs: every node's log lines of event 13320 (from
# "needs a block" to "owns it"), during the run and formation, pooled over the 3-node trials.
#
#   COUNT=3000 C=10 REPEAT=3 scripts/bench-cluster.sh
set -u
COUNT=${COUNT:-3000}
C=${C:-10}
REPEAT=${REPEAT:-3}
POOL=${POOL:-10.96.0.0/16}
BLOCK=${BLOCK:-24}
LOW=${LOW:-1000}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/cluster-$STAMP}
P=${P:-h2kb}  # namespace prefix
D=$(mktemp -d /tmp/h2kb-XXXXXX)
PIDS=()
stop_hosts() {
    for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null; done
    for p in "${PIDS[@]}"; do for i in $(seq 100); do kill -0 "$p" 2>/dev/null || break; sleep 0.1; done; kill -9 "$p" 2>/dev/null; wait "$p" 2>/dev/null; done
    PIDS=()
}
cleanup() { stop_hosts; for n in n1 n2 n3 c1 c2 c3 hub; do ip netns del $P-$n 2>/dev/null; done; rm -rf "$D"; }
trap cleanup EXIT

lab_build
ip netns add $P-hub
ip -n $P-hub link add br0 type bridge; ip -n $P-hub link set br0 up
for i in 1 2 3; do
  for kind in n c; do
    ns=$P-$kind$i; addr=192.0.2.$([ $kind = n ] && echo 1 || echo 2)$i
    ip netns add $ns
    ip link add $kind$i netns $P-hub type veth peer name eth0 netns $ns
    ip -n $P-hub link set $kind$i master br0 up
    ip -n $ns addr add $addr/24 dev eth0; ip -n $ns link set eth0 up; ip -n $ns link set lo up
  done
done

conf() {  # $1 = node, $2 = on|off (cluster)
  local n=$1 dir=$D/n$1
  mkdir -p $dir/conns
  cat > $dir/conns/rw.conf <<CONF
pools { rw { addresses = [ "$POOL" ] } }
rw {
  local.id = "gw.cluster.test"
  remote.id = "%any"
  pools = [ "rw" ]
  ipsec-interface = yes
  dpd.delay = 0s
}
secrets { "%any" = "cluster-secret-0123456789" }
CONF
  local cluster=""
  [ $2 = on ] && cluster="cluster {
    enabled = on
    hostname = \"192.0.2.1$n\"
    port = 4053
    seed-nodes = [ \"192.0.2.11:4053\", \"192.0.2.12:4053\" ]
    pools.ipv4-block-prefix = $BLOCK
    pools.low-water = $LOW
  }"
  cat > $dir/main.conf <<CONF
concentrator {
  config-dir = "conns"
  dataplane = userspace
  leases.path = ""
  management.socket = "$dir/sock"
  ike {
    listen = [ "192.0.2.1$n" ]
    half-open-cookie-threshold = 1000000
    half-open-per-source-cookie-threshold = 1000000
    half-open-limit = 1000000
  }
  $cluster
}
akka.loglevel = WARNING
CONF
}

start_hosts() {  # $1 = nodes (1 or 3), $2 = log prefix
  local nodes=$1 mode=off
  [ $nodes = 3 ] && mode=on
  for n in $(seq $nodes); do
    conf $n $mode
    ip -n $P-n$n link del ipsec1 2>/dev/null
    ip netns exec $P-n$n "$HOST" run --config $D/n$n/main.conf --log-format json </dev/null >"$2-n$n.log" 2>&1 &
    PIDS+=($!)
  done
  for t in $(seq 600); do
    local ready=0
    for n in $(seq $nodes); do
      if [ $nodes = 1 ]; then
        "$HOST" stats --json --socket $D/n$n/sock >/dev/null 2>&1 && ready=$((ready + 1))
      else
        "$HOST" cluster --json --socket $D/n$n/sock 2>/dev/null | python3 -c '
import json, sys
v = json.load(sys.stdin)
ok = v["admitting"] and sum(m["status"] == "Up" for m in v["members"]) == 3 and sum(b["size"] for b in v["blocks"]) >= int(sys.argv[1])
sys.exit(0 if ok else 1)' $LOW 2>/dev/null && ready=$((ready + 1))
      fi
    done
    [ $ready = $nodes ] && return 0
    sleep 0.5
  done
  echo "hosts not ready in 300 s"; return 1
}

stats() {  # $1 = nodes, $2 = file
  for n in $(seq $1); do "$HOST" stats --json --socket $D/n$n/sock; echo; done > "$2"
}

echo "COUNT=$COUNT (3 load generators x $((COUNT / 3))), C=$C each, REPEAT=$REPEAT, pool $POOL in /$BLOCK blocks, low water $LOW; $(nproc) cores; load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/runs.txt
for r in $(seq $REPEAT); do
  order="1 3"; [ $((r % 2)) = 0 ] && order="3 1"
  for nodes in $order; do
    T=$OUT/nodes$nodes-r$r
    start_hosts $nodes $T || { stop_hosts; continue; }
    stats $nodes $T-stats-before.jsonl
    load=$(cut -d' ' -f1-3 /proc/loadavg)
    LGP=()
    for i in 1 2 3; do
      target=192.0.2.1$([ $nodes = 3 ] && echo $i || echo 1)
      "$LG" $target --psk cluster-secret-0123456789 --remote-id gw.cluster.test --count $((COUNT / 3)) --concurrency $C --teardown --retransmit 2,1.8,5 \
        --netns $P-c$i --id "r$r-n$nodes-c$i-{n}@loadgen" --json $T-lg$i.json --quiet >$T-lg$i.txt 2>&1 &
      LGP+=($!)
    done
    for p in "${LGP[@]}"; do wait $p; done
    stats $nodes $T-stats-after.jsonl
    echo "nodes=$nodes rep=$r load average at start $load: $(python3 -c '
import json, sys
for i in (1, 2, 3):
    r = json.load(open(sys.argv[1] + "-lg%d.json" % i))
    print("lg%d established %d failed %d %.1f/s %s;" % (i, r["established"], r["failed"], r["setupsPerSecond"], r["failuresByCause"] or ""), end=" ")' $T 2>&1)" | tee -a $OUT/runs.txt
    stop_hosts
    for n in $(seq $nodes); do shrink_log $T-n$n.log; grep '"EventId":13320' $T-n$n.log > $T-n$n.handouts; gzip -9 $T-n$n.log; done
  done
done

python3 - "$OUT" "$REPEAT" "$COUNT" <<'PY' | tee $OUT/table.md
import glob, json, os, re, statistics, sys
out, rep, count = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
def trial(nodes, r):
    t = f"{out}/nodes{nodes}-r{r}"
    if not all(os.path.exists(f"{t}-lg{i}.json") for i in (1, 2, 3)): return None
    lgs = [json.load(open(f"{t}-lg{i}.json")) for i in (1, 2, 3)]
    est = sum(l["established"] for l in lgs); failed = sum(l["failed"] for l in lgs)
    rate = est / max(l["setupSeconds"] for l in lgs)
    def msgs(f):
        tot = {}
        for line in open(f):
            if line.strip():
                for k, v in json.loads(line).get("clusterMessages", {}).items(): tot[k] = tot.get(k, 0) + v
        return tot
    b, a = msgs(f"{t}-stats-before.jsonl"), msgs(f"{t}-stats-after.jsonl")
    delta = {k: a[k] - b.get(k, 0) for k in a}
    return dict(rate=rate, est=est, failed=failed, msgs=sum(delta.values()), kinds=delta, p50=statistics.median([l["latencyMs"]["p50"] for l in lgs]),
                per_lg=[l["setupsPerSecond"] for l in lgs])
one = [x for x in (trial(1, r) for r in range(1, rep + 1)) if x]
three = [x for x in (trial(3, r) for r in range(1, rep + 1)) if x]
med = lambda xs: statistics.median(xs) if xs else float("nan")
# Hand-outs during the run: each node's lines after the count its stats showed before the run (formation's are apart).
hand, formation = [], []
for r in range(1, rep + 1):
    t = f"{out}/nodes3-r{r}"
    if not os.path.exists(f"{t}-stats-before.jsonl"): continue
    before = [json.loads(l).get("blockHandOuts", 0) for l in open(f"{t}-stats-before.jsonl") if l.strip()]
    for n in (1, 2, 3):
        if not os.path.exists(f"{t}-n{n}.handouts"): continue
        ms = [float(m.group(1)) for m in (re.search(r"took ([0-9.]+) ms", l) for l in open(f"{t}-n{n}.handouts")) if m]
        formation += ms[:before[n - 1]]; hand += ms[before[n - 1]:]
hand.sort(); formation.sort()
def pct(xs, q): return xs[min(len(xs) - 1, int(q * len(xs)))] if xs else float("nan")
r1, r3 = med([x["rate"] for x in one]), med([x["rate"] for x in three])
print(f"{count} setups per trial (3 load generators x {count // 3}), {len(one)} 1-node and {len(three)} 3-node trials, medians\n")
print("| | 1 node | 3 nodes | ratio 3/1 |")
print("|---|---:|---:|---:|")
print(f"| setups/s (all established / longest setup window) | {r1:.1f} | {r3:.1f} | {r3 / r1:.3f} |")
print(f"| setup latency p50 ms (median of the load generators') | {med([x['p50'] for x in one]):.1f} | {med([x['p50'] for x in three]):.1f} | |")
print(f"| failed setups (sum over trials) | {sum(x['failed'] for x in one)} | {sum(x['failed'] for x in three)} | |")
print(f"| cross-node messages per 1,000 setups | 0 (no cluster) | {med([1000 * x['msgs'] / max(x['est'], 1) for x in three]):.2f} | |")
print(f"| block hand-out latency p50 / p99 ms, during the runs ({len(hand)} hand-outs) | | {pct(hand, 0.5):.1f} / {pct(hand, 0.99):.1f} | |")
print(f"| block hand-out latency p50 / p99 ms, at formation ({len(formation)} hand-outs) | | {pct(formation, 0.5):.1f} / {pct(formation, 0.99):.1f} | |")
print("\nper trial setups/s: 1 node", [round(x["rate"], 1) for x in one], "; 3 nodes", [round(x["rate"], 1) for x in three])
print("3-node load generators' own setups/s (per node, each trial):", [[round(v, 1) for v in x["per_lg"]] for x in three])
print("cross-node messages by kind during each 3-node run:", [x["kinds"] for x in three])
PY
echo "load average at the end $(cut -d' ' -f1-3 /proc/loadavg); results in $OUT" | tee -a $OUT/table.md
