namespace Concentrator.Server.Radius;

/// <summary>The attribute types this client writes or reads (RFC 2865 §5, RFC 2866 §5, RFC 2869 §5, RFC 3579 §3,
/// RFC 6911 §3).
/// A reply may carry others: they are ignored and counted (RFC 2865 §5: "A RADIUS client MAY ignore Attributes with
/// an unknown Type").</summary>
public enum RadiusAttributeType : byte
{
    UserName = 1,
    UserPassword = 2,
    NasIpAddress = 4,
    NasPort = 5,
    ServiceType = 6,
    FramedProtocol = 7,
    FramedIpAddress = 8,
    FramedIpNetmask = 9,
    FilterId = 11,
    FramedMtu = 12,
    ReplyMessage = 18,
    State = 24,
    Class = 25,
    VendorSpecific = 26,
    SessionTimeout = 27,
    IdleTimeout = 28,
    TerminationAction = 29,
    CalledStationId = 30,
    CallingStationId = 31,
    NasIdentifier = 32,
    ProxyState = 33,
    AcctStatusType = 40,
    AcctDelayTime = 41,
    AcctInputOctets = 42,
    AcctOutputOctets = 43,
    AcctSessionId = 44,
    AcctAuthentic = 45,
    AcctSessionTime = 46,
    AcctInputPackets = 47,
    AcctOutputPackets = 48,
    AcctTerminateCause = 49,
    AcctInputGigawords = 52,
    AcctOutputGigawords = 53,
    EventTimestamp = 55,
    NasPortType = 61,
    EapMessage = 79,
    MessageAuthenticator = 80,
    AcctInterimInterval = 85,
    NasPortId = 87,

    /// <summary>RFC 3162 §2.3: an IPv6 prefix for the user (Reserved, Prefix-Length, up to 16 Prefix octets).</summary>
    FramedIpv6Prefix = 97,

    /// <summary>RFC 6911 §3.1: an IPv6 address assigned to the user, 16 octets.</summary>
    FramedIpv6Address = 168,
}

/// <summary>Microsoft's vendor attributes (vendor id 311, RFC 2548 §2) this client reads.</summary>
public enum MicrosoftAttributeType : byte
{
    MsMppeEncryptionPolicy = 7,
    MsMppeEncryptionTypes = 8,
    MsMppeSendKey = 16,
    MsMppeRecvKey = 17,
}

/// <summary>Spec constants of the RADIUS wire format.</summary>
public static class RadiusConstants
{
    /// <summary>RFC 2865 §3: Code, Identifier, Length, Authenticator.</summary>
    public const int HeaderLength = 20;

    /// <summary>RFC 2865 §3: "The minimum length is 20 and maximum length is 4096."</summary>
    public const int MaxPacketLength = 4096;

    public const int AuthenticatorLength = 16;

    /// <summary>RFC 2865 §5: an attribute's Length octet covers Type, Length and Value, so a value holds at most 253.</summary>
    public const int MaxAttributeValue = 253;

    /// <summary>SMI Network Management Private Enterprise Code of Microsoft (RFC 2548 §2).</summary>
    public const uint VendorMicrosoft = 311;

    /// <summary>RFC 2865 §3: authentication and authorization on UDP port 1812.</summary>
    public const int AuthPort = 1812;

    /// <summary>RFC 2866 §3: accounting on UDP port 1813.</summary>
    public const int AcctPort = 1813;
}
