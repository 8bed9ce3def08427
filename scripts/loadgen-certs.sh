#!/bin/bash
# Certificate setups against PSK, same run, on Concentrator and on strongSwan 5.9 (the same driver and proposal).
# A PKI per key type is made with strongSwan's `pki`: ECDSA P-256 (CA, gateway, client) and RSA-2048 likewise. Each
# responder authenticates with the gateway certificate of the mode (SAN gw.loadgen.test) and checks the client's
# certificate against the mode's CA (remote auth = pubkey, cacerts = that CA); the load generator signs every
# IKE_AUTH with the one client certificate (--cert/--key, IDi = its subject DN, as strongSwan's load-tester uses one
# certificate for all clients) and checks the gateway's with --ca. PSK is the lab's connection (the in-run
# baseline). Both responders let the same identity hold any number of SAs: unique = never on both (strongSwan's
# default unique = no still destroys the identity's older IKE SAs when a new one carries INITIAL_CONTACT, which
# every load-generator client does: its teardown then times out and its virtual IP is handed out again). strongSwan also loads constraints and revocation (its defaults; no CRLs here, no CDPs in
# the certificates). The load generator alternates modes and responders, a fresh responder per run, --teardown
# at the end of each. WARMUP=N first sets up and tears down N clients of the same mode against the fresh responder
# (not measured: the responder's CPU is sampled from the measured run's start), so that a .NET responder's JIT and
# tiering are behind it, as on a gateway that has been up for a while. Topology and settings of
# scripts/lib/loadgen-lab.sh (namespaces lc-cert-*).
#
#   COUNT=1000 C=10 REPEAT=3 scripts/loadgen-certs.sh
#   WARMUP=500 scripts/loadgen-certs.sh
#   MODES="psk ecdsa" scripts/loadgen-certs.sh
#   MODES="ecdsa ecdsa0 rsa rsa0" NS=h2c-cert scripts/loadgen-certs.sh
# Modes ecdsa0/rsa0 are ecdsa/rsa with Concentrator's cache of validated chains off
# (concentrator.certificates.chain-cache-size = 0), the in-run "before"; strongSwan is not run again for them (their
# ratios use the same repetition's strongSwan ecdsa/rsa run). NS names the namespaces (NS-gw, NS-cl; default lc-cert).
set -u
COUNT=${COUNT:-1000}
C=${C:-10}
REPEAT=${REPEAT:-3}
MODES=${MODES:-"psk ecdsa rsa"}
WARMUP=${WARMUP:-0}
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/certs-$STAMP}
NS=${NS:-lc-cert}
GW=$NS-gw CL=$NS-cl
D=$(mktemp -d /tmp/lc-cert-XXXXXX)
cleanup() { stop_responder; ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null; rm -rf "$D"; }
trap cleanup EXIT

# pki_for KIND TYPE SIZE: CA, gateway and client of one key type under $D/pki-KIND, laid out as swanctl reads them.
pki_for() {
    local P=$D/pki-$1 t=$2 s=$3
    mkdir -p $P/x509 $P/x509ca $P/private
    pki --gen --type $t --size $s --outform pem >$P/ca.key 2>/dev/null
    pki --self --ca --lifetime 3650 --in $P/ca.key --type $t --dn "C=CH, O=Loadgen, CN=Loadgen $1 CA" --outform pem >$P/x509ca/ca.pem 2>/dev/null
    for who in gw client; do
        pki --gen --type $t --size $s --outform pem >$P/private/$who.key 2>/dev/null
        local san=gw.loadgen.test flag=serverAuth dn="C=CH, O=Loadgen, CN=gw.loadgen.test"
        [ $who = client ] && san=client.loadgen.test flag=clientAuth dn="C=CH, O=Loadgen, CN=client.loadgen.test"
        pki --pub --in $P/private/$who.key --type $t 2>/dev/null | pki --issue --cacert $P/x509ca/ca.pem --cakey $P/ca.key --lifetime 365 \
            --dn "$dn" --san $san --flag $flag --outform pem >$P/x509/$who.pem 2>/dev/null
    done
    [ -s $P/x509/client.pem ] && [ -s $P/x509/gw.pem ] || { echo "pki failed for $1"; exit 1; }
}

