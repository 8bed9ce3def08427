using System.Net;
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

        // Loops, not LINQ (issue 13: this ran once per setup and its iterators and closures were 3.6 % of a setup's
        // CPU samples). The templates are immutable and shared by the policies of one direction.
        PolicyTemplate[] outTemplates = [new PolicyTemplate(local, remote, reqid)], inTemplates = [new PolicyTemplate(remote, local, reqid)];
        List<Side> ours = Sides(child.LocalSelectors), theirs = Sides(child.RemoteSelectors);
        var policies = new List<PolicyRequest>(3 * ours.Count * theirs.Count);
        foreach (Side o in ours)
        {
            foreach (Side t in theirs)
            {
                if (t.Family != o.Family || (t.Protocol != o.Protocol && t.Protocol != 0 && o.Protocol != 0))
                {
                    continue;
                }

                byte protocol = Math.Max(o.Protocol, t.Protocol);
                var outSelector = new TrafficSelector(o.Network, t.Network, protocol, o.Port, t.Port);
                var inSelector = new TrafficSelector(t.Network, o.Network, protocol, t.Port, o.Port);
                policies.Add(new PolicyRequest(outSelector, PolicyDirection.Out, outTemplates) { IfId = ifId });
                policies.Add(new PolicyRequest(inSelector, PolicyDirection.In, inTemplates) { IfId = ifId });
                policies.Add(new PolicyRequest(inSelector, PolicyDirection.Fwd, inTemplates) { IfId = ifId });
            }
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

    private static bool MixedFamilies(ChildSa child, IPAddress outer)
    {
        int outerLength = outer.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 4 : 16;
        return Mixed(child.LocalSelectors, outerLength) || Mixed(child.RemoteSelectors, outerLength);

        static bool Mixed(IReadOnlyList<Concentrator.Ike.Encoding.Payloads.TrafficSelector> selectors, int outerLength)
        {
            for (int i = 0; i < selectors.Count; i++)
            {
                if (selectors[i].IsAddressRange && selectors[i].StartAddress.Length != outerLength)
                {
                    return true;
                }
            }

            return false;
        }
    }

    private static IntegrityAlgorithm Integrity(IIntegrity integrity, byte[] key) => integrity.Id switch
    {
        IntegrityId.HmacSha1_96 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha1, key, 96),
        IntegrityId.HmacSha2_256_128 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha256, key, 128),
        IntegrityId.HmacSha2_384_192 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha384, key, 192),
        IntegrityId.HmacSha2_512_256 => new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha512, key, 256),
        _ => throw new NotSupportedException($"no kernel name for ESP integrity {integrity.Id}"),
    };

    private readonly record struct Side(IPNetwork Network, byte Protocol, ushort Port)
    {
        public System.Net.Sockets.AddressFamily Family => Network.BaseAddress.AddressFamily;
    }

    /// <summary>An IKE selector is an address range with a port range; the kernel takes prefixes and single ports
    /// (0 = any). A range becomes the prefixes that cover it exactly; a port range other than one port or all
    /// ports is widened to any port (the IKE layer only narrows to whole ranges of this kind for road warriors).</summary>
    private static List<Side> Sides(IReadOnlyList<Concentrator.Ike.Encoding.Payloads.TrafficSelector> selectors)
    {
        var sides = new List<Side>(selectors.Count);
        var networks = new List<IPNetwork>(1);
        for (int i = 0; i < selectors.Count; i++)
        {
            var ts = selectors[i];
            if (!ts.IsAddressRange)
            {
                continue;
            }

            ushort port = ts.StartPort == ts.EndPort ? ts.StartPort : (ushort)0;
            networks.Clear();
            AddPrefixes(ts.StartAddress.Span, ts.EndAddress.Span, networks);
            foreach (IPNetwork network in networks)
            {
                sides.Add(new Side(network, ts.IpProtocol, port));
            }
        }

        return sides;
    }

    internal static List<IPNetwork> Prefixes(IPAddress start, IPAddress end)
    {
        var networks = new List<IPNetwork>(1);
        AddPrefixes(start.GetAddressBytes(), end.GetAddressBytes(), networks);
        return networks;
    }

    /// <summary>The prefixes that cover [<paramref name="start"/>, <paramref name="end"/>] exactly (addresses in network
    /// order, 4 or 16 octets), largest aligned blocks first to last.</summary>
    private static void AddPrefixes(ReadOnlySpan<byte> start, ReadOnlySpan<byte> end, List<IPNetwork> networks)
    {
        int length = start.Length, bits = length * 8;
        UInt128 first = Number(start), last = Number(end);
        while (first <= last)
        {
            // The largest aligned block starting at `first` that does not pass `last`.
            int size = 0;
            while (size < bits && (first & LowBits(size + 1)) == 0 && last - first >= LowBits(size + 1))
            {
                size++;
            }

            networks.Add(new IPNetwork(Address(first, length), bits - size));
            UInt128 blockEnd = first + LowBits(size);
            if (blockEnd >= last)
            {
                // Also where the next block would wrap past the family's last address.
                return;
            }

            first = blockEnd + 1;
        }
    }

    private static UInt128 LowBits(int count) => count >= 128 ? UInt128.MaxValue : (UInt128.One << count) - 1;

    private static UInt128 Number(ReadOnlySpan<byte> address) => address.Length == 4
        ? System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(address)
        : System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(address);

    private static IPAddress Address(UInt128 value, int length)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (length == 4)
        {
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(bytes, (uint)value);
            return new IPAddress(bytes[..4]);
        }

        System.Buffers.Binary.BinaryPrimitives.WriteUInt128BigEndian(bytes, value);
        return new IPAddress(bytes);
    }
}
