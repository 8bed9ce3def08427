using System.Net;
using System.Reflection;
using Concentrator.Kernel.Userspace;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Config;

/// <summary>Retransmission of requests we initiate: attempt n waits <see cref="Timeout"/> * <see cref="Base"/>^n.</summary>
public sealed record RetransmitSettings(TimeSpan Timeout, int Tries, double Base)
{
    /// <summary>The wait before retransmission <paramref name="attempt"/> (0 = first).</summary>
    public TimeSpan Delay(int attempt) => TimeSpan.FromTicks((long)(Timeout.Ticks * Math.Pow(Base, attempt)));
}

/// <summary><c>concentrator.kernel</c>: the kernel actor's concurrency and queue limit.</summary>
public sealed record KernelSettings(int BatchSize, int QueueBound)
{
    /// <summary><c>concentrator.kernel.install-timeout</c>: how long a CHILD SA install may take.</summary>
    public TimeSpan InstallTimeout { get; init; } = TimeSpan.FromSeconds(20);
}

/// <summary><c>concentrator.interfaces</c>: how ipsecN devices the concentrator creates look.</summary>
public sealed record InterfaceSettings(int Mtu, string Link);

/// <summary><c>concentrator.leases</c>: where identity → virtual IP leases are kept across restarts
/// (<see cref="Path"/> empty = nowhere), and the configuration file that said so (for errors at start).</summary>
public sealed record LeaseStoreSettings(string Path, string File)
{
    public bool IsEnabled => Path.Length > 0;
}

/// <summary><c>concentrator.ike.bind</c>: what start-up does when a listen address cannot be bound.</summary>
public enum BindMode
{
    /// <summary>Start-up fails, naming the address, the port and the error.</summary>
    Strict,

    /// <summary>Serve the addresses that could be bound, warn about the others.</summary>
    BestEffort,
}

/// <summary>Admission of new IKE SAs before any state exists (RFC 7296 §2.6): when cookies are demanded and the
/// hard cap. <paramref name="CookieThreshold"/>: half-open SAs from which every initiator must return a COOKIE;
/// <paramref name="PerSourceCookieThreshold"/>: half-open SAs of one source address from which that source must;
/// <paramref name="Limit"/>: half-open SAs from which IKE_SA_INIT is dropped unanswered;
/// <paramref name="CookieSecretLifetime"/>: how long one cookie secret is used before the next.</summary>
public sealed record HalfOpenSettings(int CookieThreshold, int PerSourceCookieThreshold, int Limit, TimeSpan CookieSecretLifetime);

/// <summary><c>concentrator.ike.invalid-spi-notify</c>: INVALID_IKE_SPI answers to requests for unknown SPIs
/// (RFC 7296 §2.21.4), node-wide token bucket: <paramref name="Rate"/> per second, bursts of <paramref name="Burst"/>;
/// rate 0 = never answer.</summary>
public sealed record InvalidSpiNotifySettings(int Rate, int Burst);

