using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Concentrator.Ike.Crypto;

/// <summary>Curve25519 / Curve448 (RFC 8031 over RFC 7748 X25519/X448) through BouncyCastle, since the BCL has
/// no X25519/X448 key agreement.</summary>
internal sealed class MontgomeryGroup : IKeyExchangeMethod
{
    public static readonly MontgomeryGroup Curve25519 = new(KeyExchangeId.Curve25519, 32);
    public static readonly MontgomeryGroup Curve448 = new(KeyExchangeId.Curve448, 56);

    private MontgomeryGroup(KeyExchangeId id, int length)
    {
        Id = id;
        Length = length;
    }

    public KeyExchangeId Id { get; }

    public int Length { get; }

    public int PublicKeyLength => Length;

    public int SharedSecretLength => Length;

    public IKeyExchange Create()
    {
        Span<byte> scalar = stackalloc byte[Length];
        RandomNumberGenerator.Fill(scalar);
        try
        {
            return new MontgomeryKeyExchange(this, scalar);
        }
        finally
        {
            CryptographicOperations.ZeroMemory(scalar);
        }
    }
}

internal sealed class MontgomeryKeyExchange : IKeyExchange
{
    private readonly MontgomeryGroup _group;
    private readonly byte[] _scalar;
    private readonly byte[] _public;

    /// <summary>Known-answer tests pass the scalar; <see cref="MontgomeryGroup.Create"/> passes random octets
    /// (RFC 7748 §5 clamps them inside the scalar multiplication).</summary>
    internal MontgomeryKeyExchange(MontgomeryGroup group, ReadOnlySpan<byte> scalar)
    {
        _group = group;
        _scalar = scalar.ToArray();
        _public = new byte[group.Length];
        if (group.Id == KeyExchangeId.Curve25519)
            X25519.ScalarMultBase(_scalar, _public);
        else
            X448.ScalarMultBase(_scalar, _public);
    }

    public KeyExchangeId Id => _group.Id;

    public ReadOnlySpan<byte> PublicKey => _public;

    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        // RFC 8031 §2: the KE data is exactly 32 (X25519) or 56 (X448) octets.
        KeyExchange.RequireLength(_group.Id, _group.Length, peerPublicKey);
        var shared = new byte[_group.Length];
        bool nonZero = _group.Id == KeyExchangeId.Curve25519
            ? X25519.CalculateAgreement(_scalar, peerPublicKey, shared)
            : X448.CalculateAgreement(_scalar, peerPublicKey, shared);
        // RFC 8031 §2.3: an all-zero shared secret (a low-order peer point) MUST abort the exchange.
        if (!nonZero)
            CryptoThrow.InvalidKeyExchange($"{_group.Id} shared secret is all zero (low-order public value, RFC 8031 §2.3)");
        return shared;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_scalar);
}
