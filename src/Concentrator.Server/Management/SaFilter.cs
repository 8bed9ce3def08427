using System.Net;

namespace Concentrator.Server.Management;

/// <summary>
/// Which IKE SAs a listing or a terminate is about: every given criterion must hold (null = any). The identity
/// compares without case (as FQDN and RFC 822 identities do everywhere here), id, connection and interface exactly,
/// the virtual IP and the remote address as addresses (the remote's port is ignored).
/// </summary>
public sealed record SaFilter
{
    public static SaFilter All { get; } = new();

    public string? Id { get; init; }

    public string? Identity { get; init; }

    public string? Connection { get; init; }

    public string? Interface { get; init; }

    public IPAddress? VirtualIp { get; init; }

    public IPAddress? RemoteAddress { get; init; }

    public bool Matches(SaSummary sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return (Id is null || sa.Id == Id)
            && (Identity is null || string.Equals(sa.Identity, Identity, StringComparison.OrdinalIgnoreCase))
            && (Connection is null || sa.Connection == Connection)
            && (Interface is null || sa.Interface == Interface)
            && (VirtualIp is null || sa.VirtualIps.Any(v => IPAddress.TryParse(v, out var a) && a.Equals(VirtualIp)))
            && (RemoteAddress is null || (IPEndPoint.TryParse(sa.Remote, out var r) && r.Address.Equals(RemoteAddress)));
    }
}
