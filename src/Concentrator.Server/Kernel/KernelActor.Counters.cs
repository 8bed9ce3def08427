using Akka.Actor;
using Concentrator.Kernel;

namespace Concentrator.Server.Kernel;

// The counters of what an owner installed (for RADIUS accounting): read outside the command queue, started while the
// message is handled, so a removal the owner sends afterwards is queued behind a read already under way. The userspace
// dataplane answers at once (the read is done before the next message); on netlink a removal may overtake the read,
// and the removed SAs then count as zero.
public sealed partial class KernelActor
{
    private void ReadCounters(ReadOwnedCounters read)
    {
        var sas = _owned.SasOf(read.Owner).Where(s => read.Only is null || read.Only.Contains(s.Spi)).ToList();
        var kernel = _kernel;
        Sum(kernel, sas, read).PipeTo(Sender, failure: _ => new OwnedCounters(read.CorrelationId, 0, 0, 0, 0));
    }

    private static async Task<OwnedCounters> Sum(IKernelIpsec kernel, IReadOnlyList<SaId> sas, ReadOwnedCounters read)
    {
        ulong inOctets = 0, inPackets = 0, outOctets = 0, outPackets = 0;
        foreach (var sa in sas)
        {
            SaCounters counters;
            try
            {
                counters = await kernel.QuerySaAsync(sa).ConfigureAwait(false);
            }
            catch (KernelException)
            {
                continue;
            }

            if (read.InboundSpis.Contains(sa.Spi))
            {
                inOctets += counters.Bytes;
                inPackets += counters.Packets;
            }
            else
            {
                outOctets += counters.Bytes;
                outPackets += counters.Packets;
            }
        }

        return new OwnedCounters(read.CorrelationId, inOctets, inPackets, outOctets, outPackets);
    }

    /// <summary>Every wanted owner's counters, in one pass on the actor's thread: reads the dataplane answers at once
    /// (userspace) are summed right here without a task each; the others (netlink) are awaited off the actor with the
    /// SA ids copied.</summary>
    private void ReadTraffic(ReadTrafficByOwner read)
    {
        // Netlink: one XFRM_MSG_GETSA dump for the whole listing, not one GETSA per SA (a 100,000-SA listing would
        // otherwise queue 200,000 requests behind the installs). Userspace answers null: per-SA reads are free there.
        var dump = _kernel.DumpSaCountersAsync().AsTask();
        if (!dump.IsCompletedSuccessfully || dump.Result is not null)
        {
            ReadTrafficFromDump(read, dump);
            return;
        }

        var result = new Dictionary<string, OwnedCounters>(read.LocalByOwner.Count, StringComparer.Ordinal);
        List<(string Owner, bool Inbound, Task<SaCounters> Read)>? pending = null;
        foreach (var owner in _owned.Owners)
        {
            var name = owner.Path.Name;
            if (!read.LocalByOwner.TryGetValue(name, out var local))
            {
                continue;
            }

            ulong inOctets = 0, inPackets = 0, outOctets = 0, outPackets = 0;
            foreach (var sa in _owned.InstalledBy(owner))
            {
                var inbound = sa.Destination.Equals(local);
                ValueTask<SaCounters> query;
                try
                {
                    query = _kernel.QuerySaAsync(sa);
                }
                catch (KernelException)
                {
                    continue;
                }

                if (!query.IsCompleted)
                {
                    (pending ??= []).Add((name, inbound, query.AsTask()));
                    continue;
                }

                if (!query.IsCompletedSuccessfully)
                {
                    continue;
                }

                var counters = query.Result;
                if (inbound)
                {
                    (inOctets, inPackets) = (inOctets + counters.Bytes, inPackets + counters.Packets);
                }
                else
                {
                    (outOctets, outPackets) = (outOctets + counters.Bytes, outPackets + counters.Packets);
                }
            }

            result[name] = new OwnedCounters(0, inOctets, inPackets, outOctets, outPackets);
        }

        if (pending is null)
        {
            Sender.Tell(new TrafficByOwner(result));
            return;
        }

        AddPending(result, pending).PipeTo(Sender, failure: _ => new TrafficByOwner(result));
    }

    private void ReadTrafficFromDump(ReadTrafficByOwner read, Task<IReadOnlyDictionary<SaKey, SaCounters>?> dump)
    {
        var wanted = new List<(string Owner, bool Inbound, SaKey Sa)>();
        foreach (var owner in _owned.Owners)
        {
            var name = owner.Path.Name;
            if (read.LocalByOwner.TryGetValue(name, out var local))
            {
                foreach (var sa in _owned.InstalledBy(owner))
                {
                    wanted.Add((name, sa.Destination.Equals(local), SaKey.Of(sa)));
                }
            }
        }

        SumDump(dump, wanted).PipeTo(Sender, failure: _ => new TrafficByOwner(new Dictionary<string, OwnedCounters>()));
    }

    private static async Task<TrafficByOwner> SumDump(Task<IReadOnlyDictionary<SaKey, SaCounters>?> dump, List<(string Owner, bool Inbound, SaKey Sa)> wanted)
    {
        var counters = await dump.ConfigureAwait(false) ?? new Dictionary<SaKey, SaCounters>();
        var result = new Dictionary<string, OwnedCounters>(StringComparer.Ordinal);
        foreach (var (owner, inbound, sa) in wanted)
        {
            var c = result.GetValueOrDefault(owner) ?? new OwnedCounters(0, 0, 0, 0, 0);
            if (counters.TryGetValue(sa, out var read))
            {
                c = inbound
                    ? c with { InboundOctets = c.InboundOctets + read.Bytes, InboundPackets = c.InboundPackets + read.Packets }
                    : c with { OutboundOctets = c.OutboundOctets + read.Bytes, OutboundPackets = c.OutboundPackets + read.Packets };
            }

            result[owner] = c;
        }

        return new TrafficByOwner(result);
    }

    private static async Task<TrafficByOwner> AddPending(Dictionary<string, OwnedCounters> result, List<(string Owner, bool Inbound, Task<SaCounters> Read)> pending)
    {
        foreach (var (owner, inbound, read) in pending)
        {
            SaCounters counters;
            try
            {
                counters = await read.ConfigureAwait(false);
            }
            catch (KernelException)
            {
                continue;
            }

            var c = result[owner];
            result[owner] = inbound
                ? c with { InboundOctets = c.InboundOctets + counters.Bytes, InboundPackets = c.InboundPackets + counters.Packets }
                : c with { OutboundOctets = c.OutboundOctets + counters.Bytes, OutboundPackets = c.OutboundPackets + counters.Packets };
        }

        return new TrafficByOwner(result);
    }
}
