using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Kernel.Userspace;
using Concentrator.Server.Runtime;
using Concentrator.Server.Sa;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// The whole responder (ConcentratorNode started from a HOCON file through the host's loader) on 127.0.0.1 with
/// high ports and the userspace dataplane, driven over real UDP by our own initiator. No ipsecN here: this
/// test runs in the root namespace and must not add routes there (the netns test does the interface).
/// </summary>
public sealed class ResponderInProcessTests : IAsyncLifetime, IDisposable
{
    private const string Identity = TestGateway.DefaultIdentity;
    private const string Secret = TestGateway.DefaultSecret;
    private TempDir _dir = null!;
    private ConcentratorNode _node = null!;
    private IPEndPoint _server = null!;

    public async Task InitializeAsync()
    {
        _dir = new TempDir();
        var (main, port, _) = new TestGateway().Write(_dir);
        _node = await TestGateway.StartAsync(main);
        _server = TestGateway.Loopback(port);
    }

    public async Task DisposeAsync()
    {
        await _node.StopAsync();
    }

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Connect_RightPsk_EstablishesWithVirtualIpInstallsChildAndDeleteRemovesIt()
    {
        Assert.Equal(DataplaneMode.Userspace, _node.Dataplane.Mode);
        var kernel = Assert.IsType<UserspaceKernelIpsec>(_node.KernelIpsec);
        using var client = new UdpInitiator(_server, Identity, Secret);

        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        var vip = Assert.Single(client.Sa.VirtualIps);
        Assert.True(IPNetwork.Parse("10.231.7.0/30").Contains(vip), $"{vip} is not from the pool");
        Assert.Equal(IPAddress.Parse("198.51.100.53"), Assert.Single(client.Sa.DnsServers));
        Assert.Equal(1, _node.Served[0].Pools.Online);

        // The responder installed both directions of the CHILD SA in the userspace dataplane.
        var child = Assert.Single(client.Sa.ChildSas);
        var inbound = new SaId(IPAddress.Loopback, IPAddress.Loopback, child.OutboundSpi);
        var outbound = new SaId(IPAddress.Loopback, IPAddress.Loopback, child.InboundSpi);
        Assert.Equal(0UL, (await kernel.QuerySaAsync(inbound)).Packets);
        Assert.Equal(0UL, (await kernel.QuerySaAsync(outbound)).Packets);
        Assert.Equal(1, (await _node.SaStatsAsync()).Live);

        Assert.Equal(IkeSaState.Deleted, await client.DeleteAsync());
        await Eventually(async () => (await _node.SaStatsAsync()).Live == 0);
        // The kernel actor removes the CHILD SA after the IKE SA actor stopped: wait for it, then assert.
        await Eventually(async () => await IsGone(kernel, inbound) && await IsGone(kernel, outbound) && _node.Served[0].Pools.Online == 0);
        await Assert.ThrowsAsync<KernelException>(async () => await kernel.QuerySaAsync(inbound));
        await Assert.ThrowsAsync<KernelException>(async () => await kernel.QuerySaAsync(outbound));
        Assert.Equal(0, _node.Served[0].Pools.Online);
    }

    [Fact]
    public async Task Connect_WrongPsk_AnsweredAuthenticationFailedAndNoLease()
    {
        using var client = new UdpInitiator(_server, Identity, "not-the-secret");

        Assert.Equal(IkeSaState.Failed, await client.ConnectAsync());
        Assert.Equal(NotifyType.AuthenticationFailed, client.Sa.FailureNotify);
        Assert.Empty(client.Sa.VirtualIps);
        Assert.Equal(0, _node.Served[0].Pools.Online);
        await Eventually(async () => (await _node.SaStatsAsync()).Live == 0);
    }

    private static async Task<bool> IsGone(UserspaceKernelIpsec kernel, SaId sa)
    {
        try
        {
            await kernel.QuerySaAsync(sa);
            return false;
        }
        catch (KernelException)
        {
            return true;
        }
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 5 s");
            await Task.Delay(20);
        }
    }
}
