#!/usr/bin/env python3
# One cold-start burst for scripts/bench-startup-stall.sh (bench only, not a test).
#
#   startup-burst.py HOST_BINARY CONFIG COUNT WINDOW_MS TIMEOUT_S
#
# Starts the Concentrator Host (a fresh process), waits for its "running:" line (ConcentratorNode.StartAsync has
# returned and the sockets are bound), then at once sends COUNT IKE_SA_INIT requests to 127.0.0.1:500 within
# WINDOW_MS (each with its own SPIi, KE and nonce: proposal aes256gcm16-prfsha256-x25519) and records the time
# from the first send until every one is answered (by SPIi; a response carrying SA+KE counts as accepted).
# Prints one JSON line: start_ms (process start -> "running:"), send_ms (first -> last send), all_answered_ms
# (or null after TIMEOUT_S), answered, accepted, p50/max per-request ms, burst_cpu_ms. Stops the Host with SIGTERM.
# STACK_AFTER_MS=N in the environment: when the burst is not all answered N ms after its first send, the managed
# stacks of every Host thread are taken once with `dotnet-stack report` (a dotnet tool) into STACK_FILE (default
# stall-stacks-<pid>.txt in the working directory); the JSON line then names the file ('stacks').
import json
import os
import select
import signal
import socket
import struct
import subprocess
import sys
import time


def ike_sa_init(spi_i):
    # RFC 7296 §3.3: SA with one IKE proposal: ENCR_AES_GCM_16 (20, Key Length 256), PRF_HMAC_SHA2_256 (5),
    # Curve25519 (31, RFC 8031).
    enc = struct.pack('!BBHBBH', 3, 0, 12, 1, 0, 20) + struct.pack('!HH', 0x800E, 256)
    prf = struct.pack('!BBHBBH', 3, 0, 8, 2, 0, 5)
    dh = struct.pack('!BBHBBH', 0, 0, 8, 4, 0, 31)
    transforms = enc + prf + dh
    proposal = struct.pack('!BBHBBBB', 0, 0, 8 + len(transforms), 1, 1, 0, 3) + transforms
    sa = struct.pack('!BBH', 34, 0, 4 + len(proposal)) + proposal               # next: KE
    ke = struct.pack('!BBHHH', 40, 0, 8 + 32, 31, 0) + os.urandom(32)          # next: Nonce
    nonce = struct.pack('!BBH', 0, 0, 4 + 32) + os.urandom(32)
    body = sa + ke + nonce
    header = spi_i + bytes(8) + struct.pack('!BBBBII', 33, 0x20, 34, 0x08, 0, 28 + len(body))
    return header + body


def cpu_ms(pid):
    # /proc/PID/stat fields 14 and 15 (utime, stime) in clock ticks; the name (field 2) may hold spaces
    fields = open(f'/proc/{pid}/stat').read().rsplit(')', 1)[1].split()
    return (int(fields[11]) + int(fields[12])) * 1000 / os.sysconf('SC_CLK_TCK')


def take_stacks(pid, answered, count):
    # dotnet-stack attaches over the runtime's diagnostic socket (no debugger, the Host keeps running) and prints
    # every managed thread's stack; the CPU times of the Host's threads go with it (which ones were running)
    path = os.environ.get('STACK_FILE') or f'stall-stacks-{pid}.txt'
    with open(path, 'w') as out:
        out.write(f'# {answered} of {count} answered; Host pid {pid}; load {open("/proc/loadavg").read().strip()}\n')
        for task in sorted(os.listdir(f'/proc/{pid}/task'), key=int):
            try:
                name = open(f'/proc/{pid}/task/{task}/comm').read().strip()
                f = open(f'/proc/{pid}/task/{task}/stat').read().rsplit(')', 1)[1].split()
                out.write(f'# thread {task} {name!r} state {f[0]} utime+stime {int(f[11]) + int(f[12])} ticks; wchan '
                          f'{open(f"/proc/{pid}/task/{task}/wchan").read()}\n')
            except OSError:
                pass
        out.flush()
        try:
            r = subprocess.run(['dotnet-stack', 'report', '-p', str(pid)], capture_output=True, text=True, timeout=60)
            out.write(r.stdout + r.stderr)
        except (OSError, subprocess.TimeoutExpired) as e:
            out.write(f'dotnet-stack failed: {e}\n')
    return path


def main():
    host, config, count, window_ms, timeout_s = sys.argv[1], sys.argv[2], int(sys.argv[3]), float(sys.argv[4]), float(sys.argv[5])
    requests = [ike_sa_init(os.urandom(8)) for _ in range(count)]
    sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    sock.bind(('127.0.0.1', 0))
    sock.setblocking(False)
    t_proc = time.monotonic()
    proc = subprocess.Popen([host, 'run', '--config', config], stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT, text=True)
    log = []
    for line in proc.stdout:
        log.append(line)
        if line.startswith('running:'):
            break
    else:
        print(json.dumps({'error': 'host exited before running', 'log': ''.join(log[-20:])}))
        return 1
    start_ms = (time.monotonic() - t_proc) * 1000
    cpu_at_running = cpu_ms(proc.pid)
    # Keep draining the Host's output so it never blocks on a full pipe.
    import threading
    threading.Thread(target=lambda: [log.append(l) for l in proc.stdout], daemon=True).start()

    sent_at = {}
    t0 = time.monotonic()
    gap = window_ms / 1000 / max(count - 1, 1)
    for i, req in enumerate(requests):
        target = t0 + i * gap
        while time.monotonic() < target:
            pass
        sock.sendto(req, ('127.0.0.1', 500))
        sent_at[req[:8]] = time.monotonic()
    send_ms = (time.monotonic() - t0) * 1000

    answered, accepted = {}, 0
    deadline = t0 + timeout_s
    stack_after = float(os.environ.get('STACK_AFTER_MS', '0')) / 1000
    stack_file = None
    while len(answered) < count and time.monotonic() < deadline:
        if stack_after and stack_file is None and time.monotonic() - t0 >= stack_after:
            stack_file = take_stacks(proc.pid, len(answered), count)
        wake = deadline if not stack_after or stack_file else min(deadline, t0 + stack_after)
        r, _, _ = select.select([sock], [], [], max(0.0, wake - time.monotonic()))
        if not r:
            continue
        while True:
            try:
                data = sock.recv(65535)
            except BlockingIOError:
                break
            spi = data[:8]
            if len(data) >= 28 and data[18] == 34 and data[19] & 0x20 and spi in sent_at and spi not in answered:
                answered[spi] = time.monotonic()
                accepted += data[16] == 33
    done = time.monotonic()
    cpu_burst = cpu_ms(proc.pid) - cpu_at_running
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    per = sorted((answered[s] - sent_at[s]) * 1000 for s in answered)
    print(json.dumps({
        'start_ms': round(start_ms, 1),
        'send_ms': round(send_ms, 2),
        'all_answered_ms': round((max(answered.values()) - t0) * 1000, 1) if len(answered) == count else None,
        'answered': len(answered),
        'accepted': accepted,
        'p50_ms': round(per[len(per) // 2], 1) if per else None,
        'max_ms': round(per[-1], 1) if per else None,
        'waited_ms': round((done - t0) * 1000, 1),
        # the Host's CPU time (all threads, utime+stime) from "running:" until the last answer: near waited_ms × cores
        # means the burst waited for CPU (JIT, crypto, a loaded machine); far below it, for something else (a lock)
        'burst_cpu_ms': round(cpu_burst, 1),
        **({'stacks': stack_file} if stack_file else {}),
    }))
    return 0


if __name__ == '__main__':
    sys.exit(main())
