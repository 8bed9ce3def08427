using System.Diagnostics;
using System.Net;
using Concentrator.Kernel;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>
/// Two namespaces (us-bench-a/b-*) joined by a veth (192.0.2.1 / 192.0.2.2), each running the userspace
/// dataplane with TUN ipsec1 (inner 10.99.0.1 / 10.99.0.2) and a static SA pair of the given cipher in UDP 4500.
/// </summary>
internal sealed class TunnelPair : IAsyncDisposable
{
    public static readonly IPAddress InnerB = IPAddress.Parse("10.99.0.2");
    public static readonly IPAddress OuterB = IPAddress.Parse("192.0.2.2");
    private static readonly IPAddress OuterA = IPAddress.Parse("192.0.2.1");
    private static readonly IPAddress InnerA = IPAddress.Parse("10.99.0.1");
    private UserspaceKernelIpsec? _a;
    private UserspaceKernelIpsec? _b;

    private TunnelPair(string suffix)
    {
        NsA = "us-bench-a-" + suffix;
        NsB = "us-bench-b-" + suffix;
    }

    public string NsA { get; }

    public string NsB { get; }

    public string Counters => $"A: {_a?.Counters}; B: {_b?.Counters}";

    public static async Task<TunnelPair> CreateAsync(EspCipher cipher)
    {
        var pair = new TunnelPair(Guid.NewGuid().ToString("N")[..4]);
        try
        {
            Run("ip", "netns", "add", pair.NsA);
            Run("ip", "netns", "add", pair.NsB);
            Run("ip", "link", "add", "us-bva", "netns", pair.NsA, "type", "veth", "peer", "name", "us-bvb", "netns", pair.NsB);
            Run("ip", "-n", pair.NsA, "addr", "add", "192.0.2.1/24", "dev", "us-bva");
            Run("ip", "-n", pair.NsB, "addr", "add", "192.0.2.2/24", "dev", "us-bvb");
            foreach (var (ns, dev) in new[] { (pair.NsA, "us-bva"), (pair.NsB, "us-bvb") })
            {
                Run("ip", "-n", ns, "link", "set", dev, "up");
                Run("ip", "-n", ns, "link", "set", "lo", "up");
            }

            pair._a = new UserspaceKernelIpsec(new UserspaceIpsecOptions { NetworkNamespacePath = "/var/run/netns/" + pair.NsA, UdpEndPoint = new IPEndPoint(OuterA, 4500) });
            pair._b = new UserspaceKernelIpsec(new UserspaceIpsecOptions { NetworkNamespacePath = "/var/run/netns/" + pair.NsB, UdpEndPoint = new IPEndPoint(OuterB, 4500) });
            await Side(pair._a, cipher, OuterA, OuterB, InnerA, InnerB, 0xC000_0AB0, 0xC000_0BA0);
            await Side(pair._b, cipher, OuterB, OuterA, InnerB, InnerA, 0xC000_0BA0, 0xC000_0AB0);
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
        return p.ExitCode == 0 ? stdout.Result : throw new InvalidOperationException($"{file} {string.Join(' ', args)}: {stderr.Result}");
    }

    public async ValueTask DisposeAsync()
    {
        if (_a is not null)
        {
            await _a.DisposeAsync();
        }

        if (_b is not null)
        {
            await _b.DisposeAsync();
        }

        foreach (var ns in new[] { NsA, NsB })
        {
            try
            {
                Run("ip", "netns", "del", ns);
            }
            catch (InvalidOperationException)
            {
                // Never created.
            }
        }
    }

    private static SaRequest Sa(EspCipher cipher, IPAddress src, IPAddress dst, uint spi)
    {
        var key = new byte[36];
        key[0] = (byte)spi;
        var sa = new SaRequest(src, dst, spi, 0x4000_0010) { Encapsulation = new UdpEncapsulation(4500, 4500), IfId = 1, ReplayWindow = 1024 };
        return cipher switch
        {
            EspCipher.AesGcm128 => sa with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key.AsMemory(0, 20), 128) },
            EspCipher.AesGcm256 => sa with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128) },
            EspCipher.ChaCha20Poly1305 => sa with { Aead = new AeadAlgorithm(AeadAlgorithm.ChaCha20Poly1305, key, 128) },
            _ => sa with
            {
                Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, key.AsMemory(0, 16)),
                Integrity = new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha256, key.AsMemory(0, 32), 128),
            },
        };
    }

    private static async Task Side(UserspaceKernelIpsec k, EspCipher cipher, IPAddress me, IPAddress peer, IPAddress innerMe, IPAddress innerPeer, uint outSpi, uint inSpi)
    {
        int index = await k.CreateInterfaceAsync(new InterfaceRequest("ipsec1", 1, 0) { Mtu = 1400 });
        await k.AddAddressAsync(new AddressRequest(innerMe, 32, index));
        await k.AddRouteAsync(new RouteRequest(new IPNetwork(innerPeer, 32), index));
        await k.AddSaAsync(Sa(cipher, me, peer, outSpi));
        await k.AddSaAsync(Sa(cipher, peer, me, inSpi));
        var any = new IPNetwork(IPAddress.Any, 0);
        await k.AddPolicyAsync(new PolicyRequest(new TrafficSelector(any, new IPNetwork(innerPeer, 32)), PolicyDirection.Out, [new PolicyTemplate(me, peer, 0x4000_0010)]) { IfId = 1 });
        await k.AddPolicyAsync(new PolicyRequest(new TrafficSelector(new IPNetwork(innerPeer, 32), any), PolicyDirection.In, [new PolicyTemplate(peer, me, 0x4000_0010)]) { IfId = 1 });
    }
}
