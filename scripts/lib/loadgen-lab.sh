# Shared by scripts/loadgen-*.sh (sourced, not run): the two-namespace topology and the strongSwan responder
# configuration the load benchmarks use. The caller sets GW, CL (namespace names), D (temp dir) and PROPOSAL;
# optional: LAB_POOL (virtual-IP pool of both responders, default 10.99.0.0/16), LAB_DPD (Concentrator
# dpd.delay, e.g. 0s to match the strongSwan connection, which has no DPD; unset = Concentrator's default 30s),
# CONC_ENV (environment of the Concentrator process), HOST (the concentrator executable), RESP_CPUS (pin the
# responder to these CPUs with taskset, e.g. 0; unset = no pinning).
# Topology: netns $GW (192.0.2.1, responder) <veth> $CL (192.0.2.2, load generator).
# Functions: lab_netns_up, lab_strongswan_conf, lab_concentrator_conf, start_strongswan, start_concentrator LOG,
# stop_responder (PID holds the running responder), shrink_log LOG.

lab_netns_up() {
    ip netns del $GW 2>/dev/null; ip netns del $CL 2>/dev/null
    set -e
    ip netns add $GW; ip netns add $CL
    ip -n $GW link set lo up; ip -n $CL link set lo up
    ip link add gw0 netns $GW type veth peer name cl0 netns $CL
    ip -n $GW addr add 192.0.2.1/24 dev gw0; ip -n $CL addr add 192.0.2.2/24 dev cl0
    ip -n $GW addr add 198.51.100.1/24 dev lo   # kernel-libipsec routes the CHILD SA from an address in local_ts
    ip -n $GW link set gw0 up; ip -n $CL link set cl0 up
    set +e
}

