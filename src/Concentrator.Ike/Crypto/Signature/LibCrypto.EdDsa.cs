using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Concentrator.Ike.Crypto;

/// <summary>The EVP_DigestSign/EVP_DigestVerify calls of libcrypto that Ed25519 (a one-shot, PureEdDSA signature,
/// no digest) needs. C names, C signatures.</summary>
internal static partial class LibCrypto
{
    /// <summary>openssl/obj_mac.h: NID_ED25519 (also EVP_PKEY_ED25519).</summary>
    public const int NID_ED25519 = 1087;

    [LibraryImport(Library)]
    public static partial SafeEvpMdCtx EVP_MD_CTX_new();

    [LibraryImport(Library)]
    public static partial void EVP_MD_CTX_free(IntPtr ctx);

    [LibraryImport(Library)]
    public static partial int EVP_DigestSignInit(SafeEvpMdCtx ctx, IntPtr pctx, IntPtr type, IntPtr engine, SafeEvpPKey pkey);

    [LibraryImport(Library)]
    public static partial int EVP_DigestSign(SafeEvpMdCtx ctx, Span<byte> sigret, ref nuint siglen, ReadOnlySpan<byte> tbs, nuint tbslen);

    [LibraryImport(Library)]
    public static partial int EVP_DigestVerifyInit(SafeEvpMdCtx ctx, IntPtr pctx, IntPtr type, IntPtr engine, SafeEvpPKey pkey);

    [LibraryImport(Library)]
    public static partial int EVP_DigestVerify(SafeEvpMdCtx ctx, ReadOnlySpan<byte> sig, nuint siglen, ReadOnlySpan<byte> tbs, nuint tbslen);

    /// <summary>An <c>EVP_MD_CTX*</c>, freed with <c>EVP_MD_CTX_free</c>.</summary>
    internal sealed class SafeEvpMdCtx : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SafeEvpMdCtx()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle()
        {
            EVP_MD_CTX_free(handle);
            return true;
        }
    }
}
