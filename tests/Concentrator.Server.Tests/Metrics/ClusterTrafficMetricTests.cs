using Concentrator.Server.Metrics;

namespace Concentrator.Server.Tests.Metrics;

/// <summary><c>concentrator.cluster.messages</c>, <c>concentrator.cluster.replicated_writes</c> (by kind) and
/// <c>concentrator.cluster.block.hand_out.duration</c>, and the counts <c>concentrator stats</c> shows.</summary>
public sealed class ClusterTrafficMetricTests
{
    [Fact]
    public void Sent_Wrote_HandedOut_CountedByKindOnTheMeterAndInTheSnapshot()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);

        metrics.Cluster.Sent(ClusterMessageKind.BlockRequest);
        metrics.Cluster.Sent(ClusterMessageKind.BlockRequest);
        metrics.Cluster.Sent(ClusterMessageKind.BlockOwnersWrite);
        metrics.Cluster.Sent(ClusterMessageKind.ManagementAsk);
        metrics.Cluster.Wrote(ReplicatedWriteKind.IdentityClaim);
        metrics.Cluster.BlockHandedOut(TimeSpan.FromMilliseconds(250));

        Assert.Equal(2, recorder.Sum("concentrator.cluster.messages", "kind=block_request"));
        Assert.Equal(1, recorder.Sum("concentrator.cluster.messages", "kind=block_owners_write_majority"));
        Assert.Equal(1, recorder.Sum("concentrator.cluster.messages", "kind=management_ask"));
        Assert.Equal(0, recorder.Count("concentrator.cluster.messages", "kind=block_hand_out"));
        Assert.Equal(1, recorder.Sum("concentrator.cluster.replicated_writes", "kind=identity_claim"));
        Assert.Equal(1, recorder.Count("concentrator.cluster.block.hand_out.duration"));
        Assert.Equal(0.25, recorder.Sum("concentrator.cluster.block.hand_out.duration"), 6);

        Assert.Equal(new Dictionary<string, long>
        {
            ["block_request"] = 2, ["block_hand_out"] = 0, ["block_owners_write_majority"] = 1, ["block_owners_read_majority"] = 0, ["management_ask"] = 1,
        }, metrics.Cluster.Messages);
        Assert.Equal(new Dictionary<string, long> { ["identity_claim"] = 1, ["identity_release"] = 0, ["identity_sweep"] = 0, ["load"] = 0 },
            metrics.Cluster.ReplicatedWrites);
        Assert.Equal(1, metrics.Cluster.HandOuts);
    }

    [Fact]
    public void EveryKind_HasAName()
    {
        using var metrics = new ConcentratorMetrics();

        Assert.Equal(Enum.GetValues<ClusterMessageKind>().Length, metrics.Cluster.Messages.Count);
        Assert.Equal(Enum.GetValues<ReplicatedWriteKind>().Length, metrics.Cluster.ReplicatedWrites.Count);
        foreach (var kind in Enum.GetValues<ClusterMessageKind>())
        {
            metrics.Cluster.Sent(kind);
        }

        Assert.All(metrics.Cluster.Messages.Values, v => Assert.Equal(1, v));
    }
}
