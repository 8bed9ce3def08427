using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>PRF_HMAC_SHA1 (RFC 2104) and PRF_HMAC_SHA2_256/384/512 (RFC 4868 §2.1): the full, untruncated
/// HMAC output. HMAC accepts keys of any length (RFC 4868 §2.1.2), which prf(Ni | Nr, g^ir) relies on.</summary>
internal sealed class HmacPrf : IPrf
{
    public static readonly HmacPrf Sha1 = new(PrfId.HmacSha1, HashAlgorithmName.SHA1, 20);
    public static readonly HmacPrf Sha256 = new(PrfId.HmacSha2_256, HashAlgorithmName.SHA256, 32);
    public static readonly HmacPrf Sha384 = new(PrfId.HmacSha2_384, HashAlgorithmName.SHA384, 48);
    public static readonly HmacPrf Sha512 = new(PrfId.HmacSha2_512, HashAlgorithmName.SHA512, 64);

    private HmacPrf(PrfId id, HashAlgorithmName hash, int length)
    {
        Id = id;
        Hash = hash;
        OutputLength = length;
    }

    public PrfId Id { get; }

    public HashAlgorithmName Hash { get; }

    public int OutputLength { get; }

    public int KeyLength => OutputLength;

    public int Compute(ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination) =>
        HmacOneShot.Compute(Hash, key, data, destination);
}

/// <summary>Allocation-free one-shot HMAC over the BCL's static <c>HashData</c> methods (OpenSSL underneath).</summary>
internal static class HmacOneShot
{
    public static int Compute(HashAlgorithmName hash, ReadOnlySpan<byte> key, ReadOnlySpan<byte> data, Span<byte> destination)
    {
        if (hash == HashAlgorithmName.SHA256)
            return HMACSHA256.HashData(key, data, destination);
        if (hash == HashAlgorithmName.SHA384)
            return HMACSHA384.HashData(key, data, destination);
        if (hash == HashAlgorithmName.SHA512)
            return HMACSHA512.HashData(key, data, destination);
        if (hash == HashAlgorithmName.SHA1)
#pragma warning disable CA5350 // HMAC-SHA1 is still a valid IKEv2 PRF/integrity transform (RFC 8247 §3.2/§3.3: MUST-/MUST-).
            return HMACSHA1.HashData(key, data, destination);
#pragma warning restore CA5350
        throw new CryptographicException($"no HMAC for {hash.Name}");
    }
}
