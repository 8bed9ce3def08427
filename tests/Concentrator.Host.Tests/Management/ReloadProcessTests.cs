using System.Globalization;
using System.Text.Json;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Management;

/// <summary>Issue 14, reload without dropping clients, against the real process: clients established with our
/// initiator over UDP, the connection file edited as an operator would, then <c>concentrator reload</c> (another
/// process) or SIGHUP.</summary>
public sealed class ReloadProcessTests : IAsyncLifetime
{
    private const string EngPool = "10.231.23.0/30";
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ManagedGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    private static TestConnection Eng => new("eng", "*@eng.test", EngPool);

    [Fact]
    public async Task Reload_ConnectionRemoved_ItsClientGetsDeleteTheOtherClientsSaUntouched()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using var carol = await ConnectAsync("carol@partners.test");
        var aliceId = IdOf(await _gateway.JsonAsync("list-sas", "--identity", "alice@sales.test"));

        _gateway.WriteConnections(ManagedGateway.Sales);
        var delete = carol.AnswerRequestAsync(TimeSpan.FromSeconds(20));
        var reload = (await _gateway.CliAsync("reload")).Succeeded();

        Assert.Contains("removed partners (1 IKE SA(s) deleted)", reload.Output, StringComparison.Ordinal);
        Assert.Contains("unchanged sales", reload.Output, StringComparison.Ordinal);
        Assert.Equal(IkeSaState.Deleted, await delete);
        var left = await _gateway.JsonAsync("list-sas");
        Assert.Equal(aliceId, IdOf(left));
        Assert.Equal(IkeSaState.Established, alice.Sa.State);
        // The removed connection's lease went with its SA, and its pool is no longer listed.
        var pools = (await _gateway.JsonAsync("pools")).GetProperty("pools").EnumerateArray().Select(p => p.GetProperty("prefix").GetString()).ToList();
        Assert.Equal([ManagedGateway.SalesPool], pools);
        using var dave = new UdpInitiator(_gateway.Server, "dave@partners.test", ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Failed, await dave.ConnectAsync());
    }

    [Fact]
    public async Task Reload_ConnectionAdded_ServesANewClientFromItsPool()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        using (var early = new UdpInitiator(_gateway.Server, "bob@eng.test", ManagedGateway.Secret))
        {
            Assert.Equal(IkeSaState.Failed, await early.ConnectAsync());
        }

        _gateway.WriteConnections(ManagedGateway.Sales, ManagedGateway.Partners, Eng);
        var reload = await _gateway.JsonAsync("reload");

        Assert.Equal(["eng"], reload.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(["sales", "partners"], reload.GetProperty("unchanged").EnumerateArray().Select(e => e.GetString()));
        using var bob = await ConnectAsync("bob@eng.test");
        Assert.True(System.Net.IPNetwork.Parse(EngPool).Contains(Assert.Single(bob.Sa.VirtualIps)), "bob's address is not from eng's pool");
        Assert.Equal(2, (await _gateway.JsonAsync("list-sas")).GetArrayLength());
        Assert.Equal(IkeSaState.Established, alice.Sa.State);
    }

    [Fact]
    public async Task Reload_ConnectionChanged_NewSasUseItLiveSaKeepsItsLease()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        var aliceId = IdOf(await _gateway.JsonAsync("list-sas"));

        // Another DNS server for sales: a changed connection; alice's SA stays as it is.
        _gateway.WriteConnections(ManagedGateway.Sales with { More = "dns = [ \"198.51.100.54\" ]" }, ManagedGateway.Partners);
        var reload = await _gateway.JsonAsync("reload");

        Assert.Equal(["sales"], reload.GetProperty("changed").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, reload.GetProperty("deletedSas").GetInt32());
        Assert.Equal(aliceId, IdOf(await _gateway.JsonAsync("list-sas", "--identity", "alice@sales.test")));
        using var erin = await ConnectAsync("erin@sales.test");
        Assert.NotEqual(Assert.Single(alice.Sa.VirtualIps), Assert.Single(erin.Sa.VirtualIps));
    }

    [Fact]
    public async Task Reload_InvalidFile_OldConfigurationKeepsServingAndTheCliGetsFileKeyAndExpectation()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        _gateway.WriteConnections(ManagedGateway.Sales with { More = "dpd { delay = \"soon\" }" });

        var reload = await _gateway.CliAsync("reload");

        Assert.Equal(78, reload.ExitCode);
        Assert.Contains("e2e.conf", reload.Error, StringComparison.Ordinal);
        Assert.Contains("sales.dpd.delay", reload.Error, StringComparison.Ordinal);
        await _gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":12021", StringComparison.Ordinal));
        // Still the old configuration: partners is served, alice's SA untouched.
        using var carol = await ConnectAsync("carol@partners.test");
        Assert.Equal(2, (await _gateway.JsonAsync("list-sas")).GetArrayLength());
        Assert.Equal(IkeSaState.Established, alice.Sa.State);
    }

    [Fact]
    public async Task Reload_ListenPortChanged_RefusedAsReadOnlyAtStart()
    {
        var text = await File.ReadAllTextAsync(_gateway.Main);
        var port = _gateway.Server.Port.ToString(CultureInfo.InvariantCulture);
        await File.WriteAllTextAsync(_gateway.Main, text.Replace($"port = {port}", "port = 1", StringComparison.Ordinal));

        var reload = await _gateway.CliAsync("reload");

        Assert.Equal(78, reload.ExitCode);
        Assert.Contains("concentrator.ike.port", reload.Error, StringComparison.Ordinal);
        Assert.Contains("cannot change on reload", reload.Error, StringComparison.Ordinal);
        using var alice = await ConnectAsync("alice@sales.test");
    }

    [Fact]
    public async Task Reload_InterfaceOfAConnectionWithLiveSasChanged_RefusedNothingCreated()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        _gateway.WriteConnections(ManagedGateway.Sales with { IpsecInterface = "7" }, ManagedGateway.Partners);

        var reload = await _gateway.CliAsync("reload");

        Assert.Equal(78, reload.ExitCode);
        Assert.Contains("key 'sales.ipsec-interface'", reload.Error, StringComparison.Ordinal);
        Assert.Contains("while 1 IKE SA(s) of the connection use policy-based", reload.Error, StringComparison.Ordinal);
        var home = Assert.Single((await _gateway.JsonAsync("interfaces")).GetProperty("interfaces").EnumerateArray());
        Assert.Equal("policy-based", home.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Sighup_ConnectionAdded_ReloadsAsTheVerbDoes()
    {
        _gateway.WriteConnections(ManagedGateway.Sales, Eng);
        using (var kill = System.Diagnostics.Process.Start("kill", ["-HUP", _gateway.Host.Process.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        var line = await _gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":12000", StringComparison.Ordinal));
        Assert.Contains("added 'eng'", line, StringComparison.Ordinal);
        Assert.Contains("removed 'partners'", line, StringComparison.Ordinal);
        Assert.False(_gateway.Host.Process.HasExited, "SIGHUP ended the process");
        using var bob = await ConnectAsync("bob@eng.test");
    }

    private async Task<UdpInitiator> ConnectAsync(string identity)
    {
        var client = new UdpInitiator(_gateway.Server, identity, ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return client;
    }

    private static string IdOf(JsonElement list) => Assert.Single(list.EnumerateArray()).GetProperty("id").GetString()!;
}
