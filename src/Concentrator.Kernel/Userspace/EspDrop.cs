namespace Concentrator.Kernel.Userspace;

/// <summary>Why the dataplane dropped a packet; each has a counter per SA and/or per dataplane (like /proc/net/xfrm_stat).</summary>
public enum EspDrop
{
    /// <summary>Too short for SPI, sequence number, IV, one aligned block and ICV (XfrmInHdrError).</summary>
    Truncated,

    /// <summary>No SA for the SPI (XfrmInNoStates) or no SA for an outbound policy (XfrmOutNoStates).</summary>
    NoSa,

    /// <summary>Outbound packet matched no policy on its ipsecN device (XfrmOutPolBlock-like; the kernel would route it unencrypted nowhere).</summary>
    NoPolicy,

    /// <summary>Already seen or left of the window (XfrmInStateSeqError).</summary>
    Replay,

    /// <summary>ICV did not verify (XfrmInStateProtoError).</summary>
    BadIcv,

    /// <summary>Pad length longer than the body, or padding bytes not 1, 2, 3, ... (RFC 4303 section 2.4).</summary>
    BadPadding,

    /// <summary>Next header is neither IPv4 (4) nor IPv6 (41) in tunnel mode.</summary>
    BadNextHeader,

    /// <summary>Next header 59: a traffic-flow-confidentiality dummy packet, discarded by design (RFC 4303 section 2.6).</summary>
    Dummy,

    /// <summary>Decrypted inner packet is not a well-formed IP packet.</summary>
    BadInnerPacket,

    /// <summary>Inner packet outside the SA's traffic selectors (XfrmInTmplMismatch).</summary>
    SelectorMismatch,

    /// <summary>SA reached its hard lifetime (XfrmInStateExpired / XfrmOutStateExpired).</summary>
    Expired,

    /// <summary>Outbound sequence number would cycle (XfrmOutStateSeqError): RFC 4303 section 3.3.3 forbids it.</summary>
    SequenceOverflow,

    /// <summary>Datagram or packet larger than the buffers or the device MTU allows.</summary>
    Oversized,

    /// <summary>Outbound SA has no UDP encapsulation and raw ESP is not available.</summary>
    NoTransport,

    /// <summary>Writing to the TUN device or sending on the socket failed.</summary>
    IoError,
}
