using System.Diagnostics;
using System.Net;
using System.Text.Json;
using Concentrator.Host.Tests.Management;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Engine;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>
/// Three real <c>concentrator run</c> processes, each in its own network namespace, on one bridge (in a hub namespace
/// of its own), with a client namespace per node: nodes 192.0.2.11-13, clients 192.0.2.21-23. Every node has the same
/// configuration but its own address: a cluster from HOCON seeds (nodes 1 and 2), one PSK connection with a TUN
/// <c>ipsec1</c> (userspace dataplane) and the pool <see cref="Pool"/> cut into <c>/27</c> blocks, with a low water of
/// <see cref="LowWater"/> free addresses: a node holds two blocks before its first client and asks for a third under load. (One block hand-out,
/// a majority write, took ~0.2 s here while a node leased 28 addresses in 80 ms once its handshakes' IKE_AUTHs came in
/// together: the low water must cover what a node leases during one hand-out.) Namespaces are
/// named <c>clu…</c> with this process's id, and removed with the processes at the end.
/// </summary>
internal sealed class ClusterLab : IAsyncDisposable
{
    public const string Secret = "cluster-secret-0123456789";
    public const string GatewayId = "gw.cluster.test";
    public const string Pool = "10.231.64.0/23";
    public const int Nodes = 3;

    /// <summary><c>pools.low-water</c>: more than one /27 block, so every node holds two blocks before its first client.</summary>
    public const int LowWater = 40;

    private readonly TempDir _dir = new();
    private readonly string _tag;
    private readonly string _redirectIn;
    private readonly string _more;
    private readonly List<string> _namespaces = [];
    private readonly string _pool;
    private readonly int _blockPrefix;
    private readonly int _lowWater;
    private readonly string _akka;

    private ClusterLab(string prefix, string redirectIn, string more, string pool = Pool, int blockPrefix = 27, int lowWater = LowWater, string akka = "")
    {
        _akka = akka;
        _pool = pool;
        _blockPrefix = blockPrefix;
        _lowWater = lowWater;
        _tag = $"{prefix}{Environment.ProcessId % 100000}";
        _redirectIn = redirectIn;
        _more = more;
        try
        {
            var hub = Ns("hub");
            Ip("netns", "add", hub);
            _namespaces.Add(hub);
            Ip("-n", hub, "link", "add", "br0", "type", "bridge");
            Ip("-n", hub, "link", "set", "br0", "up");
            for (var i = 1; i <= Nodes; i++)
            {
                Attach($"n{i}", $"192.0.2.1{i}");
                Attach($"c{i}", $"192.0.2.2{i}");
            }

            Hosts = [.. Enumerable.Range(1, Nodes).Select(Start)];
        }
        catch
        {
            DisposeAsync().AsTask().GetAwaiter().GetResult();
            throw;
        }
    }

    public IReadOnlyList<HostProcess> Hosts { get; } = [];

    /// <summary>Builds the namespaces and starts the three nodes (IAsyncLifetime.DisposeAsync of the test ends them).</summary>
    /// <paramref name="prefix"/>: of its network namespaces; <paramref name="redirectIn"/>: <c>cluster.redirect.in</c>;
    /// <paramref name="more"/>: more keys of every node's <c>concentrator</c> block.
    public static ClusterLab Start(string prefix = "clu", string redirectIn = "ike-sa-init", string more = "") => new(prefix, redirectIn, more);

    /// <summary>As <see cref="Start(string, string, string)"/> with another pool: <paramref name="pool"/> cut into
    /// <c>/<paramref name="blockPrefix"/></c> blocks, <paramref name="lowWater"/> free addresses before a node asks for more;
    /// <paramref name="akka"/>: more <c>akka.*</c> lines.</summary>
    public static ClusterLab Start(string prefix, string pool, int blockPrefix, int lowWater, string more = "", string akka = "") =>
        new(prefix, "ike-sa-init", more, pool, blockPrefix, lowWater, akka);

    public string Ns(string name) => $"{_tag}{name}";

    public static IPAddress NodeAddress(int node) => IPAddress.Parse($"192.0.2.1{node}");

    /// <summary>A load generator swarm of <paramref name="count"/> PSK clients of node <paramref name="node"/>, from
    /// that node's client namespace, identities <c>prefix-n@loadgen</c>.</summary>
    public LoadSwarm Swarm(int node, string prefix, int count, int concurrency = 4, int socketsPerAddress = 2,
        double? rate = null, TimeSpan hold = default, bool initialContact = true) => new(new LoadGenOptions
    {
        InitialContact = initialContact,
        Rate = rate,
        Hold = hold,
        Target = new IPEndPoint(NodeAddress(node), 500),
        Count = count,
        Concurrency = concurrency,
        Psk = Secret,
        RemoteIdentity = GatewayId,
        IdentityTemplate = $"{prefix}-{{n}}@loadgen",
        Netns = Ns($"c{node}"),
        SocketsPerAddress = socketsPerAddress,
        ProgressInterval = TimeSpan.Zero,
        RetransmitTimeout = TimeSpan.FromSeconds(2),
        RetransmitTries = 5,
    });

    public string Socket(int node) => Path.Combine(_dir.Path, $"n{node}", "concentrator.sock");

