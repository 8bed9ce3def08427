using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;
using Concentrator.Interop.Tests.Lab;
using Concentrator.Server.Tests.Radius;

namespace Concentrator.Interop.Tests.Scenario25_EapRadius;

/// <summary>
/// Interop scenario 25 (issue 12, EAP-RADIUS and accounting): a real strongSwan road warrior authenticates with
/// EAP-MSCHAPv2 against a gateway with <c>remote.auth = eap-radius</c>, which relays the conversation to a real
/// FreeRADIUS (in the gateway's namespace, alice / password, Framed-IP-Address 10.77.0.9, Class tenant-a). The client
/// gets FreeRADIUS's address as its virtual IP, pings the LAN, disconnects; FreeRADIUS's detail file then holds the
/// session's accounting Start and Stop, the Stop with the octets of the ping. Namespaces er-*. Needs root, strongSwan
/// with eap-mschapv2 and FreeRADIUS (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class EapRadiusTests : IDisposable
{
    private const int AuthPort = 18852;
    private const int AcctPort = 18853;

    private readonly RoadWarriorLab _lab;
    private readonly FreeRadius _radius;

    public EapRadiusTests()
    {
        _lab = new RoadWarriorLab(overrides: RoadWarriorLab.EapRadiusGateway(AuthPort, AcctPort, retries: 2), namespacePrefix: "er");
        _radius = new FreeRadius(AuthPort, AcctPort, netns: _lab.GatewayNamespace);
    }

    [Fact]
    public void StrongSwanClient_EapMsChapV2ThroughFreeRadius_FramedIpPingAndAccountingWithOctets()
    {
        _lab.StartCharon();
        _lab.LoadEap("road@e2e.test", "alice", "password");

        _lab.MustInitiate();

        var sas = _lab.ListSas();
        Assert.Contains("ESTABLISHED", sas, StringComparison.Ordinal);
        Assert.Equal(IPAddress.Parse("10.77.0.9"), RoadWarriorLab.VirtualIp(sas));
        Assert.Contains("EAP method EAP_MSCHAPV2 succeeded, MSK established", _lab.CharonLog, StringComparison.Ordinal);
        var (ping, output) = _lab.Ping(count: 3);
        Assert.True(ping == 0, "ping through the tunnel failed:\n" + output);

        var (code, terminated) = _lab.Terminate();
        Assert.True(code == 0, "swanctl --terminate failed:\n" + terminated);

        var stop = WaitForRecord("Acct-Status-Type = Stop");
        var start = WaitForRecord("Acct-Status-Type = Start");
        Assert.Contains("User-Name = \"alice\"", start, StringComparison.Ordinal);
        Assert.Contains("Framed-IP-Address = 10.77.0.9", stop, StringComparison.Ordinal);
        Assert.Contains("Acct-Terminate-Cause = User-Request", stop, StringComparison.Ordinal);
        // Three echo requests and replies of 84 octets each went through the CHILD SA (the ESP counters count the
        // inner packets' octets).
        Assert.True(Octets(stop, "Acct-Input-Octets") >= 3 * 84, stop);
        Assert.True(Octets(stop, "Acct-Output-Octets") >= 3 * 84, stop);
    }

    private static long Octets(string record, string attribute) =>
        OctetsPattern().Match(record[record.IndexOf(attribute, StringComparison.Ordinal)..]) is { Success: true } m
            ? long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)
            : -1;

    [GeneratedRegex(@"= (\d+)")]
    private static partial Regex OctetsPattern();

    private string WaitForRecord(string status)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            var text = File.Exists(_radius.DetailFile) ? File.ReadAllText(_radius.DetailFile) : "";
            var record = text.Split("\n\n", StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(r => r.Contains(status, StringComparison.Ordinal));
            if (record is not null)
            {
                return record;
            }

            Assert.True(DateTime.UtcNow < deadline, $"no '{status}' record in {_radius.DetailFile}:\n{text}\n{_lab.HostLog}");
            Thread.Sleep(100);
        }
    }

    public void Dispose()
    {
        _radius.Dispose();
        _lab.Dispose();
    }
}
