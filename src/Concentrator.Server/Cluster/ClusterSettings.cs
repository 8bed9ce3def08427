using System.Globalization;
using System.Net;
using System.Text;
using Concentrator.Server.Config;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Cluster;

/// <summary>The split-brain resolver's strategy (Akka.Cluster's <c>split-brain-resolver.active-strategy</c>).</summary>
public enum SplitBrainStrategy
{
    KeepMajority,
    KeepOldest,
    StaticQuorum,
    DownAll,
}

/// <summary><c>concentrator.cluster.pools</c>: how the address pools are cut into blocks owned by one node each.
/// <paramref name="Ipv4BlockPrefix"/>/<paramref name="Ipv6BlockPrefix"/>: the prefix length of one block (a pool
/// prefix longer than it is one block); <paramref name="LowWater"/>: free addresses of a family in the node's blocks
/// of a pool below which it asks for another block.</summary>
public sealed record ClusterPoolSettings(int Ipv4BlockPrefix, int Ipv6BlockPrefix, int LowWater)
{
    /// <summary><c>pools.majority-timeout</c>: how long the allocator's majority read or write of the block owners may
    /// take; a node asks again for a block only after longer than this (<see cref="ReAskAfter"/>).</summary>
    public TimeSpan MajorityTimeout { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>How long a node waits for an unanswered block request before it asks again: the majority timeout plus a
    /// second, so a re-ask never lands while the allocator's write for the first ask may still be running.</summary>
    public TimeSpan ReAskAfter => MajorityTimeout + TimeSpan.FromSeconds(1);

    /// <summary>The block prefix length for <paramref name="pool"/>'s family, never shorter than the pool prefix.</summary>
    public int BlockPrefixFor(IPNetwork pool) =>
        Math.Max(pool.PrefixLength, pool.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? Ipv4BlockPrefix : Ipv6BlockPrefix);
}

/// <summary><c>concentrator.cluster.redirect</c>: load-aware redirect (RFC 5685). <paramref name="Gateway"/>: where clients
/// sent to this node go (null: the cluster hostname); a node redirects when it holds more than
/// <paramref name="AboveShare"/> times its share of the cluster's SAs and at least <paramref name="MinSas"/>;
/// <paramref name="In"/>: the exchange whose response carries the REDIRECT.</summary>
public sealed record ClusterRedirectSettings(bool Enabled, IPAddress? Gateway, double AboveShare, int MinSas, RedirectExchange In = RedirectExchange.IkeSaInit);

/// <summary><c>concentrator.cluster.redirect.in</c>: where a client is redirected (RFC 5685 §3 or §6).</summary>
public enum RedirectExchange
{
    /// <summary>In IKE_SA_INIT, stateless, before any Diffie-Hellman (§3).</summary>
    IkeSaInit,

    /// <summary>In IKE_AUTH, after the client authenticated (§6): only authenticated clients learn other gateways.</summary>
    IkeAuth,
}

/// <summary>
/// <c>concentrator.cluster</c>: whether the node is one of N on Akka.Cluster, how it reaches the others (seed nodes,
/// its own remoting address), its roles, the split-brain resolver and the pool blocks. Off by default: a single node
/// runs on Akka's local provider exactly as before. On, <see cref="AkkaConfig"/> is the <c>akka.*</c> configuration
/// derived from it, laid over the operator's HOCON so every other Akka key (TLS of the remoting transport, failure
/// detector, …) passes through as written.
/// </summary>
public sealed record ClusterSettings(
    bool Enabled,
    string Hostname,
    int Port,
    IReadOnlyList<string> SeedNodes,
    IReadOnlyList<string> Roles,
    SplitBrainStrategy Strategy,
    TimeSpan StableAfter,
    ClusterPoolSettings Pools,
    ClusterRedirectSettings Redirect)
{
    /// <summary>The ActorSystem's name, which is part of every member's address (<c>akka.tcp://concentrator@host:port</c>).</summary>
    public const string SystemName = "concentrator";

    /// <summary>The reference defaults: no cluster.</summary>
    public static ClusterSettings Off { get; } = new(false, "127.0.0.1", 4053, [], [], SplitBrainStrategy.KeepMajority, TimeSpan.FromSeconds(20),
        new ClusterPoolSettings(26, 120, 16), new ClusterRedirectSettings(false, null, 1.25, 10));

    /// <summary>The address clients are redirected to when sent to this node; null when neither redirect.gateway nor the
    /// hostname is an address (the node is then never a redirect target).</summary>
    public IPAddress? RedirectGateway => Redirect.Gateway ?? (IPAddress.TryParse(Hostname, out var a) ? a : null);

    public static ClusterSettings From(HoconConfig config, string file)
    {
        ArgumentNullException.ThrowIfNull(config);
        var r = new SettingsReader(config.WithFallback(ServerSettings.Reference), file);
        const string c = "concentrator.cluster.";
        var enabled = r.String(c + "enabled").ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw r.Error(c + "enabled", $"expected on or off, got '{other}'"),
        };
        var hostname = r.String(c + "hostname");
        if (enabled && hostname.Length == 0)
        {
            throw r.Error(c + "hostname", "expected the address the other nodes reach this one at, like 192.0.2.11, got \"\"");
        }

        var port = r.Int(c + "port", 0, 65535);
        var seeds = r.StringList(c + "seed-nodes").Select((s, i) => SeedAddress(r, $"{c}seed-nodes[{i}]", s)).ToList();
        var strategyText = r.String(c + "split-brain-resolver.active-strategy");
        var strategy = strategyText.ToLowerInvariant() switch
        {
            "keep-majority" => SplitBrainStrategy.KeepMajority,
            "keep-oldest" => SplitBrainStrategy.KeepOldest,
            "static-quorum" => SplitBrainStrategy.StaticQuorum,
            "down-all" => SplitBrainStrategy.DownAll,
            _ => throw r.Error(c + "split-brain-resolver.active-strategy", $"expected keep-majority, keep-oldest, static-quorum or down-all, got '{strategyText}'"),
        };
        var pools = new ClusterPoolSettings(
            r.Int(c + "pools.ipv4-block-prefix", 1, 32),
            r.Int(c + "pools.ipv6-block-prefix", 1, 128),
            r.Int(c + "pools.low-water", 0, int.MaxValue))
        {
            MajorityTimeout = ServerSettings.PositiveDuration(r, c + "pools.majority-timeout"),
        };
        var redirectOn = r.String(c + "redirect.enabled").ToLowerInvariant() switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            var other => throw r.Error(c + "redirect.enabled", $"expected on or off, got '{other}'"),
        };
        var gatewayText = r.String(c + "redirect.gateway");
        IPAddress? gateway = null;
        if (gatewayText.Length > 0 && !IPAddress.TryParse(gatewayText, out gateway))
        {
            throw r.Error(c + "redirect.gateway", $"expected an IPv4 or IPv6 address (RFC 5685 gateway identity), got '{gatewayText}'");
        }

