using System.Net;
using System.Text.Json;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Management;

/// <summary>Issue 14, the management API and its verbs against the real process: clients established with our
/// initiator over UDP, then the CLI (another process) lists, shows, counts and terminates them.</summary>
public sealed class ManagementProcessTests : IAsyncLifetime
{
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ManagedGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task ListSas_TwoClientsConnected_ListsTheirIdentitiesVipsAndFilters()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using var carol = await ConnectAsync("carol@partners.test");

        var all = await _gateway.JsonAsync("list-sas");
        Assert.Equal(2, all.GetArrayLength());
        var listed = all.EnumerateArray().ToDictionary(s => s.GetProperty("identity").GetString()!, s => s);
        Assert.Equal(Vip(alice), Assert.Single(listed["alice@sales.test"].GetProperty("virtualIps").EnumerateArray()).GetString());
        Assert.Equal(Vip(carol), Assert.Single(listed["carol@partners.test"].GetProperty("virtualIps").EnumerateArray()).GetString());
        Assert.Equal("sales", listed["alice@sales.test"].GetProperty("connection").GetString());
        Assert.Equal("policy-based", listed["alice@sales.test"].GetProperty("interface").GetString());
        Assert.Equal(alice.Local.ToString(), listed["alice@sales.test"].GetProperty("remote").GetString());

        Assert.Equal(["alice@sales.test"], Identities(await _gateway.JsonAsync("list-sas", "--connection", "sales")));
        Assert.Equal(["carol@partners.test"], Identities(await _gateway.JsonAsync("list-sas", "--vip", Vip(carol))));
        Assert.Equal(["alice@sales.test"], Identities(await _gateway.JsonAsync("list-sas", "--identity", "alice@sales.test")));
        Assert.Empty(Identities(await _gateway.JsonAsync("list-sas", "--remote", "192.0.2.1")));

