using System.Net;

namespace Concentrator.LoadGen.Cli;

/// <summary>Everything one run of the load generator is told: whom to hit, how hard, as whom, and what to report.</summary>
public sealed record LoadGenOptions
{
    /// <summary>The responder's IKE endpoint (port 500; NAT-T moves to <see cref="NatTraversalPort"/>).</summary>
    public required IPEndPoint Target { get; init; }

    /// <summary>RFC 3948: the port IKE floats to when a NAT is detected.</summary>
    public int NatTraversalPort { get; init; } = 4500;

    /// <summary>Total number of clients (IKE SAs) to set up.</summary>
    public int Count { get; init; } = 100;

    /// <summary>Setups started per second; null means "as fast as <see cref="Concurrency"/> allows".</summary>
    public double? Rate { get; init; }

    /// <summary>Handshakes in flight at once (in rate mode: an upper bound, 0 = none).</summary>
    public int Concurrency { get; init; } = 10;

    /// <summary>How long established SAs stay up (answering the responder's INFORMATIONALs) after the last setup.</summary>
    public TimeSpan Hold { get; init; }

    /// <summary>Whether IKE_AUTH carries INITIAL_CONTACT (RFC 7296 §2.4); off, a responder that replaces an older SA of
    /// the same identity deletes it with a Delete to the peer instead of silently.</summary>
    public bool InitialContact { get; init; } = true;

    /// <summary>Delete every established SA with an INFORMATIONAL Delete at the end.</summary>
    public bool Teardown { get; init; }

    public const string DefaultIdentityTemplate = "client-{n}@loadgen";

    /// <summary>IDi of client n: "{n}" is replaced by the client number (1-based). Null: <see cref="DefaultIdentityTemplate"/>,
    /// or with <see cref="CertificateFile"/> the certificate's subject DN (the same for every client).</summary>
    public string? IdentityTemplate { get; init; }

    /// <summary>IDr to ask for, or null to send none.</summary>
    public string? RemoteIdentity { get; init; }

    public string Psk { get; init; } = "";

    /// <summary>Authenticate each client with EAP-MSCHAPv2 (its IDi as EAP identity) and this password instead of
    /// the PSK; the PSK then only checks the gateway's AUTH (RFC 7296 §2.16). Null: PSK both ways.</summary>
    public string? EapMsChapV2Password { get; init; }

    /// <summary>Authenticate each client inside EAP-TLS (RFC 5216) with <see cref="CertificateFile"/> instead of an IKE
    /// AUTH signature; the gateway's TLS certificate is checked against <c>CaFile</c> when given.</summary>
    public bool EapTls { get; init; }

    /// <summary>Authenticate the clients with this PEM certificate (end entity first, then intermediates), shared by the
    /// whole swarm as strongSwan's load-tester does, and <see cref="KeyFile"/> instead of the PSK. Null: PSK or EAP.</summary>
    public string? CertificateFile { get; init; }

    /// <summary>The PEM private key of <see cref="CertificateFile"/>.</summary>
    public string? KeyFile { get; init; }

    /// <summary>PEM CA certificate(s) the gateway's certificate must chain to; null: the gateway proves the PSK.</summary>
    public string? CaFile { get; init; }

    public IReadOnlyList<string> IkeProposals { get; init; } = ["aes256gcm16-prfsha256-x25519"];

    public IReadOnlyList<string> EspProposals { get; init; } = ["aes256gcm16"];

    /// <summary>Ask for an IPv4 virtual IP (CFG_REQUEST) and count a setup without one as failed.</summary>
    public bool RequestVirtualIp { get; init; } = true;

    /// <summary>UDP sockets (distinct source ports) per source address; clients are spread over them.</summary>
    public int SocketsPerAddress { get; init; } = 16;

    /// <summary>Source addresses to bind; empty means the one the route to the target uses.</summary>
    public IReadOnlyList<IPAddress> SourceAddresses { get; init; } = [];

    /// <summary>First retransmission after this long, then times <see cref="RetransmitBase"/> each time
    /// (strongSwan's retransmit_timeout / retransmit_base / retransmit_tries).</summary>
    public TimeSpan RetransmitTimeout { get; init; } = TimeSpan.FromSeconds(1);

    public double RetransmitBase { get; init; } = 1.8;

    public int RetransmitTries { get; init; } = 3;

    /// <summary>One DH private value for all handshakes (RFC 7296 §2.12 allows reuse across exchanges).</summary>
    public bool ReuseDh { get; init; }

    /// <summary>The responder's PID, to report its CPU seconds per setup and memory per SA from /proc.</summary>
    public int? ResponderPid { get; init; }

    /// <summary>Also write the report as JSON to this file.</summary>
    public string? JsonPath { get; init; }

    /// <summary>Create the sockets inside this network namespace (/var/run/netns/NAME).</summary>
    public string? Netns { get; init; }

    /// <summary>Print a progress line this often (zero: never).</summary>
    public TimeSpan ProgressInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>Client n's identity text.</summary>
    public string IdentityOf(int n) => (IdentityTemplate ?? DefaultIdentityTemplate).Replace("{n}", n.ToString(System.Globalization.CultureInfo.InvariantCulture), StringComparison.Ordinal);
}
