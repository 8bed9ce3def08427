namespace Concentrator.Host.Import.Libreswan;

/// <summary>
/// How the import treats each ipsec.conf key it does not translate. Keys with the side prefix (left/right) are
/// listed without it. Anything in neither list is unknown to the importer and is warned about as such.
/// </summary>
internal static class LibreswanKeys
{
    /// <summary>Keys that change nothing for a responder that works as Concentrator does (said why, per key).</summary>
    public static readonly IReadOnlyDictionary<string, string> NoOp = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["nexthop"] = "routing of the encrypted packets is the kernel's main table",
        ["modecfgserver"] = "a connection with a pool is a configuration server",
        ["modecfgclient"] = "implied by the pool on the other side",
        ["modecfgpull"] = "clients ask with a CFG_REQUEST; Concentrator answers it",
        ["narrowing"] = "the responder always narrows (RFC 7296 §2.9)",
        ["hostaddrfamily"] = "the family follows the addresses",
        ["clientaddrfamily"] = "the family follows the pool",
        ["connaddrfamily"] = "the family follows the addresses",
        ["sendcert"] = "the gateway sends its chain whenever it authenticates with a certificate",
        ["ikeport"] = "ports are node-wide: concentrator.ike.port / nat-t-port",
        ["pfs"] = "CHILD SAs of IKE_AUTH have no key exchange of their own either way; for rekeys the ike= groups are added to esp= proposals that name none, unless pfs=no",
        ["rekey"] = "the client rekeys; the gateway's lifetimes bound the SAs",
        ["rekeymargin"] = "the client rekeys; the gateway's lifetimes bound the SAs",
        ["rekeyfuzz"] = "the client rekeys; the gateway's lifetimes bound the SAs",
        ["keyingtries"] = "the gateway does not initiate",
        ["fragmentation"] = "IKE fragmentation (RFC 7383) is always offered",
        ["dpdaction"] = "a dead client's SAs are cleared, as libreswan's dpdaction=clear",
        ["uniqueids"] = "read from config setup",
    };

    /// <summary>Keys with no equivalent in Concentrator: said once, per conn, and otherwise ignored.</summary>
    public static readonly IReadOnlySet<string> Unsupported = new HashSet<string>(StringComparer.Ordinal)
    {
        "mobike", "encapsulation", "nat-keepalive", "compress", "esn", "replay-window", "priority", "mark", "mark-in",
        "mark-out", "vti-interface", "vti-routing", "vti-shared", "tfc", "nflog-group", "sareftrack", "metric", "mtu",
        "decap-dscp", "encap-dscp", "nopmtudisc", "nic-offload", "accept-redirect", "accept-redirect-to", "send-redirect",
        "redirect-to", "ppk", "ppk-ids", "nm-configured", "labeled-ipsec", "policy-label", "sec-label", "overlapip",
        "retransmit-timeout", "retransmit-interval", "initial-contact", "cisco-unity", "fake-strongswan",
        "send-vendorid", "ms-dh-downgrade", "pfs-rekey-workaround", "ikepad", "sha2-truncbug", "sendca",
        "require-id-on-certificate", "xauthby", "xauthfail", "remote-peer-type", "modecfgdomains", "modecfgbanner",
        "sourceip", "protoport", "vti", "groundhog", "username", "cat", "xauthserver", "xauthclient",
        "ikelifetime-bytes", "ipsec-max-bytes", "ipsec-max-packets", "salifetime-bytes", "reauth", "dns-match-id",
        "ignore-peer-dns", "intermediate", "session-resumption", "send-no-esp-tfc", "iptfs", "aggrmode", "ikev1-natt",
        "nat-ikev1-method", "seccomp", "keyexchange-ikev1", "debug", "connalias", "sendredirect", "tcp-remoteport",
        "enable-tcp", "spi", "spis", "reqid", "share-lease", "updown", "send-supported-auth-methods",
        "reject-simultaneous-ike-auth", "iptfs-reorder-window", "iptfs-packet-size", "iptfs-max-queue-size", "iptfs-init-delay",
        "iptfs-fragmentation", "iptfs-drop-time", "clones",
    };
}
