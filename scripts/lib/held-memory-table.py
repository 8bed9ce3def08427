"""Table of scripts/loadgen-held-memory.sh: memory per held SA (resident, and managed after a forced GC) and the
setup rate of the probe run at each number of held SAs, plus the managed bytes per SA by type (largest
Concentrator size), from the files in the results folder given as argv[1]. Writes summary.json there too."""
import json, os, re, sys

out = sys.argv[1]
runs = json.load(open(os.path.join(out, "runs.json"))) if os.path.exists(os.path.join(out, "runs.json")) else None


def load(name):
    p = os.path.join(out, name)
    return json.load(open(p)) if os.path.exists(p) else None


def gcdump(name):
    """(total live bytes, {type: (bytes, count)}) of a `dotnet-gcdump report` text."""
    p = os.path.join(out, name)
    if not os.path.exists(p):
        return None, {}
    total, types = None, {}
    for line in open(p):
        m = re.match(r"\s*([\d,]+)\s+GC Heap bytes", line)
        if m:
            total = int(m.group(1).replace(",", ""))
            continue
        m = re.match(r"\s*([\d,]+)\s+([\d,]+)\s+(.+?)(?:\s+\(Bytes > \d+K\))?\s+\[[^\]]*\]\s*$", line)
        if m:
            b, c = int(m.group(1).replace(",", "")), int(m.group(2).replace(",", ""))
            t = types.setdefault(m.group(3), [0, 0])
            t[0] += b * c  # the report gives the (average) size of one object
            t[1] += c
    return total, types


def heap_counter(name, metric="dotnet.gc.last_collection.heap.size"):
    """Sum over generations of a dotnet.gc.last_collection.* counter (the last collection was the forced one)."""
    d = load(name)
    if not d:
        return None
    last = {}
    for e in d["Events"]:
        if e["name"].startswith(metric + " "):
            last[e["tags"]] = e["value"]
    return sum(last.values()) if last else None


def live_counter(name):
    """Heap size minus fragmentation after the last (forced) GC: the live managed bytes, from the counters."""
    size, frag = heap_counter(name), heap_counter(name, "dotnet.gc.last_collection.heap.fragmentation.size")
    return size - frag if size is not None and frag is not None else None


def gcdump_objects(name):
    """dotnet-gcdump walks at most ~10 million objects; above that its byte total is a sample, not the heap."""
    p = os.path.join(out, name)
    for line in open(p) if os.path.exists(p) else []:
        m = re.match(r"\s*([\d,]+)\s+GC Heap objects", line)
        if m:
            return int(m.group(1).replace(",", ""))
    return None


rows, summary, sizes = [], {}, {}
for f in sorted(os.listdir(out)):
    m = re.match(r"(concentrator|strongswan)-(\d+)-hold\.json$", f)
    if m:
        sizes.setdefault(m.group(1), []).append(int(m.group(2)))
for resp in ("concentrator", "strongswan"):
    for n in sorted(sizes.get(resp, [])):
        p = f"{resp}-{n}"
        hold, probe = load(p + "-hold.json"), load(p + "-probe.json")
        b, h = load(p + "-baseline.rss.json"), load(p + "-held.rss.json")
        est = hold["established"]
        r = {"responder": resp, "size": n, "established": est, "failed": hold["failed"],
             "setupsPerSecondHoldRun": hold["setupsPerSecond"],
             "responderRequestsAnswered": hold.get("responderRequestsAnswered"), "drops": hold.get("drops"),
             "rssKiBBaseline": b["rssKiB"], "rssKiBHeld": h["rssKiB"],
             "rssKiBPerSa": (h["rssKiB"] - b["rssKiB"]) / est}
        if resp == "concentrator":
            g0, _ = gcdump(p + "-baseline.gcdump.txt")
            g1, _ = gcdump(p + "-held.gcdump.txt")
            b2, h2 = load(p + "-baseline.rss-after-gc.json"), load(p + "-held.rss-after-gc.json")
            c0, c1 = heap_counter(p + "-baseline.counters.json"), heap_counter(p + "-held.counters.json")
            l0, l1 = live_counter(p + "-baseline.counters.json"), live_counter(p + "-held.counters.json")
            sampled = (gcdump_objects(p + "-held.gcdump.txt") or 0) >= 10_000_000
            r.update(gcdumpBytesBaseline=g0, gcdumpBytesHeld=g1, gcdumpSampled=sampled,
                     gcdumpKiBPerSa=(g1 - g0) / 1024 / est if g0 and g1 and not sampled else None,
                     managedLiveBytesBaseline=l0, managedLiveBytesHeld=l1,
                     managedLiveKiBPerSa=(l1 - l0) / 1024 / est if l0 and l1 else None,
                     gcHeapSizeBytesBaseline=c0, gcHeapSizeBytesHeld=c1,
                     gcHeapSizeKiBPerSa=(c1 - c0) / 1024 / est if c0 and c1 else None,
                     rssKiBPerSaAfterGc=(h2["rssKiB"] - b2["rssKiB"]) / est if b2 and h2 else None)
        if probe:
            r.update(probeSetupsPerSecond=probe["setupsPerSecond"], probeP99Ms=probe["latencyMs"]["p99"],
                     probeFailed=probe["failed"], probeCpuMsPerSetup=probe.get("responderCpuMsPerSetup"))
        rows.append(r)

