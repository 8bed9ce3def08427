using System.Net;
using System.Numerics;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Sa;
using Concentrator.Kernel;
using Concentrator.Server.Kernel;

namespace Concentrator.Server.Sa;

/// <summary>
/// Translates a negotiated CHILD SA into the kernel actor's commands: two tunnel-mode ESP states (inbound and
/// outbound) and, for every pair of local and remote selectors, an out, an in and a fwd policy, all carrying the
/// interface's if_id. The removal names the CHILD SA; the kernel actor, which recorded the install, knows what
/// that is. The one place where the wire's traffic selector (Ike's <c>Encoding.Payloads.TrafficSelector</c>, an
/// address and port range) becomes the kernel's (<see cref="TrafficSelector"/>, prefixes and single ports): Ike and
/// Kernel do not know each other.
/// </summary>
public static class ChildSaKernelRequests
{
    /// <summary>The states (in and out, each with <paramref name="lifetime"/>; none when null) and the out/in/fwd
    /// policies of a CHILD SA under <paramref name="reqid"/>.</summary>
    public static InstallChild Install(ChildSa child, long correlationId, uint reqid, uint ifId, SaLifetime? lifetime = null)
    {
        if (!child.HasKeys)
        {
            throw new InvalidOperationException($"CHILD SA {child.InboundSpi:x8}: its keys were released after its install");
        }

        IPAddress local = child.LocalEndpoint.Address, remote = child.RemoteEndpoint.Address;
        var inbound = State(child, remote, local, child.InboundSpi, reqid, ifId, child.InboundEncryptionKey, child.InboundIntegrityKey,
            (ushort)child.RemoteEndpoint.Port, (ushort)child.LocalEndpoint.Port);
        var outbound = State(child, local, remote, child.OutboundSpi, reqid, ifId, child.OutboundEncryptionKey, child.OutboundIntegrityKey,
            (ushort)child.LocalEndpoint.Port, (ushort)child.RemoteEndpoint.Port);

        var policies = new List<PolicyRequest>();
        foreach (var (ours, theirs) in Pairs(child))
        {
            var outSelector = new TrafficSelector(ours.Network, theirs.Network, ours.Protocol, ours.Port, theirs.Port);
            var inSelector = new TrafficSelector(theirs.Network, ours.Network, ours.Protocol, theirs.Port, ours.Port);
            policies.Add(new PolicyRequest(outSelector, PolicyDirection.Out, [new PolicyTemplate(local, remote, reqid)]) { IfId = ifId });
            policies.Add(new PolicyRequest(inSelector, PolicyDirection.In, [new PolicyTemplate(remote, local, reqid)]) { IfId = ifId });
            policies.Add(new PolicyRequest(inSelector, PolicyDirection.Fwd, [new PolicyTemplate(remote, local, reqid)]) { IfId = ifId });
        }

        SaLifetime limits = lifetime ?? SaLifetime.Infinite;
        return new InstallChild(correlationId, reqid,
            [new SaInstall(inbound with { Lifetime = limits }), new SaInstall(outbound with { Lifetime = limits })], policies);
    }

    /// <summary>The removal of <paramref name="child"/>, installed under <paramref name="reqid"/>.</summary>
    public static RemoveChildSa Remove(ChildSa child, uint reqid, long correlationId) =>
        new(correlationId, reqid, child.InboundSpi, child.OutboundSpi);

