using System.Security.Cryptography;
using Concentrator.Ike.Crypto;

namespace Concentrator.Ike.Auth.Eap;

/// <summary>EAP-MSCHAPv2 as peer (the load generator's and tests' initiator): answers the Challenge with an
/// NT-Response, checks the authenticator's "S=" value before acknowledging Success; a Failure Request that allows a
/// retry (RFC 2759 §6, "R=1 C=…") is answered with the next of its passwords, else with a Failure Response.</summary>
public sealed class EapMsChapV2Client : IEapClient
{
    private readonly byte[] _user;
    private readonly IReadOnlyList<byte[]> _passwords;
    private readonly IRandomSource _random;
    private int _attempt;
    private byte[]? _expectedAuthenticator;
    private byte[]? _pendingMsk;

    public EapMsChapV2Client(string user, byte[] password, IRandomSource random)
        : this(user, [password], random)
    {
    }

    /// <param name="passwords">The first answers the Challenge, each next one a retry offer.</param>
    public EapMsChapV2Client(string user, IReadOnlyList<byte[]> passwords, IRandomSource random)
    {
        ArgumentOutOfRangeException.ThrowIfZero(passwords.Count);
        _user = System.Text.Encoding.UTF8.GetBytes(user);
        _passwords = passwords;
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
                return Answer(request.Identifier, id, body.Slice(1, MsChapV2.ChallengeLength));

            case MsChapV2OpCode.Failure:
            {
                // RFC 2759 §6: "R=1" allows a retry, answered as a new Response to challenge "C=" with the next
                // MS-CHAPv2-ID; without one (or without another password) the peer gives up with a Failure Response.
                string[] fields = System.Text.Encoding.ASCII.GetString(body).Split(' ');
                string? challenge = fields.FirstOrDefault(f => f.StartsWith("C=", StringComparison.Ordinal))?[2..];
                if (fields.Contains("R=1") && challenge is { Length: 2 * MsChapV2.ChallengeLength } && _attempt + 1 < _passwords.Count)
                {
                    byte[] next;
                    try
                    {
                        next = Convert.FromHexString(challenge);
                    }
                    catch (FormatException)
                    {
                        return null;
                    }

                    _attempt++;
                    return Answer(request.Identifier, (byte)(id + 1), next);
                }

                return EapPacket.Response(request.Identifier, EapType.MsChapV2, new[] { (byte)MsChapV2OpCode.Failure });
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

    private EapPacket Answer(byte identifier, byte id, ReadOnlySpan<byte> challenge)
    {
        var peerChallenge = new byte[MsChapV2.ChallengeLength];
        _random.Fill(peerChallenge);
        byte[] hash = MsChapV2.NtPasswordHash(_passwords[_attempt]);
        byte[] hashHash = MsChapV2.HashNtPasswordHash(hash);
        byte[] challengeHash = MsChapV2.ChallengeHash(peerChallenge, challenge, _user);
        byte[] ntResponse = MsChapV2.NtResponse(challengeHash, hash);
        _expectedAuthenticator = MsChapV2.AuthenticatorResponse(hashHash, ntResponse, challengeHash);
        _pendingMsk = MsChapV2.Msk(hashHash, ntResponse);
        CryptographicOperations.ZeroMemory(hash);
        CryptographicOperations.ZeroMemory(hashHash);
        var value = new byte[EapMsChapV2Packets.ResponseValueSize];
        peerChallenge.CopyTo(value, 0);
        ntResponse.CopyTo(value, 24);
        byte[] data = EapMsChapV2Packets.WithValue(MsChapV2OpCode.Response, id, value, _user);
        return EapPacket.Response(identifier, EapType.MsChapV2, data);
    }
}
