namespace Concentrator.Ike.Sa.Connections;

/// <summary>One connection a responder may serve a peer under, as the layer above hands it in: the protocol
/// settings (<see cref="Config"/>: proposals, identities, authenticators, traffic selectors, DNS), where its virtual
/// IPs come from and whether its identities are unique. <see cref="Tag"/> is the caller's own handle on the
/// connection (the Server's per-connection runtime); the protocol never looks inside.</summary>
/// <param name="Name">The connection's name, for the log.</param>
public sealed record ConnectionCandidate(string Name, IkeSaConfig Config)
{
    /// <summary>Virtual IPs of this connection; null: it hands out none.</summary>
    public IAddressAllocator? AddressAllocator { get; init; }

    /// <summary>Uniqueness of the connection's peer identities (unique = keep); null: no limit here.</summary>
    public IIdentityGate? IdentityGate { get; init; }

    /// <summary>The caller's handle on the connection.</summary>
    public object? Tag { get; init; }
}
