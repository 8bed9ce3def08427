using System.Net;

namespace Concentrator.Interop.Tests.Lab;

// How the road warrior reaches the gateway's 192.0.2.1: on the same link, or from behind a NAT namespace.
internal sealed partial class RoadWarriorLab
{
    private const string NatOutside = "192.0.2.254";

    /// <summary>The gateway's address on the link towards the road warrior (or the NAT): what charon connects to.</summary>
    public IPAddress GatewayAddress { get; private set; } = IPAddress.Parse("192.0.2.1");

    /// <summary>The road warrior's own address (what charon binds to).</summary>
    public IPAddress RoadAddress { get; private set; } = IPAddress.None;

    /// <summary>The source address the gateway sees the road warrior's packets arrive from: the road's own
    /// address, or the NAT's outside address when the road sits behind the NAT.</summary>
    public IPAddress RoadAddressSeenByGateway { get; private set; } = IPAddress.None;

    /// <summary>Whether a NAT namespace sits between road and gateway.</summary>
    public bool BehindNat => _nat is not null;

    private IEnumerable<string> Namespaces => _nat is null ? [_gw, _road, _lan] : [_gw, _road, _lan, _nat];

    /// <summary>road 192.0.2.2 — gw 192.0.2.1 on one veth pair.</summary>
    private void BuildDirect()
    {
        Shell.Must("ip", "link", "add", "rw-gw0", "netns", _gw, "type", "veth", "peer", "name", "rw-road0", "netns", _road);
        Shell.Must("ip", "-n", _gw, "addr", "add", "192.0.2.1/24", "dev", "rw-gw0");
        Shell.Must("ip", "-n", _road, "addr", "add", "192.0.2.2/24", "dev", "rw-road0");
        Shell.Must("ip", "-n", _gw, "link", "set", "rw-gw0", "up");
        Shell.Must("ip", "-n", _road, "link", "set", "rw-road0", "up");
        RoadAddress = RoadAddressSeenByGateway = IPAddress.Parse("192.0.2.2");
    }

    /// <summary>
    /// road 203.0.113.2 — (203.0.113.1) nat (192.0.2.254) — gw 192.0.2.1. The nat namespace forwards and
    /// masquerades everything leaving towards the gateway, so the gateway only ever sees 192.0.2.254 and has no
    /// route to the road's network: every answer must go back through the NAT's connection tracking.
    /// </summary>
    private void BuildBehindNat(string nat)
    {
        Shell.Must("ip", "link", "add", "rw-gw0", "netns", _gw, "type", "veth", "peer", "name", "rw-natout", "netns", nat);
        Shell.Must("ip", "-n", _gw, "addr", "add", "192.0.2.1/24", "dev", "rw-gw0");
        Shell.Must("ip", "-n", nat, "addr", "add", NatOutside + "/24", "dev", "rw-natout");
        Shell.Must("ip", "-n", _gw, "link", "set", "rw-gw0", "up");
        Shell.Must("ip", "-n", nat, "link", "set", "rw-natout", "up");

        Shell.Must("ip", "link", "add", "rw-natin", "netns", nat, "type", "veth", "peer", "name", "rw-road0", "netns", _road);
        Shell.Must("ip", "-n", nat, "addr", "add", "203.0.113.1/24", "dev", "rw-natin");
        Shell.Must("ip", "-n", _road, "addr", "add", "203.0.113.2/24", "dev", "rw-road0");
        Shell.Must("ip", "-n", nat, "link", "set", "rw-natin", "up");
        Shell.Must("ip", "-n", _road, "link", "set", "rw-road0", "up");
        Shell.Must("ip", "-n", _road, "route", "add", "default", "via", "203.0.113.1");

        Shell.Must("ip", "netns", "exec", nat, "sysctl", "-qw", "net.ipv4.ip_forward=1");
        var rules = _dir.Write("nat.nft", """
            table ip rw-nat {
                chain postrouting {
                    type nat hook postrouting priority srcnat; policy accept;
                    oifname "rw-natout" masquerade
                }
            }
            """);
        Shell.Must("ip", "netns", "exec", nat, "nft", "-f", rules);
        RoadAddress = IPAddress.Parse("203.0.113.2");
        RoadAddressSeenByGateway = IPAddress.Parse(NatOutside);
    }
}
