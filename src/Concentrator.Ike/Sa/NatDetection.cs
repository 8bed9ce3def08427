using System.Buffers.Binary;
using System.Net;
using System.Security.Cryptography;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>NAT_DETECTION_SOURCE_IP / NAT_DETECTION_DESTINATION_IP (RFC 7296 §2.23): SHA-1(SPIi | SPIr |
/// IP address | port), with SPIr zero in the IKE_SA_INIT request.</summary>
public static class NatDetection
{
    public static byte[] Hash(ulong spiI, ulong spiR, IPEndPoint endpoint)
    {
        Span<byte> buffer = stackalloc byte[8 + 8 + 16 + 2];
        BinaryPrimitives.WriteUInt64BigEndian(buffer, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(buffer[8..], spiR);
        endpoint.Address.TryWriteBytes(buffer[16..], out int length);
        BinaryPrimitives.WriteUInt16BigEndian(buffer[(16 + length)..], (ushort)endpoint.Port);
        // RFC 7296 §2.23 fixes SHA-1 here; it only detects address rewriting, nothing relies on collision resistance.
#pragma warning disable CA5350
        return SHA1.HashData(buffer[..(16 + length + 2)]);
#pragma warning restore CA5350
    }

    /// <summary>The two notifications a sender adds: its own address as source, the peer's as destination.</summary>
    public static NotifyPayload[] Build(ulong spiI, ulong spiR, IPEndPoint local, IPEndPoint remote) =>
    [
        new(NotifyType.NatDetectionSourceIp, Hash(spiI, spiR, local)),
        new(NotifyType.NatDetectionDestinationIp, Hash(spiI, spiR, remote)),
    ];

    /// <summary>
    /// Reads the peer's notifications. RFC 7296 §2.23: if none of the SOURCE hashes matches the address the
    /// packet came from, the peer is behind a NAT; if the DESTINATION hash does not match our address, we are.
    /// Returns (false, false) when the peer sent no NAT detection at all.
    /// </summary>
    public static (bool RemoteBehindNat, bool LocalBehindNat) Check(IkeMessage message, ulong spiI, ulong spiR,
        IPEndPoint local, IPEndPoint remote)
    {
        byte[] expectedSource = Hash(spiI, spiR, remote);
        byte[] expectedDestination = Hash(spiI, spiR, local);
        bool sawSource = false, sourceMatch = false, sawDestination = false, destinationMatch = false;
        foreach (NotifyPayload n in message.GetAll<NotifyPayload>())
        {
            if (n.NotifyType == NotifyType.NatDetectionSourceIp)
            {
                sawSource = true;
                sourceMatch |= n.Data.Span.SequenceEqual(expectedSource);
            }
            else if (n.NotifyType == NotifyType.NatDetectionDestinationIp)
            {
                sawDestination = true;
                destinationMatch |= n.Data.Span.SequenceEqual(expectedDestination);
            }
        }

        return (sawSource && !sourceMatch, sawDestination && !destinationMatch);
    }
}

