namespace Concentrator.Ike;

/// <summary>Numbers fixed by the IKEv2 specification (RFC 7296 §3 and the IANA registries), kept apart from the
/// limits this implementation chooses (<see cref="Encoding.CodecLimits"/>).</summary>
public static class IkeConstants
{
    /// <summary>RFC 7296 §3.1: the fixed IKE header is 28 octets.</summary>
    public const int HeaderLength = 28;

    /// <summary>RFC 7296 §3.2: the generic payload header is 4 octets.</summary>
    public const int GenericPayloadHeaderLength = 4;

    /// <summary>RFC 7296 §3.1: MjVer 2, MnVer 0 sent as one octet 0x20.</summary>
    public const byte Version2 = 0x20;

    /// <summary>RFC 7296 §3.1: the major version lives in the high four bits.</summary>
    public const byte MajorVersion = 2;

    /// <summary>RFC 7296 §3.9: the Nonce Data MUST be between 16 and 256 octets, inclusive.</summary>
    public const int MinNonceLength = 16;

    /// <summary>RFC 7296 §3.9.</summary>
    public const int MaxNonceLength = 256;

    /// <summary>RFC 7383 §2.5: the Encrypted Fragment payload header is 8 octets (generic header +
    /// Fragment Number + Total Fragments).</summary>
    public const int FragmentPayloadHeaderLength = 8;

    /// <summary>RFC 7296 §3.3.5: attribute type 14 = Key Length (in bits), always TV.</summary>
    public const ushort AttributeKeyLength = 14;
}

/// <summary>RFC 7296 §3.1 Exchange Types (IANA "IKEv2 Exchange Types").</summary>
public enum ExchangeType : byte
{
    IkeSaInit = 34,
    IkeAuth = 35,
    CreateChildSa = 36,
    Informational = 37,
    IkeSessionResume = 38,   // RFC 5723
    GsaAuth = 39,            // G-IKEv2
    GsaRegistration = 40,
    GsaRekey = 41,
    GsaInbandRekey = 42,
    IkeIntermediate = 43,    // RFC 9242
    IkeFollowupKe = 44,      // RFC 9370
}

/// <summary>RFC 7296 §3.1 header flags. The other bits are reserved: sent as zero, ignored on receipt.</summary>
[Flags]
public enum IkeHeaderFlags : byte
{
    None = 0,
    /// <summary>I: set by the original initiator of the IKE SA.</summary>
    Initiator = 0x08,
    /// <summary>V: the sender can speak a higher major version (never set by IKEv2-only implementations).</summary>
    Version = 0x10,
    /// <summary>R: this message is a response.</summary>
    Response = 0x20,
}

/// <summary>RFC 7296 §3.2 Payload Types (IANA "IKEv2 Payload Types").</summary>
public enum PayloadType : byte
{
    None = 0,
    SecurityAssociation = 33,
    KeyExchange = 34,
    IdInitiator = 35,
    IdResponder = 36,
    Certificate = 37,
    CertificateRequest = 38,
    Authentication = 39,
    Nonce = 40,
    Notify = 41,
    Delete = 42,
    VendorId = 43,
    TrafficSelectorInitiator = 44,
    TrafficSelectorResponder = 45,
    Encrypted = 46,
    Configuration = 47,
    Eap = 48,
    GenericSecurePassword = 49, // RFC 6467
    IdGroup = 50,               // G-IKEv2
    GroupSa = 51,
    KeyDownload = 52,
    EncryptedFragment = 53,     // RFC 7383
    PuzzleSolution = 54,        // RFC 8019
}

/// <summary>RFC 7296 §3.3.1 Protocol IDs (also used in Notify and Delete).</summary>
public enum ProtocolId : byte
{
    None = 0,
    Ike = 1,
    Ah = 2,
    Esp = 3,
}

