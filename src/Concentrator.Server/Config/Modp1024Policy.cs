using Concentrator.Ike;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Server.Config;

/// <summary>
/// <c>concentrator.ike.allow-modp1024</c>: MODP-1024 (group 2) only on the operator's word. RFC 8247 §2.4 says
/// group 2 SHOULD NOT be used (about 80 bits of strength, within reach of a precomputation on its one fixed prime),
/// yet Windows' built-in IKEv2 client proposes it by default with AES-CBC/SHA-1 (its stronger proposals need
/// Set-VpnConnectionIPsecConfiguration on every client). So a proposal naming modp1024 fails
/// check-config and run unless allowed, and an allowed one is a warning at every start.
/// </summary>
public static class Modp1024Policy
{
    public const string Key = "concentrator.ike.allow-modp1024";

    /// <summary>Reads the switch (on/off, true/false, yes/no).</summary>
    internal static bool Read(SettingsReader r)
    {
        var text = r.String(Key);
        return text.ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => throw r.Error(Key, $"expected on or off, got '{text}'"),
        };
    }

    /// <summary>The connection's proposals that name modp1024, as "ike-proposals[0]" keys.</summary>
    public static IReadOnlyList<string> ProposalsUsingIt(ConnectionSettings connection)
    {
        ArgumentNullException.ThrowIfNull(connection);
        return Using(connection.IkeProposals, ProtocolId.Ike, "ike-proposals").Concat(Using(connection.EspProposals, ProtocolId.Esp, "esp-proposals")).ToList();
    }

    /// <summary>Refuses a connection naming modp1024 while the operator has not allowed it.</summary>
    public static void Check(ConnectionSettings connection, ServerSettings server)
    {
        ArgumentNullException.ThrowIfNull(server);
        if (server.AllowModp1024 || ProposalsUsingIt(connection) is not [var first, ..])
        {
            return;
        }

        throw new ConfigException(connection.File, $"{connection.Name}.{first}",
            $"expected a proposal without modp1024: RFC 8247 section 2.4 says MODP-1024 SHOULD NOT be used (about 80 bits of strength). "
            + $"Offer modp2048 or ecp256 (Windows clients take them after Set-VpnConnectionIPsecConfiguration), or set {Key} = on "
            + "in the main configuration to serve Windows' default proposal anyway");
    }

    private static IEnumerable<string> Using(IReadOnlyList<string> proposals, ProtocolId protocol, string key) =>
        proposals.Select((text, i) => (text, i))
            .Where(p => ProposalStrings.ParseOne(protocol, p.text).Transforms.Any(t => t.Type == TransformType.KeyExchange && t.Id == (ushort)KeyExchangeId.Modp1024))
            .Select(p => $"{key}[{p.i}]");
}
