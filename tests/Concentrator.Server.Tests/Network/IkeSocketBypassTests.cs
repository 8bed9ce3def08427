using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Tests.Netns;
using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

/// <summary>
/// The host-to-host trap (a CHILD SA whose selectors are the peers' own outer addresses, 192.0.2.1/32 ↔
/// 192.0.2.2/32): its XFRM policies would capture the IKE datagrams themselves. Two real network namespaces joined
/// by a veth; the gateway's holds exactly those policies (ESP, tunnel mode, no state behind them). Needs root.
/// </summary>
public sealed class IkeSocketBypassTests : TestKit, IDisposable
{
    private static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress Client = IPAddress.Parse("192.0.2.2");
    private readonly TestNamespace _gw = new();
    private readonly TestNamespace _client = new();

    public IkeSocketBypassTests()
    {
        TestNamespace.Run("ip", $"link add bypass0 netns {_gw.Name} type veth peer name bypass1 netns {_client.Name}");
        _gw.Ip("addr add 192.0.2.1/24 dev bypass0");
        _gw.Ip("link set bypass0 up");
        _client.Ip("addr add 192.0.2.2/24 dev bypass1");
        _client.Ip("link set bypass1 up");
        _gw.Ip("xfrm policy add src 192.0.2.1/32 dst 192.0.2.2/32 dir out tmpl src 192.0.2.1 dst 192.0.2.2 proto esp mode tunnel");
        _gw.Ip("xfrm policy add src 192.0.2.2/32 dst 192.0.2.1/32 dir in tmpl src 192.0.2.2 dst 192.0.2.1 proto esp mode tunnel");
    }

    private static Socket UdpIn(TestNamespace ns, IPAddress address)
    {
        var socket = NetworkNamespace.Run(ns.Path, () => new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp));
        socket.Bind(new IPEndPoint(address, 0));
        socket.ReceiveTimeout = 1500;
        return socket;
    }

    private static bool Arrives(Socket from, Socket to, byte[] message)
    {
        try
        {
            from.SendTo(message, to.LocalEndPoint!);
        }
        catch (SocketException)
        {
            // No state for the policy's template: the kernel refuses the send outright (larval drop).
            return false;
        }

        try
        {
            var buffer = new byte[2048];
            return to.Receive(buffer) == message.Length;
        }
        catch (SocketException e) when (e.SocketErrorCode is SocketError.TimedOut or SocketError.WouldBlock)
        {
            return false;
        }
    }

    [Fact]
    public void PlainSocket_HostToHostPolicies_DatagramsCapturedBothWays()
    {
        using var gateway = UdpIn(_gw, Gateway);
        using var client = UdpIn(_client, Client);

        // The control: without the bypass, the trap is real in this kernel, outbound and inbound.
        Assert.False(Arrives(gateway, client, IkeBytes.Message(1, 0, bodyLength: 40)));
        Assert.False(Arrives(client, gateway, IkeBytes.Message(2, 0, bodyLength: 40)));
    }

    [Fact]
    public void BypassedSocket_HostToHostPolicies_DatagramsPassBothWays()
    {
        using var gateway = UdpIn(_gw, Gateway);
        using var client = UdpIn(_client, Client);

        SocketPolicyBypass.Apply(gateway);

        Assert.True(Arrives(gateway, client, IkeBytes.Message(1, 0, bodyLength: 40)));
        Assert.True(Arrives(client, gateway, IkeBytes.Message(2, 0, bodyLength: 40)));
    }

    [Fact]
    public void IkeSocketActor_HostToHostPolicies_IkeSaInitReceivedAndAnswered()
    {
        var dispatcher = CreateTestProbe();
        var options = new IkeSocketOptions([Gateway], 0, 0)
        {
            KernelEspInUdp = true,
            SocketFactory = family => NetworkNamespace.Run(_gw.Path, () => new Socket(family, SocketType.Dgram, ProtocolType.Udp)),
        };
        var actor = Sys.ActorOf(IkeSocketActor.Props(options, new SpiTable(), dispatcher.Ref));
        actor.Tell(GetSocketStats.Instance);
        var ike = ExpectMsg<SocketStats>().Bound.Single(b => !b.NatT).Local;
        using var client = UdpIn(_client, Client);
        byte[] init = IkeBytes.Message(0x0102030405060708, 0, bodyLength: 100);

        client.SendTo(init, ike);
        var request = dispatcher.ExpectMsg<NewSa>(TimeSpan.FromSeconds(3)).Datagram;
        byte[] answer = IkeBytes.Message(0x0102030405060708, 0x1112131415161718, bodyLength: 80);
        actor.Tell(new SendIke(request.Local, request.Remote, answer));

        var buffer = new byte[2048];
        Assert.Equal(answer.Length, client.Receive(buffer));
        Assert.Equal(answer, buffer[..answer.Length]);
    }

    void IDisposable.Dispose()
    {
        _gw.Dispose();
        _client.Dispose();
        Shutdown();
    }
}
