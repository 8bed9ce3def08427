# Shared by scripts/bench-vs-loadtester.sh (sourced, not run): strongSwan responders and strongSwan's
# load-tester initiator, all run from the private build of scripts/lib/strongswan-load-tester.sh ($LT = its
# prefix), next to the topology and Concentrator configuration of scripts/lib/loadgen-lab.sh (sourced first;
# $GW, $CL, $D, $PROPOSAL as there). Every charon of that build writes its pid file to $LT/var/run, so each
# instance runs in a private mount namespace with its own directory bound over it: two of them (responder in
# $GW, initiator in $CL) can run at once, and Debian's charon is never touched.
# Functions: lt_responder_conf MODE (fake|libipsec), start_lt_responder MODE, lt_initiator_conf N C,
# run_lt_initiator N C LOG SAMPLE_FN (blocks until N are established or LT_TIMEOUT s passed).

# charon settings both responders share: the lab's lifted admission throttles (every client comes from one
# address: neither COOKIEs nor per-source caps, as for Concentrator) and a sized IKE_SA table. charon's default
# ikesa_table_size is 1, one bucket scanned linearly per lookup; 4096 buckets in 16 lock segments is what a
# strongSwan operator with thousands of clients configures.
lt_common_charon() {
cat <<CONF
    ikesa_table_size = 4096
    ikesa_table_segments = 16
    block_threshold = 1000000
    cookie_threshold = 1000000
    cookie_threshold_ip = 1000000
    init_limit_half_open = 0
    init_limit_job_load = 0
    syslog { daemon { default = -1 } }
CONF
}

# Responder: the lab's connection (PSK, pool, one CHILD SA to 198.51.100.0/24) with
#   fake:     the load-tester plugin's fake kernel: every SA and policy install is a no-op, so strongSwan pays
#             nothing for a dataplane (its best case). The plugin must come first in `load`, or kernel-netlink
#             registers the kernel interface first and every CHILD SA install goes to the real kernel (and fails
#             here: no ESP). initiators = 0: the plugin only provides the fake kernel, it starts nothing.
#             (The initiator asks for TSr 198.51.100.0/24: the plugin's default, the responder's address, is
#             outside the connection's local_ts and every CHILD SA would fail while the IKE SAs stay up.)
#   libipsec: kernel-libipsec, ESP in userspace over TUN ipsec0 (what Concentrator's userspace dataplane does).
lt_responder_conf() {
    local mode=$1 dir=$D/lt-$1 load
    mkdir -p "$dir/run"
    case $mode in
        fake) load="load-tester random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf attr kernel-netlink socket-default vici" ;;
        libipsec) load="random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf attr kernel-libipsec kernel-netlink socket-default vici" ;;
    esac
    cat >"$dir/strongswan.conf" <<CONF