fmt = lambda v, d=1: "n/a" if v is None else f"{v:,.{d}f}"
print("| responder | held SAs | resident KiB/SA | resident KiB/SA after GC | managed KiB/SA: live after forced GC "
      "(counters: heap - fragmentation) | managed KiB/SA: gcdump live objects | GC heap incl. fragmentation KiB/SA | setups/s with these SAs held (probe) | probe p99 ms | rate vs smallest size |")
print("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for resp in ("concentrator", "strongswan"):
    rr = [r for r in rows if r["responder"] == resp]
    base = rr[0].get("probeSetupsPerSecond") if rr else None
    for r in rr:
        ratio = r["probeSetupsPerSecond"] / base if base and r.get("probeSetupsPerSecond") else None
        r["probeRateVsSmallest"] = ratio
        print(f"| {resp} | {r['established']:,} | {fmt(r['rssKiBPerSa'])} | {fmt(r.get('rssKiBPerSaAfterGc'))} "
              f"| {fmt(r.get('managedLiveKiBPerSa'), 2)} "
              f"| {'sampled (>10M objects)' if r.get('gcdumpSampled') else fmt(r.get('gcdumpKiBPerSa'), 2)} "
              f"| {fmt(r.get('gcHeapSizeKiBPerSa'), 2)} "
              f"| {fmt(r.get('probeSetupsPerSecond'))} | {fmt(r.get('probeP99Ms'))} | {fmt(ratio, 2)} |")
        if r["failed"] or r.get("probeFailed"):
            print(f"| {resp} | failures | hold {r['failed']}, probe {r.get('probeFailed')} | | | | | | | |")

# What the managed bytes per SA are: per type, (held - baseline) / established, largest Concentrator size.
cz = [r for r in rows if r["responder"] == "concentrator" and not r.get("gcdumpSampled")]
if cz:
    r = cz[-1]
    p = f"concentrator-{r['size']}"
    _, t0 = gcdump(p + "-baseline.gcdump.txt")
    _, t1 = gcdump(p + "-held.gcdump.txt")
    diff = []
    for t, (b1, c1) in t1.items():
        b0, c0 = t0.get(t, (0, 0))
        diff.append(((b1 - b0) / r["established"], (c1 - c0) / r["established"], t))
    diff.sort(reverse=True)
    print(f"\nManaged bytes per held SA by type at {r['established']:,} SAs (held minus baseline, / SAs; top 30):\n")
    print("| bytes/SA | objects/SA | type |")
    print("|---:|---:|---|")
    for b, c, t in diff[:30]:
        print(f"| {b:,.1f} | {c:.2f} | `{t if len(t) <= 110 else t[:107] + '...'}` |")
    # By owner, from the type name (first match: a Kernel type inside an Akka generic counts as Kernel).
    groups = {}
    for b, c, t in diff:
        g = next((k for k in ("Concentrator.Kernel", "Concentrator.Ike", "Concentrator.Server", "Akka") if k in t),
                 "BCL (byte[], int[], delegates, collections, crypto handles)")
        groups[g] = groups.get(g, 0) + b
    print(f"\nThe same by owner of the type (a delegate or collection counts where its type argument points):\n")
    print("| bytes/SA | owner |")
    print("|---:|---|")
    for g, b in sorted(groups.items(), key=lambda x: -x[1]):
        print(f"| {b:,.0f} | {g} |")
    r["bytesPerSaByOwner"] = groups
    r["topTypesBytesPerSa"] = [{"type": t, "bytesPerSa": b, "objectsPerSa": c} for b, c, t in diff[:60]]
json.dump(rows, open(os.path.join(out, "summary.json"), "w"), indent=2)
