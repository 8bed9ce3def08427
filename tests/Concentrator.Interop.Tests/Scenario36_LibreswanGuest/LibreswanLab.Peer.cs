using System.Diagnostics;
using System.Globalization;
using System.Text;
using Concentrator.Host;
using Concentrator.Kernel.Tests.Guest;

namespace Concentrator.Interop.Tests.Scenario36_LibreswanGuest;

// The second Concentrator of the boot: a Host in namespace peer (192.0.6.2 towards gw's 192.0.6.1; on its loopback
// 10.40.0.1 and 2001:db8:40::1, the hosts of its network, and 10.41.0.1, announced by OSPF only), started once the
// gateway's Host runs and waited for only before its first step (its start overlaps the road warriors' steps).
// It only answers; the gateway's connection to it (peertrap) traps: 0/0 and ::/0 through ipsec4, its network routed
// into ipsec4 by the connection's routes. The LAN namespace gets IPv6 as well (2001:db8:100::10, gw 2001:db8:100::1
// its router).
internal sealed partial class LibreswanLab
{
    public const string Peer = "gu36-peer";
    public const string PeerOuter = "192.0.6.2";
    public const string GwTowardsPeer = "192.0.6.1";
    public const string PeerHost = "10.40.0.1";
    public const string PeerNet = "10.40.0.0/24";
    public const string PeerHost6 = "2001:db8:40::1";
    public const string PeerNet6 = "2001:db8:40::/64";
    public const string LanHost6 = "2001:db8:100::10";
    public const string LanNet6 = "2001:db8:100::/64";

    /// <summary>A host of the peer's side that only OSPF announces, and one of the gateway's (on its loopback).</summary>
    public const string PeerOspfHost = "10.41.0.1";
    public const string GwOspfHost = "10.42.0.1";

    private const string PeerPsk = "concentrator-guest-scenario-36-peer-psk";

    /// <summary>The gateway's side: trap, 0/0 and ::/0 through ipsec4 (IPv6 inside the IPv4 tunnel), the peer's network
    /// routed into it; close-action none: the trap stays anyway. 10.255.40.1/30 on ipsec4 for OSPF.</summary>
    public const string PeerTrapConf = $$"""
        peertrap {
          local { id = "gwpeer.s36.test", auth = psk }
          remote { id = "peer.s36.test", auth = psk, addrs = [ "{{PeerOuter}}" ] }
          start-action = trap
          retry { delay = 1s, max-delay = 4s }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16" ]
          local-ts = [ "0.0.0.0/0", "::/0" ]
          remote-ts = [ "0.0.0.0/0", "::/0" ]
          routes = [ "{{PeerNet}}", "{{PeerNet6}}" ]
          ipsec-interface = 4
          interface-ip = "10.255.40.1/30"
        }
        secrets { "peer.s36.test" = "{{PeerPsk}}" }
        """;

    /// <summary>The peer's side: it only answers, the same selectors through its ipsec1, the gateway's LAN routed into it.</summary>
    public const string PeerConf = $$"""
        gw {
          local { id = "peer.s36.test", auth = psk }
          remote { id = "gwpeer.s36.test", auth = psk }
          ike-proposals = [ "aes256gcm16-prfsha256-x25519" ]
          esp-proposals = [ "aes256gcm16" ]
          local-ts = [ "0.0.0.0/0", "::/0" ]
          remote-ts = [ "0.0.0.0/0", "::/0" ]
          routes = [ "{{LanNet}}", "{{LanNet6}}" ]
          ipsec-interface = 1
          interface-ip = "10.255.40.2/30"
        }
        secrets { "gwpeer.s36.test" = "{{PeerPsk}}" }
        """;

    private readonly StringBuilder _peerLog = new();
    private readonly Process _peer;
    private readonly Task<bool> _peerRunning;

    public string PeerLog
    {
        get
        {
            lock (_peerLog)
            {
                return _peerLog.ToString();
            }
        }
    }

