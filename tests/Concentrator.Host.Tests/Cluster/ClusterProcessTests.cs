using Xunit.Abstractions;
using System.Net;
using System.Text.Json;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Engine;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>
/// Issue 15 with real processes: three Host processes in three network namespaces on one bridge
/// (<see cref="ClusterLab"/>), clients in their own namespaces. (a) the cluster forms from the HOCON seeds and every
/// node reports 3 members Up; (b) the load generator, spread over the 3 nodes, establishes 3×N SAs with no virtual IP
/// leased twice: every lease is checked through <c>list-sas --json</c> of every node, against the pool blocks the
/// node reports owning and the routes it has into its ipsec1.
/// </summary>
public sealed class ClusterProcessTests : IAsyncLifetime
{
    private const int PerNode = 40;
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(180);

    private readonly ITestOutputHelper _output;
    private ClusterLab _lab = null!;

    public ClusterProcessTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _lab = ClusterLab.Start();
        // Until every node is Up and admits IKE (it holds its first blocks), nothing else is asked.
        for (var node = 1; node <= ClusterLab.Nodes; node++)
        {
            // … and holds addresses above its low water (its second block follows the first by a hand-out).
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("admitting").GetBoolean() && UpMembers(v) == ClusterLab.Nodes
                && v.GetProperty("blocks").EnumerateArray().Sum(b => b.GetProperty("size").GetInt32()) >= ClusterLab.LowWater, Formation);
        }
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task Cluster_ThreeNodesFromHoconSeeds_EveryNodeReportsThreeMembersUpAndOneLeader()
    {
        var expected = Enumerable.Range(1, ClusterLab.Nodes).Select(n => $"akka.tcp://concentrator@{ClusterLab.NodeAddress(n)}:4053").ToList();
        var leaders = new HashSet<string>(StringComparer.Ordinal);
        for (var node = 1; node <= ClusterLab.Nodes; node++)
        {
            var view = await _lab.JsonAsync(node, "cluster");

            Assert.True(view.GetProperty("enabled").GetBoolean());
            Assert.Equal(expected[node - 1], view.GetProperty("self").GetString());
            var members = view.GetProperty("members").EnumerateArray().ToList();
            Assert.Equal(expected, members.Select(m => m.GetProperty("address").GetString()).Order(StringComparer.Ordinal));
            Assert.All(members, m => Assert.Equal("Up", m.GetProperty("status").GetString()));
            Assert.All(members, m => Assert.True(m.GetProperty("reachable").GetBoolean()));
            leaders.Add(view.GetProperty("leader").GetString()!);
        }

        Assert.Single(leaders);
        Assert.Contains(leaders.Single(), expected);
    }

    [Fact]
    public async Task LoadGen_SpreadOverThreeNodes_EverySaEstablishedAndNoVirtualIpLeasedTwice()
    {
        var swarms = Enumerable.Range(1, ClusterLab.Nodes).Select(node => Swarm(node, $"n{node}", PerNode)).ToList();
        try
        {
            var reports = await Task.WhenAll(swarms.Select(s => s.RunAsync())).WaitAsync(TimeSpan.FromMinutes(5));

            var everyLease = new List<(int Node, IPAddress Vip)>();
            for (var node = 1; node <= ClusterLab.Nodes; node++)
            {
                LoadReport report = reports[node - 1];
                Assert.True(report.Failed == 0 && report.Established == PerNode, $"node {node}: {report.ToText()}\n{_lab.Said(node)}");

                var sas = (await _lab.JsonAsync(node, "list-sas")).EnumerateArray().ToList();
                Assert.Equal(PerNode, sas.Count);
                Assert.All(sas, s => Assert.StartsWith($"n{node}-", s.GetProperty("identity").GetString(), StringComparison.Ordinal));
                var vips = sas.Select(s => IPAddress.Parse(Assert.Single(s.GetProperty("virtualIps").EnumerateArray()).GetString()!)).ToList();
                // What the node leased is what its clients were told.
                Assert.Equal(swarms[node - 1].Outcomes.Select(o => o.VirtualIp!.ToString()).Order(StringComparer.Ordinal),
                    vips.Select(v => v.ToString()).Order(StringComparer.Ordinal));

                // Every lease lies in a block this node owns, and the node routes exactly its blocks into ipsec1.
                var blocks = (await _lab.JsonAsync(node, "cluster")).GetProperty("blocks").EnumerateArray()
                    .Select(b => IPNetwork.Parse(b.GetProperty("block").GetString()!)).ToList();
                Assert.True(blocks.Count >= 2, $"node {node} leased {PerNode} addresses from {blocks.Count} /27 block(s)");
                Assert.All(vips, v => Assert.Contains(blocks, b => b.Contains(v)));
                Assert.Equal(blocks.Select(b => b.ToString()).Order(StringComparer.Ordinal), _lab.Routes(node).Order(StringComparer.Ordinal));
                everyLease.AddRange(vips.Select(v => (node, v)));
            }

            Assert.Equal(ClusterLab.Nodes * PerNode, everyLease.Count);
            var duplicates = everyLease.GroupBy(l => l.Vip).Where(g => g.Count() > 1).Select(g => $"{g.Key} on nodes {string.Join(",", g.Select(l => l.Node))}").ToList();
            Assert.Empty(duplicates);
        }
        finally
        {
            foreach (var swarm in swarms)
            {
                swarm.Dispose();
            }
        }
    }

    [Fact]
    public async Task Kill9_OldestNodeOfThree_DownedThenItsBlocksServeItsReconnectingClientsWithNoDuplicate()
    {
        const int before = 20;
        var first = Enumerable.Range(1, ClusterLab.Nodes).Select(node => Swarm(node, $"n{node}", before)).ToList();
        var killedBlocks = new List<IPNetwork>();
        try
        {
            var reports = await Task.WhenAll(first.Select(s => s.RunAsync())).WaitAsync(TimeSpan.FromMinutes(5));
            Assert.All(reports, r => Assert.True(r.Established == before, r.ToText()));
            killedBlocks.AddRange(await BlocksAsync(1));

            // Node 1 runs the block allocator (the oldest node) and holds 20 SAs: it dies without a word.
            _lab.Kill(1);
            foreach (var node in new[] { 2, 3 })
            {
                await _lab.WaitForClusterAsync(node, v => v.GetProperty("members").GetArrayLength() == 2 && UpMembers(v) == 2
                    && v.GetProperty("admitting").GetBoolean(), Formation);
            }
        }
        finally
        {
            first.ForEach(s => s.Dispose());
        }

        // The allocator starts on the next oldest node (2 or 3) only once node 1 is removed and the resolver's margin
        // (stable-after) has passed, so the downed side has surely stopped its own; it reads the owners back first.
        var started = await AnyLineAsync([_lab.Hosts[1], _lab.Hosts[2]], l => l.Contains("\"EventId\":13004", StringComparison.Ordinal), Formation);
        Assert.Contains("2 of departed nodes freed", started, StringComparison.Ordinal);

        // Its clients come back through node 2 (20 a second, as reconnecting clients trickle in; a burst faster than a
        // block hand-out beyond the low water gets INTERNAL_ADDRESS_FAILURE), which needs more addresses than its own
        // blocks have: the allocator (now on node 2, its state read from a majority) hands out the lowest free blocks,
        // node 1's.
        using var reconnect = Swarm(2, "n1", 2 * PerNode, rate: 20);
        var report = await reconnect.RunAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(report.Failed == 0 && report.Established == 2 * PerNode, $"{report.ToText()}\n{_lab.Said(2)}");

        var leases = new List<(int Node, IPAddress Vip)>();
        var owned = new Dictionary<int, IReadOnlyList<IPNetwork>>();
        foreach (var node in new[] { 2, 3 })
        {
            owned[node] = await BlocksAsync(node);
            var vips = (await _lab.JsonAsync(node, "list-sas")).EnumerateArray()
                .Select(s => IPAddress.Parse(Assert.Single(s.GetProperty("virtualIps").EnumerateArray()).GetString()!)).ToList();
            Assert.All(vips, v => Assert.Contains(owned[node], b => b.Contains(v)));
            leases.AddRange(vips.Select(v => (node, v)));
        }

        Assert.Equal(before + 2 * PerNode + before, leases.Count);
        Assert.Empty(leases.GroupBy(l => l.Vip).Where(g => g.Count() > 1).Select(g => g.Key));
        Assert.Empty(owned[2].Intersect(owned[3]));
        Assert.NotEmpty(owned[2].Intersect(killedBlocks));
    }

    [Fact]
    public async Task Sigterm_NodeWithHeldSas_ClosesAdmissionDeletesItsSasThenLeavesAndItsBlocksAreFreed()
    {
        const int held = 10;
        using var swarm = Swarm(3, "n3", held, hold: TimeSpan.FromMinutes(5));
        using var stop = new CancellationTokenSource();
        var running = swarm.RunAsync(stop.Token);
        var deadline = DateTime.UtcNow + Formation;
        while (swarm.Outcomes.Count(o => o.VirtualIp is not null) < held && DateTime.UtcNow < deadline && !running.IsCompleted)
        {
            await Task.Delay(100);
        }

        Assert.Equal(held, (await _lab.JsonAsync(3, "list-sas")).GetArrayLength());
        var self = (await _lab.JsonAsync(3, "cluster")).GetProperty("self").GetString()!;

        Assert.Equal(0, await _lab.Hosts[2].TerminateAsync());
        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);

        // In this order: no new SAs, a Delete to each client, then the node leaves the cluster.
        var lines = _lab.Hosts[2].Lines;
        var closed = lines.ToList().FindIndex(l => l.Contains("\"EventId\":13007", StringComparison.Ordinal) && l.Contains("closed", StringComparison.Ordinal));
        var deleted = lines.ToList().FindIndex(l => l.Contains("\"EventId\":1003", StringComparison.Ordinal));
        var leaving = lines.ToList().FindIndex(l => l.Contains("\"EventId\":13000", StringComparison.Ordinal) && l.Contains("is Leaving", StringComparison.Ordinal));
        Assert.True(closed >= 0 && deleted > closed && leaving > deleted, $"closed {closed}, deleted {deleted}, leaving {leaving}:\n{string.Join('\n', lines)}");
        Assert.Contains($"shutdown: {held} IKE SA(s) deleted", lines[deleted], StringComparison.Ordinal);

        // The others remove it and the allocator (node 1, the oldest) frees its blocks.
        foreach (var node in new[] { 1, 2 })
        {
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("members").GetArrayLength() == 2 && UpMembers(v) == 2, Formation);
        }

        var freed = await _lab.Hosts[0].WaitForLineAsync(l => l.Contains("\"EventId\":13005", StringComparison.Ordinal), Formation);
        Assert.Contains(self, freed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Partition_OneNodeCutOffFromTwo_MinorityDownsItselfAndItsBlocksServeItsClientsOnTheMajorityWithNoDuplicate()
    {
        const int before = 20;
        // The clients stay (answering the gateway's INFORMATIONALs, so node 3's Deletes are answered) until node 3 ends.
        var first = Enumerable.Range(1, ClusterLab.Nodes).Select(node => Swarm(node, $"n{node}", before, hold: TimeSpan.FromMinutes(5))).ToList();
        using var stop = new CancellationTokenSource();
        var running = first.Select(s => s.RunAsync(stop.Token)).ToList();
        IReadOnlyList<IPNetwork> cutOffBlocks;
        string self;
        try
        {
            var deadline = DateTime.UtcNow + Formation;
            while (first.Any(s => s.Outcomes.Count(o => o.VirtualIp is not null) < before) && DateTime.UtcNow < deadline && !running.Any(r => r.IsCompleted))
            {
                await Task.Delay(100);
            }

            Assert.All(first, s => Assert.Equal(before, s.Outcomes.Count(o => o.VirtualIp is not null)));
            cutOffBlocks = await BlocksAsync(3);
            self = (await _lab.JsonAsync(3, "cluster")).GetProperty("self").GetString()!;
            _lab.Isolate(3);

            // keep-majority: node 3 alone is the minority and downs itself; its coordinated shutdown deletes its SAs and
            // the process ends on its own (exit 70, so systemd restarts it to join again).
            using var exited = new CancellationTokenSource(Formation);
            await _lab.Hosts[2].Process.WaitForExitAsync(exited.Token);
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var r in running)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => r);
            }

            first.ForEach(s => s.Dispose());
        }

        Assert.Equal(70, _lab.Hosts[2].Process.ExitCode);
        Assert.Contains(_lab.Hosts[2].Lines, l => l.Contains("\"EventId\":13007", StringComparison.Ordinal) && l.Contains("closed", StringComparison.Ordinal));
        Assert.Contains(_lab.Hosts[2].Lines, l => l.Contains($"shutdown: {before} IKE SA(s) deleted", StringComparison.Ordinal));

        // The majority downs and removes it; the allocator (node 1) frees its blocks only then.
        foreach (var node in new[] { 1, 2 })
        {
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("members").GetArrayLength() == 2 && UpMembers(v) == 2, Formation);
        }

        var freed = await _lab.Hosts[0].WaitForLineAsync(l => l.Contains("\"EventId\":13005", StringComparison.Ordinal), Formation);
        Assert.Contains(self, freed, StringComparison.Ordinal);

        // Its clients (and more) come back through node 1, which runs out of its own blocks and gets node 3's.
        using var reconnect = Swarm(1, "n3", 2 * PerNode, rate: 20);
        var report = await reconnect.RunAsync().WaitAsync(TimeSpan.FromMinutes(5));
        Assert.True(report.Failed == 0 && report.Established == 2 * PerNode, $"{report.ToText()}\n{_lab.Said(1)}");

        var leases = new List<IPAddress>();
        var owned = new Dictionary<int, IReadOnlyList<IPNetwork>>();
        foreach (var node in new[] { 1, 2 })
        {
            owned[node] = await BlocksAsync(node);
            var vips = (await _lab.JsonAsync(node, "list-sas")).EnumerateArray()
                .Select(s => IPAddress.Parse(Assert.Single(s.GetProperty("virtualIps").EnumerateArray()).GetString()!)).ToList();
            Assert.All(vips, v => Assert.Contains(owned[node], b => b.Contains(v)));
            leases.AddRange(vips);
        }

        Assert.Equal(before + 2 * PerNode + before, leases.Count);
        Assert.Equal(leases.Count, leases.Distinct().Count());
        Assert.Empty(owned[1].Intersect(owned[2]));
        Assert.NotEmpty(owned[1].Intersect(cutOffBlocks));
    }

    [Fact]
    public async Task IdentityMove_EstablishedOnNode1ReconnectsOnNode2_Node1DeletesItsSaWithinTheDirectoryWindow()
    {
        // One client "mv-1@loadgen" on node 1, then the same identity (a roaming client that lost its SA, without
        // INITIAL_CONTACT) on node 2. Each holds its SA, answering the gateways' INFORMATIONALs.
        using var first = Swarm(1, "mv", 1, hold: TimeSpan.FromMinutes(5));
        using var second = Swarm(2, "mv", 1, hold: TimeSpan.FromMinutes(5), initialContact: false);
        using var stop = new CancellationTokenSource();
        var running = new List<Task<LoadReport>> { first.RunAsync(stop.Token) };
        try
        {
            await UntilAsync(() => Task.FromResult(first.Outcomes.Any(o => o.VirtualIp is not null)), () => "the client on node 1 established");
            var onNode1 = Assert.Single((await _lab.JsonAsync(1, "list-sas")).EnumerateArray());
            Assert.Equal("mv-1@loadgen", onNode1.GetProperty("identity").GetString());

            running.Add(second.RunAsync(stop.Token));
            await UntilAsync(() => Task.FromResult(second.Outcomes.Any(o => o.VirtualIp is not null)), () => "the client on node 2 established");
            var moved = System.Diagnostics.Stopwatch.StartNew();
            var line = await _lab.Hosts[0].WaitForLineAsync(l => l.Contains("\"EventId\":13100", StringComparison.Ordinal), Formation);
            var replacedAfter = moved.Elapsed;
            Assert.Contains($"on akka.tcp://concentrator@{ClusterLab.NodeAddress(2)}:4053", line, StringComparison.Ordinal);

            // Node 1's client is told with a Delete (its SA ends as deleted by the responder) and node 1 holds nothing.
            await UntilAsync(async () => (await _lab.JsonAsync(1, "list-sas")).GetArrayLength() == 0, () => "node 1 holds no SA");
            var deletedAfter = moved.Elapsed;
            await UntilAsync(() => Task.FromResult(first.Drops.GetValueOrDefault(FailureCause.DeletedByResponder) == 1),
                () => $"node 1's client got a Delete (drops: {string.Join(", ", first.Drops.Select(d => $"{d.Key}={d.Value}"))})");
            var onNode2 = Assert.Single((await _lab.JsonAsync(2, "list-sas")).EnumerateArray());
            Assert.Equal("mv-1@loadgen", onNode2.GetProperty("identity").GetString());
            // The stated window (docs/ARCHITECTURE.md, "Cluster-wide uniqueness"): 2.5 s when a delta is lost, under a
            // second otherwise; the bound here leaves room for a machine loaded by other tests.
            _output.WriteLine($"identity moved: node 1 replaced its SA {replacedAfter.TotalMilliseconds:F0} ms and its client had the Delete {deletedAfter.TotalMilliseconds:F0} ms after node 2 established");
            Assert.True(replacedAfter < TimeSpan.FromSeconds(15), $"node 1 replaced its SA only after {replacedAfter}");
        }
        finally
        {
            await stop.CancelAsync();
            foreach (var r in running)
            {
                await Assert.ThrowsAnyAsync<OperationCanceledException>(() => r);
            }
        }
    }

    [Fact]
    public async Task Drain_Node1_StrongSwanClientRedirectedToNode2EstablishesThereAndClientsWithoutSupportStayServed()
    {
        var drain = await Concentrator.Host.Tests.Management.CliProcess.RunAsync(["drain", "--json", "--socket", _lab.Socket(1)]);
        Assert.True(drain.ExitCode == 0, drain.Error);
        // Nodes 2 and 3 hold nothing: the tie goes to the lower address.
        Assert.Equal(ClusterLab.NodeAddress(2).ToString(), JsonDocument.Parse(drain.Output).RootElement.GetProperty("target").GetString());
        // The others learn by gossip that node 1 drains.
        await _lab.WaitForClusterAsync(2, v => v.GetProperty("load").EnumerateArray().Any(l => l.GetProperty("draining").GetBoolean()), Formation);

        using var client = new SwanClient(_lab.Ns("c1"), ClusterLab.NodeAddress(1), "swan-drain@cluster.test");
        var initiate = client.Initiate();

        Assert.True(initiate.Code == 0, $"swanctl --initiate: {initiate.Output}\n{client.Log}\n{_lab.Said(1)}\n{_lab.Said(2)}");
        Assert.Contains($"redirected to {ClusterLab.NodeAddress(2)}", client.Log, StringComparison.OrdinalIgnoreCase);
        var onNode2 = Assert.Single((await _lab.JsonAsync(2, "list-sas")).EnumerateArray());
        Assert.Equal("swan-drain@cluster.test", onNode2.GetProperty("identity").GetString());
        Assert.Equal(0, (await _lab.JsonAsync(1, "list-sas")).GetArrayLength());

        // A client that does not announce REDIRECT_SUPPORTED (the load generator) is still served by the draining node.
        using var plain = Swarm(1, "drain-plain", 1);
        var report = await plain.RunAsync().WaitAsync(TimeSpan.FromMinutes(2));
        Assert.True(report.Established == 1, report.ToText());
    }

    [Fact]
    public async Task Redirect_Node1AboveItsShare_StrongSwanClientSentToTheLeastLoadedNodeAndNotRedirectedThere()
    {
        // 20 SAs on node 1, none elsewhere: 20 is above 1.25 × its share (20 / 3) and above min-sas (10).
        using var load = Swarm(1, "load", 20, hold: TimeSpan.FromMinutes(5));
        using var stop = new CancellationTokenSource();
        var running = load.RunAsync(stop.Token);
        try
        {
            await UntilAsync(() => Task.FromResult(load.Outcomes.Count(o => o.VirtualIp is not null) == 20), () => $"20 SAs on node 1 ({load.Outcomes.Count})");
            var view = await _lab.WaitForClusterAsync(1, v => v.GetProperty("redirectTo").GetString()!.Length > 0, Formation);
            Assert.Equal(ClusterLab.NodeAddress(2).ToString(), view.GetProperty("redirectTo").GetString());

            using var client = new SwanClient(_lab.Ns("c1"), ClusterLab.NodeAddress(1), "swan-load@cluster.test");
            var initiate = client.Initiate();

            Assert.True(initiate.Code == 0, $"swanctl --initiate: {initiate.Output}\n{client.Log}");
            Assert.Contains($"redirected to {ClusterLab.NodeAddress(2)}", client.Log, StringComparison.OrdinalIgnoreCase);
            Assert.Equal("swan-load@cluster.test", Assert.Single((await _lab.JsonAsync(2, "list-sas")).EnumerateArray()).GetProperty("identity").GetString());
            Assert.Equal(20, (await _lab.JsonAsync(1, "list-sas")).GetArrayLength());
        }
        finally
        {
            await stop.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
        }
    }

    private static async Task UntilAsync(Func<Task<bool>> done, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Formation;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Formation}: {what()}");
            await Task.Delay(20);
        }
    }

    private LoadSwarm Swarm(int node, string prefix, int count, double? rate = null, TimeSpan hold = default, bool initialContact = true) =>
        _lab.Swarm(node, prefix, count, rate: rate, hold: hold, initialContact: initialContact);

    private static async Task<string> AnyLineAsync(IReadOnlyList<HostProcess> hosts, Func<string, bool> match, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (hosts.SelectMany(h => h.Lines).FirstOrDefault(match) is { } line)
            {
                return line;
            }

            await Task.Delay(100);
        }

        Assert.Fail($"no such line from any of {hosts.Count} nodes within {timeout}");
        throw new System.Diagnostics.UnreachableException();
    }

    private async Task<IReadOnlyList<IPNetwork>> BlocksAsync(int node) =>
        [.. (await _lab.JsonAsync(node, "cluster")).GetProperty("blocks").EnumerateArray().Select(b => IPNetwork.Parse(b.GetProperty("block").GetString()!))];

    private static int UpMembers(JsonElement view) =>
        view.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up");
}
