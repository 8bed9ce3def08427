using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>
/// Two network namespaces us-a-* and us-b-* joined by a veth pair (192.0.2.1 / 192.0.2.2), each running a
/// <see cref="UserspaceKernelIpsec"/> with TUN ipsec1 (if_id 1, inner 10.99.0.1 / 10.99.0.2) and a static
/// AES-GCM SA pair with policies, UDP-encapsulated on 4500 both ways. Deleted on dispose.
/// Shared by the netns tests and the throughput benchmark (bench/Concentrator.Benchmarks links this file),
/// which swaps the cipher through the <c>customizeSa</c> hook.
/// </summary>
internal sealed class NetnsPair : IAsyncDisposable
{
    public const uint IfId = 1;
    public const uint Reqid = 0x4000_0010;
    public const uint SpiAtoB = 0xC000_0AB0;
    public const uint SpiBtoA = 0xC000_0BA0;
    public static readonly IPAddress InnerA6 = IPAddress.Parse("fd00:99::1");
    public static readonly IPAddress InnerB6 = IPAddress.Parse("fd00:99::2");
    public static readonly IPAddress InnerA = IPAddress.Parse("10.99.0.1");
    public static readonly IPAddress InnerB = IPAddress.Parse("10.99.0.2");
    public static readonly byte[] KeyAtoB = Convert.FromHexString("0102030405060708090a0b0c0d0e0f10" + "11121314");
    public static readonly byte[] KeyBtoA = Convert.FromHexString("2122232425262728292a2b2c2d2e2f30" + "31323334");

    private NetnsPair(string suffix, bool outerV6)
    {
        OuterA = IPAddress.Parse(outerV6 ? "2001:db8::1" : "192.0.2.1");
        OuterB = IPAddress.Parse(outerV6 ? "2001:db8::2" : "192.0.2.2");
        NsA = "us-a-" + suffix;
        NsB = "us-b-" + suffix;
        VethA = "us-va-" + suffix;
        VethB = "us-vb-" + suffix;
    }

    /// <summary>UDP encapsulation (RFC 3948) on the SAs; false = plain ESP, IP protocol 50.</summary>
    public bool Udp { get; private init; } = true;

    private Func<SaRequest, SaRequest> _customizeSa = sa => sa;

    public IPAddress OuterA { get; }
    public IPAddress OuterB { get; }
    public string NsA { get; }
    public string NsB { get; }
    public string VethA { get; }
    public string VethB { get; }
    public string PathA => "/var/run/netns/" + NsA;
    public string PathB => "/var/run/netns/" + NsB;
    public UserspaceKernelIpsec A { get; private set; } = null!;
    public UserspaceKernelIpsec B { get; private set; } = null!;
    public List<(byte[] Message, EndPoint From)> IkeAtB { get; } = [];

    /// <summary>Dataplane-wide counters of both sides, for a benchmark's log.</summary>
    public string Counters => $"A: {A?.Counters}; B: {B?.Counters}";

