using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Server.Config;

namespace Concentrator.Server.Runtime;

/// <summary>Turns a configured connection into the responder's <see cref="IkeSaConfig"/>. Also the last check of a
/// connection: <see cref="NodeDefinition.Load"/> runs it for every connection, so <c>check-config</c> refuses
/// whatever <c>run</c> would refuse, through this one code path.</summary>
public static class ResponderConfig
{
    public static IkeSaConfig For(ConnectionSettings connection, Secrets secrets, ServerSettings server, Secrets? eapSecrets = null)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(secrets);
        ArgumentNullException.ThrowIfNull(server);
        foreach (var (side, auth) in new[] { ("local", connection.Local.Auth), ("remote", connection.Remote.Auth) })
        {
            if (auth != AuthClass.Psk && !(side == "remote" && EapSettings.IsEap(auth)))
            {
                // The key at fault is named, not always local.auth: the operator edits the side that says pubkey.
                throw new ConfigException(connection.File, $"{connection.Name}.{side}.auth",
                    $"expected auth = psk{(side == "remote" ? ", eap-mschapv2, eap-md5 or eap-radius" : "")}, got {EapSettings.Name(auth)}: this build's responder authenticates itself with pre-shared keys only");
            }
        }

        // One secret per remote identity ("%any" as fallback), used for both AUTH payloads as strongSwan does.
        var psk = new PskAuthenticator((_, remote) => secrets.Lookup(remote.ToString()));
        bool eap = EapSettings.IsEap(connection.Remote.Auth);
        return new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, [.. connection.IkeProposals]),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, [.. connection.EspProposals]),
            LocalIdentity = LocalIdentity(connection, server),
            RemoteIdentity = IkeIdentity.Parse(connection.Remote.Id),
            LocalAuthenticator = psk,
            // A connection for EAP peers accepts EAP only (strongSwan: remote auth = eap-*).
            RemoteAuthenticators = eap ? [] : [psk],
            RemoteEap = eap ? EapSettings.ServerConfig(connection, eapSecrets ?? Secrets.Empty) : null,
            LocalTrafficSelectors = connection.LocalTs.Select(n => TrafficSelectors.Subnet(n.BaseAddress, n.PrefixLength)).ToList(),
            DnsServers = connection.Dns,
        };
    }

    // An empty id means "the address the request arrived on"; with one concrete listen address that is it,
    // otherwise the host name stands in until per-address identities exist.
    private static IkeIdentity LocalIdentity(ConnectionSettings connection, ServerSettings server)
    {
        if (connection.Local.Id.Length > 0)
        {
            return IkeIdentity.Parse(connection.Local.Id);
        }

        var concrete = server.Listen.Where(a => !a.Equals(IPAddress.Any) && !a.Equals(IPAddress.IPv6Any)).ToList();
        return concrete.Count == 1 ? IkeIdentity.Parse(concrete[0].ToString()) : IkeIdentity.Parse(Dns.GetHostName());
    }
}
