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

    private ClusterLab _lab = null!;

    public async Task InitializeAsync()
    {
        _lab = ClusterLab.Start();
        // Until every node is Up and admits IKE (it holds its first blocks), nothing else is asked.
        for (var node = 1; node <= ClusterLab.Nodes; node++)
        {
            await _lab.WaitForClusterAsync(node, v => v.GetProperty("admitting").GetBoolean() && UpMembers(v) == ClusterLab.Nodes, Formation);
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
        var swarms = Enumerable.Range(1, ClusterLab.Nodes).Select(node => new LoadSwarm(new LoadGenOptions
        {
            Target = new IPEndPoint(ClusterLab.NodeAddress(node), 500),
            Count = PerNode,
            Concurrency = 4,
            Psk = ClusterLab.Secret,
            RemoteIdentity = ClusterLab.GatewayId,
            IdentityTemplate = $"n{node}-{{n}}@loadgen",
            Netns = _lab.Ns($"c{node}"),
            SocketsPerAddress = 2,
            ProgressInterval = TimeSpan.Zero,
            RetransmitTimeout = TimeSpan.FromSeconds(2),
            RetransmitTries = 5,
        })).ToList();
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

    private static int UpMembers(JsonElement view) =>
        view.GetProperty("members").EnumerateArray().Count(m => m.GetProperty("status").GetString() == "Up");
}
