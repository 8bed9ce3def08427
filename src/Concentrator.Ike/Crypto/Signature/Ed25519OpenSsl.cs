using System.Security.Cryptography;
using static Concentrator.Ike.Crypto.LibCrypto;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>Ed25519 (RFC 8032 PureEdDSA) through OpenSSL's libcrypto (EVP_DigestSign with no digest), what
/// strongSwan's openssl plugin uses; <see cref="Ed25519Signature"/> picks this or BouncyCastle by measurement.</summary>
internal static class Ed25519OpenSsl
{
    public const int KeyLength = 32;
    public const int SignatureLength = 64;

    public static SafeEvpPKey PrivateKey(ReadOnlySpan<byte> seed)
    {
        EnsureLoaded();
        SafeEvpPKey key = EVP_PKEY_new_raw_private_key(NID_ED25519, IntPtr.Zero, seed, (nuint)seed.Length);
        return key.IsInvalid ? throw Fail(nameof(EVP_PKEY_new_raw_private_key)) : key;
    }

    public static byte[] PublicKey(SafeEvpPKey key)
    {
        var pub = new byte[KeyLength];
        nuint length = KeyLength;
        return EVP_PKEY_get_raw_public_key(key, pub, ref length) == 1 && length == KeyLength ? pub : throw Fail(nameof(EVP_PKEY_get_raw_public_key));
    }

    public static byte[] Sign(SafeEvpPKey key, ReadOnlySpan<byte> message)
    {
        using SafeEvpMdCtx ctx = EVP_MD_CTX_new();
        if (ctx.IsInvalid || EVP_DigestSignInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key) != 1)
        {
            throw Fail(nameof(EVP_DigestSignInit));
        }

        var signature = new byte[SignatureLength];
        nuint length = SignatureLength;
        return EVP_DigestSign(ctx, signature, ref length, message, (nuint)message.Length) == 1 && length == SignatureLength
            ? signature : throw Fail(nameof(EVP_DigestSign));
    }

    public static bool Verify(ReadOnlySpan<byte> publicKey, ReadOnlySpan<byte> message, ReadOnlySpan<byte> signature)
    {
        if (publicKey.Length != KeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        EnsureLoaded();
        using SafeEvpPKey key = EVP_PKEY_new_raw_public_key(NID_ED25519, IntPtr.Zero, publicKey, KeyLength);
        using SafeEvpMdCtx ctx = EVP_MD_CTX_new();
        if (key.IsInvalid || ctx.IsInvalid || EVP_DigestVerifyInit(ctx, IntPtr.Zero, IntPtr.Zero, IntPtr.Zero, key) != 1)
        {
            // A public key OpenSSL does not take (not a curve point) verifies nothing.
            ERR_clear_error();
            return false;
        }

        bool valid = EVP_DigestVerify(ctx, signature, SignatureLength, message, (nuint)message.Length) == 1;
        ERR_clear_error();
        return valid;
    }

    private static CryptographicException Fail(string function)
    {
        ulong code = ERR_peek_error().Value;
        ERR_clear_error();
        return new CryptographicException($"OpenSSL {function} failed (error 0x{code:x})");
    }
}
