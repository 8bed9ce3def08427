using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa;

/// <summary>The transforms of a chosen IKE proposal as the crypto objects that use them.</summary>
public sealed record IkeAlgorithms(IEncryption Encryption, IPrf Prf, IIntegrity? Integrity, KeyExchangeId Group)
{
    /// <summary>Resolves a chosen proposal; null when it lacks a type or names something unsupported.</summary>
    public static IkeAlgorithms? From(Proposal chosen)
    {
        Transform? encr = Proposals.Get(chosen, TransformType.Encryption);
        Transform? prf = Proposals.Get(chosen, TransformType.Prf);
        Transform? integ = Proposals.Get(chosen, TransformType.Integrity);
        Transform? ke = Proposals.Get(chosen, TransformType.KeyExchange);
        if (encr is null || prf is null || ke is null
            || !TransformRegistry.TryGetEncryption((EncryptionId)encr.Value.Id, encr.Value.KeyLength, out IEncryption? encryption)
            || !TransformRegistry.TryGetPrf((PrfId)prf.Value.Id, out IPrf? prfImpl))
        {
            return null;
        }

        IIntegrity? integrity = null;
        if (integ is { Id: not 0 } && !TransformRegistry.TryGetIntegrity((IntegrityId)integ.Value.Id, out integrity))
        {
            return null;
        }

        // RFC 5282 §8: AEAD goes without an integrity transform, everything else needs one.
        if (encryption.IsAead != (integrity is null))
        {
            return null;
        }

        return new IkeAlgorithms(encryption, prfImpl, integrity, (KeyExchangeId)ke.Value.Id);
    }

    public override string ToString() =>
        $"{Encryption.Id}/{Encryption.KeyBits}-{Prf.Id}{(Integrity is null ? "" : "-" + Integrity.Id)}-{Group}";
}

/// <summary>The transforms of a chosen ESP proposal: what the kernel needs besides keys and SPIs.</summary>
public sealed record EspAlgorithms(IEncryption Encryption, IIntegrity? Integrity, bool ExtendedSequenceNumbers)
{
    public static EspAlgorithms? From(Proposal chosen)
    {
        Transform? encr = Proposals.Get(chosen, TransformType.Encryption);
        Transform? integ = Proposals.Get(chosen, TransformType.Integrity);
        Transform? esn = Proposals.Get(chosen, TransformType.ExtendedSequenceNumbers);
        if (encr is null
            || !TransformRegistry.TryGetEncryption((EncryptionId)encr.Value.Id, encr.Value.KeyLength, out IEncryption? encryption))
        {
            return null;
        }

        IIntegrity? integrity = null;
        if (integ is { Id: not 0 } && !TransformRegistry.TryGetIntegrity((IntegrityId)integ.Value.Id, out integrity))
        {
            return null;
        }

        if (encryption.IsAead != (integrity is null))
        {
            return null;
        }

        return new EspAlgorithms(encryption, integrity, esn is { Id: 1 });
    }

    public override string ToString() =>
        $"{Encryption.Id}/{Encryption.KeyBits}{(Integrity is null ? "" : "-" + Integrity.Id)}{(ExtendedSequenceNumbers ? "-esn" : "")}";
}
