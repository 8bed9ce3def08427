using System.Net;
using Concentrator.Kernel;

namespace Concentrator.Benchmarks.Kernel;

/// <summary>
/// What the concentrator installs for one road warrior's route-based CHILD SA: the ESP SA pair (AES-GCM-16-256 =
/// rfc4106(gcm(aes)) with a 32-byte key + 4-byte salt and a 128-bit ICV, tunnel mode, if_id, the output mark
/// that follows from the if_id, UDP encapsulation because road warriors sit behind NATs) and the out/in/fwd
/// policies with the same if_id.
/// </summary>
internal sealed record RoadWarrior(SaRequest Outbound, SaRequest Inbound, PolicyRequest Out, PolicyRequest In, PolicyRequest Fwd)
{
    public const uint IfId = 1;
    public const ushort NatTraversalPort = 4500;

    /// <summary>AES-GCM-16 with a 256-bit key: the key carries the 4-byte salt at its end (RFC 4106 section 8.1).</summary>
    public const int GcmKeyBytes = 32 + 4;

    public static readonly IPAddress Gateway = IPAddress.Parse("192.0.2.1");
    private static readonly IPNetwork AnyV4 = IPNetwork.Parse("0.0.0.0/0");

    /// <summary>Builds <paramref name="clients"/> distinct road warriors (addresses, ports, SPIs, reqids and keys all differ).</summary>
    public static RoadWarrior[] Build(int clients)
    {
        var random = new Random(4106);
        var all = new RoadWarrior[clients];
        for (int i = 0; i < clients; i++)
        {
            all[i] = Build(i, random);
        }

        return all;
    }

    private static RoadWarrior Build(int i, Random random)
    {
        int n = i + 1;
        var vip = new IPNetwork(new IPAddress([10, (byte)(n >> 16), (byte)(n >> 8), (byte)n]), 32);

        // 198.18.0.0/15 (RFC 2544 benchmarking range, never leaves the namespace): 131,072 distinct peers,
        // beyond that peers repeat behind other NAT ports, as many clients behind one carrier NAT do.
        int host = i % 131_072;
        var peer = new IPAddress([198, (byte)(18 + (host >> 16)), (byte)(host >> 8), (byte)host]);
        var peerPort = (ushort)(1024 + (i % 60_000));
        uint reqid = KernelOwnership.DefaultFirstReqid + (uint)i;

        // SPIs in the kernel's default ALLOCSPI range, one pair per client
        uint spiOut = 0xC000_0000u | (uint)(2 * i);
        uint spiIn = 0xC000_0000u | (uint)((2 * i) + 1);

        var outbound = Sa(Gateway, peer, spiOut, reqid, new UdpEncapsulation(NatTraversalPort, peerPort), random);
        var inbound = Sa(peer, Gateway, spiIn, reqid, new UdpEncapsulation(peerPort, NatTraversalPort), random);

        var toPeer = new PolicyTemplate(Gateway, peer, reqid);
        var fromPeer = new PolicyTemplate(peer, Gateway, reqid);
        return new RoadWarrior(
            outbound,
            inbound,
            new PolicyRequest(new TrafficSelector(AnyV4, vip), PolicyDirection.Out, [toPeer]) { IfId = IfId, Priority = 1000 },
            new PolicyRequest(new TrafficSelector(vip, AnyV4), PolicyDirection.In, [fromPeer]) { IfId = IfId, Priority = 1000 },
            new PolicyRequest(new TrafficSelector(vip, AnyV4), PolicyDirection.Fwd, [fromPeer]) { IfId = IfId, Priority = 1000 });
    }

    private static SaRequest Sa(IPAddress source, IPAddress destination, uint spi, uint reqid, UdpEncapsulation encap, Random random)
    {
        var key = new byte[GcmKeyBytes];
        random.NextBytes(key);
        return new SaRequest(source, destination, spi, reqid)
        {
            Mode = IpsecMode.Tunnel,
            Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, key, 128),
            IfId = IfId,

            // explicit, although null would derive the same: the output mark is the if_id (libreswan's ipsec-interface)
            OutputMark = new XfrmMark(IfId, uint.MaxValue),
            Encapsulation = encap,
        };
    }
}
