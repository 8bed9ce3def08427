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

    // The last services record served under this connection and its copy with the connection's pool and gate: SAs
    // share their services, so one copy serves them all (a benign race makes an equal second copy).
    private Derived? _derived;

    /// <summary><paramref name="services"/> with this connection's <see cref="AddressAllocator"/> and
    /// <see cref="IdentityGate"/>, made once per services record rather than once per SA.</summary>
    public IkeSaServices ServicesFor(IkeSaServices services)
    {
        if (Volatile.Read(ref _derived) is { } d && ReferenceEquals(d.Of, services))
        {
            return d.Services;
        }

        var made = services with { AddressAllocator = AddressAllocator, IdentityGate = IdentityGate };
        Volatile.Write(ref _derived, new Derived(services, made));
        return made;
    }

    private sealed record Derived(IkeSaServices Of, IkeSaServices Services);
}
