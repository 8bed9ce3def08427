#!/usr/bin/env bash
# Regenerates tests/Concentrator.Kernel.Tests/TestData/golden/*.txt: the netlink bytes iproute2 sends (and,
# for parser tests, the bytes the kernel answers) for the requests our encoders build. Each case runs one
# `ip` command under strace inside a throwaway network namespace. Requests this kernel refuses (ESP states,
# xfrm links) are still captured: strace records the sendmsg before the kernel answers.
# Usage: sudo scripts/capture-golden.sh [case-name ...]     (needs iproute2, strace; root)
set -euo pipefail
cd "$(dirname "$0")/.."
OUT=tests/Concentrator.Kernel.Tests/TestData/golden
NS="${GOLDEN_NS:-golden-$$}"  # GOLDEN_NS: a name of your own prefix
mkdir -p "$OUT"

cleanup() { ip netns del "$NS" 2>/dev/null || true; }
trap cleanup EXIT

# Keys used in the commands (fixed test values, not secrets).
AEAD_KEY=0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20212223
CHACHA_KEY=0x1f1e1d1c1b1a191817161514131211100f0e0d0c0b0a09080706050403020100a0a1a2a3
ENC_KEY=0x00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff
AUTH_KEY=0xffeeddccbbaa99887766554433221100ffeeddccbbaa99887766554433221100

