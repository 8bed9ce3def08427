#!/bin/bash
# EAP-MSCHAPv2 with local secrets against PSK, same run, on Concentrator and on strongSwan 5.9 (the same driver and
# proposal). Concentrator: one process configuration with a connection "rw" (PSK both ways) and one "eap" (the
# gateway proves its PSK, clients EAP-MSCHAPv2 with users from eap-secrets, RFC 7296 §2.16: two more IKE_AUTH round
# trips). strongSwan: the lab's PSK connection, or for the EAP runs one connection "eap" with the same users
# (remote auth = eap-mschapv2, eap_id = IDi). The load generator alternates responders and modes, a fresh responder
# per run, --teardown at the end of each. Topology and settings of scripts/lib/loadgen-lab.sh (namespaces eap-lg-*).
#
#   COUNT=1000 C=10 REPEAT=3 scripts/loadgen-eap.sh
set -u
COUNT=${COUNT:-1000}
C=${C:-10}
REPEAT=${REPEAT:-3}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/eap-vs-psk-$STAMP}
GW=eap-lg-gw CL=eap-lg-cl
D=$(mktemp -d /tmp/eap-lg-XXXXXX)
cleanup() { stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT

lab_build
lab_netns_up
lab_concentrator_conf
lab_strongswan_conf
export STRONGSWAN_CONF=$D/strongswan.conf
sed -i 's/ vici$/ vici eap-identity eap-mschapv2/' $D/strongswan.conf
mv $D/swanctl.conf $D/swanctl-psk.conf
{
  echo "connections { eap {"
  echo "    version = 2"
  echo "    local_addrs = 192.0.2.1"
  echo "    proposals = $PROPOSAL"
  echo "    pools = eap-pool"
  echo "    local { auth = psk"
  echo "            id = gw.loadgen.test }"
  echo "    remote { auth = eap-mschapv2"
  echo "             id = %any }"
  echo "    children { lan { local_ts = 198.51.100.0/24"
  echo "                     esp_proposals = aes256gcm16 } }"
  echo "} }"
  echo "pools { eap-pool { addrs = 10.100.0.0/16 } }"
  echo "secrets {"
  echo "  ike-any { secret = \"lg-bench-psk\" }"
  for r in $(seq $REPEAT); do for n in $(seq $COUNT); do echo "  eap-r$r-c$n { id = eap-r$r-c$n@loadgen"; echo "    secret = user-password }"; done; done
  echo "}"
} > $D/swanctl-eap.conf
{
  echo 'eap {'
  echo '  local { id = "gw.loadgen.test", auth = psk }'
  echo '  remote { id = "%any", auth = eap-mschapv2 }'
  echo "  ike-proposals = [ \"$PROPOSAL\" ]"
  echo '  esp-proposals = [ "aes256gcm16" ]'
  echo '  local-ts = [ "198.51.100.0/24" ]'
  echo '  pools = [ "10.100.0.0/16" ]'
  echo '  ipsec-interface = 1'
  echo '}'
  echo 'eap-secrets {'
  for r in $(seq $REPEAT); do for n in $(seq $COUNT); do echo "  \"eap-r$r-c$n@loadgen\" = \"user-password\""; done; done
  echo '}'
} > $D/conc/conns/eap.conf

echo "COUNT=$COUNT C=$C REPEAT=$REPEAT, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg)" | tee $OUT/runs.txt
for r in $(seq $REPEAT); do
  for resp in strongswan concentrator; do
    for mode in psk eap; do
      J=$OUT/$resp-$mode-r$r.json; T=$OUT/$resp-$mode-r$r.txt
      if [ $resp = strongswan ]; then cp $D/swanctl-$mode.conf $D/swanctl.conf; start_strongswan || exit 1
      else start_concentrator $OUT/concentrator-$mode-r$r.log || { stop_responder; continue; }; fi
      EAP=""; [ $mode = eap ] && EAP="--eap-mschapv2 user-password"
      CMD="$LG 192.0.2.1 --psk lg-bench-psk $EAP --count $COUNT --concurrency $C --teardown --netns $CL --id $mode-r$r-c{n}@loadgen --responder-pid $PID --json $J --quiet"
      timeout 600 $CMD >$T 2>&1
      echo "$resp $mode rep=$r exit=$? : ${CMD/$LG/concentrator-loadgen}" | tee -a $OUT/runs.txt
      stop_responder
      [ $resp = concentrator ] && shrink_log $OUT/concentrator-$mode-r$r.log
    done
  done
done

python3 - "$OUT" "$REPEAT" "$COUNT" "$C" <<'PY' | tee $OUT/table.md
import json, os, statistics, sys
out, rep, count, c = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
def runs(resp, mode): return [json.load(open(p)) for p in (f"{out}/{resp}-{mode}-r{r}.json" for r in range(1, rep + 1)) if os.path.exists(p)]
M = {"setups/s": lambda x: x["setupsPerSecond"], "responder CPU ms/setup": lambda x: x.get("responderCpuMsPerSetup", 0),
     "p50 ms": lambda x: x["latencyMs"]["p50"], "p99 ms": lambda x: x["latencyMs"]["p99"], "failed": lambda x: x["failed"]}
def med(rs, f): return statistics.median([f(x) for x in rs]) if rs else None
def fmt(v): return "n/a" if v is None else f"{v:.2f}"
def ratio(b, a): return f"{b / a:.2f}" if a and b is not None else "n/a"
print(f"{count} setups per run at concurrency {c}, median of {rep} runs\n")
print("| metric | strongSwan PSK | strongSwan EAP | Concentrator PSK | Concentrator EAP | EAP/PSK strongSwan | EAP/PSK Concentrator | EAP Concentrator/strongSwan |")
print("|---|---:|---:|---:|---:|---:|---:|---:|")
for name, f in M.items():
    sp, se, cp, ce = (med(runs(r, m), f) for r, m in (("strongswan", "psk"), ("strongswan", "eap"), ("concentrator", "psk"), ("concentrator", "eap")))
    print(f"| {name} | {fmt(sp)} | {fmt(se)} | {fmt(cp)} | {fmt(ce)} | {ratio(se, sp)} | {ratio(ce, cp)} | {ratio(ce, se)} |")
PY
echo "results in $OUT"
