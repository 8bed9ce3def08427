using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Concentrator.Host.Tests;
using Concentrator.Interop.Tests.Lab;

namespace Concentrator.Interop.Tests.Scenario28_Reload;

/// <summary>
/// Issue 14, reload without dropping clients, with real strongSwan road warriors against the real Host process:
/// a client pings the LAN through ipsec1 while the gateway reloads twice (`concentrator reload` adding a connection,
/// SIGHUP changing the client's own connection) and loses no packet; its IKE SA is the same one afterwards, and the
/// bytes it carried show in show-sa and in the deleted line. A connection the reload removes gets its client a
/// Delete, an added one serves a new client, an invalid file leaves the running configuration serving and the CLI
/// gets the file, key and expectation. Namespaces start with "crld".
/// Needs root and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class ReloadTests : IDisposable
{
    private const string EngPool = "10.98.0.0/24";
    private const string EngFile = """
        eng {
          local { id = "gw.example.net", auth = psk }
          remote { id = "*@eng.test", auth = psk }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16" ]
          local-ts = [ "198.51.100.0/24" ]
          pools = [ "10.98.0.0/24" ]
          ipsec-interface = 2
        }
        """;

    private readonly TempDir _dir = new();
    private readonly RoadWarriorLab _lab;

    public ReloadTests() => _lab = new RoadWarriorLab(
        overrides: new GatewayOverrides(Server: $"concentrator.management.socket = \"{Path.Combine(_dir.Path, "mgmt.sock")}\""),
        namespacePrefix: "crld");

    private string Socket => Path.Combine(_dir.Path, "mgmt.sock");

    [Fact]
    public async Task PingThroughTwoReloads_NoPacketLostSameIkeSaAndItsBytesCounted()
    {
        _lab.StartCharon();
        _lab.LoadConf(SwanctlConf());
        MustInitiate("home");
        var vip = SwanctlListing.VipOf(_lab.ListSas(), "home");
        var before = SaIdOf("road@e2e.test");

        const int count = 40;
        var ping = Task.Run(() => _lab.Ping(count, vip, interval: "0.2"));

        // Reload 1, the verb: a connection added (and ipsec2 with it); road-warrior unchanged.
        File.WriteAllText(Path.Combine(_lab.GatewayConfigDir, "site-eng.conf"), EngFile);
        var (code, output) = Cli("reload");
        Assert.True(code == 0, $"reload failed ({code}): {output}\nhost:\n{_lab.HostLog}");
        Assert.Contains("added eng", output, StringComparison.Ordinal);
        Assert.Contains("unchanged road-warrior", output, StringComparison.Ordinal);

        // Reload 2, SIGHUP: the client's own connection changed (its DPD); its live SA keeps what it has.
        File.AppendAllText(Path.Combine(_lab.GatewayConfigDir, "road-warrior.conf"), "\n\"road-warrior\" { dpd { delay = 20s } }\n");
        _lab.SignalConcentrator("HUP");
        Assert.True(_lab.WaitForHostLog("changed 'road-warrior'", TimeSpan.FromSeconds(30)), _lab.HostLog);

        var (pingCode, pinged) = await ping;
        Assert.True(pingCode == 0, $"ping through the reloads failed:\n{pinged}\nhost:\n{_lab.HostLog}");
        Assert.Contains($"{count} packets transmitted, {count} received, 0% packet loss", pinged, StringComparison.Ordinal);
        Assert.Equal(before, SaIdOf("road@e2e.test"));

        // What the dataplane counted through the SA: at least the pings each way (84 bytes of IP each, in ESP).
        var traffic = Json("show-sa", before).GetProperty("traffic");
        Assert.InRange(traffic.GetProperty("packetsIn").GetUInt64(), (ulong)count, ulong.MaxValue);
        Assert.InRange(traffic.GetProperty("packetsOut").GetUInt64(), (ulong)count, ulong.MaxValue);
        Assert.InRange(traffic.GetProperty("bytesIn").GetUInt64(), 84UL * count, ulong.MaxValue);
        var listed = Json("list-sas").EnumerateArray().Single(s => s.GetProperty("id").GetString() == before);
        Assert.Equal(traffic.GetProperty("packetsIn").GetUInt64(), listed.GetProperty("traffic").GetProperty("packetsIn").GetUInt64());
        // And ipsec1's own counters (the device the pings crossed, both ways), as `concentrator interfaces` shows them.
        var ipsec1 = Json("interfaces").GetProperty("interfaces").EnumerateArray().Single(i => i.GetProperty("name").GetString() == "ipsec1").GetProperty("traffic");
        Assert.InRange(ipsec1.GetProperty("receivePackets").GetInt64(), count, long.MaxValue);
        Assert.InRange(ipsec1.GetProperty("transmitPackets").GetInt64(), count, long.MaxValue);
        Assert.InRange(ipsec1.GetProperty("receiveBytes").GetInt64(), 84L * count, long.MaxValue);

        var (down, said) = _lab.Terminate();
        Assert.True(down == 0, said);
        Assert.True(_lab.WaitForHostLog("IKE SA deleted: road@e2e.test", TimeSpan.FromSeconds(15)), _lab.HostLog);
        var deleted = DeletedLine().Match(_lab.HostLog);
        Assert.True(deleted.Success, _lab.HostLog);
        Assert.InRange(ulong.Parse(deleted.Groups["packetsIn"].Value, CultureInfo.InvariantCulture), (ulong)count, ulong.MaxValue);
    }

    [Fact]
    public void ReloadAddsThenRemovesAConnection_NewClientServedThenDeletedAndAnInvalidFileRefused()
    {
        _lab.StartCharon();
        _lab.LoadConf(SwanctlConf());
        MustInitiate("home");
        var homeVip = SwanctlListing.VipOf(_lab.ListSas(), "home");

        File.WriteAllText(Path.Combine(_lab.GatewayConfigDir, "site-eng.conf"), EngFile);
        Assert.Equal(0, Cli("reload").Code);
        // Before the reload alice@eng.test would have been road-warrior's (remote.id %any); now eng fits her better.
        MustInitiate("eng");
        var engVip = SwanctlListing.VipOf(_lab.ListSas(), "eng");
        Assert.True(IPNetwork.Parse(EngPool).Contains(engVip), $"alice@eng.test got {engVip}, not from {EngPool}");
        Assert.True(_lab.GatewayHasLink("ipsec2"), "ipsec2 was not created by the reload");
        Assert.Equal(0, _lab.Ping(1, engVip).Code);

        // An invalid file: refused with its name and key, nothing changes.
        File.WriteAllText(Path.Combine(_lab.GatewayConfigDir, "broken.conf"), "broken { ipsec-interface = maybe }\n");
        var (code, error) = Cli("reload");
        Assert.Equal(78, code);
        Assert.Contains("broken.conf", error, StringComparison.Ordinal);
        Assert.Contains("key 'broken.ipsec-interface'", error, StringComparison.Ordinal);
        Assert.Equal(0, _lab.Ping(1, engVip).Code);
        File.Delete(Path.Combine(_lab.GatewayConfigDir, "broken.conf"));

        // eng removed: its client hears a Delete, ipsec2 goes, the other client keeps its SA and pings on.
        File.Delete(Path.Combine(_lab.GatewayConfigDir, "site-eng.conf"));
        var (removed, said) = Cli("reload");
        Assert.True(removed == 0, said);
        Assert.Contains("removed eng (1 IKE SA(s) deleted)", said, StringComparison.Ordinal);
        Assert.True(SpinWait.SpinUntil(() => _lab.CharonLog.Contains("received DELETE for IKE_SA eng", StringComparison.Ordinal), TimeSpan.FromSeconds(15)),
            "charon got no Delete for eng:\n" + _lab.CharonLog);
        Assert.DoesNotContain("eng:", _lab.ListSas(), StringComparison.Ordinal);
        Assert.False(_lab.GatewayHasLink("ipsec2"), "ipsec2 left behind after its connection went");
        Assert.Equal(0, _lab.Ping(2, homeVip).Code);
    }

    public void Dispose()
    {
        _lab.Dispose();
        _dir.Dispose();
    }

    private void MustInitiate(string name)
    {
        var (code, output) = _lab.Swanctl(20, "--initiate", "--ike", name, "--child", "lan");
        Assert.True(code == 0, $"{name}: swanctl --initiate failed:\n{output}\nhost:\n{_lab.HostLog}");
    }

    private (int Code, string Output) Cli(params string[] args) =>
        Shell.Run("dotnet", [Path.Combine(AppContext.BaseDirectory, "concentrator.dll"), .. args, "--socket", Socket]);

    private JsonElement Json(params string[] args)
    {
        var (code, output) = Cli([.. args, "--json"]);
        Assert.True(code == 0, output);
        return JsonDocument.Parse(output).RootElement.Clone();
    }

    private string SaIdOf(string identity) =>
        Json("list-sas", "--identity", identity).EnumerateArray().Single().GetProperty("id").GetString()!;

    [GeneratedRegex(@"IKE SA deleted: road@e2e\.test .* in (?<bytesIn>\d+) bytes/(?<packetsIn>\d+) packets, out \d+ bytes/\d+ packets")]
    private static partial Regex DeletedLine();

    private string SwanctlConf() =>
        SwanctlConnections.PskConf(_lab.GatewayAddress, _lab.GatewayId, _lab.Psk, ("home", "road@e2e.test"), ("eng", "alice@eng.test"));
}
