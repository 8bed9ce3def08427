using Concentrator.Server.Metrics;

namespace Concentrator.Server.Tests.Metrics;

/// <summary><c>concentrator.cluster.node.ike_sas</c>: what the node last learnt of every member's load, one series per member.</summary>
public sealed class ClusterLoadMetricTests
{
    private const string Name = "concentrator.cluster.node.ike_sas";

    [Fact]
    public void ClusterNodeIkeSas_LoadSetTwice_OneSeriesPerMemberWithTheLatestCount()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        Assert.Null(recorder.Observe(Name, "node=akka.tcp://concentrator@192.0.2.11:4053"));

        metrics.SetClusterLoad([KeyValuePair.Create("akka.tcp://concentrator@192.0.2.11:4053", 3), KeyValuePair.Create("akka.tcp://concentrator@192.0.2.12:4053", 7)]);
        metrics.SetClusterLoad([KeyValuePair.Create("akka.tcp://concentrator@192.0.2.11:4053", 4)]);

        Assert.Equal(4, recorder.Observe(Name, "node=akka.tcp://concentrator@192.0.2.11:4053"));
        Assert.Null(recorder.Observe(Name, "node=akka.tcp://concentrator@192.0.2.12:4053"));
    }
}
