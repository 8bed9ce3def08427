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

    private void ReadTraffic(ReadTrafficByOwner read)
    {
        var wanted = _owned.Owners.Where(o => read.LocalByOwner.ContainsKey(o.Path.Name))
            .Select(o => (Name: o.Path.Name, Local: read.LocalByOwner[o.Path.Name], Sas: _owned.SasOf(o))).ToList();
        SumAll(_kernel, wanted).PipeTo(Sender, failure: _ => new TrafficByOwner(new Dictionary<string, OwnedCounters>()));
    }

    private static async Task<TrafficByOwner> SumAll(IKernelIpsec kernel, IReadOnlyList<(string Name, System.Net.IPAddress Local, IReadOnlyList<SaId> Sas)> owners)
    {
        var result = new Dictionary<string, OwnedCounters>(owners.Count, StringComparer.Ordinal);
        foreach (var (name, local, sas) in owners)
        {
            var inbound = sas.Where(s => s.Destination.Equals(local)).Select(s => s.Spi).ToHashSet();
            result[name] = await Sum(kernel, sas, new ReadOwnedCounters(0, ActorRefs.Nobody, inbound)).ConfigureAwait(false);
        }

        return new TrafficByOwner(result);
    }
}