lab_build
lab_netns_up
lab_concentrator_conf
lab_strongswan_conf
export STRONGSWAN_CONF=$D/strongswan.conf
sed -i 's/ vici$/ vici constraints revocation/' $D/strongswan.conf
pki_for ecdsa ecdsa 256
pki_for rsa rsa 2048
mv $D/swanctl.conf $D/swanctl-psk.conf
mv $D/conc $D/conc-psk
for kind in ecdsa rsa; do
    P=$D/pki-$kind
    sed -e 's/local { auth = psk/local { auth = pubkey\n            certs = gw.pem/' \
        -e 's/remote { auth = psk/remote { auth = pubkey\n             cacerts = ca.pem/' \
        -e 's/^    pools = rw-pool/    pools = rw-pool\n    unique = never/' -e '/^secrets/d' $D/swanctl-psk.conf >$D/swanctl-$kind.conf
    cp -r $D/conc-psk $D/conc-$kind
    {
      echo 'rw {'
      echo "  local { id = \"gw.loadgen.test\", auth = pubkey, certs = [ \"$P/x509/gw.pem\" ], key = \"$P/private/gw.key\" }"
      echo "  remote { id = \"%any\", auth = pubkey, cacerts = [ \"$P/x509ca/ca.pem\" ] }"
      echo "  ike-proposals = [ \"$PROPOSAL\" ]"
      echo '  esp-proposals = [ "aes256gcm16" ]'
      echo '  local-ts = [ "198.51.100.0/24" ]'
      echo "  pools = [ \"${LAB_POOL:-10.99.0.0/16}\" ]"
      echo '  ipsec-interface = 1'
      echo '  unique = never'
      echo '}'
    } >$D/conc-$kind/conns/rw.conf
    cp -r $D/conc-$kind $D/conc-${kind}0
    echo 'concentrator.certificates.chain-cache-size = 0' >>$D/conc-${kind}0/concentrator.conf
    cp $D/swanctl-$kind.conf $D/swanctl-${kind}0.conf
done

use_mode() {  # the responders' configuration of mode $1 where start_strongswan / start_concentrator read it
    rm -rf $D/conc $D/x509 $D/x509ca $D/private
    cp -r $D/conc-$1 $D/conc
    cp $D/swanctl-$1.conf $D/swanctl.conf
    [ $1 != psk ] && cp -r $D/pki-${1%0}/x509 $D/pki-${1%0}/x509ca $D/pki-${1%0}/private $D/
    return 0
}

echo "COUNT=$COUNT C=$C REPEAT=$REPEAT MODES=$MODES WARMUP=$WARMUP, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg) at start" | tee $OUT/runs.txt
for r in $(seq $REPEAT); do
  for mode in $MODES; do
    for resp in strongswan concentrator; do
      [ $resp = strongswan ] && [ "${mode%0}" != "$mode" ] && continue  # the cache-off modes are Concentrator's only
      use_mode $mode
      J=$OUT/$resp-$mode-r$r.json; T=$OUT/$resp-$mode-r$r.txt
      if [ $resp = strongswan ]; then start_strongswan || exit 1
      else start_concentrator $OUT/concentrator-$mode-r$r.log || { stop_responder; continue; }; fi
      if [ $mode = psk ]; then AUTH="--psk lg-bench-psk --id psk-r$r-c{n}@loadgen"; WARM_AUTH="--psk lg-bench-psk --id warm-r$r-c{n}@loadgen"
      else P=$D/pki-${mode%0}; AUTH="--cert $P/x509/client.pem --key $P/private/client.key --ca $P/x509ca/ca.pem --remote-id gw.loadgen.test"; WARM_AUTH=$AUTH; fi
      if [ "$WARMUP" -gt 0 ]; then
        timeout 600 $LG 192.0.2.1 $WARM_AUTH --count $WARMUP --concurrency $C --teardown --netns $CL --quiet >$OUT/$resp-$mode-r$r-warmup.txt 2>&1
      fi
      LOAD="$(cut -d' ' -f1 /proc/loadavg)"
      CMD="$LG 192.0.2.1 $AUTH --count $COUNT --concurrency $C --teardown --netns $CL --responder-pid $PID --json $J --quiet"
      timeout 600 $CMD >$T 2>&1
      echo "$resp $mode rep=$r exit=$? load1=$LOAD : ${CMD//$D/\$D}" | sed "s|$LG|concentrator-loadgen|" | tee -a $OUT/runs.txt
      stop_responder
      [ $resp = concentrator ] && shrink_log $OUT/concentrator-$mode-r$r.log
    done
  done
