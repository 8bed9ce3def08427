using System.Diagnostics.CodeAnalysis;

namespace Concentrator.Ike.Encoding;

/// <summary>Every codec failure leaves through here, so the parser's hot paths stay small and every malformed
/// input surfaces as <see cref="IkeProtocolException"/> carrying the RFC's Notify type.</summary>
internal static class ThrowHelper
{
    [DoesNotReturn]
    public static void ThrowInvalidSyntax(string message) =>
        throw new IkeProtocolException(NotifyType.InvalidSyntax, message);

    [DoesNotReturn]
    public static T ThrowInvalidSyntax<T>(string message) =>
        throw new IkeProtocolException(NotifyType.InvalidSyntax, message);

    [DoesNotReturn]
    public static void ThrowTruncated(int needed, int remaining) =>
        throw new IkeProtocolException(NotifyType.InvalidSyntax,
            $"truncated: {needed} octets needed, {remaining} left");

    [DoesNotReturn]
    public static void ThrowTrailingData(int remaining) =>
        throw new IkeProtocolException(NotifyType.InvalidSyntax, $"{remaining} unexpected octets at the end of a structure");

    [DoesNotReturn]
    public static void ThrowInvalidMajorVersion(byte version) =>
        throw new IkeProtocolException(NotifyType.InvalidMajorVersion, $"IKE major version {version >> 4} is not 2");

    /// <summary>RFC 7296 §2.5: the Notification Data of UNSUPPORTED_CRITICAL_PAYLOAD is the one-octet payload type.</summary>
    [DoesNotReturn]
    public static void ThrowUnsupportedCritical(byte payloadType) =>
        throw new IkeProtocolException(NotifyType.UnsupportedCriticalPayload,
            $"unsupported critical payload type {payloadType}", new[] { payloadType });

    [DoesNotReturn]
    public static void ThrowDestinationTooSmall() =>
        throw new ArgumentException("destination buffer too small for the IKE message");

    /// <summary>A caller misused the codec (not a peer's fault): no Notify applies.</summary>
    [DoesNotReturn]
    public static void ThrowInvalidOperation(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static T ThrowInvalidOperation<T>(string message) => throw new InvalidOperationException(message);

    [DoesNotReturn]
    public static void ThrowLengthOverflow(int length) =>
        throw new InvalidOperationException($"length {length} does not fit its field");
}
