using System.Net;

namespace Concentrator.Server.Management;

/// <summary>
/// Which IKE SAs a listing or a terminate is about: every given criterion must hold (null = any). Identity and
/// connection compare exactly (ordinal), the virtual IP and the remote address as addresses (the remote with or
/// without its port).
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

    public bool IsEmpty => this == All;

    public bool Matches(SaSummary sa)
    {
        ArgumentNullException.ThrowIfNull(sa);
        return (Id is null || sa.Id == Id)
            && (Identity is null || sa.Identity == Identity)
            && (Connection is null || sa.Connection == Connection)
            && (Interface is null || sa.Interface == Interface)
            && (VirtualIp is null || sa.VirtualIps.Any(v => IPAddress.TryParse(v, out var a) && a.Equals(VirtualIp)))
            && (RemoteAddress is null || (IPEndPoint.TryParse(sa.Remote, out var r) && r.Address.Equals(RemoteAddress)));
    }
}
