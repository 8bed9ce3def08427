using System.Buffers.Binary;

namespace Concentrator.Server.Tests.Network;

/// <summary>Builds IKE headers (RFC 7296 section 3.1 layout) with an optional body for the socket tests.</summary>
internal static class IkeBytes
{
    public static byte[] Message(ulong spiI, ulong spiR, byte exchange = 34, byte flags = 0x08, uint messageId = 0, int bodyLength = 0, byte version = 0x20)
    {
        var m = new byte[28 + bodyLength];
        BinaryPrimitives.WriteUInt64BigEndian(m, spiI);
        BinaryPrimitives.WriteUInt64BigEndian(m.AsSpan(8), spiR);
        m[16] = 33; // next payload: SA
        m[17] = version;
        m[18] = exchange;
        m[19] = flags;
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(20), messageId);
        BinaryPrimitives.WriteUInt32BigEndian(m.AsSpan(24), (uint)m.Length);
        for (var i = 28; i < m.Length; i++)
        {
            m[i] = (byte)i;
        }

        return m;
    }

    public static byte[] WithMarker(byte[] message) => [0, 0, 0, 0, .. message];
}
