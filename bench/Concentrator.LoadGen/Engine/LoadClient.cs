using System.Net;
using Concentrator.Ike.Sa;
using Concentrator.LoadGen.Net;

namespace Concentrator.LoadGen.Engine;

/// <summary>Where a client is in its life, as the swarm sees it.</summary>
internal enum ClientPhase
{
    Handshake,
    Established,
    Deleting,
    Done,
}

/// <summary>One simulated road warrior: its IKE SA, the socket it uses, where it sends (port 500, or 4500 once
/// NAT was detected) and its retransmission state. Guarded by locking the instance.</summary>
internal sealed class LoadClient(int number, IkeSa sa, LoadSocket socket, IPEndPoint remote)
{
    public int Number { get; } = number;

    public IkeSa Sa { get; } = sa;

    public LoadSocket Socket { get; } = socket;

    public IPEndPoint Remote { get; set; } = remote;

    /// <summary>IKE moved to port 4500 and carries the non-ESP marker.</summary>
    public bool NatTraversal { get; set; }

    public ClientPhase Phase { get; set; }

    public long StartTimestamp { get; set; }

    /// <summary>Retransmissions of the request in flight so far.</summary>
    public int Tries { get; set; }

    /// <summary>Stopwatch timestamp at which the request in flight is sent again.</summary>
    public long RetransmitAt { get; set; }
}

/// <summary>How one client ended its setup; the tests check identities and virtual IPs with it.</summary>
public sealed record ClientOutcome(int Number, string Identity, IPAddress? VirtualIp, string? Failure);
