"""Tables and plot data of scripts/loadgen-rate-sweep.sh from the JSON files in the results folder argv[1].
  rate-sweep-table.py OUT --sustained RESPONDER   prints RESPONDER's sustained rate (empty if none)
  rate-sweep-table.py OUT [STRONGSWAN_VERSION]    prints the tables, writes OUT/sweep.dat and OUT/summary.json
Sustained = the highest offered rate at which every repetition ended with 0 failures and the median achieved
rate is at least 90 % of the offered one (a responder that falls behind still has 0 failures in a short run,
until the first client gives up after 11.9 s), below the first rate that misses either. Values are medians over
the repetitions (the machine is 2 shared cores)."""
import json, os, re, statistics, sys

out = sys.argv[1]
RESP = ("strongswan", "concentrator")
NAME = {"strongswan": "strongSwan", "concentrator": "Concentrator"}


def runs(resp, kind):
    """{rate: [report, ...]} for kind 'r' (the sweep) or 'half'."""
    d = {}
    for f in sorted(os.listdir(out)):
        m = re.match(rf"{resp}-{kind}([\d.]+)-(\d+)\.json$", f)
        if m:
            d.setdefault(float(m.group(1)), []).append(json.load(open(os.path.join(out, f))))
    return d


def med(rs, f):
    v = [f(x) for x in rs if f(x) is not None]
    return statistics.median(v) if v else None


def keeps_up(rate, rs):
    return all(x["failed"] == 0 for x in rs) and statistics.median(x["setupsPerSecond"] for x in rs) >= 0.9 * rate


def sustained(resp):
    sweep = runs(resp, "r")
    # only rates below the first one that misses count: a lucky run above a failing rate is not "sustained"
    bad = [rate for rate, rs in sweep.items() if not keeps_up(rate, rs)]
    ok = [rate for rate, rs in sweep.items() if keeps_up(rate, rs) and (not bad or rate < min(bad))]
    return max(ok) if ok else None


if len(sys.argv) > 3 and sys.argv[2] == "--sustained":
    s = sustained(sys.argv[3])
    print("" if s is None else f"{s:g}")
    sys.exit(0)

ssv = sys.argv[2] if len(sys.argv) > 2 else "5.9"
sps = lambda x: x["setupsPerSecond"]
p99 = lambda x: x["latencyMs"]["p99"] if x["latencyMs"]["count"] else None
cpu = lambda x: x["responderCpuMsPerSetup"] * 1000 if x.get("responderCpuMsPerSetup") is not None else None
lgc = lambda x: x["loadGenCpuMsPerSetup"] * 1000 if x.get("loadGenCpuMsPerSetup") is not None else None
fmt = lambda v, d=1: "n/a" if v is None else f"{v:,.{d}f}"
summary = {"sweep": {}, "sideBySide": {}}
rates = sorted(set().union(*[runs(r, "r").keys() for r in RESP]))
print(f"Sweep: offered setups/s (rate mode, no bound on handshakes in flight), medians of the repetitions; "
      f"failed = failed setups of each repetition. strongSwan {ssv} (kernel-libipsec) / Concentrator (userspace dataplane).\n")
print("| offered /s | strongSwan setups/s | strongSwan p99 ms | strongSwan failed | strongSwan CPU µs/setup "
      "| Concentrator setups/s | Concentrator p99 ms | Concentrator failed | Concentrator CPU µs/setup |")
print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
with open(os.path.join(out, "sweep.dat"), "w") as dat:
    dat.write("# offered  ss_setups ss_p99_ms ss_failed  conc_setups conc_p99_ms conc_failed\n")
    for rate in rates:
        cells, row = [], [f"{rate:g}"]
        for resp in RESP:
            rs = runs(resp, "r").get(rate, [])
            v = {"setupsPerSecond": med(rs, sps), "p99Ms": med(rs, p99), "failed": [x["failed"] for x in rs],
                 "cpuUsPerSetup": med(rs, cpu), "loadGenCpuUsPerSetup": med(rs, lgc),
                 "failuresByCause": [x["failuresByCause"] for x in rs if x["failed"]]}
            summary["sweep"].setdefault(f"{rate:g}", {})[resp] = v
            cells += [fmt(v["setupsPerSecond"]), fmt(v["p99Ms"]), ",".join(map(str, v["failed"])) or "n/a", fmt(v["cpuUsPerSetup"], 0)]
            row += ["nan" if v["setupsPerSecond"] is None else f"{v['setupsPerSecond']:.1f}",
                    "nan" if v["p99Ms"] is None else f"{v['p99Ms']:.1f}", str(max(v["failed"] or [0]))]
        print(f"| {rate:g} | " + " | ".join(cells) + " |")
        dat.write("  ".join(row) + "\n")

print("\nSide by side (ratio = Concentrator / strongSwan):\n")
print("| metric | strongSwan | Concentrator | ratio C/S |")
print("|---|---:|---:|---:|")
sbs = {}
for resp in RESP:
    s = sustained(resp)
    h = runs(resp, "half")
    hr = h.get(s / 2, []) if s else []
    sbs[resp] = {"sustainedOfferedPerSecond": s,
                 "sustainedAchievedPerSecond": med(runs(resp, "r").get(s, []), sps) if s else None,
                 "halfRate": s / 2 if s else None, "halfRuns": len(hr),
                 "halfFailed": [x["failed"] for x in hr],
                 "p99MsAtHalf": med(hr, p99), "cpuUsPerSetupAtHalf": med(hr, cpu),
                 "loadGenCpuUsPerSetupAtHalf": med(hr, lgc), "setupsPerSecondAtHalf": med(hr, sps)}
summary["sideBySide"] = sbs
for key, label, d in (("sustainedOfferedPerSecond", "sustained setups/s (highest offered rate: 0 failures in every run, median achieved ≥ 90 % of offered)", 0),
                      ("sustainedAchievedPerSecond", "achieved setups/s at that rate (median)", 1),
                      ("p99MsAtHalf", "p99 latency ms at half the sustained rate", 1),
                      ("cpuUsPerSetupAtHalf", "responder CPU µs per setup at half rate", 0),
                      ("loadGenCpuUsPerSetupAtHalf", "load generator CPU µs per setup at half rate", 0)):
    a, b = sbs["strongswan"][key], sbs["concentrator"][key]
    print(f"| {label} | {fmt(a, d)} | {fmt(b, d)} | {fmt(b / a if a and b else None, 2)} |")
for resp in RESP:
    if any(sbs[resp]["halfFailed"]):
        print(f"| {NAME[resp]} failures at half rate | {sbs[resp]['halfFailed']} | | |")
json.dump(summary, open(os.path.join(out, "summary.json"), "w"), indent=2)
