using System.Security.Cryptography;
using static Concentrator.Ike.Crypto.LibCrypto;

namespace Concentrator.Ike.Crypto;

/// <summary>X25519/X448 (RFC 7748) through OpenSSL's libcrypto (EVP_PKEY raw keys and EVP_PKEY_derive), what
/// strongSwan's openssl plugin uses.</summary>
internal sealed class MontgomeryOpenSslKeyExchange : IKeyExchange
{
    private readonly MontgomeryGroup _group;
    private readonly SafeEvpPKey _key;
    private readonly byte[] _public;

    /// <summary>Known-answer tests pass the scalar; <see cref="MontgomeryGroup.Create"/> passes random octets.
    /// OpenSSL keeps its own copy (clamped in the scalar multiplication, RFC 7748 §5) and clears it in
    /// EVP_PKEY_free; the caller clears its span.</summary>
    internal MontgomeryOpenSslKeyExchange(MontgomeryGroup group, ReadOnlySpan<byte> scalar)
    {
        EnsureLoaded();
        _group = group;
        _key = EVP_PKEY_new_raw_private_key(group.Nid, IntPtr.Zero, scalar, (nuint)scalar.Length);
        if (_key.IsInvalid)
            Fail(nameof(EVP_PKEY_new_raw_private_key));
        _public = new byte[group.Length];
        nuint length = (nuint)_public.Length;
        if (EVP_PKEY_get_raw_public_key(_key, _public, ref length) != 1 || length != (nuint)_public.Length)
            Fail(nameof(EVP_PKEY_get_raw_public_key));
    }

    public KeyExchangeId Id => _group.Id;

    public ReadOnlySpan<byte> PublicKey => _public;

    public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey)
    {
        // RFC 8031 §2: the KE data is exactly 32 (X25519) or 56 (X448) octets.
        KeyExchange.RequireLength(_group.Id, _group.Length, peerPublicKey);
        using SafeEvpPKey peer = EVP_PKEY_new_raw_public_key(_group.Nid, IntPtr.Zero, peerPublicKey, (nuint)peerPublicKey.Length);
        if (peer.IsInvalid)
            Fail(nameof(EVP_PKEY_new_raw_public_key));
        using SafeEvpPKeyCtx ctx = EVP_PKEY_CTX_new(_key, IntPtr.Zero);
        if (ctx.IsInvalid)
            Fail(nameof(EVP_PKEY_CTX_new));
        if (EVP_PKEY_derive_init(ctx) != 1 || EVP_PKEY_derive_set_peer(ctx, peer) != 1)
            Fail(nameof(EVP_PKEY_derive_set_peer));
        var shared = new byte[_group.Length];
        nuint length = (nuint)shared.Length;
        if (EVP_PKEY_derive(ctx, shared, ref length) != 1)
        {
            // OpenSSL's X25519/X448 derive fails exactly when the result is all zero (ossl_x25519 returns 0 then):
            // the RFC 8031 §2.3 case, the peer's fault.
            ERR_clear_error();
            CryptoThrow.InvalidKeyExchange($"{_group.Id} shared secret is all zero (low-order public value, RFC 8031 §2.3)");
        }
        if (length != (nuint)shared.Length)
            Fail(nameof(EVP_PKEY_derive));
        _group.RejectAllZero(shared);
        return shared;
    }

    public void Dispose() => _key.Dispose();

    private static void Fail(string function)
    {
        ulong code = ERR_peek_error().Value;
        ERR_clear_error();
        throw new CryptographicException($"OpenSSL {function} failed (error 0x{code:x})");
    }
}
