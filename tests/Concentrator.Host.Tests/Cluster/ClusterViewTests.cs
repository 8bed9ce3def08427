using Concentrator.Host.Cli;
using Concentrator.Server.Cluster;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>The human view of <c>concentrator cluster</c> with every member's state: one row per member (a silent one
/// with why), then every member's pool blocks.</summary>
public sealed class ClusterViewTests
{
    private const string N1 = "akka.tcp://concentrator@192.0.2.11:4053";
    private const string N2 = "akka.tcp://concentrator@192.0.2.12:4053";

    [Fact]
    public void View_OneMemberAnsweredOneSilent_RowPerMemberWithShareAndBlocksOfTheOneThatAnswered()
    {
        var view = new ClusterView(true, N1, N1, true,
            [new ClusterMemberView(N1, "Up", true, []), new ClusterMemberView(N2, "Up", false, [])], [])
        {
            Nodes =
            [
                new NodeView(N1, true, true, "", 3, 1.0, true, false, [new OwnedBlock("rw", "10.231.64.0/27", 32, 3)]),
                new NodeView(N2, false, false, "no answer within 5 s", 0, 0, false, false, []),
            ],
        };

        var lines = ClusterVerb.View(view).Split('\n');

        Assert.Contains(lines, l => l.StartsWith(N1 + " (this)", StringComparison.Ordinal) && l.Contains("100%", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith(N2, StringComparison.Ordinal) && l.Contains("no answer within 5 s", StringComparison.Ordinal));
        Assert.Equal(["NODE", "POOL", "BLOCK", "SIZE", "LEASED", "FREE"], lines.Single(l => l.Contains("POOL", StringComparison.Ordinal) && l.StartsWith("NODE", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.Equal([N1, "rw", "10.231.64.0/27", "32", "3", "29"], lines.Single(l => l.Contains("10.231.64.0/27", StringComparison.Ordinal)).Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }
}
