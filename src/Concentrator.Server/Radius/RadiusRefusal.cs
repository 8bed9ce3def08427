namespace Concentrator.Server.Radius;

/// <summary>Why a datagram from a RADIUS server was dropped (RFC 2865 §3: such packets are "silently discarded");
/// the client actor counts each one by reason.</summary>
public enum RadiusRefusal
{
    None,

    /// <summary>Fewer than 20 octets, or a Length field below 20 or beyond the datagram or 4096.</summary>
    BadLength,

    /// <summary>An attribute whose Length is below 2 or runs past the packet's Length.</summary>
    AttributeOverrun,

    /// <summary>A known attribute whose value has the wrong size (an address that is not 4 octets, a
    /// Message-Authenticator that is not 16, a vendor attribute with a broken inner length, …).</summary>
    BadAttributeLength,

    /// <summary>A code that does not answer what was sent (an Accounting-Response to an Access-Request, …).</summary>
    UnexpectedCode,

    /// <summary>No request is in flight to that server with that Identifier (late, duplicate or forged).</summary>
    NoPendingRequest,

    /// <summary>The Response Authenticator does not match (RFC 2865 §3, RFC 2866 §3): wrong secret or forged.</summary>
    BadAuthenticator,

    /// <summary>The Message-Authenticator does not match (RFC 3579 §3.2).</summary>
    BadMessageAuthenticator,

    /// <summary>An EAP-Message without Message-Authenticator (RFC 3579 §3.2: silently discarded).</summary>
    MissingMessageAuthenticator,

    /// <summary>An MS-MPPE key that does not decrypt to a sensible key (RFC 2548 §2.4.2).</summary>
    BadMppeKey,
}
