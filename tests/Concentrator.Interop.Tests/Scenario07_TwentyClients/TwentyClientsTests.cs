using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Xunit.Abstractions;

namespace Concentrator.Interop.Tests.Scenario07_TwentyClients;

/// <summary>
/// Interop scenario 7 of the responder issue: many strongSwan road warriors at once sharing the gateway's one
/// route-based interface ipsec1. One charon-systemd carries all clients as separate connections (each its own
/// identity, IKE SA, CHILD SA and virtual IP), which exercises the gateway exactly as separate hosts would:
/// distinct IKE SPIs, identities, leases and CHILD SAs behind the same outer address.
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class TwentyClientsTests(ITestOutputHelper output)
{
    private const int Clients = 20;

    [Fact]
    public async Task TwentyStrongSwanClients_InitiatedInParallel_AllEstablishWithDistinctPoolVipsAndPing()
    {
        using var lab = new RoadWarriorLab();
        lab.StartCharon();
        lab.LoadConf(SwanctlConf(lab));

        // One dedicated thread per swanctl: on the shared thread pool, 20 blocking waits would start only as fast
        // as the pool injects threads (about two a second), and the measurement would show the pool, not the gateway.
        var clock = Stopwatch.StartNew();
        var results = await Task.WhenAll(Enumerable.Range(0, Clients).Select(i => Task.Factory.StartNew(
            () => lab.Swanctl(25, "--initiate", "--ike", Name(i), "--child", "lan"), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)));
        clock.Stop();
        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Clients} clients initiated in parallel in {clock.ElapsedMilliseconds} ms: {clock.ElapsedMilliseconds / (double)Clients:F1} ms per client"));

        for (var i = 0; i < Clients; i++)
        {
            Assert.True(results[i].Code == 0, Name(i) + ": swanctl --initiate failed:\n" + results[i].Output + "\nhost:\n" + lab.HostLog);
        }

        var sas = lab.ListSas();
        Assert.Equal(Clients, EstablishedPattern().Count(sas));
        Assert.Equal(Clients, InstalledPattern().Count(sas));

        // One virtual IP per client, every one inside the pool, no two alike.
        var vips = Enumerable.Range(0, Clients).Select(i => SwanctlListing.VipOf(sas, Name(i))).ToList();
        Assert.Equal(Clients, vips.Distinct().Count());
        Assert.All(vips, vip => Assert.True(lab.Pool.Contains(vip), vip + " is outside " + lab.Pool));

        // Each client's own tunnel carries its traffic: the source address selects the CHILD SA on both ends.
        clock.Restart();
        foreach (var vip in vips)
        {
            var (ping, pingOutput) = lab.Ping(count: 1, source: vip);
            Assert.True(ping == 0, "ping from " + vip + " failed:\n" + pingOutput + "\nhost:\n" + lab.HostLog);
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"{Clients} pings (one per virtual IP) in {clock.ElapsedMilliseconds} ms"));

        // Each ping used its own client's CHILD SA both ways: every one of the 20 counts packets in and out, so
        // the gateway picked the reply's SA by the virtual IP rather than sending everything down one tunnel.
        var after = lab.ListSas();
        Assert.Equal(Clients, CounterPattern("in").Matches(after).Count(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0));
        Assert.Equal(Clients, CounterPattern("out").Matches(after).Count(m => long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture) > 0));
    }

    private static string Name(int i) => "c" + i.ToString("D2", CultureInfo.InvariantCulture);

    private static string Identity(int i) => Name(i) + "@e2e.test";


    private static string SwanctlConf(RoadWarriorLab lab)
    {
        var conf = new StringBuilder("connections {\n");
        for (var i = 0; i < Clients; i++)
        {
            conf.Append(SwanctlConnections.Connection(Name(i), "192.0.2.1", SwanctlConnections.Psk(Identity(i)), SwanctlConnections.Psk(lab.GatewayId))).Append('\n');
        }

        conf.Append("}\nsecrets {\n");
        for (var i = 0; i < Clients; i++)
        {
            conf.Append(CultureInfo.InvariantCulture, $$"""
                ike-{{Name(i)}} {
                    id-1 = {{Identity(i)}}
                    secret = "{{lab.Psk}}"
                }

                """);
        }

        return conf.Append("}\n").ToString();
    }

    /// <summary>The packet counter of a CHILD SA's inbound or outbound line in `swanctl --list-sas`.</summary>
    private static Regex CounterPattern(string direction) => new(@"^\s+" + direction + @"\s+[0-9a-f]{8}[^,\n]*,\s+\d+ bytes,\s+(\d+) packets", RegexOptions.Multiline);

    [GeneratedRegex(@"^c\d\d: #\d+, ESTABLISHED, IKEv2", RegexOptions.Multiline)]
    private static partial Regex EstablishedPattern();

    [GeneratedRegex(@"INSTALLED, TUNNEL")]
    private static partial Regex InstalledPattern();
}