        if (enabled && redirectOn && gateway is null && !IPAddress.TryParse(hostname, out _))
        {
            throw r.Error(c + "redirect.gateway", $"expected an address: the cluster hostname '{hostname}' is not one, so clients cannot be redirected to it");
        }

        var redirectIn = r.String(c + "redirect.in").ToLowerInvariant() switch
        {
            "ike-sa-init" => RedirectExchange.IkeSaInit,
            "ike-auth" => RedirectExchange.IkeAuth,
            var other => throw r.Error(c + "redirect.in", $"expected ike-sa-init or ike-auth, got '{other}'"),
        };
        var redirect = new ClusterRedirectSettings(redirectOn, gateway, r.Double(c + "redirect.above-share", 1.0, 100.0), r.Int(c + "redirect.min-sas", 0, int.MaxValue), redirectIn);
        return new ClusterSettings(enabled, hostname, port, seeds, r.StringList(c + "roles"), strategy,
            ServerSettings.PositiveDuration(r, c + "split-brain-resolver.stable-after"), pools, redirect);
    }

    /// <summary>The <c>akka.*</c> keys this section stands for (empty when off): the cluster provider, the remoting
    /// address, seed nodes, roles and Akka's split-brain resolver as the downing provider.</summary>
    public HoconConfig AkkaConfig()
    {
        if (!Enabled)
        {
            return HoconConfig.Empty;
        }

        var strategy = Strategy switch
        {
            SplitBrainStrategy.KeepOldest => "keep-oldest",
            SplitBrainStrategy.StaticQuorum => "static-quorum",
            SplitBrainStrategy.DownAll => "down-all",
            _ => "keep-majority",
        };
        var text = new StringBuilder();
        text.AppendLine("akka.actor.provider = cluster");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.remote.dot-netty.tcp.hostname = {Quote(Hostname)}");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.remote.dot-netty.tcp.port = {Port}");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.seed-nodes = [{string.Join(", ", SeedNodes.Select(Quote))}]");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.roles = [{string.Join(", ", Roles.Select(Quote))}]");
        text.AppendLine("akka.cluster.downing-provider-class = \"Akka.Cluster.SBR.SplitBrainResolverProvider, Akka.Cluster\"");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.split-brain-resolver.active-strategy = {strategy}");
        text.AppendLine(CultureInfo.InvariantCulture, $"akka.cluster.split-brain-resolver.stable-after = {(long)StableAfter.TotalMilliseconds}ms");
        // The first phase of the coordinated shutdown deletes the node's SAs (a Delete to each client, bounded by 3 s)
        // and detaches its interfaces before the node leaves the cluster.
        text.AppendLine("akka.coordinated-shutdown.phases.before-service-unbind.timeout = 30s");
        return Akka.Configuration.ConfigurationFactory.ParseString(text.ToString());
    }

    private static string Quote(string s) => "\"" + s.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    // "host:port" is short for akka.tcp://concentrator@host:port; a full akka.tcp address must name this system.
    private static string SeedAddress(SettingsReader r, string key, string text)
    {
        if (text.StartsWith("akka.tcp://", StringComparison.Ordinal))
        {
            return text.StartsWith($"akka.tcp://{SystemName}@", StringComparison.Ordinal) && text.LastIndexOf(':') > $"akka.tcp://{SystemName}@".Length
                ? text
                : throw r.Error(key, $"expected akka.tcp://{SystemName}@HOST:PORT (the ActorSystem is named '{SystemName}'), got '{text}'");
        }

        var colon = text.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw r.Error(key, $"expected HOST:PORT like 192.0.2.11:4053 (or akka.tcp://{SystemName}@HOST:PORT), got '{text}'");
        }

        var host = text[..colon].Trim('[', ']');
        return $"akka.tcp://{SystemName}@{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}";
    }
}
