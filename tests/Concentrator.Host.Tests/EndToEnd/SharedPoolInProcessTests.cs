using System.Net;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>Issue 12, named pools over real UDP: a pool declared once in a file of its own and named by two
/// connections is one pool: their clients get distinct addresses from it and its leases count for both.</summary>
public sealed class SharedPoolInProcessTests : IAsyncLifetime, IDisposable
{
    private const string Secret = "shared-pool-secret-0123456789";
    private const string SharedPool = "10.231.10.0/30";

    private readonly TempDir _dir = new();
    private ConcentratorNode _node = null!;
    private IPEndPoint _server = null!;

    public async Task InitializeAsync()
    {
        var gateway = new TestGateway
        {
            Connections = [new TestConnection("sales", "*@sales.test", "shared"), new TestConnection("partners", "*@partners.test", "shared")],
            Secrets = $"\"%any\" = \"{Secret}\"",
        };
        var (main, port, _) = gateway.Write(_dir);
        _dir.Write("conns/pools.conf", $$"""pools { shared { addresses = [ "{{SharedPool}}" ] } }""");
        _node = await TestGateway.StartAsync(main);
        _server = TestGateway.Loopback(port);
    }

    public async Task DisposeAsync() => await _node.DisposeAsync();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Connect_ClientsOfTwoConnectionsNamingOnePool_DistinctAddressesFromItCountedOnce()
    {
        using var alice = new UdpInitiator(_server, "alice@sales.test", Secret);
        using var carol = new UdpInitiator(_server, "carol@partners.test", Secret);

        Assert.Equal(IkeSaState.Established, await alice.ConnectAsync());
        Assert.Equal(IkeSaState.Established, await carol.ConnectAsync());

        var a = Assert.Single(alice.Sa.VirtualIps);
        var c = Assert.Single(carol.Sa.VirtualIps);
        Assert.True(IPNetwork.Parse(SharedPool).Contains(a) && IPNetwork.Parse(SharedPool).Contains(c), $"alice got {a}, carol {c}");
        Assert.NotEqual(a, c);
        Assert.Same(Assert.Single(_node.Connection("sales").Pools.Pools), Assert.Single(_node.Connection("partners").Pools.Pools));
        Assert.Equal(2, _node.Connection("sales").Pools.Online);
    }
}
