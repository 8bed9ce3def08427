#!/usr/bin/env python3
# Spoofed IKE_SA_INIT flood for scripts/bench-flood.sh (bench only, not a test).
#
#   flood-ike-sa-init.py TEMPLATE.pcap DST RATE SECONDS [SOURCE_PREFIX] [--stats FILE]
#
# TEMPLATE.pcap holds (as its first UDP datagram to port 500) a real IKE_SA_INIT request captured from the load
# generator: SA with the lab's proposal, KE x25519, Ni, NAT-D. Every datagram sent is that request with a random
# initiator SPI, a random KE public value and a random nonce, from a random source address in SOURCE_PREFIX
# (default 100.64.0.0/10) port 500, so each one would cost the responder a Diffie-Hellman if admitted and no two
# share a half-open slot. Sent through a raw socket (IPPROTO_RAW: we write the IPv4 header; the kernel fills in
# its checksum and ID; the UDP checksum is 0, "no checksum", allowed for IPv4 by RFC 768). Paced in 1-ms slices.
# Prints (and with --stats writes as JSON) how many datagrams were sent, at what rate, and send errors.
import ipaddress
import json
import os
import socket
import struct
import sys
import time


def first_ike_sa_init(path):
    with open(path, 'rb') as f:
        data = f.read()
    magic = data[:4]
    endian = '<' if magic in (b'\xd4\xc3\xb2\xa1', b'\x4d\x3c\xb2\xa1') else '>'
    linktype = struct.unpack(endian + 'I', data[20:24])[0]
    link_len = {1: 14, 113: 16, 276: 20}.get(linktype)
    if link_len is None:
        sys.exit(f'unsupported pcap link type {linktype}')
    off = 24
    while off + 16 <= len(data):
        incl = struct.unpack(endian + 'I', data[off + 8:off + 12])[0]
        pkt = data[off + 16:off + 16 + incl]
        off += 16 + incl
        ip = pkt[link_len:]
        if len(ip) < 20 or ip[0] >> 4 != 4 or ip[9] != 17:
            continue
        ihl = (ip[0] & 0x0F) * 4
        udp = ip[ihl:]
        if struct.unpack('!H', udp[2:4])[0] != 500:
            continue
        ike = udp[8:]
        # IKE header: SPIi(8) SPIr(8) next(1) version(1) exchange(1) flags(1) msgid(4) length(4)
        if len(ike) >= 28 and ike[18] == 34 and ike[8:16] == bytes(8) and ike[19] & 0x20 == 0:
            return bytes(ike)
    sys.exit(f'no IKE_SA_INIT request to port 500 in {path}')


def payload_spans(ike):
    """(type, data offset, data length) of each payload (RFC 7296 §3.2 generic payload header)."""
    spans, next_type, off = [], ike[16], 28
    while next_type != 0 and off + 4 <= len(ike):
        length = struct.unpack('!H', ike[off + 2:off + 4])[0]
        spans.append((next_type, off + 4, length - 4))
        next_type, off = ike[off], off + length
    return spans


def main():
    args = [a for a in sys.argv[1:]]
    stats_file = None
    if '--stats' in args:
        i = args.index('--stats')
        stats_file = args[i + 1]
        del args[i:i + 2]
    if len(args) < 4:
        sys.exit(__doc__ or 'usage: flood-ike-sa-init.py TEMPLATE.pcap DST RATE SECONDS [SOURCE_PREFIX] [--stats FILE]')
    template, dst, rate, seconds = args[0], args[1], float(args[2]), float(args[3])
    prefix = ipaddress.ip_network(args[4] if len(args) > 4 else '100.64.0.0/10')

    ike = first_ike_sa_init(template)
    spans = payload_spans(ike)
    ke = next((o + 4, n - 4) for t, o, n in spans if t == 34)      # KE: DH group(2) reserved(2) then the value
    nonce = next((o, n) for t, o, n in spans if t == 40)
    ip_len = 20 + 8 + len(ike)
    # IPv4 header with the source left zero (filled per datagram), DF, TTL 64, UDP; then UDP 500 -> 500, checksum 0.
    header = bytearray(struct.pack('!BBHHHBBH4s4s', 0x45, 0, ip_len, 0, 0x4000, 64, 17, 0, bytes(4),
                                   socket.inet_aton(dst)))
    header += struct.pack('!HHHH', 500, 500, 8 + len(ike), 0)
    packet = bytearray(header + ike)
    base = 28
    spi_at, ke_at, nonce_at = base, base + ke[0], base + nonce[0]
    net, span = int(prefix.network_address), prefix.num_addresses

    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 4 << 20)
    target = (dst, 0)
    sent = errors = 0
    start = time.perf_counter()
    end = start + seconds
    while True:
        now = time.perf_counter()
        if now >= end:
            break
        due = int((now - start) * rate) - sent
        if due <= 0:
            time.sleep(0.001)
            continue
        for _ in range(min(due, 1000)):
            rnd = os.urandom(4 + 8 + ke[1] + nonce[1])
            src = net + int.from_bytes(rnd[:4], 'big') % span
            packet[12:16] = src.to_bytes(4, 'big')
            packet[spi_at:spi_at + 8] = rnd[4:12]
            packet[ke_at:ke_at + ke[1]] = rnd[12:12 + ke[1]]
            packet[nonce_at:nonce_at + nonce[1]] = rnd[12 + ke[1]:]
            try:
                s.sendto(packet, target)
            except OSError:
                errors += 1
            sent += 1
    elapsed = time.perf_counter() - start
    result = {'sent': sent, 'sendErrors': errors, 'seconds': round(elapsed, 3), 'ratePerSecond': round(sent / elapsed, 1),
              'requestedRate': rate, 'datagramBytes': ip_len, 'ikeBytes': len(ike), 'sourcePrefix': str(prefix),
              'payloads': [t for t, _, _ in spans]}
    print(json.dumps(result))
    if stats_file:
        with open(stats_file, 'w') as f:
            json.dump(result, f, indent=2)


if __name__ == '__main__':
    main()
