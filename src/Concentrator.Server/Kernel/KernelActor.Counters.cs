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
