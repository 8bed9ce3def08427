using System.Security.Cryptography;
using Org.BouncyCastle.Math.EC.Rfc7748;

namespace Concentrator.Ike.Crypto;

/// <summary>X25519/X448 (RFC 7748) through BouncyCastle's managed code.</summary>
internal sealed class MontgomeryBouncyKeyExchange : IKeyExchange
{
    private readonly MontgomeryGroup _group;
    private readonly byte[] _scalar;
    private readonly byte[] _public;

    /// <summary>Known-answer tests pass the scalar; <see cref="MontgomeryGroup.Create"/> passes random octets
    /// (RFC 7748 §5 clamps them inside the scalar multiplication).</summary>
    internal MontgomeryBouncyKeyExchange(MontgomeryGroup group, ReadOnlySpan<byte> scalar)
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
        if (_group.Id == KeyExchangeId.Curve25519)
            X25519.CalculateAgreement(_scalar, peerPublicKey, shared);
        else
            X448.CalculateAgreement(_scalar, peerPublicKey, shared);
        _group.RejectAllZero(shared);
        return shared;
    }

    public void Dispose() => CryptographicOperations.ZeroMemory(_scalar);
}
