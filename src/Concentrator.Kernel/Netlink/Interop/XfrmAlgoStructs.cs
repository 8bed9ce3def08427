using System.Runtime.InteropServices;

namespace Concentrator.Kernel.Netlink.Interop;

/// <summary>struct xfrm_algo (linux/xfrm.h): XFRMA_ALG_CRYPT; the key follows (alg_key[], length in bits).</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct xfrm_algo
{
    public const int NameLength = 64;

    public fixed byte alg_name[NameLength];
    public uint alg_key_len;
}

/// <summary>struct xfrm_algo_auth (linux/xfrm.h): XFRMA_ALG_AUTH_TRUNC; key follows.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct xfrm_algo_auth
{
    public fixed byte alg_name[xfrm_algo.NameLength];
    public uint alg_key_len;
    public uint alg_trunc_len;
}

/// <summary>struct xfrm_algo_aead (linux/xfrm.h): XFRMA_ALG_AEAD; key (with salt) follows.</summary>
[StructLayout(LayoutKind.Sequential)]
internal unsafe struct xfrm_algo_aead
{
    public fixed byte alg_name[xfrm_algo.NameLength];
    public uint alg_key_len;
    public uint alg_icv_len;
}