    private static SaRequest State(ChildSa child, IPAddress source, IPAddress destination, uint spi, uint reqid, uint ifId,
        byte[] encryptionKey, byte[] integrityKey, ushort sourcePort, ushort destinationPort)
    {
        var request = new SaRequest(source, destination, spi, reqid)
        {
            IfId = ifId,
            // Inner traffic of the other family (IPv6 selectors over IPv4 outer addresses, or back): the state's
            // selector must stay AF_UNSPEC, else the kernel gives it the outer family and decapsulates the inner
            // packets as that family (strongSwan and libreswan set the flag on every tunnel-mode state).
            Flags = MixedFamilies(child, destination) ? SaFlags.AfUnspec : SaFlags.None,
            Esn = child.Algorithms.ExtendedSequenceNumbers,
            // RFC 3948 §2.1: with a NAT on the path ESP travels in UDP between the IKE ports.
            Encapsulation = child.UdpEncapsulation ? new UdpEncapsulation(sourcePort, destinationPort) : null,
        };
        IEncryption encryption = child.Algorithms.Encryption;
        return encryption.Id switch
        {
            // RFC 4106 §8.1 / RFC 7634 §2: the key handed to the kernel ends with the 4-octet salt.
            EncryptionId.AesGcm8 or EncryptionId.AesGcm12 or EncryptionId.AesGcm16 =>
                request with { Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, encryptionKey, encryption.IcvLength * 8) },
            EncryptionId.ChaCha20Poly1305 =>
                request with { Aead = new AeadAlgorithm(AeadAlgorithm.ChaCha20Poly1305, encryptionKey, encryption.IcvLength * 8) },
            EncryptionId.AesCbc => request with
            {
                Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, encryptionKey),
                Integrity = Integrity(child.Algorithms.Integrity!, integrityKey),
            },
            _ => throw new NotSupportedException($"no kernel name for ESP encryption {encryption.Id}"),
        };
    }

    private static bool MixedFamilies(ChildSa child, IPAddress outer) =>
        child.LocalSelectors.Concat(child.RemoteSelectors).Any(ts => ts.IsAddressRange && ts.GetStartAddress().AddressFamily != outer.AddressFamily);

    private static IntegrityAlgorithm Integrity(IIntegrity integrity, byte[] key) => integrity.Id switch
    {
        IntegrityId.HmacSha1_96 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha1, key, 96),
        IntegrityId.HmacSha2_256_128 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha256, key, 128),
        IntegrityId.HmacSha2_384_192 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha384, key, 192),
        IntegrityId.HmacSha2_512_256 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha512, key, 256),
        _ => throw new NotSupportedException($"no kernel name for ESP integrity {integrity.Id}"),
    };

    private readonly record struct Side(IPNetwork Network, byte Protocol, ushort Port);

    private static IEnumerable<(Side Ours, Side Theirs)> Pairs(ChildSa child)
    {
        var ours = child.LocalSelectors.SelectMany(Sides).ToList();
        var theirs = child.RemoteSelectors.SelectMany(Sides).ToList();
        foreach (var o in ours)
        {
            foreach (var t in theirs.Where(t => t.Network.BaseAddress.AddressFamily == o.Network.BaseAddress.AddressFamily
                && (t.Protocol == o.Protocol || t.Protocol == 0 || o.Protocol == 0)))
            {
                byte protocol = Math.Max(o.Protocol, t.Protocol);
                yield return (o with { Protocol = protocol }, t with { Protocol = protocol });
            }
        }
    }

    /// <summary>An IKE selector is an address range with a port range; the kernel takes prefixes and single ports
    /// (0 = any). A range becomes the prefixes that cover it exactly; a port range other than one port or all
    /// ports is widened to any port (the IKE layer only narrows to whole ranges of this kind for road warriors).</summary>
    private static IEnumerable<Side> Sides(Concentrator.Ike.Encoding.Payloads.TrafficSelector ts)
    {
        if (!ts.IsAddressRange)
        {
            yield break;
        }

        ushort port = ts.StartPort == ts.EndPort ? ts.StartPort : (ushort)0;
        foreach (var network in Prefixes(ts.GetStartAddress(), ts.GetEndAddress()))
        {
            yield return new Side(network, ts.IpProtocol, port);
        }
    }

    internal static IEnumerable<IPNetwork> Prefixes(IPAddress start, IPAddress end)
    {
        int bits = start.GetAddressBytes().Length * 8;
        var first = new BigInteger(start.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        var last = new BigInteger(end.GetAddressBytes(), isUnsigned: true, isBigEndian: true);
        while (first <= last)
        {
            // The largest aligned block starting at `first` that does not pass `last`.
            int size = 0;
            while (size < bits && (first & ((BigInteger.One << (size + 1)) - 1)) == 0 && first + (BigInteger.One << (size + 1)) - 1 <= last)
            {
                size++;
            }

            yield return new IPNetwork(ToAddress(first, bits / 8), bits - size);
            first += BigInteger.One << size;
        }
    }

    private static IPAddress ToAddress(BigInteger value, int length)
    {
        byte[] raw = value.ToByteArray(isUnsigned: true, isBigEndian: true);
        var bytes = new byte[length];
        raw.AsSpan(Math.Max(0, raw.Length - length)).CopyTo(bytes.AsSpan(length - Math.Min(length, raw.Length)));
        return new IPAddress(bytes);
    }
}
