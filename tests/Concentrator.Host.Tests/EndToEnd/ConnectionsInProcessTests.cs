using System.Net;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Issue 12, "Connections": every connection of the file is served, IKE_AUTH picks one by the peer's
/// identity (remote.id patterns), and each client gets its virtual IP from its own connection's pool.</summary>
public sealed class ConnectionsInProcessTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "conns-secret-0123456789";
    private const string SalesPool = "10.231.8.0/30";
    private const string EngPool = "10.231.9.0/30";

    private readonly TempDir _dir = new();
    private ConcentratorNode _node = null!;
    private IPEndPoint _server = null!;

    public async Task InitializeAsync()
    {
        var gateway = new TestGateway
        {
            Connections = [new TestConnection("sales", "*@sales.test", SalesPool), new TestConnection("eng", "*@eng.test", EngPool)],
            Secrets = $"\"%any\" = \"{Secret}\"",
        };
        var (main, port, _) = gateway.Write(_dir);
        _node = await TestGateway.StartAsync(main);
        _server = TestGateway.Loopback(port);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Start_TwoConnections_BothServedInFileOrder()
    {
        Assert.Equal(["sales", "eng"], _node.Served.Select(c => c.Settings.Name));
        Assert.Single(_node.Interfaces);
        Assert.Equal("/user/policy-based", _node.Interfaces[0].Path.ToStringWithoutAddress());
        await Task.CompletedTask;
    }

    [Fact]
    public async Task Connect_ClientsOfTwoDomains_EachGetsItsOwnConnectionsPool()
    {
        using var alice = new UdpInitiator(_server, "alice@sales.test", Secret);
        using var bob = new UdpInitiator(_server, "bob@eng.test", Secret);

        Assert.Equal(IkeSaState.Established, await alice.ConnectAsync());
        Assert.Equal(IkeSaState.Established, await bob.ConnectAsync());

        Assert.True(IPNetwork.Parse(SalesPool).Contains(Assert.Single(alice.Sa.VirtualIps)), $"alice got {alice.Sa.VirtualIps[0]}");
        Assert.True(IPNetwork.Parse(EngPool).Contains(Assert.Single(bob.Sa.VirtualIps)), $"bob got {bob.Sa.VirtualIps[0]}");
        Assert.Equal(1, _node.Connection("sales").Pools.Online);
        Assert.Equal(1, _node.Connection("eng").Pools.Online);
    }

    [Fact]
    public async Task Connect_UnknownDomain_AuthenticationFailedAndNoLease()
    {
        using var mallory = new UdpInitiator(_server, "mallory@evil.test", Secret);

        Assert.Equal(IkeSaState.Failed, await mallory.ConnectAsync());

        Assert.Equal(Concentrator.Ike.NotifyType.AuthenticationFailed, mallory.Sa.FailureNotify);
        Assert.Equal(0, _node.Connection("sales").Pools.Online);
        Assert.Equal(0, _node.Connection("eng").Pools.Online);
    }
}
