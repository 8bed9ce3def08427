using System.Security.Cryptography;
using Concentrator.Kernel.Userspace;
using static Concentrator.Kernel.Tests.Userspace.EspTestSas;

namespace Concentrator.Kernel.Tests.Userspace;

/// <summary>ESP aes256-sha1 (Windows' built-in client's default): AES-CBC with HMAC-SHA1-96 (RFC 2404).</summary>
public class EspCbcSha1Tests
{
    private static readonly byte[] Key = Hex("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f");
    private static readonly byte[] IntegrityKey = Hex("2021222324252627282930313233343536373839");

    [Fact]
    public void Encapsulate_HmacSha1_IcvIsFirst96BitsOfHmacOverHeaderIvAndCiphertext()
    {
        using var tx = Create(CbcSha1(0xC000_0002, Key, IntegrityKey));
        var buffer = new byte[2048];
        var inner = Ipv4Packet("10.1.0.1", "10.2.0.1", 100);
        inner.CopyTo(buffer, EspCodec.PayloadOffset(tx));

        int n = EspCodec.Encapsulate(tx, buffer, inner.Length, 1_000, out var drop);

        Assert.True(n > 0, drop.ToString());
        Assert.Equal(12, tx.Transform.IcvLength);
        // RFC 2404 section 2: HMAC-SHA-1 over the ESP packet without the ICV, the first 96 bits kept.
        using var hmac = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, IntegrityKey);
        hmac.AppendData(buffer.AsSpan(0, n - 12));
        var expected = hmac.GetHashAndReset()[..12];
        Assert.Equal(expected, buffer.AsSpan(n - 12, 12).ToArray());
    }

    [Fact]
    public void Create_HmacSha1TruncatedBeyond160Bits_Refused()
    {
        var request = CbcSha1(1, Key, IntegrityKey) with { Integrity = new IntegrityAlgorithm(IntegrityAlgorithm.HmacSha1, IntegrityKey, 192) };

        var e = Assert.Throws<KernelException>(() => EspTransform.Create(request));

        Assert.Contains("does not fit hmac(sha1)", e.Message, StringComparison.Ordinal);
    }
}
