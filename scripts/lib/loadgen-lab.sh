# Shared by scripts/loadgen-*.sh (sourced, not run): the two-namespace topology and the strongSwan responder
# configuration the load benchmarks use. The caller sets GW, CL (namespace names), D (temp dir) and PROPOSAL.
# Topology: netns $GW (192.0.2.1, responder) <veth> $CL (192.0.2.2, load generator).

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

# strongSwan responder: PSK, pool 10.99.0.0/16, one CHILD SA to 198.51.100.0/24, written to $D.
lab_strongswan_conf() {
cat > $D/strongswan.conf <<CONF
charon {
    load_modular = no
    load = random nonce openssl pem pkcs1 pkcs8 x509 pubkey curve25519 gcm aes sha1 sha2 hmac kdf kernel-libipsec kernel-netlink socket-default vici
    # all clients share one source address: lift the per-IP half-open limit and the cookie threshold
    block_threshold = 1000000
    cookie_threshold = 1000000
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
pools { rw-pool { addrs = 10.99.0.0/16 } }
secrets { ike-any { secret = "lg-bench-psk" } }
CONF
}