    /// <summary>The CLI's <c>--json</c> answer from node <paramref name="node"/>, parsed.</summary>
    public async Task<JsonElement> JsonAsync(int node, params string[] args)
    {
        var run = await CliProcess.RunAsync([.. args, "--json", "--socket", Socket(node)]);
        Assert.True(run.ExitCode == 0, $"node {node}: {string.Join(' ', args)} exited {run.ExitCode}: {run.Error}\n{Said(node)}");
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    /// <summary>Waits until node <paramref name="node"/>'s <c>cluster --json</c> satisfies <paramref name="done"/>; fails
    /// with the last answer and the node's log.</summary>
    public async Task<JsonElement> WaitForClusterAsync(int node, Func<JsonElement, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            var run = await CliProcess.RunAsync(["cluster", "--json", "--socket", Socket(node)]);
            if (run.ExitCode == 0)
            {
                var view = JsonDocument.Parse(run.Output).RootElement.Clone();
                if (done(view))
                {
                    return view;
                }

                last = run.Output;
            }
            else
            {
                last = run.Error;
            }

            Assert.False(Hosts[node - 1].Process.HasExited, $"node {node} exited:\n{Said(node)}");
            await Task.Delay(500);
        }

        Assert.Fail($"node {node}: the cluster did not get there in {timeout}; last answer: {last}\n{Said(node)}");
        throw new UnreachableException();
    }

    /// <summary>kill -9 of node <paramref name="node"/>'s process (no leave, no Delete to its clients).</summary>
    public void Kill(int node)
    {
        var host = Hosts[node - 1];
        host.Process.Kill();
        host.Process.WaitForExit();
    }

    /// <summary>Cuts node <paramref name="node"/> off from the other nodes with nftables in its namespace (its clients
    /// still reach it): a network partition of one against two.</summary>
    public void Isolate(int node)
    {
        var others = string.Join(", ", Enumerable.Range(1, Nodes).Where(n => n != node).Select(NodeAddress));
        var rules = $$"""
            table inet cclu {
              chain in { type filter hook input priority 0; ip saddr { {{others}} } drop; }
              chain out { type filter hook output priority 0; ip daddr { {{others}} } drop; }
            }
            """;
        var file = _dir.Write($"n{node}/partition.nft", rules);
        var (code, output) = Run("ip", "netns", "exec", Ns($"n{node}"), "nft", "-f", file);
        Assert.True(code == 0, $"nft -f {file} exited {code}: {output}");
    }

    /// <summary>The warnings and errors a node logged.</summary>
    public string Said(int node) => string.Join('\n', Hosts[node - 1].Lines.Where(l => !l.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal)).TakeLast(40));

    /// <summary>The routes through ipsec1 in node <paramref name="node"/>'s namespace.</summary>
    public IReadOnlyList<string> Routes(int node)
    {
        var (code, output) = Run("ip", "-n", Ns($"n{node}"), "route", "show", "dev", "ipsec1");
        Assert.True(code == 0, output);
        return [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(l => l.Split(' ')[0])];
    }

    private HostProcess Start(int node)
    {
        var conns = _dir.Write($"n{node}/conns/rw.conf", $$"""
            pools { rw { addresses = [ "{{_pool}}" ] } }
            rw {
              local.id = "{{GatewayId}}"
              remote.id = "%any"
              pools = [ "rw" ]
              ipsec-interface = yes
              dpd.delay = 0s
            }
            secrets { "%any" = "{{Secret}}" }
            """);
        var main = _dir.Write($"n{node}/main.conf", $$"""
            concentrator {
              config-dir = "conns"
              dataplane = userspace
              leases.path = "{{Path.Combine(_dir.Path, $"n{node}", "leases.jsonl")}}"
              management.socket = "{{Socket(node)}}"
              ike.listen = [ "{{NodeAddress(node)}}" ]
              cluster {
                enabled = on
                hostname = "{{NodeAddress(node)}}"
                port = 4053
                seed-nodes = [ "{{NodeAddress(1)}}:4053", "{{NodeAddress(2)}}:4053" ]
                pools.ipv4-block-prefix = {{_blockPrefix}}
                pools.low-water = {{_lowWater}}
                # A killed node is downed by the majority 5 s after membership settles (the test's (c)).
                split-brain-resolver.stable-after = 5s
                # Load-aware redirect (RFC 5685) from 10 SAs on: only clients that support it (strongSwan, not the
                # load generator) are ever redirected.
                redirect.enabled = on
                redirect.min-sas = 10
                redirect.in = {{_redirectIn}}
              }
              {{_more}}
            }
            akka.loglevel = WARNING
            {{_akka}}
            """);
        _ = conns;
        return HostProcess.Start(["run", "--config", main, "--log-format", "json"], ["ip", "netns", "exec", Ns($"n{node}")]);
    }

    private void Attach(string name, string address)
    {
        var ns = Ns(name);
        Ip("netns", "add", ns);
        _namespaces.Add(ns);
        Ip("link", "add", name, "netns", Ns("hub"), "type", "veth", "peer", "name", "eth0", "netns", ns);
        Ip("-n", Ns("hub"), "link", "set", name, "master", "br0", "up");
        Ip("-n", ns, "addr", "add", $"{address}/24", "dev", "eth0");
        Ip("-n", ns, "link", "set", "eth0", "up");
        Ip("-n", ns, "link", "set", "lo", "up");
    }

    private static void Ip(params string[] args)
    {
        var (code, output) = Run("ip", args);
        Assert.True(code == 0, $"ip {string.Join(' ', args)} exited {code}: {output}");
    }

    private static (int Code, string Output) Run(string file, params string[] args) => ToolProcess.Run(file, args);

    public async ValueTask DisposeAsync()
    {
        foreach (var host in Hosts)
        {
            try
            {
                if (!host.Process.HasExited)
                {
                    await host.TerminateAsync();
                }
            }
            catch (Exception e) when (e is OperationCanceledException or Xunit.Sdk.XunitException)
            {
                // Killed below.
            }

            host.Dispose();
        }

        foreach (var ns in Enumerable.Reverse(_namespaces))
        {
            Run("ip", "netns", "del", ns);
        }

        _dir.Dispose();
    }
}