/// <summary>The typed <c>concentrator { … }</c> section of the server, read once at start.</summary>
public sealed record ServerSettings(
    int Port,
    int NatTPort,
    IReadOnlyList<IPAddress> Listen,
    int HalfOpenCookieThreshold,
    RetransmitSettings Retransmit,
    DataplaneMode Dataplane,
    KernelSettings Kernel,
    InterfaceSettings Interfaces)
{
    public const string ReferenceResource = "Concentrator.Server.reference.conf";

    /// <summary><c>concentrator.userspace.replay-window</c>: the anti-replay window of the userspace dataplane's
    /// inbound SAs (RFC 4303 §3.4.3), 1..4096 packets.</summary>
    public int UserspaceReplayWindow { get; init; } = 128;

    /// <summary><c>concentrator.leases.path</c>: the lease journal (see <see cref="Pools.LeaseJournal"/>).</summary>
    public LeaseStoreSettings Leases { get; init; } = new(DefaultLeasesPath, "reference.conf");

    public const string DefaultLeasesPath = "/var/lib/concentrator/leases.jsonl";
    /// <summary><c>concentrator.ike.bind</c>.</summary>
    public BindMode Bind { get; init; } = BindMode.Strict;

    /// <summary><c>concentrator.ike.half-open-*</c> and <c>cookie-secret-lifetime</c>.</summary>
    public HalfOpenSettings HalfOpen { get; init; } = new(1000, 5, 10000, TimeSpan.FromMinutes(1));

    /// <summary><c>concentrator.ike.eap-timeout</c>: the whole EAP conversation of one IKE_AUTH.</summary>
    public TimeSpan EapTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary><c>concentrator.ike.eap-mschapv2.max-retries</c>: wrong passwords answered with a retry offer (RFC 2759
    /// §6, "R=1") before EAP-Failure, for <c>remote.auth = eap-mschapv2</c>.</summary>
    public int EapMsChapV2MaxRetries { get; init; }

    /// <summary><c>concentrator.ike.eap-tls</c>.</summary>
    public EapTlsServerSettings EapTls { get; init; } = EapTlsServerSettings.Default;

    /// <summary><c>concentrator.ike.invalid-spi-notify</c>.</summary>
    public InvalidSpiNotifySettings InvalidSpiNotify { get; init; } = new(100, 100);

    /// <summary><c>concentrator.ike.allow-modp1024</c> (see <see cref="Modp1024Policy"/>).</summary>
    public bool AllowModp1024 { get; init; }

    /// <summary><c>concentrator.certificates.max-chain-length</c>: the most certificates a peer's chain may have.</summary>
    public int MaxCertificateChainLength { get; init; } = Concentrator.Ike.Auth.Certificates.TrustPolicy.DefaultMaxChainLength;

    /// <summary><c>concentrator.certificates.chain-cache-size</c>: the most validated peer chains kept (0: none).</summary>
    public int ChainCacheSize { get; init; } = 10000;

    /// <summary><c>concentrator.certificates.revocation</c>.</summary>
    public RevocationFetchSettings Revocation { get; init; } = RevocationFetchSettings.Default;

    /// <summary>The embedded reference configuration (every key with its default).</summary>
    public static HoconConfig Reference { get; } = Akka.Configuration.ConfigurationFactory.ParseString(ReadReference());

    /// <summary>Reads the section from the operator's configuration; keys it does not set come from <see cref="Reference"/>.</summary>
    public static ServerSettings From(HoconConfig config, string file)
    {
        var r = new SettingsReader(config.WithFallback(Reference), file);
        const string ike = "concentrator.ike.";
        var listen = r.ParsedList(ike + "listen", "an IPv4 or IPv6 address like 0.0.0.0 or ::", SettingsReader.Address);
        if (listen.Count == 0)
        {
            throw r.Error(ike + "listen", "expected at least one address to listen on, got an empty list");
        }

        var port = r.Int(ike + "port", 1, 65535);
        var natT = r.Int(ike + "nat-t-port", 1, 65535);
        if (port == natT)
        {
            throw r.Error(ike + "nat-t-port", $"expected a port different from concentrator.ike.port ({port}): RFC 3948 needs the marker-prefixed port apart");
        }

        var dataplaneText = r.String("concentrator.dataplane");
        var dataplane = dataplaneText.ToLowerInvariant() switch
        {
            "auto" => DataplaneMode.Auto,
            "kernel" => DataplaneMode.Kernel,
            "userspace" => DataplaneMode.Userspace,
            _ => throw r.Error("concentrator.dataplane", $"expected auto, kernel or userspace, got '{dataplaneText}'"),
        };

        var retransmit = new RetransmitSettings(
            PositiveDuration(r, ike + "retransmit.timeout"),
            r.Int(ike + "retransmit.tries", 0, 100),
            r.Double(ike + "retransmit.base", 1.0, 10.0));

        var leases = r.String("concentrator.leases.path");
        if (leases.Length > 0 && !System.IO.Path.IsPathFullyQualified(leases))
        {
            throw r.Error("concentrator.leases.path", $"expected an absolute path like {DefaultLeasesPath}, or \"\" to keep no leases across restarts, got '{leases}'");
        }

        var bindText = r.String(ike + "bind");
        var bind = bindText.ToLowerInvariant() switch
        {
            "strict" => BindMode.Strict,
            "best-effort" => BindMode.BestEffort,
            _ => throw r.Error(ike + "bind", $"expected strict or best-effort, got '{bindText}'"),
        };

        var cookieThreshold = r.Int(ike + "half-open-cookie-threshold", 0, int.MaxValue);
        var halfOpen = new HalfOpenSettings(
            cookieThreshold,
            r.Int(ike + "half-open-per-source-cookie-threshold", 0, int.MaxValue),
            r.Int(ike + "half-open-limit", 1, int.MaxValue),
            PositiveDuration(r, ike + "cookie-secret-lifetime"));
        if (halfOpen.Limit < cookieThreshold)
        {
            throw r.Error(ike + "half-open-limit", $"expected at least half-open-cookie-threshold ({cookieThreshold}): below it new SAs would be dropped before cookies are ever asked for, got {halfOpen.Limit}");
        }

        return new ServerSettings(
            port,
            natT,
            listen,
            cookieThreshold,
            retransmit,
            dataplane,
            new KernelSettings(r.Int("concentrator.kernel.batch-size", 1, 65536), r.Int("concentrator.kernel.queue-bound", 1, int.MaxValue))
            {
                InstallTimeout = PositiveDuration(r, "concentrator.kernel.install-timeout"),
            },
            new InterfaceSettings(r.Int("concentrator.interfaces.mtu", 68, 65535), r.String("concentrator.interfaces.link")))
        {
            UserspaceReplayWindow = r.Int("concentrator.userspace.replay-window", 1, 4096),
            Leases = new LeaseStoreSettings(leases, file),
            Bind = bind,
            HalfOpen = halfOpen,
            EapTimeout = PositiveDuration(r, ike + "eap-timeout"),
            EapTls = EapTlsServerSettings.Read(r),
            EapMsChapV2MaxRetries = r.Int(ike + "eap-mschapv2.max-retries", 0, 10),
            MaxCertificateChainLength = r.Int("concentrator.certificates.max-chain-length", 2, 16),
            ChainCacheSize = r.Int("concentrator.certificates.chain-cache-size", 0, 1_000_000),
            Revocation = RevocationFetchSettings.Read(r),
            InvalidSpiNotify = new InvalidSpiNotifySettings(
                r.Int(ike + "invalid-spi-notify.rate", 0, 1_000_000), r.Int(ike + "invalid-spi-notify.burst", 1, 1_000_000)),
            AllowModp1024 = Modp1024Policy.Read(r),
        };
    }

    internal static TimeSpan PositiveDuration(SettingsReader r, string key)
    {
        var d = r.Duration(key);
        return d > TimeSpan.Zero ? d : throw r.Error(key, "expected a duration greater than zero, got 0");
    }

    private static string ReadReference()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ReferenceResource)
            ?? throw new InvalidOperationException($"embedded resource {ReferenceResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
