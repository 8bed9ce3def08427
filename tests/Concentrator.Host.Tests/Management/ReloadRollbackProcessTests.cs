using System.Net.Sockets;
using System.Text.Json;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Host.Tests.Management;

/// <summary>Issue 14, a reload that fails half-way is undone: the real process in a network namespace of its own
/// (userspace dataplane, so ipsecN is a TUN device there), where a device named like the second new connection's
/// ipsecN already exists as another kind, so the kernel refuses to make it after the first new connection got its
/// device and route and a kept connection took its new settings. Clients talk to it through sockets made in that
/// namespace; the CLI through its socket file.</summary>
public sealed class ReloadRollbackProcessTests : IAsyncLifetime
{
    private const string EngPool = "10.231.23.0/30";
    private readonly string _ns = $"h5r-rl{Environment.ProcessId % 100000}";
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync()
    {
        ToolProcess.Run("ip", "netns", "del", _ns);
        Ip("netns", "add", _ns);
        try
        {
            Ip("-n", _ns, "link", "set", "lo", "up");
            // Not a TUN device: TUNSETIFF on its name fails (EBUSY), as a kernel refusing ipsec5418 would.
            Ip("-n", _ns, "link", "add", "ipsec5418", "type", "veth", "peer", "name", "h5rpeer");
            _gateway = await ManagedGateway.StartAsync(wrapper: ["ip", "netns", "exec", _ns]);
        }
        catch
        {
            ToolProcess.Run("ip", "netns", "del", _ns);
            throw;
        }
    }

    public async Task DisposeAsync()
    {
        await _gateway.DisposeAsync();
        ToolProcess.Run("ip", "netns", "del", _ns);
    }

    private static TestConnection Eng => new("eng", "*@eng.test", EngPool, IpsecInterface: "5417");

    private static TestConnection Bad => new("bad", "*@bad.test", "10.231.24.0/30", IpsecInterface: "5418");

    [Fact]
    public async Task Reload_SecondNewInterfaceRefusedByTheKernel_AllUndoneOldConfigurationServes()
    {
        using var alice = await ConnectAsync("alice@sales.test");
        var aliceId = IdOf(await _gateway.JsonAsync("list-sas"));
        // sales changes (applied first), eng gets ipsec5417 and its route, then bad's ipsec5418 is refused.
        _gateway.WriteConnections(ManagedGateway.Sales with { RemoteId = "*@sales.example" }, ManagedGateway.Partners, Eng, Bad);

        var reload = await _gateway.CliAsync("reload");

        Assert.Equal(78, reload.ExitCode);
        Assert.Contains("connection 'bad' could not be applied", reload.Error, StringComparison.Ordinal);
        Assert.Contains("ipsec5418", reload.Error, StringComparison.Ordinal);
        Assert.Contains("'eng' detached", reload.Error, StringComparison.Ordinal);
        Assert.Contains("'sales' restored", reload.Error, StringComparison.Ordinal);
        await _gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":12100", StringComparison.Ordinal));
        // Nothing of the refused configuration is left in the kernel: eng's device and route went again.
        Assert.NotEqual(0, ToolProcess.Run("ip", "-n", _ns, "link", "show", "dev", "ipsec5417").Code);
        Assert.DoesNotContain("10.231.23.0", ToolProcess.Run("ip", "-n", _ns, "route", "show").Output, StringComparison.Ordinal);
        // The management API shows the old configuration, and it serves: alice's SA untouched, partners and the old
        // sales identities admitted, eng's not.
        var interfaces = (await _gateway.JsonAsync("interfaces")).GetProperty("interfaces").EnumerateArray().ToList();
        Assert.Equal(["policy-based"], interfaces.Select(i => i.GetProperty("name").GetString()));
        Assert.Equal(["partners", "sales"], interfaces[0].GetProperty("connections").EnumerateArray().Select(c => c.GetString()));
        var connections = (await _gateway.JsonAsync("connections")).GetProperty("connections").EnumerateArray().ToList();
        Assert.Equal(["sales", "partners"], connections.Select(c => c.GetProperty("name").GetString()));
        Assert.Equal("*@sales.test", connections[0].GetProperty("remoteId").GetString());
        Assert.Equal(IkeSaState.Established, alice.Sa.State);
        Assert.Equal(aliceId, IdOf(await _gateway.JsonAsync("list-sas")));
        using var carol = await ConnectAsync("carol@partners.test");
        using var erin = await ConnectAsync("erin@sales.test");
        using (var bob = Client("bob@eng.test"))
        {
            Assert.Equal(IkeSaState.Failed, await bob.ConnectAsync());
        }

        Assert.Equal(3, (await _gateway.JsonAsync("stats")).GetProperty("established").GetInt32());

        // Without the refused connection the same reload applies: ipsec5417 is made again (the undo freed its name).
        _gateway.WriteConnections(ManagedGateway.Sales, ManagedGateway.Partners, Eng);
        var applied = await _gateway.JsonAsync("reload");
        Assert.Equal(["eng"], applied.GetProperty("added").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(0, ToolProcess.Run("ip", "-n", _ns, "link", "show", "dev", "ipsec5417").Code);
        using var dave = await ConnectAsync("dave@eng.test");
        Assert.True(System.Net.IPNetwork.Parse(EngPool).Contains(Assert.Single(dave.Sa.VirtualIps)), "dave's address is not from eng's pool");
    }

    private UdpInitiator Client(string identity) =>
        new(_gateway.Server, identity, ManagedGateway.Secret,
            NetworkNamespace.Run($"/run/netns/{_ns}", () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp)));

    private async Task<UdpInitiator> ConnectAsync(string identity)
    {
        var client = Client(identity);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return client;
    }

    private static void Ip(params string[] args)
    {
        var (code, output) = ToolProcess.Run("ip", args);
        Assert.True(code == 0, $"ip {string.Join(' ', args)}: {output}");
    }

    private static string IdOf(JsonElement list) => Assert.Single(list.EnumerateArray()).GetProperty("id").GetString()!;
}
