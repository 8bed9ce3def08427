using System.Net;
using Concentrator.Kernel;

namespace Concentrator.Server.Config;

/// <summary>
/// How one side authenticates (<c>local.auth</c>, <c>remote.auth</c>): the configuration's vocabulary
/// (<c>auth = psk | pubkey</c>, later <c>eap-*</c>). Not the wire's <see cref="Concentrator.Ike.AuthMethod"/>
/// (the IANA number in an AUTH payload): one class maps to several methods (pubkey is RSA, ECDSA or RFC 7427
/// digital signature, chosen by the key and the peer) and EAP has no method number of its own, so the two
/// differ as strongSwan's <c>auth_class_t</c> and <c>auth_method_t</c> do.
/// </summary>
public enum AuthClass
{
    /// <summary>Pre-shared key from the file's <c>secrets</c>.</summary>
    Psk,

    /// <summary>Certificate / raw public key signature.</summary>
    Pubkey,

    /// <summary>EAP-MSCHAPv2 (remote side only) with the users of <c>eap-secrets</c>.</summary>
    EapMsChapV2,

    /// <summary>EAP-MD5 (remote side only, for tests: no MSK, no server authentication).</summary>
    EapMd5,

    /// <summary>EAP-TLS (remote side only, RFC 5216): the client's certificate, checked against <c>remote.cacerts</c>.</summary>
    EapTls,

    /// <summary>EAP relayed to the RADIUS servers of <c>concentrator.radius</c> (remote side only, RFC 3579).</summary>
    EapRadius,
}

/// <summary>One side of a connection: its identity in strongSwan's text form ("%any", an address, an FQDN,
/// user@domain; empty for the local side = the address the request arrived on) and how it authenticates.</summary>
public sealed record EndpointSettings(string Id, AuthClass Auth)
{
    /// <summary><c>remote.eap-id</c>: empty = the peer's IDi is its EAP identity; otherwise the peer is asked with
    /// EAP-Identity and must answer this ("%any": any identity), as strongSwan's <c>eap_id</c>.</summary>
    public string EapId { get; init; } = "";

    /// <summary><c>remote.eap-only</c> (RFC 5998): a client that sends EAP_ONLY_AUTHENTICATION is answered without our
    /// CERT/AUTH and authenticates the gateway through the mutual EAP method (only with <c>auth = eap-tls</c>).</summary>
    public bool EapOnly { get; init; }
}

/// <summary>Dead peer detection (RFC 7296 section 2.4): probe after <see cref="Delay"/> of silence (zero = off),
/// give up after <see cref="Timeout"/>.</summary>
public sealed record DpdSettings(TimeSpan Delay, TimeSpan Timeout);

/// <summary>Rekey intervals of the IKE SA and of each CHILD SA.</summary>
public sealed record LifetimeSettings(TimeSpan Ike, TimeSpan Child);

/// <summary>How many IKE SAs one peer identity may have (<c>unique</c>, strongSwan's <c>unique</c>/<c>uniqueids</c>),
/// applied at IKE_AUTH whether or not the peer sent INITIAL_CONTACT.</summary>
public enum UniquePolicy
{
    /// <summary>The newest IKE SA wins: it gets the identity's virtual IP and the older SA is deleted.</summary>
    Replace,

    /// <summary>The first IKE SA wins: a new one for an identity that has one is refused (AUTHENTICATION_FAILED).</summary>
    Keep,

    /// <summary>No uniqueness: every IKE SA is on its own, with an address of its own.</summary>
    Never,
}

