using System.Net;
using System.Text.Json;
using Concentrator.Host.Tests.Management;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Engine;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>
/// Issue 15, the management API across the cluster, with the three real processes of <see cref="ClusterLab"/>: node 1
/// lists the SAs of clients held by nodes 2 and 3 (each naming its node), shows the cluster's load and pool blocks per
/// node, shows and terminates an SA held by node 3 (which deletes it: the strongSwan client gets the Delete); a killed
/// member is reported as silent, not waited for, and once removed its identity directory entries are swept.
/// </summary>
public sealed class ClusterManagementTests : IAsyncLifetime
{
    private const string SwanIdentity = "swan-mgmt@cluster.test";
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(180);
    private ClusterLab _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = ClusterLab.Start(prefix: "h4k");
        for (var node = 1; node <= ClusterLab.Nodes; node++)
        {
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("admitting").GetBoolean()
                && v.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up") == ClusterLab.Nodes, Formation);
        }
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task Node1_SasOnNodes2And3_ListedWithTheirNodeAndSaOnNode3ShownAndTerminatedThere()
    {
        using var swarm = Swarm(2, "mgmt", 2);
        using var stop = new CancellationTokenSource();
        var running = swarm.RunAsync(stop.Token);
        using var client = new SwanClient(_lab.Ns("c3"), ClusterLab.NodeAddress(3), SwanIdentity);
        var initiate = client.Initiate();
        Assert.True(initiate.Code == 0, $"swanctl --initiate: {initiate.Output}\n{client.Log}");
        await UntilAsync(() => Task.FromResult(swarm.Outcomes.Count(o => o.VirtualIp is not null) == 2 || running.IsCompleted), () => "2 load generator SAs");
        var (n1, n2, n3) = (Node(1), Node(2), Node(3));

        var list = await _lab.JsonAsync(1, "list-sas", "--cluster");

        var nodes = list.GetProperty("nodes").EnumerateArray().ToList();
        Assert.Equal([n1, n2, n3], nodes.Select(n => n.GetProperty("node").GetString()));
        Assert.All(nodes, n => Assert.True(n.GetProperty("answered").GetBoolean(), $"{n}\nnode 1:\n{_lab.Said(1)}\nnode 2:\n{_lab.Said(2)}"));
        var sas = list.GetProperty("sas").EnumerateArray().ToList();
        Assert.Equal(3, sas.Count);
        Assert.Equal(["mgmt-1@loadgen", "mgmt-2@loadgen"], sas.Where(s => s.GetProperty("node").GetString() == n2)
            .Select(s => s.GetProperty("identity").GetString()).Order(StringComparer.Ordinal));
        var swan = Assert.Single(sas, s => s.GetProperty("node").GetString() == n3);
        Assert.Equal(SwanIdentity, swan.GetProperty("identity").GetString());
        var id = swan.GetProperty("id").GetString()!;
        // A node's own listing stays its own (and names no node).
        Assert.Equal(0, (await _lab.JsonAsync(1, "list-sas")).GetArrayLength());
        Assert.False(Assert.Single((await _lab.JsonAsync(3, "list-sas")).EnumerateArray()).TryGetProperty("node", out _));

        // The table names each SA's node.
        var table = await CliProcess.RunAsync(["list-sas", "--cluster", "--socket", _lab.Socket(1)]);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(table.Output.Split('\n'), l => l.StartsWith(n3, StringComparison.Ordinal) && l.Contains(id, StringComparison.Ordinal) && l.Contains(SwanIdentity, StringComparison.Ordinal));
        Assert.Contains("3 IKE SA(s) on 3 of 3 member(s)", table.Output, StringComparison.Ordinal);

        // Load and pool blocks per node, as each member answered.
        var view = await _lab.JsonAsync(1, "cluster");
        var perNode = view.GetProperty("nodes").EnumerateArray().ToDictionary(n => n.GetProperty("node").GetString()!);
        Assert.Equal([0, 2, 1], new[] { n1, n2, n3 }.Select(n => perNode[n].GetProperty("held").GetInt32()));
        Assert.Equal(2.0 / 3, perNode[n2].GetProperty("share").GetDouble(), 3);
        Assert.True(perNode[n1].GetProperty("self").GetBoolean());
        var blocks = perNode.Values.SelectMany(n => n.GetProperty("blocks").EnumerateArray().Select(b => (Node: n.GetProperty("node").GetString(), Block: b))).ToList();
        Assert.All(perNode.Values, n => Assert.NotEmpty(n.GetProperty("blocks").EnumerateArray()));
        Assert.Equal(blocks.Count, blocks.Select(b => b.Block.GetProperty("block").GetString()).Distinct().Count());
        Assert.Equal([0, 2, 1], new[] { n1, n2, n3 }.Select(n => blocks.Where(b => b.Node == n).Sum(b => b.Block.GetProperty("leased").GetInt32())));
        Assert.All(blocks, b => Assert.Equal(b.Block.GetProperty("size").GetInt32() - b.Block.GetProperty("leased").GetInt32(), b.Block.GetProperty("free").GetInt32()));
        // Every lease of node 2 lies in a block node 2 owns.
        var n2Blocks = blocks.Where(b => b.Node == n2).Select(b => IPNetwork.Parse(b.Block.GetProperty("block").GetString()!)).ToList();
        Assert.All(sas.Where(s => s.GetProperty("node").GetString() == n2),
            s => Assert.Contains(n2Blocks, b => b.Contains(IPAddress.Parse(s.GetProperty("virtualIps")[0].GetString()!))));

        // show-sa and terminate of node 3's SA, asked of node 1, are answered by node 3.
        var shown = await _lab.JsonAsync(1, "show-sa", id);
        Assert.Equal(n3, shown.GetProperty("summary").GetProperty("node").GetString());
        Assert.Equal(SwanIdentity, shown.GetProperty("summary").GetProperty("identity").GetString());
        var terminated = await _lab.JsonAsync(1, "terminate", "--id", id);
        Assert.Equal([id], terminated.GetProperty("ids").EnumerateArray().Select(i => i.GetString()));
        Assert.Equal(n3, terminated.GetProperty("node").GetString());

        await UntilAsync(async () => (await _lab.JsonAsync(3, "list-sas")).GetArrayLength() == 0, () => $"node 3 empty\n{_lab.Said(3)}");
        await UntilAsync(() => Task.FromResult(client.Log.Contains("received DELETE for IKE_SA", StringComparison.Ordinal)), () => $"the client's Delete\n{client.Log}");
        var gone = await CliProcess.RunAsync(["show-sa", id, "--socket", _lab.Socket(1)]);
        Assert.Equal(66, gone.ExitCode);

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => running);
    }

    [Fact]
    public async Task Kill9_MemberHoldingSas_ReportedSilentThenRemovedAndItsDirectoryEntriesSwept()
    {
        using var swarm = Swarm(2, "gone", 3);
        using var stop = new CancellationTokenSource();
        var running = swarm.RunAsync(stop.Token);
        await UntilAsync(() => Task.FromResult(swarm.Outcomes.Count(o => o.VirtualIp is not null) == 3 || running.IsCompleted), () => "3 load generator SAs");
        var owner = (await _lab.JsonAsync(1, "cluster")).GetProperty("load").EnumerateArray()
            .Select(l => l.GetProperty("node").GetString()!).Single(n => n.StartsWith(Node(2) + "#", StringComparison.Ordinal));

        // Node 2's directory entries are written locally and replicated by gossip, like its load: both other nodes
        // seeing its 3 SAs in the load view means a gossip round has passed since its last claim.
        foreach (var node in new[] { 1, 3 })
        {
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("load").EnumerateArray()
                .Any(l => l.GetProperty("node").GetString() == owner && l.GetProperty("held").GetInt32() == 3), Formation);
        }

        _lab.Kill(2);

        // While node 2 is still a member it is reported (unreachable, or silent for the peer timeout), not waited for.
        var list = await _lab.JsonAsync(1, "list-sas", "--cluster");
        var silent = Assert.Single(list.GetProperty("nodes").EnumerateArray(), n => n.GetProperty("node").GetString() == Node(2));
        Assert.False(silent.GetProperty("answered").GetBoolean());
        Assert.NotEqual("", silent.GetProperty("problem").GetString());
        var table = await CliProcess.RunAsync(["cluster", "--socket", _lab.Socket(1)]);
        Assert.True(table.ExitCode == 0, table.Error);
        Assert.Contains(table.Output.Split('\n'), l => l.StartsWith(Node(2), StringComparison.Ordinal)
            && (l.Contains("unreachable", StringComparison.Ordinal) || l.Contains("no answer within", StringComparison.Ordinal)));

        // Downed and removed by the other two: each sweeps node 2's entries from the directory. Each counts what its
        // own replica still held when it heard of the removal: the second may find some already swept by the first
        // (its removal replicates), and a claim whose delta had not left node 2 before the kill is in neither.
        var counts = new List<int>();
        foreach (var node in new[] { 1, 3 })
        {
            var swept = await _lab.Hosts[node - 1].WaitForLineAsync(l => l.Contains("\"EventId\":13200", StringComparison.Ordinal), Formation);
            Assert.Contains(owner, swept, StringComparison.Ordinal);
            var count = System.Text.RegularExpressions.Regex.Match(swept, @"its (\d+) identity entry\(ies\) swept");
            Assert.True(count.Success, swept);
            counts.Add(int.Parse(count.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
        }

        Assert.All(counts, c => Assert.InRange(c, 0, 3));
        Assert.InRange(counts.Max(), 1, 3);

        await stop.CancelAsync();
        try
        {
            await running;
        }
        catch (OperationCanceledException)
        {
            // The swarm held its SAs until told to stop.
        }
    }

    private static string Node(int node) => $"akka.tcp://concentrator@{ClusterLab.NodeAddress(node)}:4053";

    private LoadSwarm Swarm(int node, string prefix, int count) =>
        _lab.Swarm(node, prefix, count, concurrency: 2, socketsPerAddress: 1, hold: TimeSpan.FromMinutes(5));

    private static async Task UntilAsync(Func<Task<bool>> done, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Formation;
        while (!await done())
        {
            Assert.True(DateTime.UtcNow < deadline, $"not within {Formation}: {what()}");
            await Task.Delay(200);
        }
    }
}