write_case() {  # NAME COMMAND-TEXT STRACE-OUTPUT
  {
    echo "# command: $2"
    echo "# iproute2: $(ip -V | sed 's/^ip utility, //')"
    echo "# one line per sendmsg/recvmsg buffer, hex; 'send' lines are requests, 'recv' lines kernel answers"
    # strace prints the call line, then hexdump rows " | 00000  hh hh .. hh  hh .. hh  ascii |" of the
    # data (all iovecs of one call = one datagram); the hex bytes sit in columns 11-58.
    awk '
      function flush() { if (cur != "") print kind ": " cur; cur = "" }
      /^(\[pid +[0-9]+\] )?send(msg|to)\(/ { flush(); kind = "send"; next }
      /^(\[pid +[0-9]+\] )?recvmsg\(/ { flush(); kind = "recv"; next }
      /^ \| [0-9a-f][0-9a-f][0-9a-f][0-9a-f][0-9a-f]  / { h = substr($0, 11, 48); gsub(/ /, "", h); cur = cur h; next }
      END { flush() }
    ' <<<"$3"
  } >"$OUT/$1.txt"
}

# run NAME DIRECTION COMMAND...   DIRECTION: send = keep sendmsg buffers, recv = also keep recvmsg buffers
run() {
  local name=$1 dir=$2; shift 2
  if [[ ${#SELECTED[@]} -gt 0 && ! " ${SELECTED[*]} " =~ " $name " ]]; then return; fi
  local trace=sendmsg,sendto rw=(-e write=all)
  if [[ $dir == recv ]]; then trace=sendmsg,sendto,recvmsg; rw=(-e write=all -e read=all); fi
  local raw
  raw=$(ip netns exec "$NS" strace -f -qq -e trace=$trace "${rw[@]}" "$@" 2>&1 >/dev/null || true)
  write_case "$name" "$*" "$raw"
  echo "captured $name: $(grep -c '^send' "$OUT/$name.txt") send, $(grep -c '^recv' "$OUT/$name.txt") recv"
}

SELECTED=("$@")
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up

# --- XFRM states -------------------------------------------------------------------------------------
run newsa-aead-encap send ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000001 \
  reqid 0x40000001 mode tunnel replay-window 128 flag af-unspec flag esn \
  aead 'rfc4106(gcm(aes))' $AEAD_KEY 128 encap espinudp 4500 4500 0.0.0.0 \
  output-mark 0x1 mask 0xffffffff if_id 0x1
run newsa-cbc-hmac send ip xfrm state add src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xc0000002 \
  reqid 0x40000002 mode tunnel replay-window 32 \
  enc 'cbc(aes)' $ENC_KEY auth-trunc 'hmac(sha256)' $AUTH_KEY 128 \
  sel src 10.3.0.0/24 dst 10.4.0.5/32 \
  limit byte-soft 1000000 limit byte-hard 2000000 limit time-soft 3000 limit time-hard 3600
run newsa-v6-chacha send ip xfrm state add src 2001:db8::1 dst 2001:db8::2 proto esp spi 0xc0000003 \
  reqid 0x40000003 mode tunnel replay-window 32 flag af-unspec \
  aead 'rfc7539esp(chacha20,poly1305)' $CHACHA_KEY 128 if_id 0x5 output-mark 0x5 mask 0xffffffff
run newsa-mark-v6sel send ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000004 \
  reqid 0x40000004 mode tunnel replay-window 64 flag af-unspec flag esn \
  aead 'rfc4106(gcm(aes))' $AEAD_KEY 128 sel src 2001:db8:1::/48 dst 2001:db8:2::5/128 \
  mark 0x2a mask 0xff if_id 0x2 output-mark 0x7 mask 0xff \
  limit packet-soft 1000 limit packet-hard 2000 limit time-use-soft 60 limit time-use-hard 120
run updsa-aead send ip xfrm state update src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000001 \
  reqid 0x40000001 mode tunnel replay-window 128 flag af-unspec flag esn \
  aead 'rfc4106(gcm(aes))' $AEAD_KEY 128 encap espinudp 4500 4500 0.0.0.0 \
  output-mark 0x1 mask 0xffffffff if_id 0x1
run delsa send ip xfrm state delete src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000001
run delsa-mark send ip xfrm state delete src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000001 mark 0x2a mask 0xff
run getsa send ip xfrm state get src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000001
run allocspi send ip xfrm state allocspi src 192.0.2.2 dst 192.0.2.1 proto esp reqid 0x40000001 \
  mode tunnel min 0xc0000000 max 0xcfffffff
run flushsa send ip xfrm state flush
run flushsa-esp send ip xfrm state flush proto esp

# --- XFRM policies -----------------------------------------------------------------------------------
run newpolicy-out send ip xfrm policy add src 0.0.0.0/0 dst 10.100.0.7/32 dir out priority 1040383 \
  tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 0x40000001 mode tunnel if_id 0x1
run newpolicy-in send ip xfrm policy add src 10.100.0.7/32 dst 0.0.0.0/0 dir in priority 1040383 \
  tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 0x40000001 mode tunnel if_id 0x1
run newpolicy-fwd send ip xfrm policy add src 10.100.0.7/32 dst 0.0.0.0/0 dir fwd priority 1040383 \
  tmpl src 192.0.2.2 dst 192.0.2.1 proto esp reqid 0x40000001 mode tunnel if_id 0x1
run newpolicy-v6-ports send ip xfrm policy add src 2001:db8:1::/48 dst 2001:db8:2::5/128 proto tcp dport 443 \
  dir out priority 100 mark 0x2a mask 0xff \
  tmpl src 2001:db8::1 dst 2001:db8::2 proto esp reqid 0x40000003 mode tunnel if_id 0x5
run updpolicy-out send ip xfrm policy update src 0.0.0.0/0 dst 10.100.0.7/32 dir out priority 1040383 \
  tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 0x40000001 mode tunnel if_id 0x1
run delpolicy send ip xfrm policy delete src 0.0.0.0/0 dst 10.100.0.7/32 dir out if_id 0x1
run delpolicy-index send ip xfrm policy delete index 0x109 dir out if_id 0x1
run flushpolicy send ip xfrm policy flush
run setspdinfo-hthresh send ip xfrm policy set hthresh4 0 32 hthresh6 0 128

# --- rtnetlink ---------------------------------------------------------------------------------------
run newlink-xfrm send ip link add ipsec1 mtu 1400 up type xfrm dev lo if_id 1
run setlink-up send ip link set dev lo up
run dellink send ip link del dev lo
run getlink-dump recv ip -d link show
run newaddr send ip addr add 10.9.0.1/24 dev lo
run newaddr-v6 send ip addr add 2001:db8:9::1/64 dev lo
run newroute send ip route add 10.100.0.0/16 dev lo table 50 metric 100 src 10.9.0.1
run newroute-v6 send ip route add 2001:db8:100::/48 dev lo metric 1024
run delroute send ip route del 10.100.0.0/16 dev lo table 50 metric 100
run newrule send ip rule add fwmark 0x1 lookup 50 priority 100
run newrule-table send ip rule add fwmark 0x2/0xff lookup 1000 priority 101
run delrule send ip rule del fwmark 0x1 lookup 50 priority 100
run deladdr send ip addr del 10.9.0.1/24 dev lo
run newroute-table send ip route add 10.101.0.0/16 dev lo table 1000
run getsa-dump send ip xfrm state list
run getpolicy-dump send ip xfrm policy list
run delpolicy-mark send ip xfrm policy delete src 2001:db8:1::/48 dst 2001:db8:2::5/128 proto tcp dport 443 \
  dir out mark 0x2a mask 0xff if_id 0x5

# monitor NAME SECONDS TRIGGER...: record what `ip xfrm monitor` receives while TRIGGER runs
monitor() {
  local name=$1 secs=$2; shift 2
  if [[ ${#SELECTED[@]} -gt 0 && ! " ${SELECTED[*]} " =~ " $name " ]]; then return; fi
  local tmp; tmp=$(mktemp)
  ip netns exec "$NS" strace -f -qq -e trace=recvmsg -e read=all timeout "$secs" ip xfrm monitor >/dev/null 2>"$tmp" &
  local pid=$!
  sleep 0.5
  ip netns exec "$NS" "$@" >/dev/null 2>&1 || true
  wait "$pid" || true
  write_case "$name" "ip xfrm monitor, triggered by: $*" "$(cat "$tmp")"
  rm -f "$tmp"
  echo "captured $name: $(grep -c '^recv' "$OUT/$name.txt") recv"
}

setup() { ip netns exec "$NS" "$@" >/dev/null 2>&1 || true; }

# --- replies for parser tests (real kernel answers) ----------------------------------------------------
# An ESP state cannot be installed here, but ALLOCSPI creates a real larval ESP state the kernel reports.
run reply-allocspi recv ip xfrm state allocspi src 192.0.2.2 dst 192.0.2.1 proto esp reqid 0x40000009 \
  mode tunnel min 0xc0000100 max 0xc0000100
run reply-getsa recv ip xfrm state get src 192.0.2.2 dst 192.0.2.1 proto esp spi 0xc0000100
# Two more larval states (v4 and v6) for the counters dump `list-sas` reads (IKernelIpsec.DumpSaCountersAsync).
setup ip xfrm state allocspi src 192.0.2.2 dst 192.0.2.3 proto esp reqid 0x40000010 mode tunnel min 0xc0000200 max 0xc0000200
setup ip xfrm state allocspi src 2001:db8::2 dst 2001:db8::1 proto esp reqid 0x40000011 mode tunnel min 0xc0000201 max 0xc0000201
run reply-sa-dump recv ip -s xfrm state list
setup ip xfrm policy flush
setup ip xfrm policy add src 0.0.0.0/0 dst 10.100.0.7/32 dir out priority 1040383 \
  tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 0x40000001 mode tunnel if_id 0x1
setup ip xfrm policy add src 2001:db8:1::/48 dst 2001:db8:2::5/128 proto tcp dport 443 dir in priority 100 \
  mark 0x2a mask 0xff tmpl src 2001:db8::2 dst 2001:db8::1 proto esp reqid 0x40000003 mode tunnel if_id 0x5
run reply-policy-dump recv ip xfrm policy list
run reply-error-extack recv ip xfrm state add src 192.0.2.1 dst 192.0.2.2 proto esp spi 0xc0000001 \
  reqid 1 mode tunnel aead 'rfc4106(gcm(aes))' $AEAD_KEY 128
run reply-error-exist recv ip xfrm policy add src 0.0.0.0/0 dst 10.100.0.7/32 dir out priority 1040383 \
  tmpl src 192.0.2.1 dst 192.0.2.2 proto esp reqid 0x40000001 mode tunnel if_id 0x1

# Events. Larval states live net.core.xfrm_acq_expires seconds (per namespace), then expire hard.
setup sysctl -w net.core.xfrm_acq_expires=2
monitor event-expire 5 ip xfrm state allocspi src 192.0.2.5 dst 192.0.2.6 proto esp reqid 0x40000005 \
  mode tunnel min 0xc0000500 max 0xc0000500
# An outbound policy without an SA makes the kernel ask for one. Loopback traffic skips XFRM lookups, so
# the packet leaves through a veth.
setup ip link add gv0 type veth peer name gv1
setup ip link set gv0 up
setup ip link set gv1 up
setup ip addr add 10.200.0.1/24 dev gv0
setup ip xfrm policy add src 0.0.0.0/0 dst 10.200.0.0/24 dir out priority 10 \
  tmpl src 192.0.2.1 dst 192.0.2.7 proto esp reqid 0x40000007 mode tunnel
monitor event-acquire 2 ping -c1 -W1 10.200.0.2
# IPv6 inside IPv4 and IPv4 inside IPv6 (traps for ::/0 towards an IPv4 peer, 0/0 towards an IPv6 one): the
# acquire's outer addresses have the template's family, not the selector's, and the message does not say which.
setup ip addr add 2001:db8:200::1/64 dev gv0 nodad
setup ip xfrm policy add src ::/0 dst 2001:db8:200::/64 dir out priority 10 \
  tmpl src 192.0.2.1 dst 192.0.2.9 proto esp reqid 0x40000009 mode tunnel
monitor event-acquire-v6-in-v4 2 ping -6 -c1 -W1 2001:db8:200::2
setup ip addr add 10.201.0.1/24 dev gv0
setup ip xfrm policy add src 0.0.0.0/0 dst 10.201.0.0/24 dir out priority 10 \
  tmpl src 2001:db8::1 dst 2001:db8::a proto esp reqid 0x4000000a mode tunnel
monitor event-acquire-v4-in-v6 2 ping -c1 -W1 10.201.0.2
monitor event-polexpire 4 ip xfrm policy add src 10.50.0.0/16 dst 10.60.0.0/16 dir out priority 20 \
  limit time-soft 1 limit time-hard 2 tmpl src 192.0.2.1 dst 192.0.2.8 proto esp reqid 0x40000008 mode tunnel