done
echo "load average $(cut -d' ' -f1-3 /proc/loadavg) at end" | tee -a $OUT/runs.txt

python3 - "$OUT" "$REPEAT" "$COUNT" "$C" "$MODES" <<'PY' | tee $OUT/table.md
import json, os, statistics, sys
out, rep, count, c, modes = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5].split()
def run(resp, mode, r):
    if resp == "strongswan" and mode.endswith("0"): mode = mode[:-1]  # cache-off modes: strongSwan's run of the mode
    p = f"{out}/{resp}-{mode}-r{r}.json"
    return json.load(open(p)) if os.path.exists(p) else None
M = {"setups/s": lambda x: x["setupsPerSecond"], "responder CPU µs/setup": lambda x: (x.get("responderCpuMsPerSetup") or 0) * 1000,
     "p50 ms": lambda x: x["latencyMs"]["p50"], "p99 ms": lambda x: x["latencyMs"]["p99"], "failed": lambda x: x["failed"]}
def med(vs): return statistics.median(vs) if vs else None
def fmt(v): return "n/a" if v is None else f"{v:.2f}" if v < 100 else f"{v:.0f}"
def vals(resp, mode, f): return [f(x) for x in (run(resp, mode, r) for r in range(1, rep + 1)) if x]
def pairs(mode, f):  # Concentrator / strongSwan of the same repetition (adjacent runs)
    out_ = []
    for r in range(1, rep + 1):
        s, k = run("strongswan", mode, r), run("concentrator", mode, r)
        if s and k and f(s): out_.append(f(k) / f(s))
    return out_
print(f"{count} setups per run at concurrency {c}, median of {rep} runs; ratios Concentrator/strongSwan per repetition (adjacent runs), then their median\n")
cols = [(r, m) for m in modes for r in ("strongswan", "concentrator")]
name = {"strongswan": "strongSwan", "concentrator": "Concentrator"}
print("| metric | " + " | ".join(f"{name[r]} {m}" for r, m in cols) + " | " + " | ".join(f"C/sS {m} (per pair → median)" for m in modes) + " |")
print("|---|" + "---:|" * (len(cols) + len(modes)))
for n, f in M.items():
    cells = [fmt(med(vals(r, m, f))) for r, m in cols]
    rs = [(pairs(m, f)) for m in modes] if n != "failed" else [[] for m in modes]
    rc = [(", ".join(f"{x:.2f}" for x in p) + f" → **{med(p):.2f}**") if p else "" for p in rs]
    print(f"| {n} | " + " | ".join(cells) + " | " + " | ".join(rc) + " |")
for resp in ("strongswan", "concentrator"):
    base = med(vals(resp, "psk", M["setups/s"]))
    if base and "psk" in modes:
        print(f"\n{name[resp]}: setups/s relative to its PSK runs: " + ", ".join(f"{m} {med(vals(resp, m, M['setups/s'])) / base:.2f}" for m in modes if m != "psk" and vals(resp, m, M["setups/s"])))
PY
echo "results in $OUT"