charon {
    load_modular = no
    load = $load
$(lt_common_charon)
    filelog { main { path = $dir/charon.log
                     default = -1 } }
    plugins {
        vici { socket = unix://$dir/charon.vici }
        # the plugin also adds a credential set with its own PSK for every identity, which charon would
        # take to sign its AUTH: it must be the lab's PSK too
        load-tester { enable = yes
                      fake_kernel = yes
                      initiators = 0
                      preshared_key = lg-bench-psk }
    }
}
swanctl { socket = unix://$dir/charon.vici }
CONF
    cp "$D/swanctl.conf" "$dir/swanctl.conf"
}

start_lt_responder() {  # $1 = fake | libipsec; sets PID (the charon)
    local dir=$D/lt-$1
    ip -n "$GW" link del ipsec0 2>/dev/null
    setsid ip netns exec "$GW" unshare -m sh -c "mount --bind $dir/run $LT/var/run && exec env STRONGSWAN_CONF=$dir/strongswan.conf $LT/libexec/ipsec/charon" </dev/null >"$dir/stdout" 2>&1 &
    PID=$!
    for _ in $(seq 500); do STRONGSWAN_CONF=$dir/strongswan.conf "$LT/sbin/swanctl" --stats >/dev/null 2>&1 && break; sleep 0.02; done
    STRONGSWAN_CONF=$dir/strongswan.conf "$LT/sbin/swanctl" --load-all --file "$dir/swanctl.conf" >"$dir/swanctl.out" 2>&1 \
        || { echo "swanctl --load-all against the $1 responder failed:"; cat "$dir/swanctl.out"; return 1; }
}

# Initiator: strongSwan's load-tester from 192.0.2.2, N IKE SAs (one CHILD SA each, a virtual IP asked for),
# at most C in flight. LT_INITIATORS threads (default 4) each initiate N/LT_INITIATORS and sleep `delay` ms
# (LT_DELAY, default 1) after each initiation and while C are in flight: with delay 0 the plugin busy-waits on a
# core the responder needs, with one thread and 1 ms it could not start more than ~1,000 setups/s.
# reuse_ikesa = no: every CHILD SA gets its own IKE SA; install_virtual_ip = no: the leases stay on paper;
# fake_kernel: no SA is installed on this side either. run_lt_initiator watches the log until N are
# established, runs the caller's sampling function (the SAs are still held) and kills the initiator (its own
# session: setsid). The log (time in ms) has one "initiating" and one "established" line per IKE SA:
# scripts/lib/load-tester-log.py reads them.
lt_initiator_conf() {  # $1 = N, $2 = C
    local n=$1 c=$2 dir=$D/lt-init threads=${LT_INITIATORS:-4}
    mkdir -p "$dir/run"
    cat >"$dir/strongswan.conf" <<CONF
charon {
    load_modular = no
    load = load-tester random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf attr kernel-netlink socket-default
    reuse_ikesa = no
    install_virtual_ip = no
    ikesa_table_size = 4096
    ikesa_table_segments = 16
    syslog { daemon { default = -1 } }
    filelog { main { path = $dir/charon.log
                     append = no
                     flush_line = yes
                     time_format = %s
                     time_add_ms = yes
                     default = 0
                     ike = 1
                     cfg = 1 } }
    plugins { load-tester {
        enable = yes
        fake_kernel = yes
        initiators = $threads
        iterations = $(( (n + threads - 1) / threads ))
        init_limit = $c
        delay = ${LT_DELAY:-1}
        initiator = 192.0.2.2
        responder = 192.0.2.1
        proposal = $PROPOSAL
        esp = aes256gcm16
        initiator_auth = psk
        responder_auth = psk
        preshared_key = lg-bench-psk
        initiator_id = lt-%d-%d@loadtester
        responder_id = gw.loadgen.test
        request_virtual_ip = yes
        initiator_tsr = 198.51.100.0/24
        child_rekey = 0
        ike_rekey = 0
    } }
}
CONF
}

run_lt_initiator() {  # $1 = N, $2 = C, $3 = copy of the log, $4 = a function run once N are established
    local dir=$D/lt-init ipid n=0
    lt_initiator_conf "$1" "$2"
    rm -f "$dir/charon.log"
    setsid ip netns exec "$CL" unshare -m sh -c "mount --bind $dir/run $LT/var/run && exec env STRONGSWAN_CONF=$dir/strongswan.conf $LT/libexec/ipsec/charon" </dev/null >"$dir/stdout" 2>&1 &
    ipid=$!
    for _ in $(seq $(( ${LT_TIMEOUT:-300} * 20 ))); do
        n=$(grep -c 'IKE_SA load-test\[[0-9]*\] established' "$dir/charon.log" 2>/dev/null)
        [ "${n:-0}" -ge "$1" ] && break
        kill -0 $ipid 2>/dev/null || break
        sleep 0.05
    done
    [ "${n:-0}" -ge "$1" ] || echo "  load-tester: ${n:-0} of $1 established after ${LT_TIMEOUT:-300} s"
    "$4"
    # SIGKILL, not the plugin's shutdown: a charon that shuts down deletes its IKE SAs, and the responder's
    # work on those DELETEs would fall into the next sample
    kill -KILL -- -$ipid 2>/dev/null
    wait $ipid 2>/dev/null
    cp "$dir/charon.log" "$3"
}
