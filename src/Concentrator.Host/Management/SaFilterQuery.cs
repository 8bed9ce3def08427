using System.Net;
using Concentrator.Server.Management;

namespace Concentrator.Host.Management;

/// <summary>An <see cref="SaFilter"/> as the query string of the management API carries it (<c>id</c>,
/// <c>identity</c>, <c>connection</c>, <c>interface</c>, <c>vip</c>, <c>remote</c>): read by the endpoint (the CLI's
/// verbs write it: ListSasVerb.Query).</summary>
internal static class SaFilterQuery
{
    /// <summary>The filter of <paramref name="query"/>; null with <paramref name="error"/> when an address does not parse.</summary>
    public static SaFilter? Parse(Func<string, string?> query, out string? error)
    {
        ArgumentNullException.ThrowIfNull(query);
        error = null;
        IPAddress? vip = null, remote = null;
        if (query("vip") is { } v && !IPAddress.TryParse(v, out vip))
        {
            error = $"vip: expected an IP address, got '{v}'";
            return null;
        }

        if (query("remote") is { } r && !IPAddress.TryParse(r, out remote) && !(IPEndPoint.TryParse(r, out var endPoint) && (remote = endPoint.Address) is not null))
        {
            error = $"remote: expected an IP address, got '{r}'";
            return null;
        }

        return new SaFilter
        {
            Id = query("id"),
            Identity = query("identity"),
            Connection = query("connection"),
            Interface = query("interface"),
            VirtualIp = vip,
            RemoteAddress = remote,
        };
    }
}
