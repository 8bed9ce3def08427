using System.Security.Cryptography;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Concentrator.Ike.Crypto;

/// <summary>MODP Diffie-Hellman (RFC 3526) on BouncyCastle's BigInteger (Montgomery ModPow), kept next to the
/// BCL one so the benchmark can compare them; <see cref="ModpGroup.UseBouncyCastle"/> picks the engine.</summary>
internal sealed class ModpBouncyKeyExchange : IKeyExchange
{
    private static readonly BcBigInteger Two = BcBigInteger.Two;

    private readonly ModpGroup _group;
    private readonly BcBigInteger _prime;
    private readonly byte[] _public;
    private BcBigInteger _exponent;

    public ModpBouncyKeyExchange(ModpGroup group)
        : this(group, ModpKeyExchange.RandomExponent(group)) { }

    internal ModpBouncyKeyExchange(ModpGroup group, ReadOnlySpan<byte> exponent)
    {
        _group = group;
        _prime = new BcBigInteger(1, group.PrimeBytes);
        _exponent = new BcBigInteger(1, exponent);
        _public = ToFixedLength(Two.ModPow(_exponent, _prime), group.PublicKeyLength);
    }

    public KeyExchangeId Id => _group.Id;

    public ReadOnlySpan<byte> PublicKey => _public;

    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        _group.Validate(peerPublicKey);
        var y = new BcBigInteger(1, peerPublicKey);
        return ToFixedLength(y.ModPow(_exponent, _prime), _group.SharedSecretLength);
    }

    private static byte[] ToFixedLength(BcBigInteger value, int length)
    {
        var result = new byte[length];
        byte[] raw = value.ToByteArrayUnsigned();
        if (raw.Length > length)
            throw new CryptographicException("MODP value longer than the modulus");
        raw.CopyTo(result, length - raw.Length);
        CryptographicOperations.ZeroMemory(raw);
        return result;
    }

    public void Dispose() => _exponent = BcBigInteger.Zero;
}
