using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: our EAP initiator against our EAP responder in memory (RFC 7296 §2.16): the gateway proves itself
/// with its PSK, the client with EAP; the CHILD SA and the virtual IP come with the last IKE_AUTH response.</summary>
public class EapSetupTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";
    internal static readonly byte[] AlicePassword = "alice-password"u8.ToArray();

    internal static byte[]? Users(string identity) => identity == "alice" ? AlicePassword : null;

    internal static IkeSaConfig Server(EapType type, IkeIdentity? eapId = null, Func<IEapServer>? backend = null) =>
        SaPair.Config("vpn.example.org", "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
            RemoteEap = new EapServerConfig(backend ?? (() => type == EapType.MsChapV2
                ? new EapMsChapV2Server(Users, new SeededRandom(7))
                : new EapMd5Server(Users, new SeededRandom(7))), eapId),
        });

    internal static IkeSaConfig Client(EapType type, string id = "alice", byte[]? password = null, string? eapIdentity = null,
        Func<IEapClient, IEapClient>? wrap = null) =>
        SaPair.Config(id, "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            RequestVirtualIp4 = true,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
            LocalEap = new EapClientConfig(eapIdentity ?? id, () =>
            {
                IEapClient client = type == EapType.MsChapV2
                    ? new EapMsChapV2Client(eapIdentity ?? id, password ?? AlicePassword, new SeededRandom(8))
                    : new EapMd5Client(password ?? AlicePassword);
                return wrap is null ? client : wrap(client);
            }),
        });

    [Theory]
    [InlineData(EapType.MsChapV2, 10)]
    [InlineData(EapType.Md5Challenge, 8)]
    public void Setup_EapWithIdiAsEapIdentity_EstablishedWithVirtualIpAndChild(EapType type, int datagrams)
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(type), Server(type), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(datagrams, pair.Wire.Count);
        Assert.Equal("alice", pair.Responder.RemoteIdentity!.ToString());
        Assert.Equal([IPAddress.Parse("10.99.0.1")], pair.Initiator.VirtualIps);
        Assert.Single(pair.ResponderInstalled);
        Assert.Single(pair.InitiatorInstalled);
        Assert.Equal(pair.ResponderInstalled[0].InboundSpi, pair.InitiatorInstalled[0].OutboundSpi);
        // Only the last IKE_AUTH response carries the CHILD SA (RFC 7296 §2.16).
        Assert.Single(pool.Allocations);
    }

    [Fact]
    public void Setup_EapIdentityAsked_PeerNamedByItsEapIdentity()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2, id: "192.0.2.10", eapIdentity: "alice"), Server(EapType.MsChapV2, IkeIdentity.Any),
            new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(12, pair.Wire.Count);
        Assert.Equal("alice", pair.Responder.RemoteIdentity!.ToString());
    }

    [Fact]
    public void Setup_EapIdentityOutsideTheEapIdPattern_EapFailedBeforeAnyMethod()
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(EapType.MsChapV2, id: "192.0.2.10", eapIdentity: "alice"),
            Server(EapType.MsChapV2, IkeIdentity.Parse("*@corp.example")), pool);

        pair.Run();

        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        Assert.Contains("EAP identity 'alice' is not one the connection accepts", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Equal(6, pair.Wire.Count);
        EapFailureAnswer.AssertEnded(pair);
        Assert.Empty(pool.Allocations);
    }

    [Theory]
    [InlineData(EapType.MsChapV2)]
    [InlineData(EapType.Md5Challenge)]
    public void Setup_WrongPassword_AuthenticationFailedNothingInstalledNoLease(EapType type)
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(type, password: "guessed"u8.ToArray()), Server(type), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        Assert.Contains("alice", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.DoesNotContain("guessed", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
        EapFailureAnswer.AssertEnded(pair);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pool.Allocations);
    }

    [Fact]
    public void Setup_BackendRefusesTheIdentityAtOnce_FirstResponseHasIdrAuthAndEapFailure()
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(EapType.MsChapV2), Server(EapType.MsChapV2, backend: () => new RefusingBackend()), pool);

        pair.Run();

        Assert.Equal(4, pair.Wire.Count);
        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        Assert.Contains("refused at once", pair.Responder.FailureReason, StringComparison.Ordinal);
        IkeMessage response = EapFailureAnswer.AssertEnded(pair);
        // As strongSwan's first response: the gateway still shows who it is, so the client can trust the refusal.
        Assert.NotNull(response.Get<AuthPayload>());
        Assert.Contains(response.GetAll<IdPayload>(), id => !id.IsInitiator);
        Assert.Equal("vpn.example.org", pair.Initiator.RemoteIdentity!.ToString());
        Assert.Empty(pool.Allocations);
    }

    [Fact]
    public void Setup_AuthAfterEapSuccessDoesNotProveTheMsk_AuthenticationFailedNotifyNoEapPayload()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2, wrap: c => new ForgetfulClient(c)), Server(EapType.MsChapV2), new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(AuthFailure.WrongCredential, pair.Responder.AuthFailure);
        // EAP succeeded (its Success went out earlier): the AUTH refusal is the notify alone (RFC 7296 §2.21.2).
        IkeMessage response = EapFailureAnswer.Open(pair.Wire[^1].Datagram, pair.Initiator);
        Assert.Null(response.Get<EapPayload>());
        Assert.Contains(response.GetAll<NotifyPayload>(), n => n.NotifyType == NotifyType.AuthenticationFailed);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
    }

    /// <summary>A backend that refuses the peer before asking anything (a RADIUS server rejecting the identity).</summary>
    private sealed class RefusingBackend : IEapServer
    {
        public EapStep Start(string identity, byte identifier) => new EapStep.Failure($"'{identity}' refused at once");

        public EapStep Process(EapPacket response) => new EapStep.Failure("no conversation");
    }

    /// <summary>Completes the method but reports another MSK, so its AUTH after EAP-Success does not verify.</summary>
    private sealed class ForgetfulClient(IEapClient inner) : IEapClient
    {
        public EapType Type => inner.Type;

        public byte[]? Msk => inner.Msk is { } msk ? new byte[msk.Length] : null;

        public EapPacket? Process(EapPacket request) => inner.Process(request);
    }

    [Fact]
    public void Setup_EapClientAgainstPskOnlyGateway_MissingAuth()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2),
            SaPair.Config("vpn.example.org", "gateway-psk", [Ike], ["aes256gcm16"]));

        pair.Run();

        Assert.Equal(AuthFailure.MissingAuth, pair.Responder.AuthFailure);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
    }

    [Fact]
    public void Setup_GatewayProvesAnotherPsk_ClientStopsBeforeAnswering()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2), Server(EapType.MsChapV2) with
        {
            LocalAuthenticator = new PskAuthenticator(new PskStore().Add("%any", "other").Lookup),
        });

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Equal(AuthFailure.WrongCredential, pair.Initiator.AuthFailure);
        Assert.Equal(4, pair.Wire.Count);
    }

    [Fact]
    public void MiddleRound_Retransmitted_AnsweredWithTheStoredResponseAndSetupCompletes()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2), Server(EapType.MsChapV2), new ListAllocator("10.99.0.1"));
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult auth1 = pair.Initiator.Process(pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!,
            SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult challenge = pair.Responder.Process(auth1.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        byte[] middle = pair.Initiator.Process(challenge.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Message!;
        IkeSaResult first = pair.Responder.Process(middle, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        IkeSaResult again = pair.Responder.Process(middle, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.True(again.Retransmitted);
        Assert.Equal(first.Message, again.Message);
        pair.Run(pair.Initiator.Process(again.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint));
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
    }

    [Fact]
    public void EapResponse_WrongIdentifier_DiscardedAndConversationGoesOn()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2, wrap: c => new IdentifierShifter(c)), Server(EapType.MsChapV2),
            new ListAllocator("10.99.0.1"));
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult initAnswer = pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult auth1 = pair.Initiator.Process(initAnswer.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult challenge = pair.Responder.Process(auth1.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult shifted = pair.Initiator.Process(challenge.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        IkeSaResult dropped = pair.Responder.Process(shifted.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.EapDiscarded, dropped.Drop);
        Assert.Contains("Identifier", dropped.Detail, StringComparison.Ordinal);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        Assert.Empty(pair.ResponderInstalled);
    }

    [Fact]
    public void EapRequestFromClient_OutOfOrder_Discarded()
    {
        using var pair = new SaPair(Client(EapType.MsChapV2, wrap: c => new CodeFlipper(c)), Server(EapType.MsChapV2));
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult auth1 = pair.Initiator.Process(pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!,
            SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult challenge = pair.Responder.Process(auth1.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult flipped = pair.Initiator.Process(challenge.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

        IkeSaResult dropped = pair.Responder.Process(flipped.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.EapDiscarded, dropped.Drop);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
    }

    [Theory]
    [InlineData(EapType.MsChapV2)]
    [InlineData(EapType.Md5Challenge)]
    public void EapResponse_RandomOctets_RefusedOrDiscardedNeverThrown(EapType type)
    {
        for (int seed = 0; seed < 150; seed++)
        {
            var random = new Random(seed);
            using var pair = new SaPair(Client(type, wrap: c => new Scrambler(c, random)), Server(type), new ListAllocator("10.99.0.1"));
            IkeSaResult init = pair.Initiator.Initiate();
            IkeSaResult auth1 = pair.Initiator.Process(pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!,
                SaPair.ServerEndpoint, SaPair.ClientEndpoint);
            IkeSaResult challenge = pair.Responder.Process(auth1.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
            IkeSaResult junk = pair.Initiator.Process(challenge.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);

            IkeSaResult answer = pair.Responder.Process(junk.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

            // Discarded (RFC 3748 §4.1; a packet the EAP payload parser refuses is a malformed message) and still
            // waiting for the EAP timer, or refused with a Notify and failed: never established, never thrown.
            bool dropped = answer.Drop is DropReason.EapDiscarded or DropReason.Malformed;
            Assert.True(dropped ? pair.Responder.State == IkeSaState.Connecting : pair.Responder.State == IkeSaState.Failed,
                $"seed {seed}: {answer.Drop} {answer.Detail} {pair.Responder.State}");
            Assert.Empty(pair.ResponderInstalled);
        }
    }

    /// <summary>Answers with random octets in a packet of random code, type and Identifier.</summary>
    private sealed class Scrambler(IEapClient inner, Random random) : IEapClient
    {
        public EapType Type => inner.Type;

        public byte[]? Msk => null;

        public EapPacket? Process(EapPacket request)
        {
            byte[] data = new byte[random.Next(0, 60)];
            random.NextBytes(data);
            var code = (EapCode)random.Next(0, 6);
            return new EapPacket(code, random.Next(3) == 0 ? (byte)random.Next(256) : request.Identifier, (EapType)random.Next(256), data);
        }
    }

    /// <summary>Answers with the right content under a shifted EAP Identifier.</summary>
    private sealed class IdentifierShifter(IEapClient inner) : IEapClient
    {
        public EapType Type => inner.Type;

        public byte[]? Msk => inner.Msk;

        public EapPacket? Process(EapPacket request) =>
            inner.Process(request) is { } answer ? answer with { Identifier = (byte)(answer.Identifier + 1) } : null;
    }

    /// <summary>Sends its answer as an EAP Request (not what a peer may send).</summary>
    private sealed class CodeFlipper(IEapClient inner) : IEapClient
    {
        public EapType Type => inner.Type;

        public byte[]? Msk => inner.Msk;

        public EapPacket? Process(EapPacket request) => inner.Process(request) is { } answer ? answer with { Code = EapCode.Request } : null;
    }
}
