using System.Diagnostics.CodeAnalysis;

namespace Concentrator.Ike.Crypto;

/// <summary>
/// The one place that maps IANA transform IDs (and, for ciphers, key lengths) to implementations. Proposal
/// selection asks <see cref="IsSupported"/>; key derivation and the SK payload ask for the objects.
/// </summary>
public static class TransformRegistry
{
    private static readonly IPrf[] Prfs = [HmacPrf.Sha1, HmacPrf.Sha256, HmacPrf.Sha384, HmacPrf.Sha512];

    private static readonly IIntegrity[] Integrities =
        [HmacIntegrity.Sha1_96, HmacIntegrity.Sha256_128, HmacIntegrity.Sha384_192, HmacIntegrity.Sha512_256];

    private static readonly IEncryption[] Encryptions = BuildEncryptions();

    private static readonly IKeyExchangeMethod[] KeyExchanges =
    [
        ModpGroup.Modp1024, ModpGroup.Modp2048, ModpGroup.Modp3072, ModpGroup.Modp4096,
        EcpGroup.Ecp256, EcpGroup.Ecp384, EcpGroup.Ecp521,
        MontgomeryGroup.Curve25519, MontgomeryGroup.Curve448,
    ];

    /// <summary>Every PRF offered.</summary>
    public static IReadOnlyList<IPrf> AllPrfs => Prfs;

    /// <summary>Every integrity transform offered.</summary>
    public static IReadOnlyList<IIntegrity> AllIntegrities => Integrities;

    /// <summary>Every (encryption transform, key length) pair offered.</summary>
    public static IReadOnlyList<IEncryption> AllEncryptions => Encryptions;

    /// <summary>Every key exchange method offered.</summary>
    public static IReadOnlyList<IKeyExchangeMethod> AllKeyExchanges => KeyExchanges;

    public static bool TryGetPrf(PrfId id, [NotNullWhen(true)] out IPrf? prf) =>
        (prf = Array.Find(Prfs, p => p.Id == id)) is not null;

    public static bool TryGetIntegrity(IntegrityId id, [NotNullWhen(true)] out IIntegrity? integrity) =>
        (integrity = Array.Find(Integrities, i => i.Id == id)) is not null;

    /// <summary><paramref name="keyBits"/> is the Key Length attribute; 0 means "absent", which only
    /// ChaCha20-Poly1305 accepts (RFC 7634 §2: it has a single key size and the attribute is not sent).</summary>
    public static bool TryGetEncryption(EncryptionId id, int keyBits, [NotNullWhen(true)] out IEncryption? encryption)
    {
        if (keyBits == 0 && id == EncryptionId.ChaCha20Poly1305)
            keyBits = 256;
        encryption = Array.Find(Encryptions, e => e.Id == id && e.KeyBits == keyBits);
        return encryption is not null;
    }

    public static bool TryGetKeyExchange(KeyExchangeId id, [NotNullWhen(true)] out IKeyExchangeMethod? method) =>
        (method = Array.Find(KeyExchanges, k => k.Id == id)) is not null;

    public static IPrf Prf(PrfId id)
    {
        if (!TryGetPrf(id, out IPrf? prf))
            CryptoThrow.Unsupported(TransformType.Prf, (int)id);
        return prf;
    }

    public static IIntegrity Integrity(IntegrityId id)
    {
        if (!TryGetIntegrity(id, out IIntegrity? integrity))
            CryptoThrow.Unsupported(TransformType.Integrity, (int)id);
        return integrity;
    }

    public static IEncryption Encryption(EncryptionId id, int keyBits)
    {
        if (!TryGetEncryption(id, keyBits, out IEncryption? encryption))
            CryptoThrow.Unsupported(TransformType.Encryption, (int)id, keyBits);
        return encryption;
    }

    public static IKeyExchangeMethod KeyExchange(KeyExchangeId id)
    {
        if (!TryGetKeyExchange(id, out IKeyExchangeMethod? method))
            CryptoThrow.Unsupported(TransformType.KeyExchange, (int)id);
        return method;
    }

    /// <summary>Whether a transform of an SA payload can be accepted. <paramref name="keyBits"/> is the Key
    /// Length attribute (0 when absent); it only matters for encryption transforms.</summary>
    public static bool IsSupported(TransformType type, ushort id, int keyBits = 0) => type switch
    {
        TransformType.Encryption => TryGetEncryption((EncryptionId)id, keyBits, out _),
        TransformType.Prf => TryGetPrf((PrfId)id, out _),
        TransformType.Integrity => id == 0 || TryGetIntegrity((IntegrityId)id, out _),
        TransformType.KeyExchange => id == 0 || TryGetKeyExchange((KeyExchangeId)id, out _),
        _ => false,
    };

    private static IEncryption[] BuildEncryptions()
    {
        var list = new List<IEncryption>();
        foreach (int bits in (ReadOnlySpan<int>)[128, 192, 256])
        {
            list.Add(new AesCbcEncryption(bits));
            if (AeadEncryption.GcmSupported)
            {
                list.Add(AeadEncryption.AesGcm(EncryptionId.AesGcm8, bits));
                list.Add(AeadEncryption.AesGcm(EncryptionId.AesGcm12, bits));
                list.Add(AeadEncryption.AesGcm(EncryptionId.AesGcm16, bits));
            }
        }
        if (AeadEncryption.ChaChaSupported)
            list.Add(AeadEncryption.ChaCha20Poly1305());
        return [.. list];
    }
}
