using System.Globalization;
using System.Net;
using Concentrator.Kernel;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Benchmarks.Userspace;

/// <summary>
/// Managed bytes the userspace dataplane keeps per installed CHILD SA (issue 6): installs N road-warrior CHILD
/// SAs shaped like <c>ChildSaKernelRequests.Install</c> makes them (an inbound and an outbound AES-GCM-256 state,
/// UDP-encapsulated, if_id 1, and out/in/fwd policies between 0.0.0.0/0 and the client's virtual IP /32) into a
/// <see cref="UserspaceKernelIpsec"/> with a UDP socket on loopback and no TUN device, and reports the growth of
/// <see cref="GC.GetTotalMemory(bool)"/> (full collection) per CHILD SA. Two numbers:
/// <list type="bullet">
/// <item>"kept": the caller drops its requests after installing, so everything still reachable is held by the
/// dataplane (requests and keys included, if it keeps them);</item>
/// <item>"marginal": the caller keeps its requests too (as the IKE SA actor does), so only what the dataplane
/// adds on top of them is counted.</item>
/// </list>
/// <code>
/// dotnet bench/Concentrator.Benchmarks/bin/Release/net10.0/Concentrator.Benchmarks.dll --userspace-sa-memory [--n 10000] [--hold SECONDS]
/// </code>
/// </summary>
internal static class UserspaceSaMemory
{
    public const string Switch = "--userspace-sa-memory";

    private static readonly IPAddress Local = IPAddress.Parse("192.0.2.1");

    public static int Run(string[] args)
    {
        int at = Array.IndexOf(args, "--n");
        int n = at >= 0 && at + 1 < args.Length ? int.Parse(args[at + 1], CultureInfo.InvariantCulture) : 10_000;
        int hold = Array.IndexOf(args, "--hold");
        int holdSeconds = hold >= 0 && hold + 1 < args.Length ? int.Parse(args[hold + 1], CultureInfo.InvariantCulture) : 0;
        double kept = Measure(n, keepRequests: false, holdSeconds);
        double marginal = Measure(n, keepRequests: true, 0);
        Console.WriteLine($"userspace dataplane, {n} CHILD SAs (2 SAs + 3 policies each, AES-GCM-256, UDP-encap, if_id 1):");
        Console.WriteLine($"  kept by the dataplane (caller drops its requests): {kept:F0} B per CHILD SA");
        Console.WriteLine($"  marginal (caller keeps its requests):              {marginal:F0} B per CHILD SA");
        return 0;
    }

    private static double Measure(int n, bool keepRequests, int holdSeconds)
    {
        var options = new UserspaceIpsecOptions
        {
            UdpEndPoint = new IPEndPoint(IPAddress.Loopback, 0),
            RawEsp = false,
            LocalAddresses = [Local],
        };
        var kernel = new UserspaceKernelIpsec(options);
        try
        {
            // Warm the tables and the JIT with one CHILD SA outside the count, so first-use allocations
            // (dictionary buckets of the first entries, statics) are not charged to the N.
            Install(kernel, Child(n), held: null);
            var held = keepRequests ? new List<(SaRequest[], PolicyRequest[])>(n) : null;
            var children = new (SaRequest[] Sas, PolicyRequest[] Policies)[keepRequests ? n : 0];
            for (int i = 0; i < children.Length; i++)
            {
                children[i] = Child(i);
            }

            // "marginal": the requests exist before the first reading and after the last, so only what the dataplane
            // adds is counted. "kept": each request is made after the first reading and dropped by the caller right
            // after its install, so whatever of it is still reachable at the end is held by the dataplane.
            long before = Total();
            for (int i = 0; i < n; i++)
            {
                Install(kernel, keepRequests ? children[i] : Child(i), held);
            }

            long after = Total();
            if (holdSeconds > 0)
            {
                // Time to take a heap snapshot (dotnet-gcdump collect -p PID) of the installed state.
                Console.WriteLine($"holding {holdSeconds} s, pid {Environment.ProcessId}");
                Thread.Sleep(TimeSpan.FromSeconds(holdSeconds));
            }

            GC.KeepAlive(held);
            GC.KeepAlive(children);
            if (kernel.Dataplane.Sas.Count != (2 * n) + 2 || kernel.Dataplane.Policies.Count != (3 * n) + 3)
            {
                throw new InvalidOperationException("not every SA or policy was installed");
            }

            return (after - before) / (double)n;
        }
        finally
        {
            kernel.DisposeAsync().AsTask().GetAwaiter().GetResult();
        }
    }

    private static void Install(UserspaceKernelIpsec kernel, (SaRequest[] Sas, PolicyRequest[] Policies) child, List<(SaRequest[], PolicyRequest[])>? held)
    {
        foreach (var sa in child.Sas)
        {
            kernel.AddSaAsync(sa).AsTask().GetAwaiter().GetResult();
        }

        foreach (var p in child.Policies)
        {
            kernel.AddPolicyAsync(p).AsTask().GetAwaiter().GetResult();
        }

        held?.Add(child);
    }

    private static long Total()
    {
        for (int i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }

    /// <summary>CHILD SA number <paramref name="i"/>: client at 198.18.x.y behind a NAT, virtual IP 10.x.y.z.</summary>
    private static (SaRequest[], PolicyRequest[]) Child(int i)
    {
        var peer = new IPAddress([198, 18, (byte)(i >> 8), (byte)i]);
        var vip = new IPAddress([10, (byte)(i >> 16), (byte)(i >> 8), (byte)i]);
        uint reqid = 0x4000_0000u + (uint)i;
        ushort natPort = (ushort)(20_000 + (i % 40_000));
        var inbound = State(peer, Local, 0xC000_0000u + (uint)i, reqid, natPort, 4500);
        var outbound = State(Local, peer, 0x0100_0000u + (uint)i, reqid, 4500, natPort);
        var any = new IPNetwork(IPAddress.Any, 0);
        var host = new IPNetwork(vip, 32);
        var outSelector = new TrafficSelector(any, host);
        var inSelector = new TrafficSelector(host, any);
        PolicyRequest[] policies =
        [
            new(outSelector, PolicyDirection.Out, [new PolicyTemplate(Local, peer, reqid)]) { IfId = 1 },
            new(inSelector, PolicyDirection.In, [new PolicyTemplate(peer, Local, reqid)]) { IfId = 1 },
            new(inSelector, PolicyDirection.Fwd, [new PolicyTemplate(peer, Local, reqid)]) { IfId = 1 },
        ];
        return ([inbound, outbound], policies);
    }

    private static SaRequest State(IPAddress source, IPAddress destination, uint spi, uint reqid, ushort sourcePort, ushort destinationPort)
    {
        // 32-byte AES key followed by the 4-byte salt (RFC 4106 section 8.1), distinct per SA.
        var key = new byte[36];
        System.Security.Cryptography.RandomNumberGenerator.Fill(key);
        return new SaRequest(source, destination, spi, reqid)
        {
            IfId = 1,
            Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128),
            Encapsulation = new UdpEncapsulation(sourcePort, destinationPort),
        };
    }
}
