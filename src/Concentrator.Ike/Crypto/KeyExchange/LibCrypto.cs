using System.Reflection;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// The few EVP_PKEY calls of OpenSSL's libcrypto that X25519/X448 need (OpenSSL ≥ 1.1.1; Debian 12 ships 3.0).
/// The BCL has no X25519 (DESIGN.md §8), but on Linux its own crypto (AesGcm, HMAC, ECDiffieHellman) runs on the
/// same libcrypto, so this adds no dependency the process does not already have. C names, C signatures.
/// </summary>
internal static partial class LibCrypto
{
    private const string Library = "libcrypto";

    /// <summary>openssl/obj_mac.h: NID_X25519, NID_X448 (also EVP_PKEY_X25519/EVP_PKEY_X448).</summary>
    public const int NID_X25519 = 1034;
    public const int NID_X448 = 1035;

    private static readonly Lazy<string?> LoadError = new(Load);

    static LibCrypto() => NativeLibrary.SetDllImportResolver(typeof(LibCrypto).Assembly, Resolve);

    /// <summary>Throws a <see cref="PlatformNotSupportedException"/> that names the missing library, once per call,
    /// instead of a bare <see cref="DllNotFoundException"/> from the middle of a handshake.</summary>
    public static void EnsureLoaded()
    {
        if (LoadError.Value is { } error)
            throw new PlatformNotSupportedException(error);
    }

    // The names the BCL's own OpenSSL shim probes on Linux, newest first.
    private static readonly string[] Candidates = ["libcrypto.so.3", "libcrypto.so.1.1"];

    private static IntPtr Resolve(string name, Assembly assembly, DllImportSearchPath? path)
    {
        if (name != Library)
            return IntPtr.Zero;
        foreach (string candidate in Candidates)
        {
            if (NativeLibrary.TryLoad(candidate, out IntPtr handle))
                return handle;
        }
        return IntPtr.Zero;
    }

    private static string? Load()
    {
        try
        {
            // Any export will do: it makes the runtime resolve the library now.
            _ = ERR_peek_error();
            return null;
        }
        catch (DllNotFoundException e)
        {
            return $"X25519/X448 use OpenSSL's libcrypto ({string.Join(" or ", Candidates)}), which could not be loaded: {e.Message}. " +
                   "Install OpenSSL (Debian: apt-get install libssl3); .NET's own AES-GCM, HMAC and ECDH need it too.";
        }
    }

    [LibraryImport(Library)]
    public static partial SafeEvpPKey EVP_PKEY_new_raw_private_key(int type, IntPtr engine, ReadOnlySpan<byte> key, nuint keylen);

    [LibraryImport(Library)]
    public static partial SafeEvpPKey EVP_PKEY_new_raw_public_key(int type, IntPtr engine, ReadOnlySpan<byte> key, nuint keylen);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_get_raw_public_key(SafeEvpPKey pkey, Span<byte> pub, ref nuint len);

    [LibraryImport(Library)]
    public static partial void EVP_PKEY_free(IntPtr pkey);

    [LibraryImport(Library)]
    public static partial SafeEvpPKeyCtx EVP_PKEY_CTX_new(SafeEvpPKey pkey, IntPtr engine);

    [LibraryImport(Library)]
    public static partial void EVP_PKEY_CTX_free(IntPtr ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_derive_init(SafeEvpPKeyCtx ctx);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_derive_set_peer(SafeEvpPKeyCtx ctx, SafeEvpPKey peer);

    [LibraryImport(Library)]
    public static partial int EVP_PKEY_derive(SafeEvpPKeyCtx ctx, Span<byte> key, ref nuint keylen);

    [LibraryImport(Library)]
    public static partial CULong ERR_peek_error();

    [LibraryImport(Library)]
    public static partial void ERR_clear_error();

    /// <summary>An <c>EVP_PKEY*</c>, freed with <c>EVP_PKEY_free</c>.</summary>
    internal sealed class SafeEvpPKey : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SafeEvpPKey()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle()
        {
            EVP_PKEY_free(handle);
            return true;
        }
    }

    /// <summary>An <c>EVP_PKEY_CTX*</c>, freed with <c>EVP_PKEY_CTX_free</c>.</summary>
    internal sealed class SafeEvpPKeyCtx : SafeHandleZeroOrMinusOneIsInvalid
    {
        public SafeEvpPKeyCtx()
            : base(ownsHandle: true)
        {
        }

        protected override bool ReleaseHandle()
        {
            EVP_PKEY_CTX_free(handle);
            return true;
        }
    }
}
