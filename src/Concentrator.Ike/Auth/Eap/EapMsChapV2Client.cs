using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>EAP-MSCHAPv2 as peer (the load generator's and tests' initiator): answers the Challenge with an
/// NT-Response, checks the authenticator's "S=" value before acknowledging Success, refuses a Failure.</summary>
public sealed class EapMsChapV2Client : IEapClient
{
    private readonly byte[] _user;
    private readonly byte[] _password;
    private readonly IRandomSource _random;
    private byte[]? _expectedAuthenticator;
    private byte[]? _pendingMsk;

    public EapMsChapV2Client(string user, byte[] password, IRandomSource random)
    {
        _user = System.Text.Encoding.UTF8.GetBytes(user);
        _password = password;
        _random = random;
    }

    public EapType Type => EapType.MsChapV2;

    public byte[]? Msk { get; private set; }

    public EapPacket? Process(EapPacket request)
    {
        if (request.Type != EapType.MsChapV2
            || !EapMsChapV2Packets.TryRead(request.Data.Span, out MsChapV2OpCode opCode, out byte id, out ReadOnlySpan<byte> body))
        {
            return null;
        }

        switch (opCode)
        {
            case MsChapV2OpCode.Challenge when body.Length >= 1 + MsChapV2.ChallengeLength && body[0] == MsChapV2.ChallengeLength:
            {
                var peerChallenge = new byte[MsChapV2.ChallengeLength];
                _random.Fill(peerChallenge);
                byte[] hash = MsChapV2.NtPasswordHash(_password);
                byte[] hashHash = MsChapV2.HashNtPasswordHash(hash);
                byte[] challengeHash = MsChapV2.ChallengeHash(peerChallenge, body.Slice(1, MsChapV2.ChallengeLength), _user);
                byte[] ntResponse = MsChapV2.NtResponse(challengeHash, hash);
                _expectedAuthenticator = MsChapV2.AuthenticatorResponse(hashHash, ntResponse, challengeHash);
                _pendingMsk = MsChapV2.Msk(hashHash, ntResponse);
                CryptographicOperations.ZeroMemory(hash);
                CryptographicOperations.ZeroMemory(hashHash);
                var value = new byte[EapMsChapV2Packets.ResponseValueSize];
                peerChallenge.CopyTo(value, 0);
                ntResponse.CopyTo(value, 24);
                byte[] data = EapMsChapV2Packets.WithValue(MsChapV2OpCode.Response, id, value, _user);
                return EapPacket.Response(request.Identifier, EapType.MsChapV2, data);
            }

            case MsChapV2OpCode.Success when _expectedAuthenticator is not null:
            {
                // RFC 2759 §5 / the draft §2.2: the peer MUST check the authenticator response before it accepts.
                string text = System.Text.Encoding.ASCII.GetString(body);
                string? s = text.Split(' ').FirstOrDefault(t => t.StartsWith("S=", StringComparison.Ordinal))?[2..];
                if (s is null || s.Length != 40 || !CryptographicOperations.FixedTimeEquals(
                        System.Text.Encoding.ASCII.GetBytes(Convert.ToHexString(_expectedAuthenticator)), System.Text.Encoding.ASCII.GetBytes(s.ToUpperInvariant())))
                {
                    return null;
                }

                Msk = _pendingMsk;
                return EapPacket.Response(request.Identifier, EapType.MsChapV2, new[] { (byte)MsChapV2OpCode.Success });
            }

            default:
                return null;
        }
    }
}
