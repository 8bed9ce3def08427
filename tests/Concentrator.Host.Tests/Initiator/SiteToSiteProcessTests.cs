using System.Diagnostics;
using System.Text.Json;
using Concentrator.Host.Tests.Management;

namespace Concentrator.Host.Tests.Initiator;

/// <summary>The initiator role through two real Host processes (<see cref="SiteToSiteLab"/>): site A initiates a 0/0
/// route-based tunnel to site B at start, traffic between their LANs flows through both ipsec1 TUN devices, and after B
/// is killed and started again A finds its peer dead (DPD) and initiates anew (dpd-action = restart, with backoff
/// while B is down).</summary>
public sealed class SiteToSiteProcessTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task StartAction_TwoHosts_EstablishesPingsAndComesBackAfterResponderRestart()
    {
        await using var lab = new SiteToSiteLab();

        await lab.A.WaitForLineAsync(l => l.Contains("\"EventId\":14001", StringComparison.Ordinal), Patience);
        await WaitForPingAsync(lab);
        // Routes only where configured (`routes`), none for the 0/0 selectors themselves.
        Assert.Contains("10.2.0.0/24", lab.Routes("a"), StringComparison.Ordinal);
        Assert.DoesNotContain("default", lab.Routes("a"), StringComparison.Ordinal);
        // interface-ip: each Host put its address on its TUN (RTM_NEWADDR), and the /30 between them crosses the tunnel.
        Assert.Contains("inet 10.255.0.1/30", lab.Addresses("a"), StringComparison.Ordinal);
        Assert.Contains("inet 10.255.0.2/30", lab.Addresses("b"), StringComparison.Ordinal);
        Assert.True(lab.PingInterfaceAddresses(), "no ping 10.255.0.1 -> 10.255.0.2 over ipsec1:\n" + lab.Addresses("a") + lab.Routes("a"));
        var sas = await JsonAsync(lab.Socket("b"), "list-sas");
        var sa = Assert.Single(sas.EnumerateArray());
        Assert.Equal("a.site.test", sa.GetProperty("identity").GetString());

        lab.RestartB();

        await lab.A.WaitForLineAsync(l => l.Contains("\"EventId\":14003", StringComparison.Ordinal) && l.Contains("dead", StringComparison.Ordinal), Patience);
        var deadline = DateTime.UtcNow + Patience;
        while (lab.A.Lines.Count(l => l.Contains("\"EventId\":14001", StringComparison.Ordinal)) < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "A did not establish again:\n" + string.Join('\n', lab.A.Lines.TakeLast(30)));
            await Task.Delay(200);
        }

        await WaitForPingAsync(lab);
        sas = await JsonAsync(lab.Socket("b"), "list-sas");
        Assert.Single(sas.EnumerateArray());
        Assert.Contains("inet 10.255.0.2/30", lab.Addresses("b"), StringComparison.Ordinal);
    }

    /// <summary>The trap, then its re-arm: the operator terminates the SA on A (a Delete to B), which takes the trap's out
    /// policy with it; the trap goes in again, and the next packet initiates a second SA. A's stats count each
    /// initiation, and the SA as established only once its IKE_AUTH completed.</summary>
    [Fact]
    public async Task TrapAction_TwoHosts_NothingBeforeTrafficThenTheFirstPacketInitiatesAndAfterTerminateAgain()
    {
        await using var lab = new SiteToSiteLab(trap: true);

        await lab.A.WaitForLineAsync(l => l.Contains("\"EventId\":14004", StringComparison.Ordinal), Patience);
        // B is up (its API answers) and A has not initiated: no traffic yet.
        await WaitForApiAsync(lab.Socket("b"));
        Assert.Empty((await JsonAsync(lab.Socket("b"), "list-sas")).EnumerateArray());
        Assert.DoesNotContain(lab.A.Lines, l => l.Contains("\"EventId\":14000", StringComparison.Ordinal));

        // The first packet into ipsec1 meets the trap policy without a state: ACQUIRE, then the SA, then the pings pass.
        await WaitForPingAsync(lab);
        Assert.Contains(lab.A.Lines, l => l.Contains("\"EventId\":14005", StringComparison.Ordinal));
        Assert.Contains(lab.A.Lines, l => l.Contains("\"EventId\":14001", StringComparison.Ordinal));
        Assert.Single((await JsonAsync(lab.Socket("b"), "list-sas")).EnumerateArray());
        var stats = await JsonAsync(lab.Socket("a"), "stats");
        Assert.Equal(1, stats.GetProperty("established").GetInt32());
        // Each ACQUIRE taken is one initiation (on the userspace dataplane one ACQUIRE per second while traffic waits).
        Assert.Equal(lab.A.Lines.Count(l => l.Contains("\"EventId\":14005", StringComparison.Ordinal)), stats.GetProperty("initiations").GetInt64());

        var terminate = await CliProcess.RunAsync(["terminate", "--connection", "s2s", "--socket", lab.Socket("a")]);
        Assert.True(terminate.ExitCode == 0, "terminate: " + terminate.Error + terminate.Output);
        var watch = Stopwatch.StartNew();
        while ((await JsonAsync(lab.Socket("b"), "list-sas")).GetArrayLength() != 0
            || lab.A.Lines.Count(l => l.Contains("\"EventId\":14004", StringComparison.Ordinal)) < 2)
        {
            Assert.True(watch.Elapsed < Patience, "the SA did not go or the trap did not come back:\n" + string.Join('\n', lab.A.Lines.TakeLast(30)));
            await Task.Delay(200);
        }

        Assert.Equal(0, (await JsonAsync(lab.Socket("a"), "stats")).GetProperty("established").GetInt32());
        await WaitForPingAsync(lab);
        int acquired = lab.A.Lines.Count(l => l.Contains("\"EventId\":14005", StringComparison.Ordinal));
        Assert.True(acquired >= 2, "no second ACQUIRE taken:\n" + string.Join('\n', lab.A.Lines.TakeLast(30)));
        Assert.Equal(acquired, (await JsonAsync(lab.Socket("a"), "stats")).GetProperty("initiations").GetInt64());
        Assert.Single((await JsonAsync(lab.Socket("b"), "list-sas")).EnumerateArray());
    }

    /// <summary>The IPv6 trap: A's selectors are the sites' IPv6 networks, over an IPv4 (IPv6 inside IPv4) or an IPv6
    /// outer path. The first IPv6 packet into ipsec1 is what starts the SA (its ACQUIRE names the IPv6 selector), the
    /// IPv6 pings cross, and after <c>terminate</c> the trap is back and the next IPv6 packet starts a second SA.</summary>
    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TrapAction_Ipv6Selectors_TheFirstIpv6PacketInitiatesAndAfterTerminateAgain(bool outer6)
    {
        await using var lab = new SiteToSiteLab(trap: true, inner6: true, outer6: outer6);

        await lab.A.WaitForLineAsync(l => l.Contains("\"EventId\":14004", StringComparison.Ordinal), Patience);
        await WaitForApiAsync(lab.Socket("b"));
        Assert.Empty((await JsonAsync(lab.Socket("b"), "list-sas")).EnumerateArray());
        Assert.DoesNotContain(lab.A.Lines, l => l.Contains("\"EventId\":14000", StringComparison.Ordinal));
        Assert.Contains("2001:db8:2::/64", lab.Routes("a", "-6"), StringComparison.Ordinal);

        await WaitForPing6Async(lab);
        var acquired = lab.A.Lines.Where(l => l.Contains("\"EventId\":14005", StringComparison.Ordinal)).ToList();
        Assert.NotEmpty(acquired);
        // The ACQUIRE names the IPv6 trap policy's selector (the userspace dataplane's: the policy's, 2001:db8:1::/64 to 2001:db8:2::/64).
        Assert.All(acquired, l => Assert.Contains("2001:db8:2::", l, StringComparison.Ordinal));
        var sa = Assert.Single((await JsonAsync(lab.Socket("b"), "list-sas")).EnumerateArray());
        Assert.Contains(outer6 ? "2001:db8:f::1" : "192.0.2.1", sa.ToString(), StringComparison.Ordinal);
        // B's CHILD SA carries the IPv6 selectors (B narrowed its 0.0.0.0/0 and ::/0 to A's trap ones), as ranges.
        var shown = (await JsonAsync(lab.Socket("b"), "show-sa", sa.GetProperty("id").GetString()!)).ToString();
        Assert.Contains("2001:db8:1::-2001:db8:1:0:ffff:ffff:ffff:ffff", shown, StringComparison.Ordinal);
        Assert.Contains("2001:db8:2::-2001:db8:2:0:ffff:ffff:ffff:ffff", shown, StringComparison.Ordinal);
        Assert.DoesNotContain("0.0.0.0", shown, StringComparison.Ordinal);
        Assert.Equal(1, (await JsonAsync(lab.Socket("a"), "stats")).GetProperty("established").GetInt32());

        var terminate = await CliProcess.RunAsync(["terminate", "--connection", "s2s", "--socket", lab.Socket("a")]);
        Assert.True(terminate.ExitCode == 0, "terminate: " + terminate.Error + terminate.Output);
        var watch = Stopwatch.StartNew();
        while ((await JsonAsync(lab.Socket("b"), "list-sas")).GetArrayLength() != 0
            || lab.A.Lines.Count(l => l.Contains("\"EventId\":14004", StringComparison.Ordinal)) < 2)
        {
            Assert.True(watch.Elapsed < Patience, "the SA did not go or the trap did not come back:\n" + string.Join('\n', lab.A.Lines.TakeLast(30)));
            await Task.Delay(200);
        }

        int before = lab.A.Lines.Count(l => l.Contains("\"EventId\":14005", StringComparison.Ordinal));
        await WaitForPing6Async(lab);
        Assert.True(lab.A.Lines.Count(l => l.Contains("\"EventId\":14005", StringComparison.Ordinal)) > before,
            "no ACQUIRE after terminate:\n" + string.Join('\n', lab.A.Lines.TakeLast(30)));
        Assert.Single((await JsonAsync(lab.Socket("b"), "list-sas")).EnumerateArray());
    }

    [Fact]
    public async Task Reload_ConnectionNowStarts_InitiatesWithoutRestart()
    {
        await using var lab = new SiteToSiteLab(idle: true);
        await WaitForApiAsync(lab.Socket("a"));
        Assert.DoesNotContain(lab.A.Lines, l => l.Contains("\"EventId\":14000", StringComparison.Ordinal));

        lab.WriteA(idle: false);
        var reload = await CliProcess.RunAsync(["reload", "--socket", lab.Socket("a")]);

        Assert.True(reload.ExitCode == 0, reload.Error + reload.Output);
        await lab.A.WaitForLineAsync(l => l.Contains("\"EventId\":14001", StringComparison.Ordinal), Patience);
        await WaitForPingAsync(lab);
    }

    private static async Task WaitForApiAsync(string socket)
    {
        var watch = Stopwatch.StartNew();
        while ((await CliProcess.RunAsync(["list-sas", "--json", "--socket", socket])).ExitCode != 0)
        {
            Assert.True(watch.Elapsed < Patience, "the management API of " + socket + " did not answer");
            await Task.Delay(500);
        }
    }

    private static async Task WaitForPingAsync(SiteToSiteLab lab)
    {
        var watch = Stopwatch.StartNew();
        while (!lab.Ping())
        {
            Assert.True(watch.Elapsed < Patience, "no ping through the tunnel:\nA:\n" + string.Join('\n', lab.A.Lines.TakeLast(30))
                + "\nB:\n" + string.Join('\n', lab.B.Lines.TakeLast(30)));
            await Task.Delay(500);
        }
    }

    private static async Task WaitForPing6Async(SiteToSiteLab lab)
    {
        var watch = Stopwatch.StartNew();
        while (!lab.Ping6())
        {
            Assert.True(watch.Elapsed < Patience, "no IPv6 ping through the tunnel:\nA:\n" + string.Join('\n', lab.A.Lines.TakeLast(30))
                + "\nB:\n" + string.Join('\n', lab.B.Lines.TakeLast(30)));
            await Task.Delay(500);
        }
    }

    private static async Task<JsonElement> JsonAsync(string socket, params string[] args)
    {
        var run = await CliProcess.RunAsync([.. args, "--json", "--socket", socket]);
        Assert.True(run.ExitCode == 0, $"{string.Join(' ', args)} exited {run.ExitCode}: {run.Error}");
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }
}