    /// <summary>The SA request of one direction; the replay window is left to the dataplane's default (128).</summary>
    public static SaRequest Sa(IPAddress src, IPAddress dst, uint spi, byte[] key, bool udp = true) => new(src, dst, spi, Reqid)
    {
        Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128),
        Encapsulation = udp ? new UdpEncapsulation(4500, 4500) : null,
        IfId = IfId,
    };

    public SaId IdAtoB => Sa(OuterA, OuterB, SpiAtoB, KeyAtoB).Id;

    /// <param name="customizeSa">Applied to each of the four SA requests before install (another cipher, window ...).</param>
    public static async Task<NetnsPair> CreateAsync(SaLifetime? lifetimeAtoB = null, bool outerV6 = false, bool udp = true, Func<SaRequest, SaRequest>? customizeSa = null)
    {
        var pair = new NetnsPair(Guid.NewGuid().ToString("N")[..6], outerV6) { Udp = udp, _customizeSa = customizeSa ?? (sa => sa) };
        try
        {
            await pair.SetUpAsync(lifetimeAtoB ?? SaLifetime.Infinite);
            return pair;
        }
        catch
        {
            await pair.DisposeAsync();
            throw;
        }
    }

    public static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardError = true, RedirectStandardOutput = true };
        foreach (var a in args)
        {
            psi.ArgumentList.Add(a);
        }

        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        if (p.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)}: exit {p.ExitCode}: {stderr.Result}{stdout.Result}");
        }

        return stdout.Result;
    }

    /// <summary>Runs `ping -c count` from A to B's inner address; returns how many replies came back.</summary>
    public int Ping(int count = 3, string? ns = null, IPAddress? to = null)
    {
        var psi = new ProcessStartInfo("ip", ["netns", "exec", ns ?? NsA, "ping", (to ?? InnerB).AddressFamily == AddressFamily.InterNetworkV6 ? "-6" : "-4", "-n", "-q", "-c", count.ToString(System.Globalization.CultureInfo.InvariantCulture), "-i", "0.2", "-W", "3", (to ?? InnerB).ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var p = Process.Start(psi)!;
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        var m = System.Text.RegularExpressions.Regex.Match(output, @"(\d+) received");
        return m.Success ? int.Parse(m.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) : -1;
    }

    /// <summary>A UDP socket inside namespace A bound to 192.0.2.1:&lt;port&gt;, to inject datagrams at B's port 4500.</summary>
    public Socket InjectorInA(int port = 40_000) => NetworkNamespace.Run(PathA, () =>
    {
        var s = new Socket(OuterA.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        s.Bind(new IPEndPoint(OuterA, port));
        return s;
    });

    public async ValueTask DisposeAsync()
    {
        if (A is not null)
        {
            await A.DisposeAsync();
        }

        if (B is not null)
        {
            await B.DisposeAsync();
        }

        foreach (var ns in new[] { NsA, NsB })
        {
            try
            {
                Run("ip", "netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
                // Already gone (set-up failed before creating it).
            }
        }
    }

    private async Task SetUpAsync(SaLifetime lifetimeAtoB)
    {
        Run("ip", "netns", "add", NsA);
        Run("ip", "netns", "add", NsB);
        foreach (var ns in new[] { NsA, NsB })
        {
            // No router solicitations or DAD on the fresh links: only the test's packets cross them.
            Run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv6.conf.default.accept_dad=0");
        }

        Run("ip", "link", "add", VethA, "netns", NsA, "type", "veth", "peer", "name", VethB, "netns", NsB);
        // nodad: the addresses are usable at once instead of after duplicate address detection.
        Run("ip", "-n", NsA, "addr", "add", $"{OuterA}/{(OuterA.AddressFamily == AddressFamily.InterNetworkV6 ? 64 : 24)}", "dev", VethA, "nodad");
        Run("ip", "-n", NsB, "addr", "add", $"{OuterB}/{(OuterB.AddressFamily == AddressFamily.InterNetworkV6 ? 64 : 24)}", "dev", VethB, "nodad");
        foreach (var (ns, dev) in new[] { (NsA, VethA), (NsB, VethB) })
        {
            Run("ip", "-n", ns, "link", "set", dev, "up");
            Run("ip", "-n", ns, "link", "set", "lo", "up");
            Run("ip", "netns", "exec", ns, "sysctl", "-q", "-w", "net.ipv4.conf.all.rp_filter=0");
        }

        A = new UserspaceKernelIpsec(new UserspaceIpsecOptions { NetworkNamespacePath = PathA, UdpEndPoint = new IPEndPoint(OuterA, 4500) });
        B = new UserspaceKernelIpsec(new UserspaceIpsecOptions
        {
            NetworkNamespacePath = PathB,
            UdpEndPoint = new IPEndPoint(OuterB, 4500),
            IkeReceived = (m, from, _) =>
            {
                lock (IkeAtB)
                {
                    IkeAtB.Add((m.ToArray(), from));
                }
            },
        });
        await SideAsync(A, OuterA, OuterB, InnerA, InnerB, InnerA6, InnerB6, SpiAtoB, KeyAtoB, SpiBtoA, KeyBtoA, lifetimeAtoB);
        await SideAsync(B, OuterB, OuterA, InnerB, InnerA, InnerB6, InnerA6, SpiBtoA, KeyBtoA, SpiAtoB, KeyAtoB, SaLifetime.Infinite);
    }

    private async Task SideAsync(UserspaceKernelIpsec k, IPAddress me, IPAddress peer, IPAddress innerMe, IPAddress innerPeer, IPAddress innerMe6, IPAddress innerPeer6, uint outSpi, byte[] outKey, uint inSpi, byte[] inKey, SaLifetime outLifetime)
    {
        int index = await k.CreateInterfaceAsync(new InterfaceRequest("ipsec1", IfId, 0) { Mtu = 1400 });
        await k.AddAddressAsync(new AddressRequest(innerMe, 32, index));
        await k.AddRouteAsync(new RouteRequest(new IPNetwork(innerPeer, 32), index));
        await k.AddAddressAsync(new AddressRequest(innerMe6, 128, index));
        await k.AddRouteAsync(new RouteRequest(new IPNetwork(innerPeer6, 128), index));
        await k.AddSaAsync(_customizeSa(Sa(me, peer, outSpi, outKey, Udp) with { Lifetime = outLifetime }));
        await k.AddSaAsync(_customizeSa(Sa(peer, me, inSpi, inKey, Udp)));
        var outSel = new TrafficSelector(new IPNetwork(innerMe, 32), new IPNetwork(innerPeer, 32));
        var inSel = new TrafficSelector(new IPNetwork(innerPeer, 32), new IPNetwork(innerMe, 32));
        await k.AddPolicyAsync(new PolicyRequest(outSel, PolicyDirection.Out, [new PolicyTemplate(me, peer, Reqid)]) { IfId = IfId });
        await k.AddPolicyAsync(new PolicyRequest(inSel, PolicyDirection.In, [new PolicyTemplate(peer, me, Reqid)]) { IfId = IfId });
        // The same CHILD SA also carries IPv6 inside (RFC 7296 allows selectors of both families).
        var outSel6 = new TrafficSelector(new IPNetwork(innerMe6, 128), new IPNetwork(innerPeer6, 128));
        var inSel6 = new TrafficSelector(new IPNetwork(innerPeer6, 128), new IPNetwork(innerMe6, 128));
        await k.AddPolicyAsync(new PolicyRequest(outSel6, PolicyDirection.Out, [new PolicyTemplate(me, peer, Reqid)]) { IfId = IfId });
        await k.AddPolicyAsync(new PolicyRequest(inSel6, PolicyDirection.In, [new PolicyTemplate(peer, me, Reqid)]) { IfId = IfId });
    }
}
