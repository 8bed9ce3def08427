using System.Text.RegularExpressions;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>
/// The guest ring's baseline, built with iproute2 alone: if this fails, the guest kernel or the ring is
/// broken, not our netlink code. Two peers, each with an xfrm interface ipsec1 (if_id 1) over a veth,
/// a static AES-GCM ESP SA pair and out/in/fwd policies carrying the if_id; a ping crosses the tunnel.
/// </summary>
[Trait(GuestKernel.Ring, GuestKernel.Guest)]
public sealed partial class IpXfrmTunnelGuestTests
{
    private const string KeyAtoB = "0x1111111111111111111111111111111111111111111111111111111111111111aabbccdd";
    private const string KeyBtoA = "0x2222222222222222222222222222222222222222222222222222222222222222eeff0011";

    public IpXfrmTunnelGuestTests() => GuestKernel.Require();

    [Fact]
    public void IpXfrmInterface_StaticEspPair_PingCrossesTunnelUntilSasAreDeleted()
    {
        using var peers = new TwoPeers("ip");
        Side(peers.A, "va", TwoPeers.OuterA, TwoPeers.OuterB, "10.1.0.1", "10.2.0.0/24", 0x1001, KeyAtoB, 0x2001, KeyBtoA);
        Side(peers.B, "vb", TwoPeers.OuterB, TwoPeers.OuterA, "10.2.0.1", "10.1.0.0/24", 0x2001, KeyBtoA, 0x1001, KeyAtoB);
        Assert.Contains("xfrm", Tool.Ip("-n", peers.A, "-d", "link", "show", "dev", "ipsec1"), StringComparison.Ordinal);

        var ping = Tool.Ping(peers.A, "10.1.0.1", "10.2.0.1");

        Assert.True(ping.ExitCode == 0, ping + Tool.Describe(peers.A));
        Assert.True(Tool.LinkPackets(peers.A, "ipsec1").TxPackets >= 3, "ipsec1 of A sent fewer than 3 packets");
        Assert.True(Tool.LinkPackets(peers.B, "ipsec1").RxPackets >= 3, "ipsec1 of B received fewer than 3 packets");
        var outbound = Tool.Ip("-n", peers.A, "-s", "xfrm", "state", "get", "src", TwoPeers.OuterA, "dst", TwoPeers.OuterB, "proto", "esp", "spi", "0x1001");
        Assert.True(SaPackets(outbound) >= 3, outbound);

        Tool.Ip("-n", peers.A, "xfrm", "state", "flush");
        var after = Tool.Ping(peers.A, "10.1.0.1", "10.2.0.1", count: 2, waitSeconds: 1);

        Assert.NotEqual(0, after.ExitCode);
    }

    private static void Side(string ns, string underlay, string local, string remote, string inner, string remoteNet,
        int spiOut, string keyOut, int spiIn, string keyIn)
    {
        var localNet = inner[..inner.LastIndexOf('.')] + ".0/24";
        var aead = "aead rfc4106(gcm(aes))";
        Tool.IpBatch(
            ns,
            $"link add ipsec1 type xfrm dev {underlay} if_id 1",
            $"addr add {inner}/32 dev ipsec1",
            "link set ipsec1 up",
            $"route add {remoteNet} dev ipsec1",
            $"xfrm state add src {local} dst {remote} proto esp spi 0x{spiOut:x} reqid 1 mode tunnel {aead} {keyOut} 128 if_id 1",
            $"xfrm state add src {remote} dst {local} proto esp spi 0x{spiIn:x} reqid 1 mode tunnel {aead} {keyIn} 128 if_id 1",
            $"xfrm policy add src {localNet} dst {remoteNet} dir out if_id 1 tmpl src {local} dst {remote} proto esp reqid 1 mode tunnel",
            $"xfrm policy add src {remoteNet} dst {localNet} dir in if_id 1 tmpl src {remote} dst {local} proto esp reqid 1 mode tunnel",
            $"xfrm policy add src {remoteNet} dst {localNet} dir fwd if_id 1 tmpl src {remote} dst {local} proto esp reqid 1 mode tunnel");
    }

    private static long SaPackets(string state)
    {
        // "lifetime current:" is followed by "<n>(bytes), <m>(packets)"
        var m = PacketsPattern().Match(state);
        return m.Success ? long.Parse(m.Groups[1].Value) : -1;
    }

    [GeneratedRegex(@"(\d+)\(packets\)")]
    private static partial Regex PacketsPattern();
}
