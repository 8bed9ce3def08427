using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>AUTH_HMAC_SHA1_96 (RFC 2404) and AUTH_HMAC_SHA2_256_128 / 384_192 / 512_256 (RFC 4868 §2.3): the key
/// is as long as the hash output and the MAC is truncated to half of it (SHA-1: 96 bits).</summary>
internal sealed class HmacIntegrity : IIntegrity
{
    public static readonly HmacIntegrity Sha1_96 = new(IntegrityId.HmacSha1_96, HashAlgorithmName.SHA1, 20, 12);
    public static readonly HmacIntegrity Sha256_128 = new(IntegrityId.HmacSha2_256_128, HashAlgorithmName.SHA256, 32, 16);
    public static readonly HmacIntegrity Sha384_192 = new(IntegrityId.HmacSha2_384_192, HashAlgorithmName.SHA384, 48, 24);
    public static readonly HmacIntegrity Sha512_256 = new(IntegrityId.HmacSha2_512_256, HashAlgorithmName.SHA512, 64, 32);

    private HmacIntegrity(IntegrityId id, HashAlgorithmName hash, int keyLength, int icvLength)
    {
        Id = id;
        Hash = hash;
        KeyLength = keyLength;
        IcvLength = icvLength;
    }

    public IntegrityId Id { get; }

    public HashAlgorithmName Hash { get; }

    public int KeyLength { get; }

    public int IcvLength { get; }

    public int Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> icv)
    {
        Span<byte> full = stackalloc byte[64];
        int length = HmacOneShot.Compute(Hash, key, data, full);
        full[..IcvLength].CopyTo(icv);
        CryptographicOperations.ZeroMemory(full[..length]);
        return IcvLength;
    }

    public IncrementalHash CreateIncremental(ReadOnlySpan<byte> key) => IncrementalHash.CreateHMAC(Hash, key);
}