# strongSwan responder: PSK, pool LAB_POOL, one CHILD SA to 198.51.100.0/24, written to $D.
lab_strongswan_conf() {
cat > $D/strongswan.conf <<CONF
charon {
    load_modular = no
    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
    # All clients share one source address. Both responders are measured on the same terms: every admission
    # throttle is lifted here as in lab_concentrator_conf below, so neither asks for COOKIEs or refuses
    # IKE_SA_INIT during a run. cookie_threshold (node-wide, default 30) = Concentrator's
    # half-open-cookie-threshold; cookie_threshold_ip (per source, default 3: without it 997 of 1000 clients
    # paid a COOKIE round trip against strongSwan only) = half-open-per-source-cookie-threshold;
    # block_threshold (per-source half-open cap, default 5) and init_limit_half_open (node-wide cap, 0 = none)
    # = half-open-limit; init_limit_job_load (drop under job load, 0 = never) has no Concentrator counterpart.
    block_threshold = 1000000
    cookie_threshold = 1000000
    cookie_threshold_ip = 1000000
    init_limit_half_open = 0
    init_limit_job_load = 0
    filelog { main { path = $D/charon.log
                     default = -1 } }
    syslog { daemon { default = -1 } }
    plugins { vici { socket = unix://$D/charon.vici } }
}
swanctl { socket = unix://$D/charon.vici }
CONF
cat > $D/swanctl.conf <<CONF
connections { rw {
    version = 2
    local_addrs = 192.0.2.1
    proposals = $PROPOSAL
    pools = rw-pool
    local { auth = psk
            id = gw.loadgen.test }
    remote { auth = psk
             id = %any }
    children { lan { local_ts = 198.51.100.0/24
                     esp_proposals = aes256gcm16 } }
} }
pools { rw-pool { addrs = ${LAB_POOL:-10.99.0.0/16} } }
secrets { ike-any { secret = "lg-bench-psk" } }
CONF
}

# Concentrator responder: the same connection as strongSwan's, written to $D/conc.
lab_concentrator_conf() {
local dpd=""; [ -n "${LAB_DPD:-}" ] && dpd="dpd { delay = $LAB_DPD }"
mkdir -p $D/conc/conns
cat > $D/conc/concentrator.conf <<CONF
concentrator {
  config-dir = "conns"
  ike {
    listen = [ "192.0.2.1" ]
    # all clients share one source address: never ask for COOKIEs during the run (neither the node-wide
    # threshold nor the per-source one), and the hard cap must be at least the cookie threshold; the same
    # throttles are lifted in lab_strongswan_conf above, so both responders are measured on the same terms
    half-open-cookie-threshold = 1000000
    half-open-per-source-cookie-threshold = 1000000
    half-open-limit = 1000000
  }
  # each run starts empty: no leases restored from (or written to) the system-wide journal of another run
  leases { path = "" }
}
CONF
cat > $D/conc/conns/rw.conf <<CONF
rw {
  local { id = "gw.loadgen.test", auth = psk }
  remote { id = "%any", auth = psk }
  ike-proposals = [ "$PROPOSAL" ]
  esp-proposals = [ "aes256gcm16" ]
  local-ts = [ "198.51.100.0/24" ]
  pools = [ "${LAB_POOL:-10.99.0.0/16}" ]
  ipsec-interface = 1
  $dpd
}
secrets { "%any" = "lg-bench-psk" }
CONF
}

PID=
start_strongswan() {
    setsid ip netns exec $GW ${RESP_CPUS:+taskset -c $RESP_CPUS} env STRONGSWAN_CONF=$D/strongswan.conf /usr/sbin/charon-systemd </dev/null >/dev/null 2>&1 &
    PID=$!
    for i in $(seq 500); do STRONGSWAN_CONF=$D/strongswan.conf swanctl --stats >/dev/null 2>&1 && break; sleep 0.01; done
    STRONGSWAN_CONF=$D/strongswan.conf swanctl --load-all --file $D/swanctl.conf >/dev/null 2>&1 || { echo "swanctl --load-all failed"; return 1; }
}
start_concentrator() {  # $1 = log file
    ip -n $GW link del ipsec1 2>/dev/null
    ip netns exec $GW ${RESP_CPUS:+taskset -c $RESP_CPUS} env ${CONC_ENV:-} "$HOST" run --config $D/conc/concentrator.conf </dev/null >"$1" 2>&1 &
    PID=$!
    for i in $(seq 300); do
        grep -q "IKE listening" "$1" 2>/dev/null && ip netns exec $GW ss -Hlun 'sport = :500' | grep -q . && return 0
        kill -0 $PID 2>/dev/null || { echo "concentrator exited:"; tail -20 "$1"; PID=; return 1; }
        sleep 0.1
    done
    echo "concentrator did not start listening in 30 s:"; tail -20 "$1"; return 1
}
stop_responder() {
    [ -z "$PID" ] && return
    kill "$PID" 2>/dev/null
    for i in $(seq 100); do kill -0 "$PID" 2>/dev/null || break; sleep 0.1; done
    kill -9 "$PID" 2>/dev/null; wait "$PID" 2>/dev/null; PID=
}

shrink_log() {  # the Host logs one line per SA established, lease, release and deleted SA: keep their counts, not the lines
    local f=$1 pat=': lease \|: released \|Deleted: ended (deleted)\|Established: established with \|responder Deleting: deleting: \|responder Deleted: CHILD SA .* removed\| IKE SA established: \| IKE SA deleted: '
    { echo "# omitted: $(grep -c ': lease ' $f) 'lease', $(grep -c ': released ' $f) 'released', $(grep -c 'Deleted: ended (deleted)' $f) 'Deleted: ended (deleted)', $(grep -c 'Established: established with ' $f) 'Established: established with', $(grep -c 'responder Deleting: deleting: ' $f) 'responder Deleting: deleting:', $(grep -c 'responder Deleted: CHILD SA .* removed' $f) 'responder Deleted: CHILD SA ... removed' lines"
      echo "# first lease: $(grep -m1 ': lease ' $f | cut -c1-130)"
      echo "# first deleting: $(grep -m1 'responder Deleting: deleting: ' $f | cut -c1-200)"
      echo "# first established: $(grep -m1 'Established: established with ' $f | cut -c1-200)"
      echo "# omitted: $(grep -c ' IKE SA established: ' $f) 'IKE SA established:', $(grep -c ' IKE SA deleted: ' $f) 'IKE SA deleted:' lines; first: $(grep -m1 ' IKE SA established: ' $f | cut -c1-200)"
      grep -v "$pat" $f; } >$f.tmp && mv $f.tmp $f
}

# Builds the load generator and the Host (Release) and sets LG and HOST; creates $OUT.
# HOST_BIN / LG_BIN=path: run that concentrator / concentrator-loadgen executable (e.g. a copy of another build's
# output, to compare builds in one run) instead of building this checkout's.
lab_build() {
    local p
    for p in bench/Concentrator.LoadGen src/Concentrator.Host; do
        [ $p = src/Concentrator.Host ] && [ -n "${HOST_BIN:-}" ] && continue
        [ $p = bench/Concentrator.LoadGen ] && [ -n "${LG_BIN:-}" ] && continue
        dotnet build "$ROOT/$p" -c Release -v q -nologo >/dev/null || { echo "build of $p failed"; exit 1; }
    done
    LG="${LG_BIN:-$ROOT/bench/Concentrator.LoadGen/bin/Release/net10.0/concentrator-loadgen}"
    HOST="${HOST_BIN:-$ROOT/src/Concentrator.Host/bin/Release/net10.0/concentrator}"
    mkdir -p "$OUT"
}

# The two namespaces and both responders' configuration under $D.
lab_prepare() {
    lab_netns_up
    lab_strongswan_conf
    lab_concentrator_conf
    export STRONGSWAN_CONF=$D/strongswan.conf
}
