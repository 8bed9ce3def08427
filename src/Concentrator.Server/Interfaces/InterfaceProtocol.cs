using Akka.Actor;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Interfaces;

/// <summary>A connection starts using this interface: its pools get a route through ipsecN (once per prefix,
/// however many connections share it). Answered with <see cref="ConnectionAttached"/> or <see cref="AttachFailed"/>.</summary>
public sealed record AttachConnection(ConnectionSettings Connection)
{
    /// <summary>False on a cluster node: the node routes only the pool blocks it owns (<see cref="RouteBlock"/>), not
    /// the connection's whole pools.</summary>
    public bool RoutePools { get; init; } = true;
}

/// <summary>A cluster node was granted a pool block: one route for it through ipsecN (none for the policy-based
/// parent), removed with the last connection. Not answered; a failure is logged.</summary>
public sealed record RouteBlock(System.Net.IPNetwork Block);

/// <summary>The connection's routes are in place. <paramref name="InterfaceIndex"/> is null for the
/// policy-based parent (<c>ipsec-interface = no</c>), which has no device.</summary>
public sealed record ConnectionAttached(string Connection, int? InterfaceIndex);

/// <summary>The device could not be created/adopted or a route not added; <paramref name="Kernel"/> has the errno.
/// The routes the attach added are removed again.</summary>
public sealed record AttachFailed(string Connection, string Reason, KernelFailed? Kernel);

/// <summary>A connection stops using the interface: its IKE SAs are stopped, routes no other connection needs are
/// deleted and, with the last connection, the device too (only if we created it). Answered with
/// <see cref="ConnectionDetached"/>; after the last one the interface actor stops.</summary>
public sealed record DetachConnection(string Connection);

public sealed record ConnectionDetached(string Connection);

/// <summary>Starts the established actor of an IKE SA of <paramref name="Connection"/> as a child of this interface
/// actor (supervised: a failure stops it, never restarts it); sent by the actor of the SA's handshake once IKE_AUTH
/// established it (Sa/IkeSaActor.Handover.cs), or by a connection's initiator (<see cref="Initiated"/>). Answered with
/// <see cref="SaSpawned"/>.</summary>
public sealed record SpawnSa(string Connection, Props Props, string Name)
{
    /// <summary>An SA the gateway initiates, spawned before its IKE_SA_INIT: it counts as established (the gauge, the
    /// interface's SA count) only once it registers (<see cref="Management.SaRegistered"/>, IKE_AUTH done).</summary>
    public bool Initiated { get; init; }
}

public sealed record SaSpawned(string Connection, string Name, IActorRef Sa);

/// <summary>Asks for the interface's state; answered with <see cref="InterfaceState"/>.</summary>
public sealed record GetInterfaceState
{
    public static GetInterfaceState Instance { get; } = new();
}

/// <summary>What the interface actor holds: the device (null index when policy-based or not yet up), whether we
/// created it, the attached connections, the routed prefixes and the live IKE SA actors.</summary>
public sealed record InterfaceState(
    string? Name,
    int? Index,
    bool Managed,
    IReadOnlyList<string> Connections,
    IReadOnlyList<System.Net.IPNetwork> Routes,
    int SaCount);

/// <summary>A reload changed a connection that stays on this interface: its settings are replaced, routes follow its
/// pools (added before the old ones are released), its live IKE SAs are untouched. A connection not attached here
/// is attached. Answered with <see cref="ConnectionAttached"/> or <see cref="AttachFailed"/>.</summary>
public sealed record UpdateConnection(ConnectionSettings Connection);

/// <summary>Asks how many IKE SA actors of <paramref name="Connection"/> live here; answered with <see cref="ConnectionSaCount"/>.</summary>
public sealed record CountConnectionSas(string Connection);

public sealed record ConnectionSaCount(string Connection, int Count);

/// <summary>A reload removed <paramref name="Connection"/>: each of its IKE SAs here sends its client a Delete and
/// stops; answered with <see cref="ConnectionSasDeleted"/> once all of them have stopped.</summary>
public sealed record DeleteConnectionSas(string Connection, string Reason);

public sealed record ConnectionSasDeleted(int Deleted);
