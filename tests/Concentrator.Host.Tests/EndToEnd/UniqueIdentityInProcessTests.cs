using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// The connection's <c>unique</c> policy through the whole responder: the same identity connects twice over real UDP,
/// the second time without INITIAL_CONTACT (as libreswan does when it retries after its own install failed).
/// </summary>
public sealed class UniqueIdentityInProcessTests
{
    private const string Identity = "road@unique.test";
    private const string Secret = "unique-secret-0123456789";
    private static readonly IPNetwork Pool = IPNetwork.Parse("10.231.12.0/29");

    [Fact]
    public async Task Reconnect_ReplaceWithoutInitialContact_SameVirtualIpAndOldSaGone()
    {
        await using var node = await NodeAsync("replace");
        using var first = new UdpInitiator(node.Server, Identity, Secret, initialContact: false);
        Assert.Equal(IkeSaState.Established, await first.ConnectAsync());
        var vip = Assert.Single(first.Sa.VirtualIps);

        using var second = new UdpInitiator(node.Server, Identity, Secret, initialContact: false);
        Assert.Equal(IkeSaState.Established, await second.ConnectAsync());

        Assert.Equal(vip, Assert.Single(second.Sa.VirtualIps));
        await Eventually(async () => (await node.Node.SaStatsAsync()).Live == 1);
        Assert.Equal(1, node.Node.Served[0].Pools.Online);
    }

    [Fact]
    public async Task Reconnect_KeepWhileFirstSaLives_RefusedWithAuthenticationFailed()
    {
        await using var node = await NodeAsync("keep");
        using var first = new UdpInitiator(node.Server, Identity, Secret, initialContact: false);
        Assert.Equal(IkeSaState.Established, await first.ConnectAsync());

        using var second = new UdpInitiator(node.Server, Identity, Secret, initialContact: false);
        Assert.Equal(IkeSaState.Failed, await second.ConnectAsync());

        Assert.Equal(NotifyType.AuthenticationFailed, second.Sa.FailureNotify);
        Assert.Empty(second.Sa.VirtualIps);
        await Eventually(async () => (await node.Node.SaStatsAsync()).Live == 1);
        Assert.Equal(1, node.Node.Served[0].Pools.Online);

        // Once the first SA is gone the identity may connect again.
        Assert.Equal(IkeSaState.Deleted, await first.DeleteAsync());
        await Eventually(async () => (await node.Node.SaStatsAsync()).Live == 0);
        using var third = new UdpInitiator(node.Server, Identity, Secret, initialContact: false);
        Assert.Equal(IkeSaState.Established, await third.ConnectAsync());
    }

    [Fact]
    public async Task Reconnect_NeverEvenWithInitialContact_TwoSasWithTwoVirtualIps()
    {
        await using var node = await NodeAsync("never");
        using var first = new UdpInitiator(node.Server, Identity, Secret);
        Assert.Equal(IkeSaState.Established, await first.ConnectAsync());

        using var second = new UdpInitiator(node.Server, Identity, Secret);
        Assert.Equal(IkeSaState.Established, await second.ConnectAsync());

        var a = Assert.Single(first.Sa.VirtualIps);
        var b = Assert.Single(second.Sa.VirtualIps);
        Assert.NotEqual(a, b);
        Assert.True(Pool.Contains(a) && Pool.Contains(b));
        Assert.Equal(2, (await node.Node.SaStatsAsync()).Live);
        Assert.Equal(2, node.Node.Served[0].Pools.Online);
    }

    private static async Task<RunningNode> NodeAsync(string unique)
    {
        var dir = new TempDir();
        // Short retransmission: a replaced SA's Delete to the first client (which does not answer) ends quickly.
        var (main, port, _) = new TestGateway
        {
            LocalId = "gw.unique.test",
            RemoteId = "%any",
            Pool = Pool.ToString(),
            Connection = $"unique = {unique}",
            Secrets = $"\"%any\" = \"{Secret}\"",
            Ike = "retransmit { timeout = 200ms, tries = 1 }",
        }.Write(dir);
        return new RunningNode(await TestGateway.StartAsync(main), dir, TestGateway.Loopback(port));
    }

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met within 10 s");
            await Task.Delay(20);
        }
    }

    private sealed record RunningNode(ConcentratorNode Node, TempDir Dir, IPEndPoint Server) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Node.StopAsync();
            Dir.Dispose();
        }
    }
}
