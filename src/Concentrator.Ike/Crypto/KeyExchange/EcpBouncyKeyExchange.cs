using System.Security.Cryptography;
using Org.BouncyCastle.Asn1.X9;
using Org.BouncyCastle.Crypto.Agreement;
using Org.BouncyCastle.Crypto.Generators;
using Org.BouncyCastle.Crypto.Parameters;
using Org.BouncyCastle.Security;
using BcBigInteger = Org.BouncyCastle.Math.BigInteger;

namespace Concentrator.Ike.Crypto;

/// <summary>ECDH on the NIST curves with BouncyCastle, kept for the side-by-side benchmark against the BCL.</summary>
internal sealed class EcpBouncyKeyExchange : IKeyExchange
{
    private static readonly SecureRandom Random = new();

    private readonly EcpGroup _group;
    private readonly ECDomainParameters _domain;
    private readonly ECPrivateKeyParameters _private;
    private readonly byte[] _public;

    public EcpBouncyKeyExchange(EcpGroup group)
    {
        _group = group;
        X9ECParameters curve = ECNamedCurveTable.GetByName(group.Name);
        _domain = new ECDomainParameters(curve);
        var generator = new ECKeyPairGenerator();
        generator.Init(new ECKeyGenerationParameters(_domain, Random));
        var pair = generator.GenerateKeyPair();
        _private = (ECPrivateKeyParameters)pair.Private;
        var q = ((ECPublicKeyParameters)pair.Public).Q.Normalize();
        _public = new byte[group.PublicKeyLength];
        WritePadded(q.AffineXCoord.ToBigInteger(), _public.AsSpan(0, group.CoordinateLength));
        WritePadded(q.AffineYCoord.ToBigInteger(), _public.AsSpan(group.CoordinateLength));
    }

    public KeyExchangeId Id => _group.Id;

    public ReadOnlySpan<byte> PublicKey => _public;

    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        _group.Validate(peerPublicKey);
        int n = _group.CoordinateLength;
        var point = _domain.Curve.CreatePoint(new BcBigInteger(1, peerPublicKey[..n]), new BcBigInteger(1, peerPublicKey[n..]));
        var agreement = new ECDHBasicAgreement();
        agreement.Init(_private);
        var result = new byte[n];
        WritePadded(agreement.CalculateAgreement(new ECPublicKeyParameters(point, _domain)), result);
        return result;
    }

    /// <summary>RFC 5903 §7: field elements are written big-endian, left-padded to the coordinate length.</summary>
    private static void WritePadded(BcBigInteger value, Span<byte> destination)
    {
        byte[] raw = value.ToByteArrayUnsigned();
        destination.Clear();
        raw.CopyTo(destination[(destination.Length - raw.Length)..]);
        CryptographicOperations.ZeroMemory(raw);
    }

    public void Dispose() { }
}
