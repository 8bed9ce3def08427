using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>Curve25519 / Curve448 (RFC 8031 over RFC 7748 X25519/X448). The BCL has no X25519/X448 key agreement, so
/// both go to OpenSSL's libcrypto directly (<see cref="MontgomeryOpenSslKeyExchange"/>), chosen by numbers
/// (CryptoMontgomeryBenchmarks, keygen + agree, medians, 2026-12-06): OpenSSL 79 µs against BouncyCastle 134 µs for
/// X25519 (ratio 0.59) and 419 µs against 695 µs for X448 (0.60), with 248/296 B allocated against 2/10.8 KB.
/// BouncyCastle's X25519/X448 is no longer used here; the benchmark keeps it as its baseline.</summary>
internal sealed class MontgomeryGroup : IKeyExchangeMethod
{
    public static readonly MontgomeryGroup Curve25519 = new(KeyExchangeId.Curve25519, 32, LibCrypto.NID_X25519);
    public static readonly MontgomeryGroup Curve448 = new(KeyExchangeId.Curve448, 56, LibCrypto.NID_X448);

    private MontgomeryGroup(KeyExchangeId id, int length, int nid)
    {
        Id = id;
        Length = length;
        Nid = nid;
    }

    public KeyExchangeId Id { get; }

    public int Length { get; }

    /// <summary>OpenSSL's NID (= EVP_PKEY type) of the curve.</summary>
    public int Nid { get; }

    public int PublicKeyLength => Length;

    public int SharedSecretLength => Length;

    public IKeyExchange Create()
    {
        Span<byte> scalar = stackalloc byte[Length];
        RandomNumberGenerator.Fill(scalar);
        try
        {
            return new MontgomeryOpenSslKeyExchange(this, scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }

    /// <summary>RFC 8031 §2.3: an all-zero shared secret (a low-order peer point) MUST abort the exchange.</summary>
    internal void RejectAllZero(ReadOnlySpan<byte> shared)
    {
        byte any = 0;
        foreach (byte b in shared)
            any |= b;
        if (any == 0)
            CryptoThrow.InvalidKeyExchange($"{Id} shared secret is all zero (low-order public value, RFC 8031 §2.3)");
    }

    public override string ToString() => Id.ToString();
}
