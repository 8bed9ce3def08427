using Concentrator.Host.Tests.Management;

namespace Concentrator.Host.Tests.Cluster;

/// <summary><c>concentrator cluster</c> against a node with the cluster off (the default): it says so, and the node
/// admits IKE as it always did.</summary>
public sealed class ClusterVerbSingleNodeTests : IAsyncLifetime
{
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ManagedGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Cluster_Off_SaysNotClusteredAndAdmits()
    {
        var view = await _gateway.JsonAsync("cluster");

        Assert.False(view.GetProperty("enabled").GetBoolean());
        Assert.True(view.GetProperty("admitting").GetBoolean());
        Assert.Equal(0, view.GetProperty("members").GetArrayLength());
        Assert.Equal("not clustered (concentrator.cluster.enabled = off)\n", (await _gateway.CliAsync("cluster")).Succeeded().Output);
    }
}
