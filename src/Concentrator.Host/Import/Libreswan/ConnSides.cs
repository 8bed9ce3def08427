using System.Net;

namespace Concentrator.Host.Import.Libreswan;

/// <summary>
/// Which end of a libreswan conn is this gateway. libreswan decides at run time by the host's own addresses; the
/// import decides from, in order: the operator's <c>--local left|right</c>; <c>--local-address</c> (or this machine's
/// addresses) equal to <c>left=</c>/<c>right=</c>; the roles the conn gives its ends (the end with the address pool,
/// <c>%any</c> as its address or a mode-config client is the remote one; a mode-config or XAUTH server is us).
/// </summary>
internal static class ConnSides
{
    public static string? Local(ResolvedConn conn, string? forced, IReadOnlyCollection<IPAddress> localAddresses)
    {
        if (forced is not null)
        {
            return forced;
        }

        foreach (var side in new[] { "left", "right" })
        {
            if (conn.Get(side) is { } host && IPAddress.TryParse(host, out var address) && localAddresses.Contains(address))
            {
                return side;
            }
        }

        int left = Score(conn, "left"), right = Score(conn, "right");
        if (left != right)
        {
            return left > right ? "left" : "right";
        }

        return null;
    }

    public static string Other(string side) => side == "left" ? "right" : "left";

    /// <summary>Positive: looks like the gateway; negative: looks like a client.</summary>
    private static int Score(ResolvedConn conn, string side)
    {
        int score = 0;
        string other = Other(side);
        if (conn.Get(side + "addresspool") is not null || Yes(conn.Get(side + "modecfgclient")) || Yes(conn.Get(side + "xauthclient")))
        {
            score -= 2;
        }

        if (conn.Get(other + "addresspool") is not null || Yes(conn.Get(side + "modecfgserver")) || Yes(conn.Get(side + "xauthserver")))
        {
            score += 2;
        }

        if (conn.Get(side) is "%any" or "%any6")
        {
            score -= 1;
        }

        return score;
    }

    private static bool Yes(string? value) => value is "yes" or "true" or "1";
}
