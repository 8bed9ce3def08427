namespace Concentrator.Ike;

/// <summary>IKEv2 Notify Message Types (IANA "IKEv2 Notify Message Types"; RFC 7296 §3.10.1).
/// Values below 16384 are errors, 16384 and above are status types.</summary>
public enum NotifyType : ushort
{
    UnsupportedCriticalPayload = 1,
    InvalidIkeSpi = 4,
    InvalidMajorVersion = 5,
    InvalidSyntax = 7,
    InvalidMessageId = 9,
    InvalidSpi = 11,
    NoProposalChosen = 14,
    InvalidKePayload = 17,
    AuthenticationFailed = 24,
}