/// <summary>
/// One connection of a connection file (a top-level object other than <c>secrets</c>), with every key the
/// file leaves out taken from <c>concentrator.connection-defaults</c>. Proposals stay strings (validated by
/// the IKE layer's parser while reading) so the IKE SA builds its own proposal objects from them.
/// </summary>
public sealed record ConnectionSettings(
    string Name,
    string File,
    EndpointSettings Local,
    EndpointSettings Remote,
    IReadOnlyList<string> IkeProposals,
    IReadOnlyList<string> EspProposals,
    IReadOnlyList<IPNetwork> LocalTs,
    IReadOnlyList<IPNetwork> Pools,
    IReadOnlyList<IPAddress> Dns,
    IpsecInterfaceSetting IpsecInterface,
    DpdSettings Dpd,
    LifetimeSettings Lifetimes)
{
    /// <summary><c>remote-ts</c>: the peer's networks when it gets no virtual IP (site-to-site); TSi is narrowed to
    /// them (RFC 7296 §2.9). Clients of a pool are narrowed to their virtual IP instead.</summary>
    public IReadOnlyList<IPNetwork> RemoteTs { get; init; } = [new(IPAddress.Any, 0)];

    /// <summary><c>max-child-sas</c>: the most CHILD SAs one IKE SA may have (IKE_AUTH's included); one more asked
    /// with CREATE_CHILD_SA is refused with NO_ADDITIONAL_SAS.</summary>
    public int MaxChildSas { get; init; } = 4;

    /// <summary><c>unique</c>: one IKE SA per peer identity, and which one wins.</summary>
    public UniquePolicy Unique { get; init; } = UniquePolicy.Replace;

    /// <summary>The <c>pools</c> list as written: names of pools of a <c>pools { … }</c> block and inline prefixes, in
    /// order (bound to pools by <see cref="PoolCatalog.Resolve"/>).</summary>
    public IReadOnlyList<string> PoolRefs { get; init; } = [];

    /// <summary>The pools its clients get addresses from, in order of preference (<see cref="PoolCatalog.Resolve"/>);
    /// until resolved, the connection's own <see cref="Pools"/> as its inline pool.</summary>
    public IReadOnlyList<PoolSettings> AddressPools
    {
        get => _addressPools ?? (Pools.Count == 0 ? [] : [new PoolSettings(Name, File, Name + "." + PoolSettings.BlockKey, Pools, Dns) { IsInline = true }]);
        init => _addressPools = value;
    }

    private readonly IReadOnlyList<PoolSettings>? _addressPools;

    /// <summary><c>remote.addrs</c>, <c>start-action</c>, <c>close-action</c>, <c>dpd-action</c>, <c>retry</c>: the
    /// initiator role (respond only by default).</summary>
    public InitiatorSettings Initiator { get; init; } = InitiatorSettings.Responder;

    /// <summary><c>routes</c>: prefixes routed into the connection's ipsecN besides its pools (a site-to-site peer's
    /// networks); none by default, and none are made for 0.0.0.0/0 selectors.</summary>
    public IReadOnlyList<IPNetwork> Routes { get; init; } = [];

    /// <summary><c>interface-ip</c>: an address the gateway puts on the connection's ipsecN while the connection is
    /// served (OSPF over the tunnel, say); none by default.</summary>
    public InterfaceAddress? InterfaceIp { get; init; }

    /// <summary>Certificate files and checks (<c>local.certs</c>, <c>local.key</c>, <c>remote.cacerts</c>, …).</summary>
    public CertificateSettings Certificates { get; init; } = CertificateSettings.None;

    /// <summary>
    /// Checks what only the whole set of connections can show: unique names and no two interfaces sharing an
    /// if_id (ipsec0 and ipsec16384, see <see cref="IpsecInterfaceSetting.ConflictsWith"/>). Pools are checked
    /// together by <see cref="PoolCatalog.Resolve"/> (connections may share one).
    /// </summary>
    public static void CheckTogether(IReadOnlyList<ConnectionSettings> connections)
    {
        for (var i = 0; i < connections.Count; i++)
        {
            var a = connections[i];
            for (var j = 0; j < i; j++)
            {
                var b = connections[j];
                if (a.Name == b.Name)
                {
                    throw new ConfigException(a.File, a.Name, $"expected a connection name used once, '{a.Name}' is also defined in {b.File}");
                }

                if (a.IpsecInterface.ConflictsWith(b.IpsecInterface))
                {
                    throw new ConfigException(a.File, a.Name + ".ipsec-interface",
                        $"expected an if_id of its own, ipsec{a.IpsecInterface.Number} and ipsec{b.IpsecInterface.Number} (connection '{b.Name}' in {b.File}) both use if_id {a.IpsecInterface.IfId}");
                }
            }
        }
    }
}
