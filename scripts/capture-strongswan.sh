#!/bin/bash
# Regenerates the strongSwan IKEv2 corpus used by tests/Concentrator.Ike.Tests/Interop.
#
# Two charon-systemd daemons (strongSwan 5.9.x) run in network namespaces made here (cap-i-<pid> is the
# initiator at 192.0.2.2, cap-r-<pid> the responder at 192.0.2.1, joined by a veth pair). For every
# scenario below, the initiator opens an IKE SA with PSK authentication and one CHILD SA (installed by
# kernel-libipsec, which fakes NAT and therefore moves to UDP 4500 for IKE_AUTH), rekeys the CHILD SA
# (CREATE_CHILD_SA) and deletes the IKE SA (INFORMATIONAL). tcpdump records the UDP payloads on the
# responder's side of the veth; both daemons log their key material at level 4, which is parsed into
# keys.json.
#
# Output, per scenario, in <outdir>/<scenario>/:
#   NN-<exchange>-<request|response>.hex   one IKE message per file, in wire order, lowercase hex, one line;
#                                          the 4-octet non-ESP marker of port-4500 packets is stripped
#   keys.json                              proposals, SPIs, nonces, KE data, g^ir, SKEYSEED, SK_* (identical
#                                          in both daemons' logs, checked), ESP keys of each CHILD SA, PSK,
#                                          identities, and per message: direction, ports, marker stripped,
#                                          charon's payload summary ("IDi N(INIT_CONTACT) IDr AUTH ...")
# The corpus is replaced only when every scenario succeeded; on failure the work directory is kept.
#
# Usage:  sudo scripts/capture-strongswan.sh [outdir]
#         (default outdir: tests/Concentrator.Ike.Tests/TestData/strongswan)
#         KEEP_WORK=1 keeps the work directory (pcaps, charon logs) and prints where it is.
# Needs:  root, iproute2, tcpdump, python3, charon-systemd, swanctl, and strongSwan plugins from
#         libstrongswan-standard-plugins (openssl, gcm) + libstrongswan-extra-plugins (chapoly, curve25519).
set -euo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
outdir=$(realpath -m "${1:-$repo/tests/Concentrator.Ike.Tests/TestData/strongswan}")

# name | IKE proposal | ESP proposal
scenarios=(
    "aes256gcm16-prfsha256-x25519|aes256gcm16-prfsha256-x25519|aes256gcm16"
    "aes256-sha256-ecp256|aes256-sha256-ecp256|aes256-sha256"
    "chacha20poly1305-prfsha256-modp2048|chacha20poly1305-prfsha256-modp2048|chacha20poly1305"
)

psk='cap-test-psk-0123456789'
id_i='road@cap.test'
id_r='gw.cap.test'
addr_i=192.0.2.2
addr_r=192.0.2.1

ns_i=cap-i-$$
ns_r=cap-r-$$
work=$(mktemp -d /tmp/capture-strongswan.XXXXXX)
pids=()

log() { printf '%s\n' "$*" >&2; }
die() { log "capture-strongswan: $*"; exit 1; }

stop_pid() {  # stop_pid <pid>: TERM, wait up to 5 s, then KILL
    local p=$1
    kill "$p" 2>/dev/null || return 0
    for _ in $(seq 50); do kill -0 "$p" 2>/dev/null || return 0; sleep 0.1; done
    kill -9 "$p" 2>/dev/null || true
}

