using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario04_Nat;

/// <summary>
/// Interop scenario 4: the road warrior sits behind a NAT namespace (nftables masquerade), so the gateway sees
/// only the NAT's outside address; IKE floats to UDP 4500 and ESP travels UDP-encapsulated (RFC 3948).
/// Each test gets a fresh gateway (<see cref="RoadWarriorLab"/>, about 3 s to start). Needs root, nftables,
/// tcpdump and strongSwan (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class NatTraversalTests
{
    [Fact]
    public void StrongSwanClient_BehindMasquerade_TunnelsInUdp4500AndPings()
    {
        using var lab = new RoadWarriorLab(behindNat: true);
        using var capture = lab.CaptureGatewayUplink();
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk);
        var vip = lab.MustEstablish();

        // The client knows it is the one behind the NAT: its own address differs from what the gateway's
        // NAT_DETECTION_DESTINATION_IP hashed (RFC 7296 section 2.23). kernel-libipsec fakes only the other flag.
        var raw = lab.Swanctl(5, "--list-sas", "--raw").Output;
        Assert.Contains("nat-local=yes", raw, StringComparison.Ordinal);
        Assert.Contains("local-host=" + lab.RoadAddress, raw, StringComparison.Ordinal);
        Assert.Contains("remote-port=4500", raw, StringComparison.Ordinal);

        // The gateway sees the client at the NAT's outside address, never at its own.
        Assert.True(lab.WaitForHostLog($"established with road@e2e.test at {lab.RoadAddressSeenByGateway}:", TimeSpan.FromSeconds(5)),
            "the gateway did not see the client at the NAT's address:\n" + lab.HostLog);
        Assert.Matches($@"established with road@e2e\.test at {Regex.Escape(lab.RoadAddressSeenByGateway.ToString())}:\d+ \(peer behind NAT\), virtual IP {Regex.Escape(vip.ToString())}, 1 CHILD SA", lab.HostLog);
        Assert.DoesNotContain(lab.RoadAddress.ToString(), lab.HostLog, StringComparison.Ordinal);

        var (ping, output) = lab.Ping(source: vip);
        Assert.True(ping == 0, "ping through the NAT failed:\n" + output + "\nhost:\n" + lab.HostLog);

        // Between NAT and gateway there is IKE on 500, IKE and ESP-in-UDP on 4500, and nothing else: no raw ESP
        // (IP protocol 50 would not pass a masquerading NAT), and the road's own address never appears.
        var packets = capture.Stop();
        Assert.NotEmpty(packets);
        foreach (var packet in packets)
        {
            var match = UdpLine().Match(packet);
            Assert.True(match.Success, "not UDP between NAT and gateway: " + packet + "\nall:\n" + string.Join('\n', packets));
            var gatewayPort = match.Groups["src"].Value == "192.0.2.1" ? match.Groups["sport"].Value : match.Groups["dport"].Value;
            Assert.True(gatewayPort is "500" or "4500", "gateway port other than 500/4500: " + packet);
            Assert.DoesNotContain(lab.RoadAddress.ToString(), packet, StringComparison.Ordinal);
        }

        Assert.Contains(packets, p => p.Contains("UDP-encap: ESP", StringComparison.Ordinal));
        Assert.Contains(packets, p => p.Contains(".4500: NONESP-encap", StringComparison.Ordinal));
    }

    // "IP 192.0.2.254.4500 > 192.0.2.1.4500: UDP-encap: ESP(spi=…)"; raw ESP would print "IP a > b: ESP(…)", no ports.
    [GeneratedRegex(@" IP (?<src>\d+\.\d+\.\d+\.\d+)\.(?<sport>\d+) > (?<dst>\d+\.\d+\.\d+\.\d+)\.(?<dport>\d+): (UDP|NONESP-encap|isakmp|UDP-encap)")]
    private static partial Regex UdpLine();
}
