using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>
/// EAP-MD5-Challenge (RFC 3748 §5.4) as authenticator: Value = MD5(Identifier | secret | Challenge) (RFC 1994 §4.1).
/// For tests and lab setups only: it has no MSK and does not authenticate the server, so IKE AUTH falls back to
/// SK_pi/SK_pr (RFC 7296 §2.16).
/// </summary>
public sealed class EapMd5Server : IEapServer
{
    private readonly EapSecretLookup _secrets;
    private readonly IRandomSource _random;
    private readonly byte[] _challenge = new byte[16];
    private string _identity = "";
    private byte _identifier;
    private bool _answered;

    public EapMd5Server(EapSecretLookup secrets, IRandomSource random)
    {
        _secrets = secrets;
        _random = random;
    }

    public EapStep Start(string identity, byte identifier)
    {
        _identity = identity;
        _identifier = identifier;
        _random.Fill(_challenge);
        return new EapStep.Request(EapPacket.Request(identifier, EapType.Md5Challenge, EapMd5.Value(_challenge)).Encode());
    }

    public EapStep Process(EapPacket response)
    {
        ReadOnlySpan<byte> data = response.Data.Span;
        // RFC 3748 §5.4: Value-Size, Value, Name; the MD5 value is 16 octets.
        if (_answered || response.Type != EapType.Md5Challenge || data.Length < 17 || data[0] != 16)
        {
            return new EapStep.Failure($"not an EAP-MD5 response (type {(byte)response.Type}, {data.Length} octets)");
        }

        _answered = true;
        if (_secrets(_identity) is not { } secret)
        {
            return new EapStep.Failure($"no EAP secret for '{EapMsChapV2Server.Printable(_identity)}'");
        }

        byte[] expected = EapMd5.Hash(_identifier, secret, _challenge);
        return CryptographicOperations.FixedTimeEquals(expected, data.Slice(1, 16))
            ? new EapStep.Success(null, _identity)
            : new EapStep.Failure($"'{EapMsChapV2Server.Printable(_identity)}' answered the MD5 challenge with another secret");
    }
}

/// <summary>EAP-MD5-Challenge as peer (tests only).</summary>
public sealed class EapMd5Client : IEapClient
{
    private readonly byte[] _secret;

    public EapMd5Client(byte[] secret) => _secret = secret;

    public EapType Type => EapType.Md5Challenge;

    public byte[]? Msk => null;

    public EapPacket? Process(EapPacket request)
    {
        ReadOnlySpan<byte> data = request.Data.Span;
        if (request.Type != EapType.Md5Challenge || data.Length < 1 || data[0] == 0 || data.Length < 1 + data[0])
        {
            return null;
        }

        byte[] hash = EapMd5.Hash(request.Identifier, _secret, data.Slice(1, data[0]));
        return EapPacket.Response(request.Identifier, EapType.Md5Challenge, EapMd5.Value(hash));
    }
}

internal static class EapMd5
{
    public static byte[] Hash(byte identifier, ReadOnlySpan<byte> secret, ReadOnlySpan<byte> challenge)
    {
        using var md5 = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        md5.AppendData([identifier]);
        md5.AppendData(secret);
        md5.AppendData(challenge);
        return md5.GetHashAndReset();
    }

    /// <summary>Value-Size | Value (no Name).</summary>
    public static byte[] Value(ReadOnlySpan<byte> value)
    {
        var data = new byte[1 + value.Length];
        data[0] = (byte)value.Length;
        value.CopyTo(data.AsSpan(1));
        return data;
    }
}
