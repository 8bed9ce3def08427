using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Auth.Eap.Tls;
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
        // One secret per remote identity ("%any" as fallback), used for both AUTH payloads as strongSwan does.
        var psk = new PskAuthenticator((_, remote) => secrets.Lookup(remote.ToString()));
        bool eap = EapSettings.IsEap(connection.Remote.Auth);
        // One certificate authenticator for both sides: our chain and key, the CAs (and CRLs) peers chain to.
        LocalCertificate? certificate = CertificateFiles.Local(connection);
        PubkeyAuthenticator? pubkey = certificate is null && connection.Certificates.RemoteCaCerts.Count == 0 ? null
            : new PubkeyAuthenticator(certificate, CertificateFiles.Trust(connection, server.MaxCertificateChainLength));
        IAuthenticator Side(AuthClass auth, string side) => auth switch
        {
            AuthClass.Psk => psk,
            AuthClass.Pubkey => pubkey!,
            // The key at fault is named, not always local.auth: the operator edits the side that says it.
            _ => throw new ConfigException(connection.File, $"{connection.Name}.{side}.auth",
                $"expected psk or pubkey{(side == "remote" ? ", eap-mschapv2, eap-md5, eap-tls or eap-radius" : "")}, got {EapSettings.Name(auth)}"),
        };

        return new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, [.. connection.IkeProposals]),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, [.. connection.EspProposals]),
            LocalIdentity = certificate is not null && connection.Local.Id.Length == 0
                ? IdentityBinding.SubjectOf(certificate.EndEntity) : LocalIdentity(connection, server),
            RemoteIdentity = IkeIdentity.Parse(connection.Remote.Id),
            LocalAuthenticator = Side(connection.Local.Auth, "local"),
            // A connection for EAP peers accepts EAP only (strongSwan: remote auth = eap-*).
            RemoteAuthenticators = eap ? [] : [Side(connection.Remote.Auth, "remote")],
            RemoteEap = eap ? EapSettings.ServerConfig(connection, eapSecrets ?? Secrets.Empty, EapTls(connection, certificate, pubkey, server)) : null,
            LocalTrafficSelectors = connection.LocalTs.Select(n => TrafficSelectors.Subnet(n.BaseAddress, n.PrefixLength)).ToList(),
            RemoteTrafficSelectors = connection.RemoteTs.Select(n => TrafficSelectors.Subnet(n.BaseAddress, n.PrefixLength)).ToList(),
            DnsServers = connection.Dns,
        };
    }

    /// <summary>EAP-TLS of an <c>eap-tls</c> connection: the gateway presents its own certificate and judges the
    /// client's with the connection's CAs, CRLs and EKU (the same <see cref="TrustPolicy"/> as IKE certificates).</summary>
    private static EapTlsSettings? EapTls(ConnectionSettings connection, LocalCertificate? certificate, PubkeyAuthenticator? pubkey, ServerSettings server)
    {
        if (connection.Remote.Auth != AuthClass.EapTls)
        {
            return null;
        }

        if (certificate is null)
        {
            throw new ConfigException(connection.File, $"{connection.Name}.local.certs",
                "expected the gateway's certificate and key (local.certs, local.key): EAP-TLS presents them to the client (remote.auth = eap-tls)");
        }

        if (pubkey?.Trust is not { } trust)
        {
            throw new ConfigException(connection.File, $"{connection.Name}.remote.cacerts",
                "expected the CAs clients' certificates chain to (remote.cacerts) for remote.auth = eap-tls");
        }

        EapTlsServerSettings tls = server.EapTls;
        return new EapTlsSettings(certificate, trust, TimeProvider.System)
        {
            FragmentSize = tls.FragmentSize,
            MaxMessageSize = tls.MaxMessageSize,
            MinVersion = tls.MinVersion,
            MaxVersion = tls.MaxVersion,
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
