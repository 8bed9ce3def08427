using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// The userspace dataplane with several NAT-T endpoints (one per listen address): one socket each, IPv6 ones
/// IPv6-only, IKE answered from the socket it came in on, ESP of an outbound SA sent from the socket bound to the
/// SA's source address. Loopback, no devices.
/// </summary>
public class NatTSocketPerAddressTests
{
    private static readonly byte[] Key = new byte[36];

    private static SaRequest Outbound(IPAddress source, IPAddress destination, uint spi) =>
        new(source, destination, spi, 7) { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, Key, 128), Encapsulation = new UdpEncapsulation(4500, 4500) };

    [Fact]
    public async Task Construct_WildcardsOfBothFamiliesOnOnePort_BindsTwoSocketsIpv6Only()
    {
        int port = FreeOnBothFamilies(IPAddress.Any, IPAddress.IPv6Any);

        await using var k = new UserspaceKernelIpsec(new UserspaceIpsecOptions
        {
            UdpEndPoints = [new(IPAddress.Any, port), new(IPAddress.IPv6Any, port)],
            RawEsp = false,
        });

        Assert.Equal([new IPEndPoint(IPAddress.Any, port), new IPEndPoint(IPAddress.IPv6Any, port)], k.Sockets.Select(s => s.LocalEndPoint));
        Assert.Equal([AddressFamily.InterNetwork, AddressFamily.InterNetworkV6], k.Sockets.Select(s => s.AddressFamily));
    }

    [Fact]
    public async Task AddSa_OutboundEncapsulated_SendsFromTheSocketBoundToItsSource()
    {
        await using var k = new UserspaceKernelIpsec(new UserspaceIpsecOptions
        {
            UdpEndPoints = [new(IPAddress.Loopback, 0), new(IPAddress.IPv6Loopback, 0)],
            RawEsp = false,
        });
        var v4 = Outbound(IPAddress.Loopback, IPAddress.Parse("192.0.2.9"), 0x4444);
        var v6 = Outbound(IPAddress.IPv6Loopback, IPAddress.Parse("2001:db8::9"), 0x6666);

        await k.AddSaAsync(v4);
        await k.AddSaAsync(v6);

        Assert.Same(k.Sockets[0], k.Dataplane.Sas.Find(v4.Id)!.UdpSocket);
        Assert.Same(k.Sockets[1], k.Dataplane.Sas.Find(v6.Id)!.UdpSocket);
    }

    [Fact]
    public async Task IkeOnIpv6Socket_ReceivedWithItsLocalAndAnsweredFromIt()
    {
        var received = new BlockingCollection<(byte[] Message, IPEndPoint Remote, IPEndPoint Local)>();
        await using var k = new UserspaceKernelIpsec(new UserspaceIpsecOptions
        {
            UdpEndPoints = [new(IPAddress.Loopback, 0), new(IPAddress.IPv6Loopback, 0)],
            RawEsp = false,
            IkeReceived = (m, remote, local) => received.Add((m.ToArray(), remote, local)),
        });
        var natTv6 = k.Sockets[1].LocalEndPoint;
        using var client = new UdpClient(new IPEndPoint(IPAddress.IPv6Loopback, 0));
        client.Client.ReceiveTimeout = 3000;
        byte[] ike = [0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88];

        client.Send([0, 0, 0, 0, .. ike], natTv6);
        Assert.True(received.TryTake(out var got, TimeSpan.FromSeconds(3)), "no IKE message reached the handler");
        k.SendIke(got.Local, got.Remote, got.Message);
        var from = new IPEndPoint(IPAddress.IPv6Any, 0);
        var answer = client.Receive(ref from);

        Assert.Equal(ike, got.Message);
        Assert.Equal(natTv6, got.Local);
        Assert.Equal((IPEndPoint)client.Client.LocalEndPoint!, got.Remote);
        // RFC 3948 section 2.2: IKE on the NAT-T port is preceded by the non-ESP marker.
        Assert.Equal([0, 0, 0, 0, .. ike], answer);
        Assert.Equal(natTv6, from);
    }

    /// <summary>A UDP port free on <paramref name="v4"/> and <paramref name="v6"/> (IPv6-only) a moment ago.</summary>
    private static int FreeOnBothFamilies(IPAddress v4, IPAddress v6)
    {
        for (int attempt = 0; ; attempt++)
        {
            using var a = new Socket(AddressFamily.InterNetwork, SocketType.Dgram, ProtocolType.Udp);
            a.Bind(new IPEndPoint(v4, 0));
            int port = ((IPEndPoint)a.LocalEndPoint!).Port;
            using var b = new Socket(AddressFamily.InterNetworkV6, SocketType.Dgram, ProtocolType.Udp) { DualMode = false };
            try
            {
                b.Bind(new IPEndPoint(v6, port));
                return port;
            }
            catch (SocketException) when (attempt < 20)
            {
            }
        }
    }
}
