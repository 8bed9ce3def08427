namespace Concentrator.Ike.Encoding;

/// <summary>Limits this implementation puts on what a peer may send (not from the RFC, which sets none):
/// anything above them is answered with INVALID_SYNTAX rather than parsed.</summary>
public static class CodecLimits
{
    /// <summary>Payloads in one message or one decrypted SK body.</summary>
    public const int MaxPayloads = 64;

    /// <summary>Proposals in one SA payload.</summary>
    public const int MaxProposals = 64;

    /// <summary>Transforms in one proposal.</summary>
    public const int MaxTransformsPerProposal = 64;

    /// <summary>Attributes in one transform (only Key Length is defined today).</summary>
    public const int MaxAttributesPerTransform = 8;

    /// <summary>Traffic selectors in one TSi/TSr payload.</summary>
    public const int MaxTrafficSelectors = 64;

    /// <summary>Attributes in one Configuration payload.</summary>
    public const int MaxConfigAttributes = 64;

    /// <summary>RFC 7383 §2.5 allows 65535 fragments; a message needing more than this many is refused.</summary>
    public const int MaxFragments = 64;

    /// <summary>Largest datagram we parse or build (a UDP datagram cannot be larger).</summary>
    public const int MaxMessageLength = 65535;
}