    /// <summary>Waits for the peer Host (started once the gateway's runs) to be running; how long the test waited for it.</summary>
    public TimeSpan WaitForPeerRunning()
    {
        var wait = Stopwatch.StartNew();
        HostOutput.Require(_peerRunning, () => PeerLog, TimeSpan.FromSeconds(120));
        return wait.Elapsed;
    }

    /// <summary>The peer Host's management API socket.</summary>
    public string PeerManagementSocket => Path.Combine(_dir.Path, "peer", "management.sock");

    /// <summary>A CLI verb against the peer Host, run in this process.</summary>
    public (int Code, string Output) PeerCli(params string[] args)
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        int code = Program.Run([.. args, "--socket", PeerManagementSocket], stdout, stderr);
        return (code, stdout.ToString() + stderr);
    }

    /// <summary>SIGTERM to the peer Host; its exit code, or null when it is still running after <paramref name="timeout"/>.</summary>
    public int? StopPeer(TimeSpan timeout)
    {
        var kill = Tool.Run("kill", "-TERM", _peer.Id.ToString(CultureInfo.InvariantCulture));
        Assert.True(kill.ExitCode == 0, kill.ToString());
        return _peer.WaitForExit(timeout) ? _peer.ExitCode : null;
    }

    private void SetUpPeer()
    {
        Tool.IpBatch(null, $"netns add {Peer}", $"link add gu36-gwp netns {Gw} type veth peer name gu36-peer0 netns {Peer}");
        Tool.IpBatch(Gw, $"addr add {GwTowardsPeer}/24 dev gu36-gwp", "link set gu36-gwp up", "addr add 2001:db8:100::1/64 dev gu36-gwl nodad",
            $"addr add {GwOspfHost}/32 dev lo");
        // The peer's ipsec1 is made here and adopted by its Host, as an operator may make it (the reference page's
        // "ip link add ipsec1 type xfrm"): a first xfrm interface takes 7-8 s under TCG, against the Host's 10 s wait
        // for its start-up attach. The gateway's Host makes its own (ipsec1..4).
        Tool.IpBatch(Peer, "link set lo up", $"addr add {PeerOuter}/24 dev gu36-peer0", "link set gu36-peer0 up",
            $"addr add {PeerHost}/32 dev lo", $"addr add {PeerHost6}/128 dev lo", $"addr add {PeerOspfHost}/32 dev lo",
            "link add ipsec1 type xfrm dev gu36-peer0 if_id 1", "link set ipsec1 mtu 1400 up");
        Tool.IpBatch(Lan, $"addr add {LanHost6}/64 dev gu36-lan0 nodad", "route add ::/0 via 2001:db8:100::1");
        // No IPv6 link-local address on the ipsecN devices the Host makes: their router solicitations and MLD reports
        // would meet the ::/0 trap before any LAN traffic does.
        var sysctl = Tool.Run("ip", "netns", "exec", Gw, "sysctl", "-qw", "net.ipv6.conf.all.forwarding=1", "net.ipv6.conf.default.addr_gen_mode=1");
        Assert.True(sysctl.ExitCode == 0, sysctl.ToString());
    }

    private Process StartPeerHost()
    {
        var dir = Directory.CreateDirectory(Path.Combine(_dir.Path, "peer", "conn")).Parent!.FullName;
        File.WriteAllText(Path.Combine(dir, "conn", "peer.conf"), PeerConf);
        var main = Path.Combine(dir, "concentrator.conf");
        File.WriteAllText(main, $$"""
            concentrator {
              config-dir = "conn"
              dataplane = kernel
              leases.path = ""
              management.socket = "{{PeerManagementSocket}}"
              ike.listen = [ "{{PeerOuter}}" ]
              interfaces.link = "gu36-peer0"
            }
            """);
        return StartHost(Peer, main, AppendPeer);
    }

    private void AppendPeer(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_peerLog)
        {
            _peerLog.AppendLine(line);
        }
    }

    private void DisposePeer()
    {
        if (!_peer.HasExited)
        {
            _peer.Kill(entireProcessTree: true);
            _peer.WaitForExit(TimeSpan.FromSeconds(5));
        }

        _peer.Dispose();
    }
}
