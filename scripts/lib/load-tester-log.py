#!/usr/bin/env python3
"""Reads the log of strongSwan's load-tester initiator (filelog with time_format = %s and time_add_ms = yes,
default level 0) and writes the same JSON fields the project's load generator writes (setupsPerSecond,
latencyMs.p50/p99, established, failed, responderCpuMsPerSetup, responderRssKiBPerSa), so that
scripts/lib/vs-loadtester-table.py reads both drivers alike.
Per IKE SA the log has "initiating IKE_SA load-test[N]" (IKE_SA_INIT about to be sent) and
"IKE_SA load-test[N] established" (IKE_AUTH answered): latency = the difference; setups/s = established SAs over
the time from the first "initiating" to the last "established". Percentiles are nearest-rank, like the load
generator's."""
import argparse, json, math, re

ap = argparse.ArgumentParser()
ap.add_argument("log"); ap.add_argument("count", type=int)
ap.add_argument("--cpu-ticks", type=int, required=True); ap.add_argument("--tick", type=int, required=True)
ap.add_argument("--rss0", type=int, required=True); ap.add_argument("--rss1", type=int, required=True)
ap.add_argument("--json", required=True)
a = ap.parse_args()

init_re = re.compile(r"^(\d+\.\d+) .*initiating IKE_SA load-test\[(\d+)\]")
est_re = re.compile(r"^(\d+\.\d+) .*IKE_SA load-test\[(\d+)\] established")
start, done = {}, {}
with open(a.log, errors="replace") as f:
    for line in f:
        m = init_re.match(line)
        if m:
            start.setdefault(m.group(2), float(m.group(1)))
            continue
        m = est_re.match(line)
        if m:
            done.setdefault(m.group(2), float(m.group(1)))

lat = sorted((done[k] - start[k]) * 1000 for k in done if k in start)
def pct(p):
    return lat[max(0, math.ceil(p / 100 * len(lat)) - 1)] if lat else 0
est = len(done)
span = (max(done.values()) - min(start.values())) if done and start else 0
cpu_s = a.cpu_ticks / a.tick
r = {
    "driver": "strongSwan load-tester",
    "count": a.count, "established": est, "failed": a.count - est,
    "setupSeconds": span, "setupsPerSecond": est / span if span > 0 else 0,
    "latencyMs": {"count": len(lat), "p50": pct(50), "p90": pct(90), "p99": pct(99),
                  "max": lat[-1] if lat else 0, "mean": sum(lat) / len(lat) if lat else 0},
    "responderCpuSeconds": cpu_s,
    "responderCpuMsPerSetup": cpu_s * 1000 / est if est else None,
    # sampled once all were established, before the initiator was killed: the SAs are held
    "responderRssDeltaKiB": a.rss1 - a.rss0,
    "responderRssKiBPerSa": (a.rss1 - a.rss0) / est if est else None,
}
json.dump(r, open(a.json, "w"), indent=2)
print(f"{est} of {a.count} established, {r['setupsPerSecond']:.1f} setups/s, p50 {pct(50):.1f} ms, p99 {pct(99):.1f} ms, "
      f"responder {cpu_s:.2f} CPU s = {(r['responderCpuMsPerSetup'] or 0) * 1000:.0f} µs/setup, RSS +{a.rss1 - a.rss0} KiB")
