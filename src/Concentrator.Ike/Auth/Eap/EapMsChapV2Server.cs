using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>
/// EAP-MSCHAPv2 as authenticator with local secrets (draft-kamath-pppext-eap-mschapv2, RFC 2759): Challenge →
/// Response (NT-Response checked) → Success-Request with "S=&lt;authenticator response&gt;" → the peer's Success
/// Response → EAP Success with the MSK. A wrong password is answered, up to <c>maxRetries</c> times, with a Failure
/// Request "E=691 R=1 C=&lt;new challenge&gt;" (RFC 2759 §6, as strongSwan's eap-mschapv2 max_retries): the peer may
/// answer the new challenge with another password, or give up with a Failure Response. Past the limit (0 by default)
/// the conversation ends in EAP-Failure (RFC 3748 §4.2), as strongSwan does rather than sending R=0, which Windows
/// does not acknowledge. The secret is looked up by the EAP identity, so an unknown user and a wrong password look
/// the same from outside, retries included.
/// </summary>
public sealed class EapMsChapV2Server : IEapServer
{
    private static ReadOnlySpan<byte> ServerName => "Concentrator"u8;

    private readonly EapSecretLookup _secrets;
    private readonly IRandomSource _random;
    private readonly int _maxRetries;
    private readonly byte[] _challenge = new byte[MsChapV2.ChallengeLength];
    private string _identity = "";
    private byte _id;
    private byte _nextIdentifier;
    private byte[]? _msk;

