#!/usr/bin/env python3
"""Medians of scripts/loadgen-list-sas.sh's listings (listings.csv) and the daemon's GC heap around them
(counters.csv of dotnet-counters, System.Runtime, 1 s) as a Markdown table. Usage: list-sas-table.py OUT_DIR"""
import csv
import os
import statistics
import sys
from collections import defaultdict
from datetime import datetime, timezone

out = sys.argv[1]
rows = list(csv.DictReader(open(os.path.join(out, "listings.csv"))))
kinds = list(dict.fromkeys(r["kind"] for r in rows))


def med(values):
    return statistics.median(values) if values else None


def counters(name="counters.csv"):
    """[(epoch ns, heap bytes after the last GC summed over generations, bytes allocated in the interval before)] in
    time order (dotnet-counters writes an observable counter's increment per interval, not its total)."""
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return []
    heap = defaultdict(dict)
    alloc = {}
    for r in csv.reader(open(p)):
        if len(r) < 5 or r[0] == "Timestamp":
            continue
        ts, name, value = r[0], r[2], r[4]
        try:
            v = float(value)
        except ValueError:
            continue
        # dotnet-counters writes local time without a zone; the script runs in UTC
        t = datetime.strptime(ts[:26], "%m/%d/%Y %H:%M:%S").replace(tzinfo=timezone.utc) if "/" in ts[:10] else datetime.fromisoformat(ts).replace(tzinfo=timezone.utc)
        key = int(t.timestamp()) * 10**9
        if name.startswith("dotnet.gc.last_collection.heap.size"):
            heap[key][name] = v
        elif name.startswith("dotnet.gc.heap.total_allocated"):
            alloc[key] = v
    times = sorted(set(heap) | set(alloc))
    return [(t, sum(heap[t].values()) if t in heap else None, alloc.get(t)) for t in times]


samples = counters()
first = min(int(r["startNs"]) for r in rows)
last = max(int(r["endNs"]) for r in rows)
heap_before = [h for t, h, _ in samples if t < first and h is not None]
heap_during = [h for t, h, _ in samples if first <= t <= last + 10**9 and h is not None]
heap_after = [h for t, h, _ in samples if t > last + 10**9 and h is not None]
mib = 1024 * 1024

print(f"| listing | runs | median wall time | min–max | CPU daemon | CPU client | bytes out | daemon VmRSS before | peak during (VmHWM) | peak − before | after | load avg (1 min) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for k in kinds:
    rs = [r for r in rows if r["kind"] == k and r["exit"] == "0"]
    ms = [(int(r["endNs"]) - int(r["startNs"])) / 1e6 for r in rs]
    if not ms:
        print(f"| {k} | 0 ok of {sum(1 for r in rows if r['kind'] == k)} | | | | | | | | | | |")
        continue
    b = [int(r["rssBeforeKiB"]) for r in rs]
    p = [max(int(r["hwmDuringKiB"]), int(r["rssSampledMaxKiB"])) for r in rs]
    a = [int(r["rssAfterKiB"]) for r in rs]
    d = [x - y for x, y in zip(p, b)]
    cpu = lambda col: f"{med([int(r[col]) for r in rs]):,.0f} ms" if col in rs[0] else "?"
    print(f"| {k} | {len(rs)} | {med(ms):,.0f} ms | {min(ms):,.0f}–{max(ms):,.0f} ms | {cpu('daemonCpuMs')} | {cpu('clientCpuMs')} | {med([int(r['bytesOut'] if 'bytesOut' in r else r['bytes']) for r in rs]):,.0f} "
          f"| {med(b) / 1024:,.0f} MiB | {med(p) / 1024:,.0f} MiB | {med(d) / 1024:+,.1f} MiB | {med(a) / 1024:,.0f} MiB "
          f"| {med([float(r['loadavg1']) for r in rs]):.1f} |")

if samples:
    print()
    fmt = lambda v: f"{v / mib:,.0f} MiB" if v is not None else "?"
    print(f"GC heap (after the last collection, all generations): before the listings {fmt(heap_before[-1] if heap_before else None)}, "
          f"largest during {fmt(max(heap_during) if heap_during else None)}, after {fmt(heap_after[-1] if heap_after else None)}.")
    forced = [h for _, h, _ in counters("after-gc.csv") if h is not None]
    if forced:
        print(f"After a forced full GC (dotnet-gcdump collect): GC heap {fmt(forced[-1])}.")
    allocs = [(t, a) for t, _, a in samples if a is not None]
    if allocs:
        total = sum(a for _, a in allocs)
        print(f"Managed bytes allocated by the daemon over the whole listing phase ({len(rows)} listings, "
              f"{(allocs[-1][0] - allocs[0][0]) / 1e9:.0f} s): {total / mib:,.0f} MiB.")
        for k in kinds:
            per = []
            for r in rows:
                if r["kind"] != k:
                    continue
                s, e = int(r["startNs"]), int(r["endNs"])
                # the intervals that end after the listing started, up to the first one ending 1 s after it ended
                window = [a for t, a in allocs if s < t <= e + 2 * 10**9]
                if window:
                    per.append(sum(window))
            if per:
                print(f"- {k}: median {med(per) / mib:,.1f} MiB allocated by the daemon per listing (the 1 s counter intervals from its start to 2 s after its end)")
