using Org.BouncyCastle.Math.EC.Rfc8032;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>Ed25519 (RFC 8032 PureEdDSA): the BCL has none, so it runs in OpenSSL's libcrypto
/// (<see cref="Ed25519OpenSsl"/>) or in BouncyCastle, whichever measured faster for the job
/// (bench/Concentrator.Benchmarks/Ike/CryptoSignatureBenchmarks.cs, numbers in bench/README.md): signing with our own
/// key, whose EVP_PKEY is made once, in OpenSSL (1.8× ECDSA P-256 against BouncyCastle's 3.5×); verifying a peer's
/// signature, where the key is new each time, in BouncyCastle (2.1× against OpenSSL's 3.3×).</summary>
internal static class Ed25519Signature
{
    /// <summary>Our own key signs in OpenSSL when libcrypto loads (it does wherever the BCL's crypto runs).</summary>
    public static bool SignWithOpenSsl { get; set; } = true;

    /// <summary>Peers' signatures verify in BouncyCastle.</summary>
    public static bool VerifyWithOpenSsl { get; set; }

    public static byte[] PublicKey(byte[] seed)
    {
        var pk = new byte[Ed25519.PublicKeySize];
        Ed25519.GeneratePublicKey(seed, 0, pk, 0);
        return pk;
    }

    /// <summary>The OpenSSL key of <paramref name="seed"/> when signing runs there, made once per key; else null.</summary>
    public static LibCrypto.SafeEvpPKey? SigningHandle(byte[] seed) => SignWithOpenSsl ? Ed25519OpenSsl.PrivateKey(seed) : null;

    public static byte[] Sign(byte[] seed, LibCrypto.SafeEvpPKey? handle, ReadOnlySpan<byte> message) =>
        handle is null ? SignBouncyCastle(seed, message) : Ed25519OpenSsl.Sign(handle, message);

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature) =>
        VerifyWithOpenSsl ? Ed25519OpenSsl.Verify(publicKey, message, signature) : VerifyBouncyCastle(publicKey, message, signature);

    internal static byte[] SignBouncyCastle(byte[] seed, ReadOnlySpan<byte> message)
    {
        var signature = new byte[Ed25519.SignatureSize];
        byte[] m = message.ToArray();
        Ed25519.Sign(seed, 0, m, 0, m.Length, signature, 0);
        return signature;
    }

    internal static bool VerifyBouncyCastle(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != Ed25519.PublicKeySize || signature.Length != Ed25519.SignatureSize)
        {
            return false;
        }

        byte[] m = message.ToArray();
        return Ed25519.Verify(signature.ToArray(), 0, publicKey.ToArray(), 0, m, 0, m.Length);
    }
}