    /// <param name="maxRetries">How many wrong passwords are answered with a retry offer before EAP-Failure.</param>
    public EapMsChapV2Server(EapSecretLookup secrets, IRandomSource random, int maxRetries = 0)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxRetries);
        _secrets = secrets;
        _random = random;
        _maxRetries = maxRetries;
    }

    /// <summary>How many wrong passwords were answered with a retry offer so far.</summary>
    public int Retries { get; private set; }

    public EapStep Start(string identity, byte identifier)
    {
        _identity = identity;
        _random.Fill(_challenge);
        // The draft, §2: MS-CHAPv2-ID "MUST be the same as the EAP Identifier" of the Challenge.
        _id = identifier;
        _nextIdentifier = (byte)(identifier + 1);
        byte[] data = EapMsChapV2Packets.WithValue(MsChapV2OpCode.Challenge, _id, _challenge, ServerName);
        return new EapStep.Request(EapPacket.Request(identifier, EapType.MsChapV2, data).Encode());
    }

    public EapStep Process(EapPacket response)
    {
        // The draft §2.3: the peer's Success Response is the OpCode alone (no MS-CHAPv2-ID or MS-Length).
        if (response.Type == EapType.MsChapV2 && response.Data.Length == 1 && response.Data.Span[0] == (byte)MsChapV2OpCode.Success)
        {
            return _msk is { } msk ? new EapStep.Success(msk, _identity) : new EapStep.Failure("EAP-MSCHAPv2 Success before the challenge was answered");
        }

        // The draft §2.5: a peer that does not retry after a Failure Request answers with the OpCode alone.
        if (response.Type == EapType.MsChapV2 && response.Data.Length == 1 && response.Data.Span[0] == (byte)MsChapV2OpCode.Failure)
        {
            return new EapStep.Failure(Retries > 0
                ? $"'{Printable(_identity)}' gave up after {Retries} wrong password(s) (EAP-MSCHAPv2 Failure Response)"
                : "EAP-MSCHAPv2 Failure Response before any failure");
        }

        if (response.Type != EapType.MsChapV2
            || !EapMsChapV2Packets.TryRead(response.Data.Span, out MsChapV2OpCode opCode, out byte id, out ReadOnlySpan<byte> body))
        {
            return new EapStep.Failure($"not an EAP-MSCHAPv2 response (type {(byte)response.Type})");
        }

        return (opCode, _msk) switch
        {
            (MsChapV2OpCode.Response, null) when id == _id => Verify(body),
            (MsChapV2OpCode.Response, null) => new EapStep.Failure($"MS-CHAPv2-ID {id}, expected {_id}"),
            _ => new EapStep.Failure($"unexpected EAP-MSCHAPv2 {opCode}"),
        };
    }

    private EapStep Verify(ReadOnlySpan<byte> body)
    {
        // Value-Size (49) | Peer-Challenge (16) | Reserved (8) | NT-Response (24) | Flags (1) | Name
        if (body.Length < 1 + EapMsChapV2Packets.ResponseValueSize || body[0] != EapMsChapV2Packets.ResponseValueSize)
        {
            return new EapStep.Failure("malformed EAP-MSCHAPv2 response value");
        }

        ReadOnlySpan<byte> peerChallenge = body.Slice(1, MsChapV2.ChallengeLength);
        ReadOnlySpan<byte> ntResponse = body.Slice(1 + 24, MsChapV2.NtResponseLength);
        ReadOnlySpan<byte> name = body[(1 + EapMsChapV2Packets.ResponseValueSize)..];
        if (_secrets(_identity) is not { } password)
        {
            return Retry($"no EAP secret for '{Printable(_identity)}'");
        }

        byte[] hash = MsChapV2.NtPasswordHash(password);
        byte[] hashHash = MsChapV2.HashNtPasswordHash(hash);
        try
        {
            // RFC 2759 §8.2: the challenge hash covers the user name the peer sent in the Response.
            byte[] challengeHash = MsChapV2.ChallengeHash(peerChallenge, _challenge, name);
            byte[] expected = MsChapV2.NtResponse(challengeHash, hash);
            if (!CryptographicOperations.FixedTimeEquals(expected, ntResponse))
            {
                return Retry($"'{Printable(_identity)}' answered the MS-CHAPv2 challenge with another password");
            }

            byte[] authenticator = MsChapV2.AuthenticatorResponse(hashHash, ntResponse, challengeHash);
            _msk = MsChapV2.Msk(hashHash, ntResponse);
            // RFC 2759 §5: "S=<auth_string> M=<message>", the auth string 40 upper-case hex digits.
            byte[] data = EapMsChapV2Packets.WithMessage(MsChapV2OpCode.Success, _id, $"S={Convert.ToHexString(authenticator)} M=Welcome");
            byte identifier = _nextIdentifier++;
            return new EapStep.Request(EapPacket.Request(identifier, EapType.MsChapV2, data).Encode());
        }
        finally
        {
            CryptographicOperations.ZeroMemory(hash);
            CryptographicOperations.ZeroMemory(hashHash);
        }
    }

    /// <summary>A failed Response: a Failure Request offering a retry with a fresh challenge while retries are left,
    /// else the end.</summary>
    private EapStep Retry(string reason)
    {
        if (Retries >= _maxRetries)
        {
            return new EapStep.Failure(Retries == 0 ? reason : $"{reason} ({Retries} retr{(Retries == 1 ? "y" : "ies")} used)");
        }

        Retries++;
        _random.Fill(_challenge);
        byte failed = _id;
        // The retry's Response carries the next MS-CHAPv2-ID (RFC 2759 §6: a new Response to the challenge "C=").
        _id++;
        // RFC 2759 §6: "E=eeeeeeeeee R=r C=cccccccccccccccccccccccccccccccc V=vvvvvvvvvv M=<msg>": error 691
        // (ERROR_AUTHENTICATION_FAILURE), R=1 "retry allowed", C the new 16-octet challenge in hex, V=3 (MS-CHAPv2).
        string message = $"E=691 R=1 C={Convert.ToHexString(_challenge)} V=3 M=Authentication failed";
        byte[] data = EapMsChapV2Packets.WithMessage(MsChapV2OpCode.Failure, failed, message);
        return new EapStep.Request(EapPacket.Request(_nextIdentifier++, EapType.MsChapV2, data).Encode());
    }

    internal static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c > '~' ? '?' : c));
}
