using System.Net.Sockets;
using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario12_Ipv6Outer;

/// <summary>
/// Interop scenario 12: IPv6 outer addresses. The road warrior (2001:db8:2::2) sits behind an IPv6 NAT (nftables
/// masquerade, NAT66) and reaches the gateway's 2001:db8:1::1, which listens on the default ["0.0.0.0", "::"];
/// IKE floats to UDP 4500 on the gateway's IPv6 address, the client gets an IPv4 virtual IP and pings the IPv4 LAN
/// through the tunnel (IPv4 in ESP-in-UDP over IPv6). The algorithms are ChaCha20-Poly1305 (RFC 7634) with
/// PRF-HMAC-SHA2-384 and ECP-384 for IKE, ChaCha20-Poly1305 for ESP. Needs root, nftables, tcpdump and strongSwan
/// (scripts/install-test-deps.sh); fails, never skips, without them.
/// </summary>
public sealed partial class Ipv6OuterTests
{
    private const string ChaChaEcp384 = """
        ike-proposals = [ "chacha20poly1305-prfsha384-ecp384" ]
        esp-proposals = [ "chacha20poly1305" ]
        """;

    [Fact]
    public void StrongSwanClient_Ipv6BehindNat66ChaChaEcp384_FloatsTo4500OnIpv6AndPingsIpv4Lan()
    {
        using var lab = new RoadWarriorLab(behindNat: true, overrides: new GatewayOverrides(Connection: ChaChaEcp384), ipv6Outer: true);
        var gateway = lab.GatewayAddress.ToString();
        Assert.True(lab.WaitForHostLog($"[{gateway}]:4500", TimeSpan.FromSeconds(5)), "the gateway holds no NAT-T socket on its IPv6 address:\n" + lab.HostLog);
        using var capture = lab.CaptureGatewayUplink("ip6 and not icmp6 and not ip6 multicast");
        lab.StartCharon();
        lab.Load("road@e2e.test", lab.Psk, proposals: "chacha20poly1305-prfsha384-ecp384", espProposals: "chacha20poly1305");

        var vip = lab.MustEstablish();

        Assert.Equal(AddressFamily.InterNetwork, vip.AddressFamily);
        var sas = lab.ListSas();
        Assert.Contains("CHACHA20_POLY1305/PRF_HMAC_SHA2_384/ECP_384", sas, StringComparison.Ordinal);
        Assert.Contains("CHACHA20_POLY1305", sas[sas.IndexOf("INSTALLED", StringComparison.Ordinal)..], StringComparison.Ordinal);
        var raw = lab.Swanctl(5, "--list-sas", "--raw").Output;
        Assert.Contains("nat-local=yes", raw, StringComparison.Ordinal);
        Assert.Contains("local-host=" + lab.RoadAddress, raw, StringComparison.Ordinal);
        Assert.Contains("remote-host=" + gateway, raw, StringComparison.Ordinal);
        Assert.Contains("remote-port=4500", raw, StringComparison.Ordinal);
        Assert.True(lab.WaitForHostLog($"established with road@e2e.test at [{lab.RoadAddressSeenByGateway}]:", TimeSpan.FromSeconds(5)),
            "the gateway did not see the client at the NAT's IPv6 address:\n" + lab.HostLog);

        var (ping, output) = lab.Ping(source: vip);
        Assert.True(ping == 0, "ping through the IPv6 tunnel failed:\n" + output + "\nhost:\n" + lab.HostLog + "\ncharon:\n" + lab.CharonLog);

        // Between NAT and gateway: IKE on 500, IKE and ESP-in-UDP on 4500 of the gateway's IPv6 address, both ways.
        var packets = capture.Stop();
        foreach (var packet in packets)
        {
            var match = UdpLine().Match(packet);
            Assert.True(match.Success, "not UDP over IPv6 between NAT and gateway: " + packet + "\nall:\n" + string.Join('\n', packets));
            var gatewayPort = match.Groups["src"].Value == gateway ? match.Groups["sport"].Value : match.Groups["dport"].Value;
            Assert.True(gatewayPort is "500" or "4500", "gateway port other than 500/4500: " + packet);
        }

        Assert.Contains(packets, p => p.Contains($" > {gateway}.4500: UDP-encap: ESP", StringComparison.Ordinal));
        Assert.Contains(packets, p => p.Contains($" IP6 {gateway}.4500 > {lab.RoadAddressSeenByGateway}.", StringComparison.Ordinal) && p.Contains("UDP-encap: ESP", StringComparison.Ordinal));
        Assert.Contains(packets, p => p.Contains($" IP6 {gateway}.4500 > ", StringComparison.Ordinal) && p.Contains("NONESP-encap", StringComparison.Ordinal));
    }

    // "IP6 2001:db8:1::254.4500 > 2001:db8:1::1.4500: UDP-encap: ESP(spi=…)"; tcpdump separates the port with a dot.
    [GeneratedRegex(@" IP6 (?<src>[0-9a-f:]+)\.(?<sport>\d+) > (?<dst>[0-9a-f:]+)\.(?<dport>\d+): (UDP|NONESP-encap|isakmp|UDP-encap)")]
    private static partial Regex UdpLine();
}
