using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>Curve25519 / Curve448 (RFC 8031 over RFC 7748 X25519/X448). The BCL has no X25519/X448 key agreement;
/// the engine of each curve is chosen by CryptoKeyExchangeBenchmarks (keygen + agree, see <see cref="UseOpenSsl"/>).</summary>
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

    /// <summary>Which engine <see cref="Create"/> uses: filled in from the benchmark.</summary>
    internal bool UseOpenSsl => true;

    public IKeyExchange Create()
    {
        Span<byte> scalar = stackalloc byte[Length];
        RandomNumberGenerator.Fill(scalar);
        try
        {
            return UseOpenSsl ? new MontgomeryOpenSslKeyExchange(this, scalar) : new MontgomeryBouncyKeyExchange(this, scalar);
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
