using System.Runtime.CompilerServices;
using System.Net;
using Akka.Actor;
using Concentrator.Ike.Sa;
using Concentrator.Server.Network;

namespace Concentrator.Server.Sa;

// The IKE SA actor takes Network.IkeDatagram (from the socket's receive loop or the dispatcher) and answers
// through the socket named in it with Network.SendIke; its SPI goes into the shared Network.SpiTable while it lives.

/// <summary>What every IKE SA actor of a connection shares: the services of its IkeSa (clock, randomness, address
/// pool, cookies; the kernel hooks are the actor's own), the kernel actor, the timers and, optionally, the SPI table
/// its SPIs are drawn from, the identity registry and an observer told of <see cref="IkeSaEstablished"/>.</summary>
public sealed record IkeSaEnvironment(IkeSaServices Services, IActorRef Kernel, IkeSaActorSettings Settings)
{
    /// <summary>Where the actor's IKE SPIs are drawn and registered in one step (its IkeSa's IkeSpiAllocator), and
    /// removed when the SA ends; null in tests that route by hand.</summary>
    public SpiTable? Spis { get; init; }

    /// <summary>An <see cref="IdentityRegistryActor"/>, or null for no uniqueness of identities.</summary>
    public IActorRef? Identities { get; init; }

    /// <summary>Where the SA's CHILD SAs' inbound SPIs were drawn (the services' ChildSpiAllocator): the actor gives
    /// them back when the CHILD SAs go. Null when the services draw SPIs some other way.</summary>
    public ChildSpiRegistry? ChildSpis { get; init; }

    /// <summary>Gets <see cref="IkeSaEstablished"/> once the SA is up (the dispatcher counts half-open SAs by it)
    /// and <see cref="IkeSaMoved"/> when it moved to its home.</summary>
    public IActorRef? Observer { get; init; }

    /// <summary>Where the SA lives once IKE_AUTH has established it: the InterfaceActor of the connection's ipsecN
    /// (or the policy-based one for <c>ipsec-interface = no</c>), told <see cref="Interfaces.SpawnSa"/> with the SA's
    /// established actor. Null: the SA stays in the actor of its handshake (tests of the actor alone).</summary>
    public IActorRef? Home { get; init; }

    /// <summary>The connection the SAs belong to (named in <see cref="Interfaces.SpawnSa"/>).</summary>
    public string Connection { get; init; } = "";

    /// <summary>The node's <see cref="Revocation.RevocationFetcherActor"/>, asked when IKE_AUTH waits for CRLs or OCSP
    /// answers (the services' revocation cache); null: certificates are judged with what is cached.</summary>
    public IActorRef? Revocation { get; init; }

    /// <summary>Where EAP is relayed when the SA's connection names no relay of its own (tests of the actor alone).</summary>
    public IActorRef? EapRelay { get; init; }

    /// <summary>The node's instruments (setup latency, rekeys, dead peers; the dispatcher's handshakes and failures);
    /// null: nothing is measured (tests of the actor alone).</summary>
    public Metrics.ConcentratorMetrics? Metrics { get; init; }

    /// <summary>The environment of an SA whose IKE_AUTH chose <paramref name="home"/>'s connection: its home, timers
    /// and identity registry; the rest (SPI tables, kernel, observer) stays the node's.</summary>
    public IkeSaEnvironment For(ConnectionHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        // One per (node environment, home), shared by the home's SAs (each keeps it for its life: by the hundred thousand).
        var made = HomeEnvironments.GetValue(home, _ => new());
        if (Volatile.Read(ref made.Value) is { } known && ReferenceEquals(known.Item1, this))
        {
            return known.Item2;
        }

        var own = this with { Settings = home.Settings, Home = home.Home, Connection = home.Connection, Identities = home.Identities };
        Volatile.Write(ref made.Value, Tuple.Create(this, own));
        return own;
    }

    // Per home: the node environment it was made over and the home's own (one reference, replaced whole).
    private static readonly ConditionalWeakTable<ConnectionHome, StrongBox<Tuple<IkeSaEnvironment, IkeSaEnvironment>?>> HomeEnvironments = [];
}

