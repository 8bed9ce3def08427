#!/bin/bash
# Flood benchmark (issue 10): the Concentrator Host with its DEFAULT admission settings holds HELD SAs of the load
# generator (hold phase: it answers the responder's DPD) while a flooder sends spoofed, well-formed IKE_SA_INIT
# requests at FACTOR x the measured handshake capacity for FLOOD_SECONDS; RW_AT seconds into the flood a legitimate
# strongSwan client (charon-systemd + swanctl, PSK) connects (and disconnects again). Reports: held SAs lost, COOKIE answers (on the wire
# and by the Host's counters), IKE_SA_INITs admitted (= Diffie-Hellman computations) vs answered with a COOKIE vs
# dropped, the half-open count (the dispatcher's 10-s line) and the Host's RSS (/proc, every second), and the
# strongSwan client's time to establish. Bench only; not part of scripts/test.sh.
#
# Topology (all namespaces named fl-*; lab from scripts/lib/loadgen-lab.sh):
#   fl-cl  192.0.2.2 + 192.0.2.10-59 (load generator) <veth cl0/gw0> fl-gw 192.0.2.1 (Concentrator Host)
#   fl-fl  203.0.113.2 (flooder, raw socket)        <veth fl0/gw1> fl-gw 203.0.113.1; spoofed sources 100.64.0.0/10
#          routed back to fl-fl, which does not forward: the Host's answers to them go nowhere; rp_filter off on gw1
#   fl-rw  10.250.0.2 (strongSwan client)            <veth rw0/gw2> fl-gw 10.250.0.1
#
#   scripts/bench-flood.sh
#   HELD=1000 FACTOR=10 FLOOD_SECONDS=60 RW_AT=30 LAB_DPD=10s CAP_COUNT=2000 CAP_CONC=20 scripts/bench-flood.sh
#   RATE=5000 ...     # flood at this rate instead of FACTOR x the measured capacity
set -u
HELD=${HELD:-1000}
FACTOR=${FACTOR:-10}
FLOOD_SECONDS=${FLOOD_SECONDS:-60}
RW_AT=${RW_AT:-"20 30 40"}   # seconds into the flood at which the strongSwan client connects (each time a new IKE SA)
CAP_COUNT=${CAP_COUNT:-2000}
CAP_CONC=${CAP_CONC:-20}
SETTLE=${SETTLE:-5}        # seconds between the last held setup and the flood, and after the flood before "after"
AFTER=${AFTER:-20}         # seconds after the flood while the SAs are still held (RSS after, DPD after)
export LAB_DPD=${LAB_DPD:-10s}   # Concentrator DPD delay: every held SA is checked several times during the flood
PROPOSAL=aes256gcm16-prfsha256-x25519
ROOT=$(cd "$(dirname "$0")/.." && pwd)
. "$ROOT/scripts/lib/loadgen-lab.sh"
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
OUT=${OUT:-$ROOT/bench/results/flood-$STAMP}
GW=fl-gw CL=fl-cl FL=fl-fl RW=fl-rw
D=$(mktemp -d /tmp/fl-bench-XXXXXX)
SOURCES=$(seq -s, -f '192.0.2.%g' 10 59)   # 50 load-generator source addresses: at most a few half-open per source
BG=()
cleanup() {
    for p in "${BG[@]}"; do kill "$p" 2>/dev/null; done
    [ -n "${RWPID:-}" ] && kill "$RWPID" 2>/dev/null
    stop_responder
    for ns in $GW $CL $FL $RW; do ip netns del $ns 2>/dev/null; done
    rm -rf "$D"
}
trap cleanup EXIT

