using System.Net;
using Concentrator.Kernel.Userspace;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>SA fixtures for the ESP tests.</summary>
internal static class EspTestSas
{
    public static readonly IPAddress Left = IPAddress.Parse("192.0.2.1");
    public static readonly IPAddress Right = IPAddress.Parse("192.0.2.2");

    public static SaRequest Gcm(uint spi, byte[] keyWithSalt, bool esn = false, uint window = 128) =>
        new(Left, Right, spi, 0x4000_0001)
        {
            Aead = new AeadAlgorithm(AeadAlgorithm.AesGcm, keyWithSalt, 128),
            Esn = esn,
            ReplayWindow = window,
        };

    public static SaRequest ChaCha(uint spi, byte[] keyWithSalt, bool esn = false) =>
        new(Left, Right, spi, 0x4000_0001)
        {
            Aead = new AeadAlgorithm(AeadAlgorithm.ChaCha20Poly1305, keyWithSalt, 128),
            Esn = esn,
            ReplayWindow = 128,
        };

    public static SaRequest CbcSha256(uint spi, byte[] key, byte[] integrityKey, bool esn = false) =>
        new(Left, Right, spi, 0x4000_0001)
        {
            Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, key),
            Integrity = new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha256, integrityKey, 128),
            Esn = esn,
            ReplayWindow = 128,
        };

    public static SaRequest CbcSha1(uint spi, byte[] key, byte[] integrityKey) =>
        new(Left, Right, spi, 0x4000_0001)
        {
            Encryption = new CipherAlgorithm(CipherAlgorithm.AesCbc, key),
            Integrity = new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha1, integrityKey, 96),
            ReplayWindow = 128,
        };

    public static EspSa Create(SaRequest request) => new(request, EspTransform.Create(request), 1_000);

    /// <summary>The 8-byte ESP header: SPI and the low 32 bits of the sequence number, both big-endian.</summary>
    public static byte[] EspHeader(uint spi, uint seqLow)
    {
        var h = new byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(h, spi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(h.AsSpan(4), seqLow);
        return h;
    }

    public static byte[] Hex(string s) => Convert.FromHexString(s.Replace(" ", "", StringComparison.Ordinal));

    /// <summary>An IPv4 ICMP echo request from <paramref name="src"/> to <paramref name="dst"/> with a valid header length.</summary>
    public static byte[] Ipv4Packet(string src, string dst, int totalLength = 84, byte protocol = 1)
    {
        var p = new byte[totalLength];
        p[0] = 0x45;
        p[2] = (byte)(totalLength >> 8);
        p[3] = (byte)totalLength;
        p[8] = 64;
        p[9] = protocol;
        IPAddress.Parse(src).TryWriteBytes(p.AsSpan(12), out _);
        IPAddress.Parse(dst).TryWriteBytes(p.AsSpan(16), out _);
        p[20] = 8;
        for (int i = 28; i < totalLength; i++)
        {
            p[i] = (byte)i;
        }

        return p;
    }
}
