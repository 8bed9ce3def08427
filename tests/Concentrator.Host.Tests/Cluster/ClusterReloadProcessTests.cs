using System.Net;
using System.Net.Sockets;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Host.Tests.Management;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Cluster;

/// <summary>Issue 14, reload on a cluster node (a cluster of one, on loopback): a connection may change over the same
/// pools and ipsec-interfaces while its SAs stay; a new pool is refused naming the key, the node serving on.</summary>
public sealed class ClusterReloadProcessTests : IAsyncLifetime
{
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        _gateway = await ManagedGateway.StartAsync($$"""
            concentrator.cluster {
              enabled = on
              hostname = "127.0.0.1"
              port = {{port}}
              seed-nodes = [ "127.0.0.1:{{port}}" ]
            }
            """);
    }

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task Reload_ClusterNodeConnectionChangedOverItsPool_AppliedSaKeptNewPoolRefused()
    {
        // A cluster node admits once it holds its first pool blocks.
        using var alice = await ConnectWhenAdmittedAsync("alice@sales.test");
        var aliceId = Assert.Single((await _gateway.JsonAsync("list-sas")).EnumerateArray()).GetProperty("id").GetString();

        _gateway.WriteConnections(ManagedGateway.Sales with { More = "dns = [ \"198.51.100.54\" ]\nesp-proposals = [ \"aes128gcm16\" ]" }, ManagedGateway.Partners);
        var reload = await _gateway.JsonAsync("reload");

        Assert.Equal(["sales"], reload.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(aliceId, Assert.Single((await _gateway.JsonAsync("list-sas")).EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal(IkeSaState.Established, alice.Sa.State);
        using var erin = new UdpInitiator(_gateway.Server, "erin@sales.test", ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await erin.ConnectAsync());

        _gateway.WriteConnections(ManagedGateway.Sales, ManagedGateway.Partners, new TestConnection("eng", "*@eng.test", "10.231.23.0/30"));
        var refused = await _gateway.CliAsync("reload");

        Assert.Equal(78, refused.ExitCode);
        Assert.Contains("key 'eng.pools'", refused.Error, StringComparison.Ordinal);
        Assert.Contains("cluster node", refused.Error, StringComparison.Ordinal);
        using var carol = new UdpInitiator(_gateway.Server, "carol@partners.test", ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await carol.ConnectAsync());
    }

    private async Task<UdpInitiator> ConnectWhenAdmittedAsync(string identity)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (true)
        {
            var client = new UdpInitiator(_gateway.Server, identity, ManagedGateway.Secret);
            try
            {
                if (await client.ConnectAsync() == IkeSaState.Established)
                {
                    return client;
                }
            }
            catch (OperationCanceledException)
            {
                // Not admitting yet: IKE_SA_INIT goes unanswered.
            }

            client.Dispose();
            Assert.True(DateTime.UtcNow < deadline, "the cluster node never admitted a client");
            await Task.Delay(500);
        }
    }
}