lab_build
ip netns del $FL 2>/dev/null; ip netns del $RW 2>/dev/null
lab_netns_up
set -e
for a in ${SOURCES//,/ }; do ip -n $CL addr add $a/24 dev cl0; done
ip netns add $FL; ip netns add $RW
ip -n $FL link set lo up; ip -n $RW link set lo up
ip link add gw1 netns $GW type veth peer name fl0 netns $FL
ip link add gw2 netns $GW type veth peer name rw0 netns $RW
ip -n $GW addr add 203.0.113.1/24 dev gw1; ip -n $FL addr add 203.0.113.2/24 dev fl0
ip -n $GW addr add 10.250.0.1/24 dev gw2;  ip -n $RW addr add 10.250.0.2/24 dev rw0
for l in "$GW gw1" "$GW gw2" "$FL fl0" "$RW rw0"; do set -- $l; ip -n $1 link set $2 up; done
ip -n $FL route add 192.0.2.0/24 via 203.0.113.1
ip -n $RW route add 192.0.2.0/24 via 10.250.0.1
ip -n $GW route add 100.64.0.0/10 via 203.0.113.2
ip netns exec $GW sysctl -qw net.ipv4.conf.all.rp_filter=0 net.ipv4.conf.gw1.rp_filter=0
ip netns exec $FL sysctl -qw net.ipv4.ip_forward=0
set +e

# The lab's Concentrator config with the admission keys removed: the point is to measure the defaults.
lab_concentrator_conf
sed -i '/half-open\|never ask for COOKIEs\|threshold, and the hard cap/d' $D/conc/concentrator.conf
cp -r $D/conc "$OUT/concentrator-config"

# The legitimate client: strongSwan (charon-systemd, kernel-libipsec) in fl-rw, PSK, virtual IP, one CHILD SA.
mkdir -p $D/rw
cat >$D/rw/strongswan.conf <<CONF
charon {
    load_modular = no
    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
    filelog { main { path = $OUT/strongswan-client.log
                     default = 1
                     flush_line = yes
                     time_format = %H:%M:%S } }
    syslog { daemon { default = -1 } }
    plugins { vici { socket = unix://$D/rw/charon.vici } }
}
swanctl { socket = unix://$D/rw/charon.vici }
CONF
cat >$D/rw/swanctl.conf <<CONF
connections { home {
    version = 2
    remote_addrs = 192.0.2.1
    proposals = $PROPOSAL
    vips = 0.0.0.0
    local { auth = psk
            id = legit@flood.test }
    remote { auth = psk
             id = gw.loadgen.test }
    children { lan { remote_ts = 198.51.100.0/24
                     esp_proposals = aes256gcm16 } }
} }
secrets { ike-gw { id = gw.loadgen.test
                   secret = "lg-bench-psk" } }
CONF
RWCTL="env STRONGSWAN_CONF=$D/rw/strongswan.conf swanctl"

rss_kib() { awk '/^VmRSS/ {print $2}' /proc/$PID/status 2>/dev/null; }
now() { date +%s.%N; }
log() { echo "[$(date -u +%H:%M:%S)] $*" | sed "s/$SOURCES/192.0.2.10,...,192.0.2.59/" | tee -a $OUT/runs.txt; }

log "HELD=$HELD FACTOR=$FACTOR FLOOD_SECONDS=$FLOOD_SECONDS RW_AT=$RW_AT CAP_COUNT=$CAP_COUNT CAP_CONC=$CAP_CONC LAB_DPD=$LAB_DPD, $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), strongSwan $(swanctl --version 2>&1 | grep -o '[0-9.]\+[0-9]' | head -1)"
start_concentrator $OUT/concentrator.log || exit 1
log "Host pid $PID, RSS $(rss_kib) KiB at start"

# 1. Capacity: a warm-up (JIT out of the number), then CAP_COUNT setups; the flood template is captured from it.
ip netns exec $CL tcpdump -i cl0 -n -c 1 -w $D/template.pcap 'udp dst port 500' 2>$D/tcpdump-template.err &
TPL=$!; BG+=($TPL); sleep 1
$LG 192.0.2.1 --psk lg-bench-psk --count 300 --concurrency 10 --teardown --reuse-dh --netns $CL --source $SOURCES --id "warm-{n}@loadgen" --quiet >$OUT/warmup.txt 2>&1
log "warm-up exit $?: $(grep -m1 '^established' $OUT/warmup.txt)"
wait $TPL
CMD="$LG 192.0.2.1 --psk lg-bench-psk --count $CAP_COUNT --concurrency $CAP_CONC --teardown --reuse-dh --netns $CL --source $SOURCES --id cap-{n}@loadgen --responder-pid $PID --json $OUT/capacity.json"
$CMD >$OUT/capacity.txt 2>&1
log "capacity exit $?: ${CMD//$LG/concentrator-loadgen}"
CAPACITY=$(python3 -c "import json; print(round(json.load(open('$OUT/capacity.json'))['setupsPerSecond'], 1))")
RATE=${RATE:-$(python3 -c "print(round($CAPACITY * $FACTOR))")}
log "capacity $CAPACITY setups/s ($(grep -m1 '^established' $OUT/capacity.txt)); flood rate $RATE/s for $FLOOD_SECONDS s"

# 2. Hold HELD SAs (DPD answered by the load generator) through the flood and AFTER seconds past it.
HOLD=$(( SETTLE + FLOOD_SECONDS + SETTLE + AFTER ))
CMD="$LG 192.0.2.1 --psk lg-bench-psk --count $HELD --concurrency $CAP_CONC --hold $HOLD --teardown --reuse-dh --netns $CL --source $SOURCES --id hold-{n}@loadgen --responder-pid $PID --json $OUT/hold.json"
log "hold: ${CMD//$LG/concentrator-loadgen}"
$CMD >$OUT/hold.txt 2>&1 &
HOLDER=$!; BG+=($HOLDER)
finished() { grep -o 'established [0-9]*  failed [0-9]*' $OUT/hold.txt | tail -1 | awk '{print $2 + $4}'; }
until [ "$(finished)" = "$HELD" ]; do
    kill -0 $HOLDER 2>/dev/null || { log "hold run ended early:"; tail -5 $OUT/hold.txt; exit 1; }
    sleep 0.5
done
log "held: $(grep 'established' $OUT/hold.txt | tail -1)"
setsid ip netns exec $RW env STRONGSWAN_CONF=$D/rw/strongswan.conf /usr/sbin/charon-systemd </dev/null >/dev/null 2>&1 &
RWPID=$!
for i in $(seq 500); do $RWCTL --stats >/dev/null 2>&1 && break; sleep 0.01; done
$RWCTL --load-all --file $D/rw/swanctl.conf >/dev/null 2>&1 || { log "strongSwan client: swanctl --load-all failed"; exit 1; }
# The legitimate client's time without a flood (1,000 SAs held), the baseline of the times during the flood.
RW_RESULTS=""
rw_connect() {  # $1 = when (text), $2 = seconds into the flood (null before it)
    local cookies_before t1 rc secs cookies
    cookies_before=$(grep -c 'parsed IKE_SA_INIT response 0 \[ N(COOKIE) \]' $OUT/strongswan-client.log)
    t1=$(now)
    $RWCTL --initiate --ike home --child lan --timeout 90 >>$OUT/strongswan-client-initiate.txt 2>&1
    rc=$?
    secs=$(echo "$(now) - $t1" | bc | xargs printf '%.3f')
    sleep 0.2
    cookies=$(( $(grep -c 'parsed IKE_SA_INIT response 0 \[ N(COOKIE) \]' $OUT/strongswan-client.log) - cookies_before ))
    $RWCTL --list-sas >>$OUT/strongswan-client-sas.txt 2>&1
    log "strongSwan client $1: swanctl --initiate exit $rc after $secs s, $cookies COOKIE answer(s) received and returned; $(grep -o 'CHILD_SA lan{[0-9]*} established.*' $OUT/strongswan-client.log | tail -1)"
    RW_RESULTS="$RW_RESULTS{'atSeconds': $2, 'exit': $rc, 'seconds': $secs, 'cookies': $cookies},"
    $RWCTL --terminate --ike home >/dev/null 2>&1
}
rw_connect "before the flood" None
sleep $SETTLE

# 3. The flood, with samplers: RSS + CPU of the Host every second, the Host's answers on gw1 (tcpdump).
RSS_BEFORE=$(rss_kib)
log "RSS before the flood: $RSS_BEFORE KiB; load average $(cut -d' ' -f1-3 /proc/loadavg)"
( t0=$(now); echo -e "t_s\trss_kib\tcpu_ticks\tloadavg1"
  while kill -0 $PID 2>/dev/null; do
      echo -e "$(echo "$(now) - $t0" | bc | xargs printf '%.1f')\t$(rss_kib)\t$(awk '{print $14 + $15}' /proc/$PID/stat)\t$(cut -d' ' -f1 /proc/loadavg)"
      sleep 1
  done ) >$OUT/rss.tsv &
BG+=($!)
ip netns exec $GW tcpdump -i gw1 -n -s 80 -w $D/answers.pcap 'src host 192.0.2.1 and udp src port 500' 2>$OUT/tcpdump-answers.err &
TCPD=$!; BG+=($TCPD); sleep 1
ip netns exec $GW cat /proc/net/snmp | grep '^Udp:' >$OUT/udp-counters-before.txt
FLOOD_START=$(now)
CPU_START=$(awk '{print $14 + $15}' /proc/$PID/stat)
LOG_FROM=$(( $(wc -l <$OUT/concentrator.log) + 1 ))   # the Host's summary lines from here to the end are the flood's
log "flood start $(date -u +%H:%M:%S.%N | cut -c1-12) UTC (the Host log's clock is local time: $(date +%H:%M:%S))"
ip netns exec $FL python3 "$ROOT/scripts/lib/flood-ike-sa-init.py" $D/template.pcap 192.0.2.1 $RATE $FLOOD_SECONDS --stats $OUT/flooder.json >$OUT/flooder.txt 2>&1 &
FLOODER=$!; BG+=($FLOODER)

# The legitimate client, RW_AT seconds into the flood: time of `swanctl --initiate` (IKE_SA_INIT, a COOKIE round
# trip if asked, IKE_AUTH with CP and the CHILD SA); then it disconnects so the next attempt is a new IKE SA.
for at in $RW_AT; do
    sleep $(echo "$FLOOD_START + $at - $(now)" | bc | awk '{print ($1 > 0) ? $1 : 0}')
    rw_connect "$(echo "$(now) - $FLOOD_START" | bc | xargs printf '%.1f') s into the flood" $at
done

wait $FLOODER
FLOOD_END=$(now)
CPU_END=$(awk '{print $14 + $15}' /proc/$PID/stat)
ip netns exec $GW cat /proc/net/snmp | grep '^Udp:' >$OUT/udp-counters-after.txt
# datagrams the gateway's kernel dropped because a socket's receive buffer was full (the Host read too slowly)
RCVBUF_ERRORS=$(paste $OUT/udp-counters-before.txt $OUT/udp-counters-after.txt | awk 'NR==1 {for (i = 1; i <= NF; i++) if ($i == "RcvbufErrors" && !c) c = i} NR==2 {n = NF / 2; print $(c + n) - $c}')
log "flood end: $(cat $OUT/flooder.txt)"
RSS_END=$(rss_kib)
sleep $SETTLE; sleep $AFTER
RSS_AFTER=$(rss_kib)
log "RSS at the flood's end $RSS_END KiB, $((SETTLE + AFTER)) s later $RSS_AFTER KiB"
kill -INT $TCPD; wait $TCPD
wait $HOLDER; HOLD_RC=$?
log "hold run exit $HOLD_RC: $(grep -E '^(established|deleted|dropped|responder requests)' $OUT/hold.txt | tr '\n' ' ')"
kill $RWPID 2>/dev/null; RWPID=

# Answers of the Host to the spoofed sources: N(COOKIE) has a zero responder SPI (RFC 7296 §2.6, "HDR(A,0)");
# an admitted request got a real IKE_SA_INIT response (non-zero SPIr).
read COOKIES_WIRE INIT_WIRE OTHER_WIRE < <(python3 - $D/answers.pcap <<'PY'
import struct, sys
data = open(sys.argv[1], 'rb').read()
e = '<' if data[:4] in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
cookie = init = other = 0
off = 24
while off + 16 <= len(data):
    n = struct.unpack(e + 'I', data[off + 8:off + 12])[0]
    p = data[off + 16:off + 16 + n]; off += 16 + n
    ike = p[14 + (p[14] & 0x0F) * 4 + 8:]             # Ethernet, IPv4 (IHL), UDP
    if len(ike) < 20 or ike[18] != 34: other += 1
    elif ike[8:16] == bytes(8): cookie += 1
    else: init += 1
print(cookie, init, other)
PY
)
log "on gw1 (Host -> spoofed sources): $COOKIES_WIRE COOKIE answers, $INIT_WIRE IKE_SA_INIT responses (admitted), $OTHER_WIRE other; $(grep -h 'captured\|dropped by kernel' $OUT/tcpdump-answers.err | tr '\n' ' ')"
stop_responder
EXPIRED=$(tail -n +$LOG_FROM $OUT/concentrator.log | grep -c 'not established within')
tail -n +$LOG_FROM $OUT/concentrator.log | grep 'half-open SA(s) from\|IKE: dropped' >$OUT/host-summary-lines.txt
sed -i '/not established within/d' $OUT/concentrator.log
shrink_log $OUT/concentrator.log
echo "# omitted: $EXPIRED 'not established within ..., removed' lines (half-open SAs of the flood expiring)" >>$OUT/concentrator.log

python3 - "$OUT" <<PY | tee $OUT/summary.md
import json, re, sys, statistics
out = sys.argv[1]
hold = json.load(open(f'{out}/hold.json'))
cap = json.load(open(f'{out}/capacity.json'))
flood = json.load(open(f'{out}/flooder.json'))
rss = [l.split('\t') for l in open(f'{out}/rss.tsv').read().splitlines()[1:] if l.count('\t') == 3 and l.split('\t')[1]]
start, end = $FLOOD_START, $FLOOD_END
lines = open(f'{out}/host-summary-lines.txt').read().splitlines()
half = [(int(m[1]), int(m[2]), int(m[3])) for m in (re.search(r'IKE: (\d+) half-open SA\(s\) from \d+ source\(s\), peak (\d+); (\d+) admitted', l) for l in lines) if m]
drops = [tuple(int(x) for x in m.groups()) for m in (re.search(r'no cookie (\d+), over half-open limit (\d+), backlog (\d+), unknown SPI (\d+)', l) for l in lines) if m]
rss_kib = [int(r[1]) for r in rss]
lost = hold['established'] - (hold.get('deleted') or 0)
s = {
  'capacitySetupsPerSecond': round(cap['setupsPerSecond'], 1),
  'floodRequestedPerSecond': flood['requestedRate'], 'floodSent': flood['sent'], 'floodAchievedPerSecond': flood['ratePerSecond'],
  'floodSeconds': flood['seconds'],
  'cookieAnswersOnWire': $COOKIES_WIRE, 'ikeSaInitResponsesOnWire': $INIT_WIRE,
  'hostNoCookie': sum(d[0] for d in drops), 'hostOverLimit': sum(d[1] for d in drops), 'hostBacklog': sum(d[2] for d in drops),
  'hostAdmitted': sum(h[2] for h in half), 'halfOpenPeak': max((h[1] for h in half), default=0),
  'hostCpuCoresDuringFlood': round(($CPU_END - $CPU_START) / $(getconf CLK_TCK) / (end - start), 2),
  'udpRcvbufErrorsDuringFlood': $RCVBUF_ERRORS,
  'halfOpenExpired': $EXPIRED,
  'rssBeforeKiB': $RSS_BEFORE, 'rssMaxKiB': max(rss_kib), 'rssEndOfFloodKiB': $RSS_END, 'rssAfterKiB': $RSS_AFTER,
  'loadAverage1MinDuringRun': [min(float(r[3]) for r in rss), max(float(r[3]) for r in rss)],
  'heldEstablished': hold['established'], 'heldFailed': hold['failed'], 'heldDeletedAtTeardown': hold.get('deleted'),
  'heldLost': lost, 'heldDropsByCause': hold['drops'], 'dpdAnswered': hold['responderRequestsAnswered'],
  'strongSwanClient': [$RW_RESULTS],
}
json.dump(s, open(f'{out}/summary.json', 'w'), indent=2)
print('| metric | value |\n|---|---:|')
for k, v in s.items():
    print(f'| {k} | {v} |')
print()
print('Host lines (half-open count, peak in the period, admitted in the period):')
for l in lines:
    print('    ' + re.sub(r'^.*?(IKE: )', r'\1', l)[:200])
PY
log "results in $OUT"
