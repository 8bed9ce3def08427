using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.NetnsPair;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// The userspace dataplane for real: two namespaces, TUN ipsec1 on each side, ESP in UDP 4500 over a veth.
/// Needs root (network namespaces, TUN); runs for real in CI.
/// </summary>
[Collection("userspace-netns")]
public class UserspaceNetnsTests
{
    [Theory]
    [InlineData(true, @"192\.0\.2\.\d\.4500 > 192\.0\.2\.\d\.4500: UDP-encap: ESP\(spi=0xc0000(ab|ba)0")]
    [InlineData(false, @"192\.0\.2\.\d > 192\.0\.2\.\d: ESP\(spi=0xc0000(ab|ba)0")]
    public async Task Ping_ThroughTunnel_RepliesAndWireCarriesOnlyEsp(bool udp, string wire)
    {
        await using var pair = await CreateAsync(udp: udp);
        var psi = new ProcessStartInfo("ip", ["netns", "exec", pair.NsA, "tcpdump", "-i", pair.VethA, "-n", "-l", "-U", "ip"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var tcpdump = Process.Start(psi)!;
        var lines = new List<string>();
        tcpdump.OutputDataReceived += (_, e) =>
        {
            if (e.Data is { } l)
            {
                lock (lines)
                {
                    lines.Add(l);
                }
            }
        };
        tcpdump.BeginOutputReadLine();
        await Task.Delay(1000); // tcpdump attaches

        int replies = pair.Ping(5);
        await Task.Delay(500);
        tcpdump.Kill();
        await tcpdump.WaitForExitAsync();

        Assert.True(replies == 5, $"{replies}/5 replies; A: {pair.A.Counters}; B: {pair.B.Counters}");
        lock (lines)
        {
            Assert.True(lines.Count >= 10, string.Join('\n', lines));
            Assert.All(lines, l => Assert.Matches(wire, l));
        }

        var counters = await pair.A.QuerySaAsync(pair.IdAtoB);
        Assert.Equal(5UL, counters.Packets);
        Assert.NotNull(counters.LastUsed);
    }

    [Fact]
    public async Task TcpTransfer_OneMegabyte_ArrivesIntact()
    {
        await using var pair = await CreateAsync();
        using var listener = NetworkNamespace.Run(pair.PathB, () =>
        {
            var l = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            l.Bind(new IPEndPoint(InnerB, 5001));
            l.Listen(1);
            return l;
        });
        using var client = NetworkNamespace.Run(pair.PathA, () => new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp));
        var data = new byte[1 << 20];
        Random.Shared.NextBytes(data);

        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var accept = listener.AcceptAsync(cts.Token);
        await client.ConnectAsync(new IPEndPoint(InnerB, 5001), cts.Token);
        using var server = await accept;
        var send = Task.Run(async () =>
        {
            await client.SendAsync(data, SocketFlags.None, cts.Token);
            client.Shutdown(SocketShutdown.Send);
        });
        var received = new MemoryStream();
        var buf = new byte[65536];
        int n;
        while ((n = await server.ReceiveAsync(buf, SocketFlags.None, cts.Token)) > 0)
        {
            received.Write(buf, 0, n);
        }

        await send;
        Assert.Equal(data, received.ToArray());
    }

    [Fact]
    public async Task Inject_ReplayWrongKeyAndGarbage_DroppedCountedAndIkeStillDelivered()
    {
        await using var pair = await CreateAsync();
        Assert.Equal(1, pair.Ping(1));
        using var inject = pair.InjectorInA();
        var (outerA, outerB) = (pair.OuterA, pair.OuterB);
        var b4500 = new IPEndPoint(outerB, 4500);
        var inB = Sa(outerA, outerB, SpiAtoB, KeyAtoB).Id;

        // A replay: our own sender's SA state, rewound to sequence number 1 (already received by B).
        using (var replay = new EspSa(Sa(outerA, outerB, SpiAtoB, KeyAtoB), EspTransform.Create(Sa(outerA, outerB, SpiAtoB, KeyAtoB)), 0))
        {
            inject.SendTo(Seal(replay, 0), b4500);
        }

        // A wrong key, a flipped ICV bit, a truncated packet, an unknown SPI, an oversized inner packet.
        var wrongKey = (byte[])KeyAtoB.Clone();
        wrongKey[0] ^= 0x55;
        using (var forger = new EspSa(Sa(outerA, outerB, SpiAtoB, wrongKey), EspTransform.Create(Sa(outerA, outerB, SpiAtoB, wrongKey)), 0))
        {
            inject.SendTo(Seal(forger, 1000), b4500);
        }

        using (var honest = new EspSa(Sa(outerA, outerB, SpiAtoB, KeyAtoB), EspTransform.Create(Sa(outerA, outerB, SpiAtoB, KeyAtoB)), 0))
        {
            var flipped = Seal(honest, 2000);
            flipped[^3] ^= 1;
            inject.SendTo(flipped, b4500);
            inject.SendTo(Seal(honest, 3000)[..12], b4500);
            // Valid crypto, so it moves B's window: keep it within 128 of A's real sequence numbers.
            inject.SendTo(Seal(honest, 99, innerLength: 4000), b4500);
        }

        var unknown = new byte[100];
        Random.Shared.NextBytes(unknown);
        unknown[0] = 0xDE;
        inject.SendTo(unknown, b4500);

        // A flood of garbage, a keepalive, and finally an IKE message behind the non-ESP marker.
        var rnd = new Random(7);
        for (int i = 0; i < 2000; i++)
        {
            var g = new byte[rnd.Next(1, 1500)];
            rnd.NextBytes(g);
            g[0] |= 0x80; // never the non-ESP marker
            inject.SendTo(g, b4500);
        }

        inject.SendTo(new byte[] { 0xFF }, b4500);
        inject.SendTo("\0\0\0\0hello IKE"u8.ToArray(), b4500);

        var deadline = DateTime.UtcNow.AddSeconds(10);
        while (DateTime.UtcNow < deadline && pair.IkeAtB.Count == 0)
        {
            await Task.Delay(50);
        }

        lock (pair.IkeAtB)
        {
            Assert.Single(pair.IkeAtB);
            Assert.Equal("hello IKE"u8.ToArray(), pair.IkeAtB[0].Message);
            Assert.Equal(new IPEndPoint(outerA, 40_000), pair.IkeAtB[0].From);
        }

        Assert.True(pair.B.QuerySaDrops(inB, EspDrop.Replay) >= 1, pair.B.Counters.ToString());
        Assert.True(pair.B.QuerySaDrops(inB, EspDrop.BadIcv) >= 2, pair.B.Counters.ToString());
        Assert.True(pair.B.QuerySaDrops(inB, EspDrop.Truncated) >= 1, pair.B.Counters.ToString());
        Assert.True(pair.B.Counters[EspDrop.Oversized] >= 1, pair.B.Counters.ToString());
        Assert.True(pair.B.Counters[EspDrop.NoSa] >= 1000, pair.B.Counters.ToString());
        Assert.Equal(1, pair.B.Counters.Keepalives);
        Assert.Equal(2, pair.Ping(2));
    }

    [Fact]
    public async Task HardPacketLifetime_Reached_StopsTrafficAndRaisesHardExpire()
    {
        await using var pair = await CreateAsync(new SaLifetime(SoftPackets: 2, HardPackets: 4));

        Assert.Equal(3, pair.Ping(3));
        Assert.Equal(1, pair.Ping(3)); // the 4th packet is the last the SA may carry

        var events = new List<SaExpiredEvent>();
        while (pair.A.Events.TryRead(out var e))
        {
            if (e is AcquireEvent)
            {
                // The policy outlives the hard-expired state: the packets after it ask for a new one, as the kernel does.
                continue;
            }

            events.Add(Assert.IsType<SaExpiredEvent>(e));
        }

        Assert.Equal([false, true], events.Select(e => e.Hard));
        Assert.All(events, e => Assert.Equal(SpiAtoB, e.Sa.Spi));
        Assert.Equal(4UL, events[1].Counters.Packets);
        await Assert.ThrowsAsync<KernelException>(async () => await pair.A.QuerySaAsync(pair.IdAtoB));
        Assert.True(pair.A.Counters[EspDrop.NoSa] + pair.A.Counters[EspDrop.Expired] >= 1, pair.A.Counters.ToString());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Ping_InnerIpv6AndOuterOfEitherFamily_Replies(bool outerV6)
    {
        await using var pair = await CreateAsync(outerV6: outerV6);

        int v4 = pair.Ping(3);
        int v6 = pair.Ping(3, to: InnerB6);

        Assert.True(v4 == 3 && v6 == 3, $"v4 {v4}/3, v6 {v6}/3; A: {pair.A.Counters}; B: {pair.B.Counters}");
        Assert.Equal(6UL, (await pair.B.QuerySaAsync(pair.IdAtoB)).Packets);
    }

    private static byte[] Seal(EspSa sa, ulong sequenceBefore, int innerLength = 84)
    {
        sa.OutboundSequence = sequenceBefore;
        var buffer = new byte[innerLength + 256];
        EspTestSas.Ipv4Packet("10.99.0.1", "10.99.0.2", innerLength).CopyTo(buffer, EspCodec.PayloadOffset(sa));
        int n = EspCodec.Encapsulate(sa, buffer, innerLength, 0, out var drop);
        Assert.True(n > 0, drop.ToString());
        return buffer[..n];
    }
}
