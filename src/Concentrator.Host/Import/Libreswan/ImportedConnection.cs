namespace Concentrator.Host.Import.Libreswan;

/// <summary>One end of an imported connection, in this project's terms (<c>local { … }</c> / <c>remote { … }</c>).</summary>
internal sealed record ImportedEnd(string Id, string Auth)
{
    public List<string> Certs { get; init; } = [];
    public string? Key { get; init; }
    public List<string> CaCerts { get; init; } = [];

    /// <summary>The peer's end only: <c>remote.addrs</c>, from <c>right=</c> when it names a host.</summary>
    public List<string> Addrs { get; init; } = [];
}

/// <summary>A connection as it will be written to a connection file; null members keep Concentrator's default.</summary>
internal sealed record ImportedConnection(string Name, ImportedEnd Local, ImportedEnd Remote)
{
    public string SourceName { get; init; } = Name;
    public List<string>? IkeProposals { get; init; }
    public List<string>? EspProposals { get; init; }
    public List<string>? LocalTs { get; init; }
    public List<string>? RemoteTs { get; init; }
    public string? Pool { get; init; }
    public string? IpsecInterface { get; init; }

    /// <summary><c>interface-ip</c>, from libreswan's <c>interface-ip=</c> (the address on ipsecN, our end's).</summary>
    public string? InterfaceIp { get; init; }
    public string? DpdDelay { get; init; }
    public string? DpdTimeout { get; init; }
    public string? IkeLifetime { get; init; }
    public string? ChildLifetime { get; init; }
    public string? Unique { get; init; }

    /// <summary><c>start-action</c>, from <c>auto=</c>; null: respond only.</summary>
    public string? StartAction { get; init; }
}

/// <summary>A named pool made from a libreswan <c>addresspool</c> (and the conn's <c>modecfgdns</c>).</summary>
internal sealed record ImportedPool(string Name, IReadOnlyList<string> Addresses, IReadOnlyList<string> Dns);

/// <summary>Everything an import produced: what to write, and what the operator must be told.</summary>
internal sealed record ImportResult(
    IReadOnlyList<ImportedConnection> Connections,
    IReadOnlyList<ImportedPool> Pools,
    IReadOnlyList<KeyValuePair<string, string>> Secrets,
    IReadOnlyList<ImportWarning> Warnings,
    IReadOnlyList<ImportWarning> Refused);