cleanup() {
    local rc=$?
    set +e
    for p in "${pids[@]}"; do stop_pid "$p"; done
    ip netns del "$ns_i" 2>/dev/null
    ip netns del "$ns_r" 2>/dev/null
    if [[ ${KEEP_WORK:-} == 1 || $rc -ne 0 ]]; then
        log "work directory kept: $work"
    else
        rm -rf "$work"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM

[[ $(id -u) == 0 ]] || die "must run as root (network namespaces, tcpdump)"
for tool in ip tcpdump python3 swanctl /usr/sbin/charon-systemd; do
    command -v "$tool" >/dev/null || die "missing $tool"
done
for plugin in openssl gcm chapoly curve25519 kernel-libipsec; do
    [[ -e /usr/lib/ipsec/plugins/libstrongswan-$plugin.so ]] || die "strongSwan plugin $plugin not installed"
done

setup_netns() {
    ip netns add "$ns_i"
    ip netns add "$ns_r"
    ip -n "$ns_i" link set lo up
    ip -n "$ns_r" link set lo up
    # IPv6 link-local addresses appearing after the IKE SA is up make charon send MOBIKE address
    # updates (extra INFORMATIONAL exchanges at random points); IPv4 only keeps the exchange sequence fixed
    ip netns exec "$ns_i" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    ip netns exec "$ns_r" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 net.ipv6.conf.default.disable_ipv6=1
    # created directly inside the namespaces, so the names never clash with the host's links
    ip link add cap-i0 netns "$ns_i" type veth peer name cap-r0 netns "$ns_r"
    ip -n "$ns_i" addr add "$addr_i/24" dev cap-i0
    ip -n "$ns_r" addr add "$addr_r/24" dev cap-r0
    ip -n "$ns_i" link set cap-i0 up
    ip -n "$ns_r" link set cap-r0 up
    # kernel-libipsec installs a route for each CHILD SA sourced from an address inside local_ts;
    # without one the responder answers IKE_AUTH with TS_UNACCEPTABLE
    ip -n "$ns_r" addr add 198.51.100.1/32 dev lo
}

# write_strongswan_conf <dir>: daemon config with its own vici socket and a level-4 IKE log
# ("Sk_ei secret", "SKEYSEED", "shared Diffie Hellman secret" are DBG4 in libcharon's keymat_v2.c).
write_strongswan_conf() {
    local d=$1
    cat >"$d/strongswan.conf" <<EOF
charon {
    load_modular = no
    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 chapoly gcm aes sha1 sha2 hmac gmp kdf kernel-libipsec kernel-netlink socket-default vici
    retransmit_tries = 2
    retransmit_timeout = 1.0
    # kernel-libipsec, kernel-netlink, socket and vici each pin worker threads; 8 left none for vici
    threads = 32
    # keep every message below the fragmentation threshold so the corpus holds whole messages
    fragment_size = 1400
    filelog {
        keys {
            path = $d/charon.log
            append = no
            flush_line = yes
            default = 1
            ike = 4
            enc = 1
            net = 2
            cfg = 2
            chd = 4
        }
    }
    syslog {
        daemon {
            default = -1
        }
    }
    plugins {
        vici {
            socket = unix://$d/charon.vici
        }
    }
}
swanctl {
    socket = unix://$d/charon.vici
}
EOF
}

write_swanctl_conf() {  # write_swanctl_conf <dir> <role i|r> <ike proposal> <esp proposal>
    local d=$1 role=$2 ike=$3 esp=$4
    if [[ $role == i ]]; then
        cat >"$d/swanctl.conf" <<EOF
connections {
    cap {
        version = 2
        local_addrs = $addr_i
        remote_addrs = $addr_r
        vips = 0.0.0.0
        proposals = $ike
        local {
            auth = psk
            id = $id_i
        }
        remote {
            auth = psk
            id = $id_r
        }
        children {
            cap {
                remote_ts = 198.51.100.0/24
                esp_proposals = $esp
                start_action = none
            }
        }
    }
}
EOF
    else
        cat >"$d/swanctl.conf" <<EOF
connections {
    cap {
        version = 2
        local_addrs = $addr_r
        proposals = $ike
        pools = cap-pool
        local {
            auth = psk
            id = $id_r
        }
        remote {
            auth = psk
            id = %any
        }
        children {
            cap {
                local_ts = 198.51.100.0/24
                esp_proposals = $esp
            }
        }
    }
}
pools {
    cap-pool {
        addrs = 10.99.0.0/24
    }
}
EOF
    fi
    cat >>"$d/swanctl.conf" <<EOF
secrets {
    ike-cap {
        id-1 = $id_i
        id-2 = $id_r
        secret = "$psk"
    }
}
EOF
}

start_daemon() {  # start_daemon <netns> <dir>
    setsid ip netns exec "$1" env STRONGSWAN_CONF="$2/strongswan.conf" /usr/sbin/charon-systemd \
        </dev/null >"$2/charon.out" 2>&1 &
    pids+=($!)
    for _ in $(seq 300); do
        STRONGSWAN_CONF="$2/strongswan.conf" timeout 2 swanctl --stats >/dev/null 2>&1 && return 0
        sleep 0.02
    done
    die "charon in $1 did not open its vici socket"
}

swan() {  # swan <dir> <swanctl args...>: bounded, so a wedged daemon cannot hang the script
    STRONGSWAN_CONF="$1/strongswan.conf" timeout 20 swanctl "${@:2}"
}

capture_scenario() {  # capture_scenario <name> <ike> <esp>
    local name=$1 ike=$2 esp=$3 d=$work/$1
    local di=$d/i dr=$d/r
    mkdir -p "$di" "$dr"
    write_strongswan_conf "$di"; write_swanctl_conf "$di" i "$ike" "$esp"
    write_strongswan_conf "$dr"; write_swanctl_conf "$dr" r "$ike" "$esp"

    ip netns exec "$ns_r" tcpdump -i cap-r0 -n -s 0 --immediate-mode -U -w "$d/ike.pcap" 'udp port 500 or udp port 4500' \
        2>"$d/tcpdump.err" &
    local tcpdump_pid=$!
    pids+=("$tcpdump_pid")
    for _ in $(seq 200); do grep -q 'listening on' "$d/tcpdump.err" && break; sleep 0.02; done
    grep -q 'listening on' "$d/tcpdump.err" || die "tcpdump did not start: $(cat "$d/tcpdump.err")"

    start_daemon "$ns_r" "$dr"
    start_daemon "$ns_i" "$di"
    swan "$dr" --load-all --file "$dr/swanctl.conf" >"$dr/load.out" 2>&1 || die "responder config: $(cat "$dr/load.out")"
    swan "$di" --load-all --file "$di/swanctl.conf" >"$di/load.out" 2>&1 || die "initiator config: $(cat "$di/load.out")"

    swan "$di" --initiate --ike cap --child cap >"$di/initiate.out" 2>&1 \
        || die "$name: initiate failed: $(tail -5 "$di/initiate.out")"
    swan "$di" --rekey --child cap >"$di/rekey.out" 2>&1 || die "$name: child rekey failed"
    # --rekey returns before the exchange completes; wait until the responder has the new CHILD SA
    for _ in $(seq 100); do grep -q 'CHILD_SA cap{2} established' "$dr/charon.log" && break; sleep 0.05; done
    grep -q 'CHILD_SA cap{2} established' "$dr/charon.log" || die "$name: rekeyed CHILD SA not seen"
    # the rekey ends with an INFORMATIONAL that deletes the old CHILD SA; let it finish before the IKE delete
    for _ in $(seq 100); do grep -q 'CHILD_SA closed' "$dr/charon.log" && break; sleep 0.05; done
    swan "$di" --terminate --ike cap >"$di/terminate.out" 2>&1 || die "$name: terminate failed"
    sleep 0.3

    # without --immediate-mode, packets still in the capture ring when tcpdump stops are lost
    kill -INT "$tcpdump_pid"
    wait "$tcpdump_pid" || true
    local counts
    counts=$(sed -n 's/^\([0-9]*\) packets\{0,1\} captured$/\1/p; s/^\([0-9]*\) packets\{0,1\} received by filter$/\1/p' "$d/tcpdump.err" | tr '\n' ' ')
    read -r captured received <<<"$counts"
    [[ -n ${captured:-} && ${captured:-} == "${received:-}" ]] || die "$name: tcpdump lost packets: $(cat "$d/tcpdump.err")"
    for p in "${pids[@]}"; do stop_pid "$p"; done
    pids=()

    python3 - "$d" "$work/out/$name" "$name" "$ike" "$esp" "$psk" "$id_i" "$id_r" <<'PY'
import json, os, re, struct, sys

work, out, name, ike, esp, psk, id_i, id_r = sys.argv[1:9]

def udp_payloads(path):
    """(src_port, dst_port, payload) for each IPv4/UDP frame of a classic little-endian Ethernet pcap."""
    data = open(path, 'rb').read()
    magic, = struct.unpack_from('<I', data, 0)
    if magic not in (0xa1b2c3d4, 0xa1b23c4d):
        sys.exit(f'{path}: not a little-endian pcap')
    linktype, = struct.unpack_from('<I', data, 20)
    if linktype != 1:
        sys.exit(f'{path}: link type {linktype}, expected Ethernet')
    off = 24
    while off < len(data):
        _, _, incl, _ = struct.unpack_from('<IIII', data, off)
        frame = data[off + 16: off + 16 + incl]
        off += 16 + incl
        if struct.unpack_from('>H', frame, 12)[0] != 0x0800:
            continue
        ihl = (frame[14] & 0x0f) * 4
        if frame[14 + 9] != 17:
            continue
        udp = frame[14 + ihl:]
        sport, dport, ulen = struct.unpack_from('>HHH', udp, 0)
        yield sport, dport, udp[8:ulen]

EXCHANGES = {34: 'ike_sa_init', 35: 'ike_auth', 36: 'create_child_sa', 37: 'informational'}
messages = []
for sport, dport, payload in udp_payloads(os.path.join(work, 'ike.pcap')):
    marker = False
    if 4500 in (sport, dport):
        if len(payload) == 1 and payload[0] == 0xff:
            continue                      # NAT-T keepalive (RFC 3948 section 2.3)
        if payload[:4] != b'\0\0\0\0':
            continue                      # ESP in UDP, not IKE
        payload, marker = payload[4:], True
    if len(payload) < 28:
        continue
    exchange, flags = payload[18], payload[19]
    messages.append({
        'exchange': EXCHANGES.get(exchange, f'exchange{exchange}'),
        'response': bool(flags & 0x20),
        'fromInitiator': bool(flags & 0x08),
        'messageId': struct.unpack_from('>I', payload, 20)[0],
        'srcPort': sport, 'dstPort': dport, 'nonEspMarkerStripped': marker,
        'bytes': payload,
    })

seen = set()
for m in messages:
    key = m['bytes']
    m['retransmission'] = key in seen
    seen.add(key)
if any(m['retransmission'] for m in messages):
    print(f'{name}: retransmissions captured (kept, flagged in keys.json)', file=sys.stderr)

def payload_chain(msg):
    """(type, body) of the unencrypted payloads of an IKE message (RFC 7296 section 3.2)."""
    nxt, off = msg[16], 28
    while nxt != 0:
        cur = nxt
        nxt, _, plen = msg[off], msg[off + 1], struct.unpack_from('>H', msg, off + 2)[0]
        yield cur, msg[off + 4: off + plen]
        if cur == 46:                     # SK: everything after it is encrypted
            return
        off += plen

def first(msg, ptype):
    return next((body for t, body in payload_chain(msg) if t == ptype), None)

init_req = next(m for m in messages if m['exchange'] == 'ike_sa_init' and not m['response'])
init_rsp = next(m for m in messages if m['exchange'] == 'ike_sa_init' and m['response'])
if first(init_rsp['bytes'], 41) is not None and first(init_rsp['bytes'], 34) is None:
    sys.exit(f'{name}: IKE_SA_INIT answered with a notify only (cookie/INVALID_KE); not handled')
for m in messages:
    if first(m['bytes'], 53) is not None:
        print(f'{name}: {m["exchange"]} was fragmented (SKF payload)', file=sys.stderr)

def dumps(path):
    """(label, hex) of each 'NN[SUB] label => N bytes @ 0x..' line and its '   0: xx xx ...' rows, in log
    order. Rows are matched to their header by the thread number, so interleaved threads cannot mix."""
    header = re.compile(r'^(\d+)\[(?:IKE|ENC|CHD)\] (.+?) => (\d+) bytes @ 0x[0-9a-f]+$')
    row = re.compile(r'^(\d+)\[(?:IKE|ENC|CHD)\]\s+\d+: ((?:[0-9A-F]{2} ?)+)')
    open_dumps, done = {}, []
    for line in open(path, errors='replace'):
        line = line.rstrip('\n')
        h = header.match(line)
        if h:
            entry = [h.group(2).strip(), int(h.group(3)), '']
            done.append(entry)
            open_dumps[h.group(1)] = entry
            continue
        r = row.match(line)
        if r and r.group(1) in open_dumps:
            entry = open_dumps[r.group(1)]
            entry[2] += r.group(2).replace(' ', '').lower()
            if len(entry[2]) >= entry[1] * 2:
                del open_dumps[r.group(1)]
    for label, length, value in done:
        if len(value) != length * 2:
            sys.exit(f'{path}: hex dump of "{label}" incomplete')
        yield label, value

def log_values(path):
    """First value of each label: the IKE SA's own keys come before any rekey material."""
    values = {}
    for label, value in dumps(path):
        values.setdefault(label, value)
    return values

CHILD_LABELS = {'seed': 'seed', 'encryption initiator key': 'encrI', 'encryption responder key': 'encrR',
                'integrity initiator key': 'integI', 'integrity responder key': 'integR'}

def child_keys(path):
    """One dict per CHILD SA, in the order charon derived them (keymat_v2 derive_child_keys, DBG4 in CHD)."""
    sets = []
    for label, value in dumps(path):
        if label == 'seed':
            sets.append({'seed': value, 'encrI': '', 'encrR': '', 'integI': '', 'integR': ''})
        elif label in CHILD_LABELS and sets:
            sets[-1][CHILD_LABELS[label]] = value
    return sets

logs = {side: log_values(os.path.join(work, side, 'charon.log')) for side in ('i', 'r')}
wanted = {
    'sharedSecret': 'shared Diffie Hellman secret', 'skeyseed': 'SKEYSEED',
    'skD': 'Sk_d secret', 'skAi': 'Sk_ai secret', 'skAr': 'Sk_ar secret',
    'skEi': 'Sk_ei secret', 'skEr': 'Sk_er secret', 'skPi': 'Sk_pi secret', 'skPr': 'Sk_pr secret',
}
keys = {}
for field, label in wanted.items():
    vi, vr = logs['i'].get(label), logs['r'].get(label)
    if vi is None and vr is None:
        if field in ('skAi', 'skAr'):
            keys[field] = ''              # AEAD: no integrity keys (RFC 5282 section 7)
            continue
        sys.exit(f'{name}: "{label}" not in either charon log')
    if vi is not None and vr is not None and vi != vr:
        sys.exit(f'{name}: "{label}" differs between initiator and responder logs')
    keys[field] = vi if vi is not None else vr

children = {side: child_keys(os.path.join(work, side, 'charon.log')) for side in ('i', 'r')}
if children['i'] != children['r']:
    sys.exit(f'{name}: CHILD SA keys differ between initiator and responder logs')
if not children['i']:
    sys.exit(f'{name}: no CHILD SA keys logged')

def ke_data(msg):
    body = first(msg, 34)
    return body[:2], body[4:]             # DH group, key exchange data

# charon's one-line summary of each message, e.g. "IKE_AUTH request 1 [ IDi N(INIT_CONTACT) IDr AUTH ... ]",
# from the responder's log (it parses every request and generates every response)
summaries = {}
summary = re.compile(r'\[ENC\] (?:parsed|generating) (\S+) (request|response) (\d+) \[ ?(.*?) ?\]$')
for line in open(os.path.join(work, 'r', 'charon.log'), errors='replace'):
    mm = summary.search(line.rstrip('\n'))
    if mm:
        summaries.setdefault((mm.group(1).lower(), mm.group(2) == 'response', int(mm.group(3))), mm.group(4))
for m in messages:
    m['strongswanPayloads'] = summaries.get((m['exchange'], m['response'], m['messageId']))

group_i, ke_i = ke_data(init_req['bytes'])
os.makedirs(out, exist_ok=True)
for f in os.listdir(out):
    if f.endswith('.hex'):
        os.remove(os.path.join(out, f))
files = []
for n, m in enumerate(messages, 1):
    fname = f'{n:02d}-{m["exchange"]}-{"response" if m["response"] else "request"}.hex'
    with open(os.path.join(out, fname), 'w') as f:
        f.write(m['bytes'].hex() + '\n')
    files.append({k: v for k, v in m.items() if k != 'bytes'} | {'file': fname, 'length': len(m['bytes'])})

doc = {
    'scenario': name,
    'source': 'strongSwan ' + open(os.path.join(work, 'version')).read().strip(),
    'ikeProposal': ike,
    'espProposal': esp,
    'dhGroup': struct.unpack('>H', group_i)[0],
    'spiI': init_req['bytes'][0:8].hex(),
    'spiR': init_rsp['bytes'][8:16].hex(),
    'nonceI': first(init_req['bytes'], 40).hex(),
    'nonceR': first(init_rsp['bytes'], 40).hex(),
    'keI': ke_i.hex(),
    'keR': ke_data(init_rsp['bytes'])[1].hex(),
    **keys,
    # KEYMAT of each CHILD SA (RFC 7296 section 2.17) in creation order: the IKE_AUTH one, then the rekeyed
    # one; seed is Ni | Nr of the exchange that created it
    'childSas': children['i'],
    'psk': psk.encode().hex(),
    'pskText': psk,
    'idI': {'type': 'ID_RFC822_ADDR', 'value': id_i},
    'idR': {'type': 'ID_FQDN', 'value': id_r},
    'messages': files,
}
with open(os.path.join(out, 'keys.json'), 'w') as f:
    json.dump(doc, f, indent=2)
    f.write('\n')
print(f'{name}: {len(files)} messages', file=sys.stderr)
PY
}

setup_netns
dpkg-query -W -f='${Version}\n' charon-systemd >"$work/version"
for s in "${scenarios[@]}"; do
    IFS='|' read -r name ike esp <<<"$s"
    mkdir -p "$work/$name"
    cp "$work/version" "$work/$name/version"
    capture_scenario "$name" "$ike" "$esp"
done
# replace the corpus only once every scenario succeeded, so a failed run never leaves a mixed corpus behind
mkdir -p "$outdir"
for s in "${scenarios[@]}"; do
    name=${s%%|*}
    rm -rf "${outdir:?}/$name"
    cp -r "$work/out/$name" "$outdir/$name"
done
log "corpus written to $outdir"
