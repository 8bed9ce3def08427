namespace Concentrator.Kernel;

/// <summary>
/// Combined-mode cipher (XFRMA_ALG_AEAD): kernel name such as "rfc4106(gcm(aes))" or
/// "rfc7539esp(chacha20,poly1305)"; the key includes the 4-byte salt at its end (RFC 4106 section 8.1, RFC 7634 section 2).
/// </summary>
public sealed record AeadAlgorithm(string Name, ReadOnlyMemory<byte> Key, int IcvBits)
{
    public const string AesGcm = "rfc4106(gcm(aes))";
    public const string ChaCha20Poly1305 = "rfc7539esp(chacha20,poly1305)";
}

/// <summary>Plain cipher (XFRMA_ALG_CRYPT), e.g. "cbc(aes)".</summary>
public sealed record CipherAlgorithm(string Name, ReadOnlyMemory<byte> Key)
{
    public const string AesCbc = "cbc(aes)";
}

/// <summary>Integrity algorithm sent as XFRMA_ALG_AUTH_TRUNC, e.g. "hmac(sha256)" truncated to 128 bits (RFC 4868 section 2.3).</summary>
public sealed record IntegrityAlgorithm(string Name, ReadOnlyMemory<byte> Key, int TruncationBits)
{
    /// <summary>RFC 2404, truncated to 96 bits: Windows' built-in client's default ESP integrity (aes256-sha1).</summary>
    public const string HmacSha1 = "hmac(sha1)";
    public const string HmacSha256 = "hmac(sha256)";
    public const string HmacSha384 = "hmac(sha384)";
    public const string HmacSha512 = "hmac(sha512)";
}

/// <summary>UDP encapsulation of ESP (RFC 3948), always UDP_ENCAP_ESPINUDP.</summary>
public sealed record UdpEncapsulation(ushort SourcePort, ushort DestinationPort, System.Net.IPAddress? OriginalAddress = null);

/// <summary>
/// Soft/hard limits of an SA (xfrm_lifetime_cfg). Limits of <see cref="ulong.MaxValue"/> mean "none"
/// (XFRM_INF); times are seconds, 0 means "none".
/// </summary>
public readonly record struct SaLifetime(
    ulong SoftBytes = ulong.MaxValue,
    ulong HardBytes = ulong.MaxValue,
    ulong SoftPackets = ulong.MaxValue,
    ulong HardPackets = ulong.MaxValue,
    ulong SoftAddSeconds = 0,
    ulong HardAddSeconds = 0,
    ulong SoftUseSeconds = 0,
    ulong HardUseSeconds = 0)
{
    /// <summary>No limits. (Not <c>default</c>: a zeroed struct would mean "expire at 0 bytes".)</summary>
    public static SaLifetime Infinite => new(ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, ulong.MaxValue, 0, 0, 0, 0);
}