/// <summary>RFC 7296 §3.3.2 Transform Types.</summary>
public enum TransformType : byte
{
    Encryption = 1,
    Prf = 2,
    Integrity = 3,
    KeyExchange = 4,            // "D-H" in RFC 7296, renamed by RFC 9370
    ExtendedSequenceNumbers = 5,
    AdditionalKeyExchange1 = 6, // RFC 9370: types 6..12
    AdditionalKeyExchange2 = 7,
    AdditionalKeyExchange3 = 8,
    AdditionalKeyExchange4 = 9,
    AdditionalKeyExchange5 = 10,
    AdditionalKeyExchange6 = 11,
    AdditionalKeyExchange7 = 12,
}

/// <summary>RFC 7296 §3.5 ID Types.</summary>
public enum IdType : byte
{
    Ipv4Address = 1,
    Fqdn = 2,
    Rfc822Address = 3,
    Ipv6Address = 5,
    DerAsn1Dn = 9,
    DerAsn1Gn = 10,
    KeyId = 11,
    FcName = 12,     // RFC 4595
    Null = 13,       // RFC 7619
}

/// <summary>RFC 7296 §3.6 Certificate Encodings.</summary>
public enum CertificateEncoding : byte
{
    Pkcs7WrappedX509 = 1,
    PgpCertificate = 2,
    DnsSignedKey = 3,
    X509Signature = 4,
    KerberosToken = 6,
    CertificateRevocationList = 7,
    AuthorityRevocationList = 8,
    SpkiCertificate = 9,
    X509Attribute = 10,
    RawRsaKey = 11,
    HashAndUrlX509Certificate = 12,
    HashAndUrlX509Bundle = 13,
    OcspContent = 14,       // RFC 4806
    RawPublicKey = 15,      // RFC 7670
}

/// <summary>RFC 7296 §3.8 Authentication Methods (IANA "IKEv2 Authentication Method").</summary>
public enum AuthMethod : byte
{
    RsaDigitalSignature = 1,
    SharedKeyMic = 2,
    DssDigitalSignature = 3,
    EcdsaSha256P256 = 9,     // RFC 4754
    EcdsaSha384P384 = 10,
    EcdsaSha512P521 = 11,
    GenericSecurePassword = 12, // RFC 6467
    NullAuthentication = 13,    // RFC 7619
    DigitalSignature = 14,      // RFC 7427
}

/// <summary>RFC 7296 §3.13.1 Traffic Selector Types.</summary>
public enum TrafficSelectorType : byte
{
    Ipv4AddressRange = 7,
    Ipv6AddressRange = 8,
    FcAddressRange = 9,     // RFC 4595
    SecurityLabel = 10,     // RFC 9478
}

/// <summary>RFC 7296 §3.15 CFG Types.</summary>
public enum ConfigType : byte
{
    Request = 1,
    Reply = 2,
    Set = 3,
    Ack = 4,
}

/// <summary>RFC 7296 §3.15.1 Configuration Attribute Types (IANA "IKEv2 Configuration Payload Attribute Types").</summary>
public enum ConfigAttributeType : ushort
{
    InternalIp4Address = 1,
    InternalIp4Netmask = 2,
    InternalIp4Dns = 3,
    InternalIp4Nbns = 4,
    InternalIp4Dhcp = 6,
    ApplicationVersion = 7,
    InternalIp6Address = 8,
    InternalIp6Dns = 10,
    InternalIp6Dhcp = 12,
    InternalIp4Subnet = 13,
    SupportedAttributes = 14,
    InternalIp6Subnet = 15,
    Mip6HomePrefix = 16,        // RFC 5026
    InternalIp6Link = 17,       // RFC 5739
    InternalIp6Prefix = 18,     // RFC 5739
    HomeAgentAddress = 19,      // RFC 5213
    PCscfIp4Address = 20,      // RFC 7651
    PCscfIp6Address = 21,
    FtdNa = 22,
    InternalDnsDomain = 25,     // RFC 8598
    InternalDnssecTa = 26,      // RFC 8598
}

/// <summary>RFC 3748 §4 EAP Codes (used by the EAP payload, RFC 7296 §3.16).</summary>
public enum EapCode : byte
{
    Request = 1,
    Response = 2,
    Success = 3,
    Failure = 4,
}
