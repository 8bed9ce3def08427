using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto;

/// <summary>ECDH on the NIST curves (RFC 5903) through <see cref="ECDiffieHellman"/> (OpenSSL underneath).</summary>
internal sealed class EcpKeyExchange : IKeyExchange
{
    private readonly EcpGroup _group;
    private readonly ECDiffieHellman _key;
    private readonly byte[] _public;

    public EcpKeyExchange(EcpGroup group)
        : this(group, ECDiffieHellman.Create(group.Curve)) { }

    /// <summary>Known-answer tests pass the private scalar; the platform derives the public point.</summary>
    internal EcpKeyExchange(EcpGroup group, ReadOnlySpan<byte> privateScalar)
        : this(group, ECDiffieHellman.Create(new ECParameters { Curve = group.Curve, D = privateScalar.ToArray() })) { }

    private EcpKeyExchange(EcpGroup group, ECDiffieHellman key)
    {
        _group = group;
        _key = key;
        ECParameters parameters = key.ExportParameters(false);
        _public = new byte[group.PublicKeyLength];
        // RFC 5903 §7: x ‖ y, each coordinate left-padded to the field length.
        Pad(parameters.Q.X!, _public.AsSpan(0, group.CoordinateLength));
        Pad(parameters.Q.Y!, _public.AsSpan(group.CoordinateLength));
    }

    public KeyExchangeId Id => _group.Id;

    public ReadOnlySpan<byte> PublicKey => _public;

    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        _group.Validate(peerPublicKey);
        int n = _group.CoordinateLength;
        var peerParameters = new ECParameters
        {
            Curve = _group.Curve,
            Q = new ECPoint { X = peerPublicKey[..n].ToArray(), Y = peerPublicKey[n..].ToArray() },
        };
        using ECDiffieHellman peer = ECDiffieHellman.Create(peerParameters);
        // RFC 5903 §7: the shared secret is the x coordinate of the shared point, which is what
        // DeriveRawSecretAgreement returns (no KDF applied).
        byte[] x = _key.DeriveRawSecretAgreement(peer.PublicKey);
        if (x.Length == n)
            return x;
        var padded = new byte[n];
        Pad(x, padded);
        CryptographicOperations.ZeroMemory(x);
        return padded;
    }

    private static void Pad(ReadOnlySpan<byte> value, Span<byte> destination)
    {
        destination.Clear();
        value.CopyTo(destination[(destination.Length - value.Length)..]);
    }

    public void Dispose() => _key.Dispose();
}
