namespace Concentrator.Ike.Auth.Eap;

/// <summary>
/// The authenticator side of one EAP conversation after the peer's identity is known (strongSwan's server
/// <c>eap_method_t</c>, or a backend such as EAP-RADIUS that relays it). One instance per IKE SA, used by one thread
/// at a time. The IKE layer checks the EAP framing and Identifiers before it calls <see cref="Process"/>; the
/// server checks its own Type-Data.
/// </summary>
public interface IEapServer
{
    /// <summary>The first request for <paramref name="identity"/> (the EAP identity: from EAP-Identity, or IDi),
    /// using <paramref name="identifier"/> as its EAP Identifier.</summary>
    EapStep Start(string identity, byte identifier);

    /// <summary>The peer's response to the last request (its Identifier already matched).</summary>
    EapStep Process(EapPacket response);

    /// <summary>Whether a Nak goes to <see cref="Process"/> (a backend that can offer another method, e.g. a RADIUS
    /// server); false: the IKE layer ends the conversation on a Nak (a local method has no other to offer).</summary>
    bool AcceptsNak => false;

    /// <summary>Whether the method is safe for EAP-only authentication (RFC 5998 §4: "EAP methods ... MUST provide
    /// mutual authentication, MUST generate keys, and SHOULD be resistant to dictionary attacks"): EAP-TLS is;
    /// EAP-MSCHAPv2 (open to dictionary attacks) and EAP-MD5 (one-way, no key) are not, nor is a relay whose method
    /// the RADIUS server picks later. Known before <see cref="Start"/>: the gateway decides in its first answer.</summary>
    bool IsMutual => false;
}

/// <summary>The peer side of one EAP conversation (the load generator's and the tests' initiator).</summary>
public interface IEapClient
{
    EapType Type { get; }

    /// <summary>The response to <paramref name="request"/> (of this client's <see cref="Type"/>), or null when the
    /// request does not verify (the conversation fails).</summary>
    EapPacket? Process(EapPacket request);

    /// <summary>The MSK once the method completed, or null (EAP-MD5 has none).</summary>
    byte[]? Msk { get; }

    /// <summary>Whether the method authenticates the server too and is safe for EAP-only authentication (RFC 5998
    /// §4); an initiator whose responder left out its AUTH fails unless this holds.</summary>
    bool IsMutual => false;
}

/// <summary>An EAP user's secret (password) by EAP identity, or null when the user is unknown.</summary>
public delegate byte[]? EapSecretLookup(string identity);
