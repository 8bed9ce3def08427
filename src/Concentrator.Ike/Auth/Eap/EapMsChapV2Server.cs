using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>
/// EAP-MSCHAPv2 as authenticator with local secrets (draft-kamath-pppext-eap-mschapv2, RFC 2759): Challenge →
/// Response (NT-Response checked) → Success-Request with "S=&lt;authenticator response&gt;" → the peer's Success
/// Response → EAP Success with the MSK. A wrong password ends the conversation at once (no retries: the peer learns
/// only AUTHENTICATION_FAILED); the secret is looked up by the EAP identity, so an unknown user and a wrong password
/// look the same from outside.
/// </summary>
public sealed class EapMsChapV2Server : IEapServer
{
    private static ReadOnlySpan<byte> ServerName => "Concentrator"u8;

    private readonly EapSecretLookup _secrets;
    private readonly IRandomSource _random;
    private readonly byte[] _challenge = new byte[MsChapV2.ChallengeLength];
    private string _identity = "";
    private byte _id;
    private byte _nextIdentifier;
    private byte[]? _msk;

    public EapMsChapV2Server(EapSecretLookup secrets, IRandomSource random)
    {
        _secrets = secrets;
        _random = random;
    }

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
            return new EapStep.Failure($"no EAP secret for '{Printable(_identity)}'");
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
                return new EapStep.Failure($"'{Printable(_identity)}' answered the MS-CHAPv2 challenge with another password");
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

    internal static string Printable(string text) =>
        string.Concat(text.Select(c => char.IsControl(c) || c > '~' ? '?' : c));
}
