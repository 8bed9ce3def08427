namespace Concentrator.Ike.Crypto;

/// <summary>IANA "Transform Type 1 - Encryption Algorithm Transform IDs" that this implementation knows.</summary>
public enum EncryptionId : ushort
{
    AesCbc = 12,                // RFC 3602
    AesGcm8 = 18,               // RFC 5282: 8-octet ICV
    AesGcm12 = 19,              // RFC 5282: 12-octet ICV
    AesGcm16 = 20,              // RFC 5282: 16-octet ICV
    ChaCha20Poly1305 = 28,      // RFC 7634
}

/// <summary>IANA "Transform Type 2 - Pseudorandom Function Transform IDs".</summary>
public enum PrfId : ushort
{
    HmacSha1 = 2,               // RFC 2104
    HmacSha2_256 = 5,           // RFC 4868
    HmacSha2_384 = 6,
    HmacSha2_512 = 7,
}

/// <summary>IANA "Transform Type 3 - Integrity Algorithm Transform IDs".</summary>
public enum IntegrityId : ushort
{
    None = 0,
    HmacSha1_96 = 2,            // RFC 2404
    HmacSha2_256_128 = 12,      // RFC 4868
    HmacSha2_384_192 = 13,
    HmacSha2_512_256 = 14,
}

/// <summary>IANA "Transform Type 4 - Key Exchange Method Transform IDs" (Diffie-Hellman groups).</summary>
public enum KeyExchangeId : ushort
{
    None = 0,
    Modp1024 = 2,               // RFC 2409 §6.2 (RFC 8247 §2.4: SHOULD NOT; the Server offers it only on opt-in)
    Modp2048 = 14,              // RFC 3526
    Modp3072 = 15,
    Modp4096 = 16,
    Ecp256 = 19,                // RFC 5903
    Ecp384 = 20,
    Ecp521 = 21,
    Curve25519 = 31,            // RFC 8031
    Curve448 = 32,
}
