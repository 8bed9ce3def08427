using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>Ed25519 (RFC 8032 PureEdDSA) through BouncyCastle: the BCL has no EdDSA.</summary>
internal static class Ed25519Signature
{
    public static byte[] PublicKey(byte[] seed)
    {
        var pk = new byte[Ed25519.PublicKeySize];
        Ed25519.GeneratePublicKey(seed, 0, pk, 0);
        return pk;
    }

    public static byte[] Sign(byte[] seed, ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        byte[] m = message.ToArray();
        Ed25519.Sign(seed, 0, m, 0, m.Length, signature, 0);
        return signature;
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519.PublicKeySize || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        byte[] m = message.ToArray();
        return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, m, 0, m.Length);
    }
}
