#!/usr/bin/env python3
"""The table of scripts/bench-vs-loadtester.sh: medians over the trials of every (driver, responder) cell, then
the ratios Concentrator / each strongSwan responder (medians of the per-trial ratios: the responders of one trial
ran back to back under the same background load). Writes summary.json beside the table."""
import json, os, statistics, sys

out, trials, count, conc = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
responders, drivers = sys.argv[5].split(), sys.argv[6].split()
NAMES = {"ss-fake": "strongSwan fake kernel, table 4096", "ss-libipsec": "strongSwan kernel-libipsec, table 4096",
         "concentrator": "Concentrator (userspace dataplane)",
         "concentrator-base": "Concentrator baseline (BASE_HOST)"}
DRV = {"loadtester": "strongSwan load-tester", "loadgen": "Concentrator.LoadGen"}
M = [("setups/s", lambda x: x["setupsPerSecond"], "{:.0f}"),
     ("CPU µs/setup", lambda x: (x.get("responderCpuMsPerSetup") or 0) * 1000, "{:.0f}"),
     ("RSS KiB/SA", lambda x: x.get("responderRssKiBPerSa") or 0, "{:.1f}"),
     ("p50 ms", lambda x: x["latencyMs"]["p50"], "{:.1f}"),
     ("p99 ms", lambda x: x["latencyMs"]["p99"], "{:.1f}")]

def run(drv, resp, t):
    p = f"{out}/{drv}-{resp}-t{t}.json"
    return json.load(open(p)) if os.path.exists(p) else None

summary = {"count": int(count), "concurrency": int(conc), "trials": trials, "cells": {}, "ratios": {}}
print(f"{count} setups per run, {conc} in flight, medians of {trials} interleaved trials; failures in brackets.\n")
print("| driver | responder | " + " | ".join(m[0] for m in M) + " | failed |")
print("|---|---|" + "---:|" * (len(M) + 1))
for drv in drivers:
    for resp in responders:
        rs = [r for r in (run(drv, resp, t) for t in range(1, trials + 1)) if r]
        cell = {n: statistics.median([f(r) for r in rs]) if rs else None for n, f, _ in M}
        cell["failed"] = [r["failed"] for r in rs]
        cell["runs"] = [{n: f(r) for n, f, _ in M} for r in rs]
        summary["cells"][f"{drv}/{resp}"] = cell
        vals = " | ".join("n/a" if cell[n] is None else fmt.format(cell[n]) for n, _, fmt in M)
        print(f"| {DRV[drv]} | {NAMES[resp]} | {vals} | {cell['failed']} |")
if "concentrator" in responders:
    print("\nRatios Concentrator / strongSwan (median of the per-trial ratios; setups/s: higher is better for "
          "Concentrator, the others: lower is):\n")
    print("| driver | against | " + " | ".join(m[0] for m in M) + " |")
    print("|---|---|" + "---:|" * len(M))
    for drv in drivers:
        for other in (r for r in responders if r != "concentrator"):
            row = {}
            for n, f, _ in M:
                rat = []
                for t in range(1, trials + 1):
                    a, b = run(drv, "concentrator", t), run(drv, other, t)
                    if a and b and f(b):
                        rat.append(f(a) / f(b))
                row[n] = statistics.median(rat) if rat else None
            summary["ratios"][f"{drv}/concentrator:{other}"] = row
            print(f"| {DRV[drv]} | {NAMES[other]} | " +
                  " | ".join("n/a" if row[n] is None else f"{row[n]:.2f}" for n, _, _ in M) + " |")
json.dump(summary, open(f"{out}/summary.json", "w"), indent=2)