        var table = (await _gateway.CliAsync("list-sas")).Succeeded().Output;
        Assert.StartsWith("ID", table, StringComparison.Ordinal);
        Assert.Contains("alice@sales.test", table, StringComparison.Ordinal);
        Assert.Contains(Vip(carol), table, StringComparison.Ordinal);
        Assert.EndsWith("2 IKE SA(s)\n", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ShowSa_ClientConnected_ShowsSpisAlgorithmsAndChildSa()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        var id = (await _gateway.JsonAsync("list-sas"))[0].GetProperty("id").GetString()!;

        var sa = await _gateway.JsonAsync("show-sa", id);

        Assert.Equal("Established", sa.GetProperty("state").GetString());
        Assert.Equal($"{alice.Sa.InitiatorSpi:x16}", sa.GetProperty("initiatorSpi").GetString());
        Assert.Equal($"{alice.Sa.ResponderSpi:x16}", sa.GetProperty("responderSpi").GetString());
        Assert.Equal("AesGcm16/256-HmacSha2_256-Curve25519", sa.GetProperty("ikeAlgorithms").GetString());
        var child = Assert.Single(sa.GetProperty("childSas").EnumerateArray());
        Assert.Equal($"{Assert.Single(alice.Sa.ChildSas).OutboundSpi:x8}", child.GetProperty("inboundSpi").GetString());
        Assert.Equal("AesGcm16/256", child.GetProperty("algorithms").GetString());
        Assert.Contains(id, (await _gateway.CliAsync("show-sa", id)).Succeeded().Output, StringComparison.Ordinal);

        var missing = await _gateway.CliAsync("show-sa", "ike-0000000000000001");
        Assert.Equal(66, missing.ExitCode);
        Assert.Contains("no IKE SA 'ike-0000000000000001'", missing.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connections_ClientOfOneConnected_BothListedInOrderWithTheirSaCounts()
    {
        using var alice = await ConnectAsync("alice@sales.test");

        var connections = (await _gateway.JsonAsync("connections")).GetProperty("connections").EnumerateArray().ToList();

        Assert.Equal(["sales", "partners"], connections.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal([1, 0], connections.Select(c => c.GetProperty("ikeSas").GetInt32()));
        Assert.Equal("*@sales.test", connections[0].GetProperty("remoteId").GetString());
        Assert.Equal("psk", connections[0].GetProperty("remoteAuth").GetString());
        Assert.Equal("policy-based", connections[0].GetProperty("interface").GetString());
        Assert.Equal([ManagedGateway.SalesPool], connections[0].GetProperty("pools").EnumerateArray().Select(p => p.GetString()));
        var table = (await _gateway.CliAsync("connections")).Succeeded().Output;
        Assert.StartsWith("CONNECTION", table, StringComparison.Ordinal);
        Assert.Contains("*@partners.test psk", table, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pools_ClientConnected_ShowsItsLeaseInItsConnectionsPool()
    {
        using var alice = await ConnectAsync("alice@sales.test");

        var pools = (await _gateway.JsonAsync("pools")).GetProperty("pools").EnumerateArray().ToDictionary(p => p.GetProperty("prefix").GetString()!, p => p);

        Assert.Equal(1, pools[ManagedGateway.SalesPool].GetProperty("leased").GetInt32());
        Assert.Equal(1, pools[ManagedGateway.SalesPool].GetProperty("free").GetInt32());
        Assert.Equal(2, pools[ManagedGateway.SalesPool].GetProperty("size").GetInt32());
        Assert.Equal(["sales"], pools[ManagedGateway.SalesPool].GetProperty("connections").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(0, pools[ManagedGateway.PartnersPool].GetProperty("leased").GetInt32());
        Assert.Contains(ManagedGateway.SalesPool, (await _gateway.CliAsync("pools")).Succeeded().Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TerminateIdentity_ClientConnected_ClientGetsDeleteAndSaAndLeaseGo()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using var carol = await ConnectAsync("carol@partners.test");

        var delete = alice.AnswerRequestAsync(TimeSpan.FromSeconds(15));
        var terminate = (await _gateway.CliAsync("terminate", "--identity", "alice@sales.test")).Succeeded();

        Assert.Contains("terminated 1 IKE SA(s)", terminate.Output, StringComparison.Ordinal);
        Assert.Equal(IkeSaState.Deleted, await delete);
        // The SA's actor stops on the client's answer to its Delete; its lease goes with it.
        await Eventually(async () => Identities(await _gateway.JsonAsync("list-sas")).SequenceEqual(["carol@partners.test"]));
        await Eventually(async () => (await _gateway.JsonAsync("pools")).GetProperty("pools").EnumerateArray()
            .Single(p => p.GetProperty("prefix").GetString() == ManagedGateway.SalesPool).GetProperty("leased").GetInt32() == 0);
        Assert.Equal(IkeSaState.Established, carol.Sa.State);

        var none = (await _gateway.CliAsync("terminate", "--identity", "alice@sales.test")).Succeeded();
        Assert.Contains("no IKE SA matched", none.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_TwoClientsConnected_CountsTwoSetupsAndNoneHalfOpen()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using var carol = await ConnectAsync("carol@partners.test");
        using var mallory = new UdpInitiator(_gateway.Server, "mallory@sales.test", "a-wrong-secret-0123456789");
        Assert.Equal(IkeSaState.Failed, await mallory.ConnectAsync());

        await Eventually(async () => (await _gateway.JsonAsync("stats")).GetProperty("failures").EnumerateObject().Any());
        var stats = await _gateway.JsonAsync("stats");

        Assert.Equal(2, stats.GetProperty("setups").GetInt64());
        Assert.Equal(2, stats.GetProperty("established").GetInt32());
        Assert.Equal(3, stats.GetProperty("handshakesStarted").GetInt64());
        Assert.Equal(0, stats.GetProperty("halfOpen").GetInt32());
        Assert.Equal(1, stats.GetProperty("failures").GetProperty("AuthenticationFailed").GetInt64());
        Assert.Contains("setups since start", (await _gateway.CliAsync("stats")).Succeeded().Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Interfaces_ClientConnected_ShowsThePolicyBasedHomeWithItsSa()
    {
        using var alice = await ConnectAsync("alice@sales.test");

        var home = Assert.Single((await _gateway.JsonAsync("interfaces")).GetProperty("interfaces").EnumerateArray());

        Assert.Equal("policy-based", home.GetProperty("name").GetString());
        Assert.Equal(["partners", "sales"], home.GetProperty("connections").EnumerateArray().Select(c => c.GetString()));
        Assert.Equal(1, home.GetProperty("sas").GetInt32());
    }

    private async Task<UdpInitiator> ConnectAsync(string identity)
    {
        var client = new UdpInitiator(_gateway.Server, identity, ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return client;
    }

    private static string Vip(UdpInitiator client) => Assert.Single(client.Sa.VirtualIps).ToString();

    private static List<string> Identities(JsonElement list) => [.. list.EnumerateArray().Select(s => s.GetProperty("identity").GetString()!)];

    private static async Task Eventually(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the condition did not hold within 15 s");
            await Task.Delay(100);
        }
    }
}
