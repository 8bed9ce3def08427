using System.Diagnostics.CodeAnalysis;

namespace Concentrator.Ike.Crypto;

/// <summary>Every failure of the crypto layer leaves through here, so call sites stay one line long and the
/// JIT keeps the throwing paths out of the hot code.</summary>
internal static class CryptoThrow
{
    [DoesNotReturn]
    public static void InvalidSyntax(string message) =>
        throw new IkeProtocolException(NotifyType.InvalidSyntax, message);

    [DoesNotReturn]
    public static void InvalidKeyExchange(string message) =>
        throw new IkeProtocolException(NotifyType.InvalidSyntax, message);

    [DoesNotReturn]
    public static void ArgumentLength(string name, int expected, int actual) =>
        throw new ArgumentException($"{name} must be {expected} octets, got {actual}", name);

    [DoesNotReturn]
    public static void Unsupported(TransformType type, int id, int keyBits = 0) =>
        throw new NotSupportedException(keyBits == 0
            ? $"transform {type} id {id} is not supported"
            : $"transform {type} id {id} with a {keyBits}-bit key is not supported");
}
