namespace Concentrator.Ike.Encoding;

/// <summary>
/// One IKEv2 payload. The generic payload header (RFC 7296 §3.2) is handled by <see cref="PayloadChain"/>;
/// subclasses read and write only their body.
/// <code>
///  0                   1                   2                   3
///  0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// | Next Payload  |C|  RESERVED   |         Payload Length        |
/// +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
/// </code>
/// </summary>
public abstract class Payload
{
    /// <summary>The payload type this object encodes (the previous header's Next Payload value).</summary>
    public abstract PayloadType Type { get; }

    /// <summary>The C bit as received or to be sent. RFC 7296 §3.2: it MUST be ignored for payload types the
    /// recipient understands and MUST be zero for the types RFC 7296 defines; it is kept so a parsed message
    /// re-serialises to the same octets.</summary>
    public bool Critical { get; set; }

    /// <summary>The seven RESERVED bits of the generic header as received (RFC 7296 §3.2: sent as zero, ignored
    /// on receipt); kept only for byte-identical re-serialisation.</summary>
    public byte HeaderReserved { get; set; }

    /// <summary>Writes the body (everything after the generic header).</summary>
    public abstract void WriteBody(ref IkeWriter writer);

    /// <summary>The Next Payload value this payload's own header carries instead of the type of the payload after
    /// it: SK and SKF are always last and name their first inner payload there (RFC 7296 §3.14).</summary>
    internal virtual PayloadType? OwnNextPayload => null;

    internal byte HeaderFlags => (byte)((Critical ? 0x80 : 0) | (HeaderReserved & 0x7F));
}
