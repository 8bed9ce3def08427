using System.Buffers.Binary;
using Concentrator.Ike.Encoding;

namespace Concentrator.Server.Network;

/// <summary>What a datagram on an IKE port is.</summary>
public enum DatagramKind
{
    /// <summary>An IKE message; its header was read.</summary>
    Ike,

    /// <summary>A NAT-keepalive (one byte 0xFF on port 4500).</summary>
    Keepalive,

    /// <summary>ESP in UDP on port 4500 (non-zero SPI where the marker would be).</summary>
    Esp,

    /// <summary>Too short, wrong version, length field that does not fit: dropped silently.</summary>
    Malformed,
}

/// <summary>Sorts the datagrams of ports 500 and 4500 and reads their IKE header (with <see cref="IkeHeader"/>, the one
/// parser of it) for routing. Pure, and allocation-free: it runs for every datagram.</summary>
public static class DatagramClassifier
{
    /// <summary>RFC 3948 section 2.2: four zero bytes where ESP would have its SPI.</summary>
    public const int NonEspMarkerLength = 4;

    /// <param name="datagram">The UDP payload.</param>
    /// <param name="natT">It arrived on the NAT-T port (4500).</param>
    /// <param name="message">For <see cref="DatagramKind.Ike"/>: offset and length of the IKE message in the datagram.</param>
    public static DatagramKind Classify(ReadOnlySpan<byte> datagram, bool natT, out IkeHeader header, out Range message)
    {
        header = default;
        message = default;
        var offset = 0;
        if (natT)
        {
            // RFC 3948 section 2.3: a NAT-keepalive is a single octet 0xFF; the receiver ignores it.
            if (datagram.Length == 1 && datagram[0] == 0xFF)
            {
                return DatagramKind.Keepalive;
            }

            if (datagram.Length < NonEspMarkerLength)
            {
                return DatagramKind.Malformed;
            }

            if (BinaryPrimitives.ReadUInt32BigEndian(datagram) != 0)
            {
                // RFC 3948 section 2.2: ESP's SPI is never zero, so anything else is ESP.
                return DatagramKind.Esp;
            }

            offset = NonEspMarkerLength;
        }

        // RFC 7296 section 3.1: the initiator's SPI MUST NOT be zero; major version 2 (a higher one would deserve
        // INVALID_MAJOR_VERSION, which the dispatcher may send later; here it is dropped); the length covers
        // header and payloads and cannot exceed what arrived (IkeHeader.TryRead checks all but the SPI).
        if (!IkeHeader.TryRead(datagram[offset..], out header) || header.InitiatorSpi == 0)
        {
            header = default;
            return DatagramKind.Malformed;
        }

        message = new Range(offset, offset + (int)header.Length);
        return DatagramKind.Ike;
    }
}
