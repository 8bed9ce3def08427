using System.Net;

namespace Concentrator.Interop.Tests.Lab;

// The IPv6 variant of the topology: the same namespaces and device names, IPv6 (2001:db8::/32) on the links
// between road, NAT and gateway, IPv4 only behind the gateway (LAN) and inside the tunnel (virtual IPs).
internal sealed partial class RoadWarriorLab
{
    private const string GatewayV6 = "2001:db8:1::1";
    private const string NatOutsideV6 = "2001:db8:1::254";

    /// <summary>
    /// road 2001:db8:1::2 — gw 2001:db8:1::1 on one veth pair, or with <paramref name="nat"/>: road 2001:db8:2::2 —
    /// (2001:db8:2::1) nat (2001:db8:1::254) — gw 2001:db8:1::1, the NAT masquerading IPv6 (NAT66, nftables) as
    /// <see cref="BuildBehindNat"/> does IPv4. Addresses skip duplicate address detection (nodad): a tentative
    /// address cannot be bound, and the gateway binds its addresses at start.
    /// </summary>
    private void BuildIpv6(string? nat)
    {
        var gatewaySide = nat ?? _road;
        var gatewayPeerDevice = nat is null ? "rw-road0" : "rw-natout";
        var gatewayPeerAddress = nat is null ? "2001:db8:1::2" : NatOutsideV6;
        Shell.Must("ip", "link", "add", "rw-gw0", "netns", _gw, "type", "veth", "peer", "name", gatewayPeerDevice, "netns", gatewaySide);
        Shell.Must("ip", "-n", _gw, "addr", "add", GatewayV6 + "/64", "dev", "rw-gw0", "nodad");
        Shell.Must("ip", "-n", gatewaySide, "addr", "add", gatewayPeerAddress + "/64", "dev", gatewayPeerDevice, "nodad");
        Shell.Must("ip", "-n", _gw, "link", "set", "rw-gw0", "up");
        Shell.Must("ip", "-n", gatewaySide, "link", "set", gatewayPeerDevice, "up");
        GatewayAddress = IPAddress.Parse(GatewayV6);
        if (nat is null)
        {
            RoadAddress = RoadAddressSeenByGateway = IPAddress.Parse(gatewayPeerAddress);
            return;
        }

        Shell.Must("ip", "link", "add", "rw-natin", "netns", nat, "type", "veth", "peer", "name", "rw-road0", "netns", _road);
        Shell.Must("ip", "-n", nat, "addr", "add", "2001:db8:2::1/64", "dev", "rw-natin", "nodad");
        Shell.Must("ip", "-n", _road, "addr", "add", "2001:db8:2::2/64", "dev", "rw-road0", "nodad");
        Shell.Must("ip", "-n", nat, "link", "set", "rw-natin", "up");
        Shell.Must("ip", "-n", _road, "link", "set", "rw-road0", "up");
        Shell.Must("ip", "-n", _road, "-6", "route", "add", "default", "via", "2001:db8:2::1");

        Shell.Must("ip", "netns", "exec", nat, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1");
        var rules = _dir.Write("nat66.nft", """
            table ip6 rw-nat {
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "rw-natout" masquerade
                }
            }
            """);
        Shell.Must("ip", "netns", "exec", nat, "nft", "-f", rules);
        RoadAddress = IPAddress.Parse("2001:db8:2::2");
        RoadAddressSeenByGateway = IPAddress.Parse(NatOutsideV6);
    }
}
