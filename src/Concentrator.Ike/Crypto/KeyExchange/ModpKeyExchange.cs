using System.Numerics;
using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>MODP Diffie-Hellman (RFC 3526) on <see cref="System.Numerics.BigInteger"/>.
/// BigInteger is immutable, so the private exponent cannot be wiped from memory; only its byte form is.</summary>
internal sealed class ModpKeyExchange : IKeyExchange
{
    private readonly ModpGroup _group;
    private readonly byte[] _public;
    private BigInteger _exponent;

    public ModpKeyExchange(ModpGroup group)
        : this(group, RandomExponent(group)) { }

    /// <summary>Known-answer tests pass the private exponent.</summary>
    internal ModpKeyExchange(ModpGroup group, ReadOnlySpan<byte> exponent)
    {
        _group = group;
        _exponent = new BigInteger(exponent, isUnsigned: true, isBigEndian: true);
        _public = ToFixedLength(BigInteger.ModPow(ModpGroup.Generator, _exponent, group.Prime), group.PublicKeyLength);
    }

    public KeyExchangeId Id => _group.Id;

    public ReadOnlySpan<byte> PublicKey => _public;

    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        _group.Validate(peerPublicKey);
        var y = new BigInteger(peerPublicKey, isUnsigned: true, isBigEndian: true);
        // RFC 7296 §2.14: g^ir is big-endian, padded with zeros to the length of the modulus.
        return ToFixedLength(BigInteger.ModPow(y, _exponent, _group.Prime), _group.SharedSecretLength);
    }

    internal static byte[] RandomExponent(ModpGroup group)
    {
        var x = new byte[group.ExponentBits / 8];
        do
        {
            RandomNumberGenerator.Fill(x);
        }
        while (x.AsSpan().IndexOfAnyExcept((byte)0) < 0);
        return x;
    }

    internal static byte[] ToFixedLength(BigInteger value, int length)
    {
        var result = new byte[length];
        int size = value.GetByteCount(isUnsigned: true);
        if (!value.TryWriteBytes(result.AsSpan(length - size), out _, isUnsigned: true, isBigEndian: true))
            throw new CryptographicException("MODP value longer than the modulus");
        return result;
    }

    public void Dispose() => _exponent = BigInteger.Zero;
}
