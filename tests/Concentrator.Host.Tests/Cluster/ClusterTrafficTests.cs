using System.Text.Json;
using Xunit.Abstractions;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>
/// Issue 15, Performance: the messages a node's code sends to other members are counted (<c>concentrator stats</c>,
/// <c>concentrator.cluster.messages</c>), and a setup's fast path sends none. Three real Host processes
/// (<see cref="ClusterLab"/>, namespaces <c>h2k…</c>): once every node holds its first two /27 blocks (64 addresses,
/// above the low water of 40), setups that lease from them and establish their IKE SAs leave every node's count of
/// cross-node messages as it was (each SA's identity is claimed in the node's own replica, which gossip carries); a
/// setup that takes a node below its low water makes it ask for a block, and that request, the allocator's majority
/// write and its answer are counted.
/// </summary>
public sealed class ClusterTrafficTests : IAsyncLifetime
{
    private static readonly TimeSpan Formation = TimeSpan.FromSeconds(180);
    private readonly ITestOutputHelper _output;
    private ClusterLab _lab = null!;

    public ClusterTrafficTests(ITestOutputHelper output) => _output = output;

    public async Task InitializeAsync()
    {
        _lab = ClusterLab.Start("h2kt");
        for (var node = 1; node <= ClusterLab.Nodes; node++)
        {
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("admitting").GetBoolean()
                && v.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up") == ClusterLab.Nodes
                && v.GetProperty("blocks").EnumerateArray().Sum(b => b.GetProperty("size").GetInt32()) >= ClusterLab.LowWater, Formation);
        }
    }

    public async Task DisposeAsync() => await _lab.DisposeAsync();

    [Fact]
    public async Task FastPath_SetupsFromOwnedBlocks_SendNoCrossNodeMessage_ABlockRequestDoes()
    {
        // Nothing more in flight: every node's hand-outs are in (a second block follows the first).
        var before = await AllStatsAsync();
        Assert.All(before, s => Assert.True(s.GetProperty("blockHandOuts").GetInt64() >= 2, s.ToString()));
        Assert.All(before, s => Assert.True(s.GetProperty("clusterMessages").EnumerateObject().Any(), s.ToString()));

        // 5 setups on each node: 59 of 64 addresses stay free, above the low water.
        const int few = 5;
        var swarms = Enumerable.Range(1, ClusterLab.Nodes).Select(n => _lab.Swarm(n, $"fast{n}", few)).ToList();
        try
        {
            var reports = await Task.WhenAll(swarms.Select(s => s.RunAsync())).WaitAsync(TimeSpan.FromMinutes(5));
            Assert.All(reports, r => Assert.True(r.Established == few, r.ToText()));
        }
        finally
        {
            swarms.ForEach(s => s.Dispose());
        }

        // Each node counted its identities' claims (local writes) once they were granted.
        var after = await AllStatsAsync();
        var deadline = DateTime.UtcNow + Formation;
        while (Enumerable.Range(0, ClusterLab.Nodes).Any(i => Count(after[i], "clusterReplicatedWrites", "identity_claim") - Count(before[i], "clusterReplicatedWrites", "identity_claim") < few)
               && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            after = await AllStatsAsync();
        }

        for (var i = 0; i < ClusterLab.Nodes; i++)
        {
            _output.WriteLine($"node {i + 1}: before {before[i].GetProperty("clusterMessages")}, after {after[i].GetProperty("clusterMessages")}");
            Assert.Equal(few, after[i].GetProperty("setups").GetInt64() - before[i].GetProperty("setups").GetInt64());
            Assert.Equal(few, Count(after[i], "clusterReplicatedWrites", "identity_claim") - Count(before[i], "clusterReplicatedWrites", "identity_claim"));
            Assert.Equal(Messages(before[i]), Messages(after[i]));
            Assert.Equal(before[i].GetProperty("blockHandOuts").GetInt64(), after[i].GetProperty("blockHandOuts").GetInt64());
        }

        // 30 more on node 2: 29 of 64 free, below the low water of 40: node 2 asks for a block and gets one.
        using (var more = _lab.Swarm(2, "slow2", 30))
        {
            var report = await more.RunAsync().WaitAsync(TimeSpan.FromMinutes(5));
            Assert.True(report.Established == 30, report.ToText());
        }

        var handedOut = after[1].GetProperty("blockHandOuts").GetInt64();
        JsonElement[] last;
        do
        {
            Assert.True(DateTime.UtcNow < deadline + Formation, "node 2 got no block after going below its low water");
            await Task.Delay(200);
            last = await AllStatsAsync();
        }
        while (last[1].GetProperty("blockHandOuts").GetInt64() == handedOut);

        // A write of the allocator reaches the others (WriteMajority) whichever node runs it; node 2's request and the
        // allocator's answer cross nodes unless node 2 runs it.
        var sent = Enumerable.Range(0, ClusterLab.Nodes).ToDictionary(i => i, i => Messages(last[i]).ToDictionary(m => m.Key, m => m.Value - Messages(after[i])[m.Key]));
        _output.WriteLine(string.Join("\n", sent.Select(s => $"node {s.Key + 1}: {string.Join(", ", s.Value.Select(v => $"{v.Key}={v.Value}"))}")));
        Assert.True(sent.Values.Sum(s => s["block_owners_write_majority"]) >= 1);
        var requests = sent[1]["block_request"];
        var answers = sent.Values.Sum(s => s["block_hand_out"]);
        Assert.True((requests >= 1 && answers >= 1) || (requests == 0 && answers == 0), $"node 2 sent {requests} request(s), the allocator {answers} answer(s) to another node");
        Assert.Equal(0, sent[0]["block_request"] + sent[2]["block_request"]);
    }

    private async Task<JsonElement[]> AllStatsAsync() =>
        await Task.WhenAll(Enumerable.Range(1, ClusterLab.Nodes).Select(n => _lab.JsonAsync(n, "stats")));

    private static long Count(JsonElement stats, string group, string kind) =>
        stats.GetProperty(group).TryGetProperty(kind, out var v) ? v.GetInt64() : 0;

    private static SortedDictionary<string, long> Messages(JsonElement stats) =>
        new(stats.GetProperty("clusterMessages").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetInt64()), StringComparer.Ordinal);
}
