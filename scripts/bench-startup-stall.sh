#!/bin/bash
# Start-up stall benchmark (issue 13 b): RUNS fresh starts of the Concentrator Host; right after each start
# ("running:" printed) COUNT IKE_SA_INIT requests are sent within WINDOW_MS and the time until all are answered
# is recorded (scripts/lib/startup-burst.py). Each start runs in a network namespace of its own (st-<pid>, only
# lo: the Host listens on 127.0.0.1:500/4500 there, userspace dataplane). Bench only; not part of scripts/test.sh.
#
#   scripts/bench-startup-stall.sh                    # builds the Host (Release) of this tree
#   HOST=/path/to/concentrator RUNS=30 scripts/bench-startup-stall.sh
#   STALL_MS=1800 COUNT=50 WINDOW_MS=10 TIMEOUT_S=20 OUT=results/x.jsonl
#   STACK_AFTER_MS=1500 ...   # a burst not all answered after 1.5 s: the Host's managed stacks (dotnet-stack, a
#                             # dotnet tool: `dotnet tool install -g dotnet-stack`) go to OUT's name + -stacks-runN.txt
set -u
ROOT=$(cd "$(dirname "$0")/.." && pwd)
RUNS=${RUNS:-30}
COUNT=${COUNT:-50}
WINDOW_MS=${WINDOW_MS:-10}
TIMEOUT_S=${TIMEOUT_S:-20}
STALL_MS=${STALL_MS:-1800}
if [ -z "${HOST:-}" ]; then
    dotnet build "$ROOT/src/Concentrator.Host" -c Release -v q -nologo >/dev/null || { echo "build failed"; exit 1; }
    HOST="$ROOT/src/Concentrator.Host/bin/Release/net10.0/concentrator"
fi
HOST=$(readlink -f "$HOST")
OUT=${OUT:-$ROOT/bench/results/startup-stall-$(date -u +%Y%m%dT%H%M%SZ).jsonl}
mkdir -p "$(dirname "$OUT")"
NS=st-$$
D=$(mktemp -d /tmp/st-bench-XXXXXX)
cleanup() { ip netns del $NS 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT
ip netns add $NS && ip -n $NS link set lo up || exit 1

mkdir -p $D/conns
cat > $D/concentrator.conf <<CONF
concentrator {
  config-dir = "conns"
  dataplane = userspace
  ike {
    listen = [ "127.0.0.1" ]
    # one source address sends the whole burst: no COOKIEs, so every request reaches Diffie-Hellman and an SA actor
    half-open-cookie-threshold = 1000000
    half-open-per-source-cookie-threshold = 1000000
    half-open-limit = 1000000
  }
  leases { path = "" }
}
CONF
cat > $D/conns/rw.conf <<CONF
rw {
  local { id = "gw.stall.test", auth = psk }
  remote { id = "%any", auth = psk }
  ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
  esp-proposals = [ "aes256gcm16" ]
  local-ts = [ "198.51.100.0/24" ]
  pools = [ "10.98.0.0/16" ]
  ipsec-interface = no
}
secrets { "%any" = "stall-bench-psk" }
CONF

echo "# host=$HOST runs=$RUNS count=$COUNT window_ms=$WINDOW_MS load=$(cut -d' ' -f1-3 /proc/loadavg) $(date -u +%FT%TZ)" >"$OUT"
for i in $(seq "$RUNS"); do
    export STACK_FILE=${OUT%.jsonl}-stacks-run$i.txt
    line=$(cd $D && ip netns exec $NS python3 "$ROOT/scripts/lib/startup-burst.py" "$HOST" $D/concentrator.conf $COUNT $WINDOW_MS $TIMEOUT_S)
    echo "$line" >>"$OUT"
    echo "run $i: $line"
done
python3 - "$OUT" "$STALL_MS" <<'PYS'
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1]) if l.startswith('{')]
stall = float(sys.argv[2])
t = sorted(r['all_answered_ms'] if r.get('all_answered_ms') is not None else float('inf') for r in rows)
fmt = lambda v: 'timeout' if v == float('inf') else f'{v:.0f}'
print(f"runs {len(rows)}: all {rows and rows[0].get('answered')} answered in ms: median {fmt(t[len(t)//2])}, "
      f"min {fmt(t[0])}, max {fmt(t[-1])}; starts with >= {stall:.0f} ms: {sum(v >= stall for v in t)}")
print('sorted:', ' '.join(fmt(v) for v in t))
PYS
