using System.Security.Cryptography;

namespace Concentrator.Ike.Crypto.Signature;

/// <summary>A signature algorithm with its hash, as named by the AlgorithmIdentifier of an RFC 7427 AUTH payload
/// or implied by a classic AUTH method (RFC 7296 §3.8: 1 = RSA, RFC 4754: 9/10/11 = ECDSA).</summary>
public enum SignatureScheme
{
    /// <summary>Only for the classic method 1 (RFC 7296 §3.8); refused inside method 14 (RFC 8247 §3.3).</summary>
    RsaPkcs1Sha1,
    RsaPkcs1Sha256,
    RsaPkcs1Sha384,
    RsaPkcs1Sha512,
    RsaPssSha256,
    RsaPssSha384,
    RsaPssSha512,
    EcdsaSha256,
    EcdsaSha384,
    EcdsaSha512,

    /// <summary>PureEdDSA: signs the octets themselves, the "Identity" hash of RFC 8420.</summary>
    Ed25519,
}

/// <summary>The kinds of key a certificate may carry for IKE (what a scheme needs).</summary>
public enum SignatureKeyKind
{
    Rsa,
    EcdsaP256,
    EcdsaP384,
    EcdsaP521,
    Ed25519,
}

/// <summary>RFC 7427 §7 hash algorithm numbers of SIGNATURE_HASH_ALGORITHMS (IANA "IKEv2 Hash Algorithms").</summary>
public static class SignatureHash
{
    public const ushort Sha1 = 1;
    public const ushort Sha256 = 2;
    public const ushort Sha384 = 3;
    public const ushort Sha512 = 4;

    /// <summary>RFC 8420 §2: "Identity", for signature algorithms that hash internally (Ed25519).</summary>
    public const ushort Identity = 5;
}

/// <summary>Facts about a <see cref="SignatureScheme"/>.</summary>
public static class SignatureSchemes
{
    public static bool IsRsa(this SignatureScheme scheme) => scheme <= SignatureScheme.RsaPssSha512;

    public static bool IsPss(this SignatureScheme scheme) => scheme is >= SignatureScheme.RsaPssSha256 and <= SignatureScheme.RsaPssSha512;

    public static bool IsEcdsa(this SignatureScheme scheme) => scheme is >= SignatureScheme.EcdsaSha256 and <= SignatureScheme.EcdsaSha512;

    /// <summary>The BCL hash of the scheme (none for Ed25519).</summary>
    public static HashAlgorithmName Hash(this SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.RsaPkcs1Sha1 => HashAlgorithmName.SHA1,
        SignatureScheme.RsaPkcs1Sha256 or SignatureScheme.RsaPssSha256 or SignatureScheme.EcdsaSha256 => HashAlgorithmName.SHA256,
        SignatureScheme.RsaPkcs1Sha384 or SignatureScheme.RsaPssSha384 or SignatureScheme.EcdsaSha384 => HashAlgorithmName.SHA384,
        SignatureScheme.Ed25519 => default,
        _ => HashAlgorithmName.SHA512,
    };

    /// <summary>The RFC 7427 §7 number of the scheme's hash.</summary>
    public static ushort HashNumber(this SignatureScheme scheme) => scheme switch
    {
        SignatureScheme.RsaPkcs1Sha1 => SignatureHash.Sha1,
        SignatureScheme.Ed25519 => SignatureHash.Identity,
        _ when scheme.Hash() == HashAlgorithmName.SHA256 => SignatureHash.Sha256,
        _ when scheme.Hash() == HashAlgorithmName.SHA384 => SignatureHash.Sha384,
        _ => SignatureHash.Sha512,
    };

    /// <summary>Whether a key of <paramref name="kind"/> makes signatures of <paramref name="scheme"/>.</summary>
    public static bool Fits(this SignatureScheme scheme, SignatureKeyKind kind) => kind switch
    {
        SignatureKeyKind.Rsa => scheme.IsRsa(),
        SignatureKeyKind.Ed25519 => scheme == SignatureScheme.Ed25519,
        _ => scheme.IsEcdsa(),
    };

    /// <summary>The schemes a key of <paramref name="kind"/> signs with under method 14, best first: ECDSA with the
    /// hash of its curve's size (RFC 5480 §4), RSA with SHA-256 first, PSS when <paramref name="pss"/>.</summary>
    public static IReadOnlyList<SignatureScheme> Preferred(SignatureKeyKind kind, bool pss) => kind switch
    {
        SignatureKeyKind.Rsa when pss => [SignatureScheme.RsaPssSha256, SignatureScheme.RsaPssSha384, SignatureScheme.RsaPssSha512],
        SignatureKeyKind.Rsa => [SignatureScheme.RsaPkcs1Sha256, SignatureScheme.RsaPkcs1Sha384, SignatureScheme.RsaPkcs1Sha512],
        SignatureKeyKind.EcdsaP256 => [SignatureScheme.EcdsaSha256, SignatureScheme.EcdsaSha384, SignatureScheme.EcdsaSha512],
        SignatureKeyKind.EcdsaP384 => [SignatureScheme.EcdsaSha384, SignatureScheme.EcdsaSha512, SignatureScheme.EcdsaSha256],
        SignatureKeyKind.EcdsaP521 => [SignatureScheme.EcdsaSha512, SignatureScheme.EcdsaSha384, SignatureScheme.EcdsaSha256],
        _ => [SignatureScheme.Ed25519],
    };
}