/// <summary>What the Server keeps per connection for the SAs IKE_AUTH serves under it, handed to the protocol as the
/// opaque tag of its <see cref="Concentrator.Ike.Sa.Connections.ConnectionCandidate"/>: the connection's name, the
/// actor its established SAs live under (its ipsecN's InterfaceActor or the policy-based one), its timers (DPD,
/// lifetimes, if_id) and the identity registry when its identities are unique (unique = replace).</summary>
public sealed record ConnectionHome(string Connection, IActorRef Home, IkeSaActorSettings Settings, IActorRef? Identities)
{
    /// <summary>Where this connection's EAP conversations are relayed (<see cref="EapRelayRequest"/>), e.g. its RADIUS
    /// client actor; null: its EAP backend answers locally.</summary>
    public IActorRef? EapRelay { get; init; }

    /// <summary>Where the connection's IKE SAs report their start and end for RADIUS accounting
    /// (<c>Radius.RadiusAccountingActor</c>); null: no accounting.</summary>
    public IActorRef? Accounting { get; init; }

    /// <summary>Time between Interim-Update records when the Access-Accept names none (<c>concentrator.radius.interim-interval</c>).</summary>
    public TimeSpan? InterimInterval { get; init; }
}

/// <summary>Told to <see cref="IkeSaEnvironment.Observer"/> by the actor of a handshake when the established SA has
/// moved to <paramref name="To"/> (under its home); the handshake actor stops right after.</summary>
public sealed record IkeSaMoved(ulong ResponderSpi, IActorRef To);

/// <summary>Told to <see cref="IkeSaEnvironment.Observer"/> when the SA completed IKE_AUTH and its CHILD SAs are
/// installed: it is no longer half-open.</summary>
public sealed record IkeSaEstablished(ulong ResponderSpi, IkeIdentity? RemoteIdentity);

/// <summary>Told to <see cref="IkeSaEnvironment.Observer"/> just before the SA sends its last answer and stops
/// (an IKE_SA_INIT answered with COOKIE or INVALID_KE_PAYLOAD, a failed IKE_AUTH, a Delete).</summary>
public sealed record IkeSaEnding(ulong ResponderSpi);

/// <summary>Ends the IKE SA: with <paramref name="Silently"/> (the peer announced INITIAL_CONTACT on a newer SA,
/// RFC 7296 §2.4: it has lost this one) the local state goes at once; otherwise an INFORMATIONAL Delete is sent
/// first and the actor stops on its response or when its retransmissions run out.</summary>
public sealed record DeleteIkeSa(string Reason, bool Silently = false);

/// <summary>Asks the SA actor for <see cref="IkeSaStatus"/>.</summary>
public sealed record GetIkeSaStatus
{
    public static GetIkeSaStatus Instance { get; } = new();
}

/// <summary>A snapshot of an IKE SA actor, for the operator and for tests. <paramref name="Drops"/> counts the
/// datagrams the SA dropped, by reason (malformed, wrong SPI, out of window, …); <paramref name="DroppedWhileInstalling"/>
/// those beyond the few kept while a CHILD SA install was in flight; <paramref name="InternalErrors"/> exceptions out
/// of the IkeSa (bugs: the datagram is dropped, the actor lives on).</summary>
public sealed record IkeSaStatus(
    IkeSaState State,
    ulong InitiatorSpi,
    ulong ResponderSpi,
    string? RemoteIdentity,
    IReadOnlyList<IPAddress> VirtualIps,
    int InstalledChildSas,
    IReadOnlyDictionary<DropReason, int> Drops,
    int Retransmissions,
    int InternalErrors,
    int DroppedWhileInstalling);

/// <summary><c>drain --established</c>, from the SA's interface actor: send the client to <paramref name="Target"/> by
/// REDIRECT in an INFORMATIONAL (RFC 5685 §5) if it announced REDIRECT_SUPPORTED; otherwise nothing happens.</summary>
public sealed record RedirectClient(System.Net.IPAddress Target);
