using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: the error rounds of IKE_SA_INIT and IKE_AUTH between our two roles.</summary>
public class IkeSetupFailureTests
{
    private static IkeMessage Parse(byte[] datagram) => IkeMessage.Parse(datagram);

    [Fact]
    public void Auth_WrongPsk_ResponderAnswersAuthenticationFailedAndNoChildSa()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519", clientPsk: "wrong");

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Responder.FailureNotify);
        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pair.InitiatorInstalled);
        Assert.Empty(pair.Responder.VirtualIps);
    }

    [Fact]
    public void Auth_ResponderKeyDiffers_InitiatorRejectsResponderAuth()
    {
        // The responder accepts the client (its %any secret is "secret") but proves itself with another key.
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"]);
        var serverStore = new PskStore().Add("client@example.org", "secret");
        var verifier = new Concentrator.Ike.Sa.Authenticators.PskAuthenticator(serverStore.Lookup);
        var signer = new Concentrator.Ike.Sa.Authenticators.PskAuthenticator((_, _) => "other"u8.ToArray());
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with { LocalAuthenticator = signer, RemoteAuthenticators = [verifier] });
        using var pair = new SaPair(client, server);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
        Assert.Empty(pair.InitiatorInstalled);
    }

    [Fact]
    public void Auth_PerIdentitySecret_PreferredOverAnyFallback()
    {
        var store = new PskStore().Add("%any", "fallback").Add("client@example.org", "mine");

        Assert.Equal("mine"u8.ToArray(), store.Lookup(IkeIdentity.Any, IkeIdentity.Parse("client@example.org")));
        Assert.Equal("fallback"u8.ToArray(), store.Lookup(IkeIdentity.Any, IkeIdentity.Parse("other.example.org")));
        Assert.Null(new PskStore().Lookup(IkeIdentity.Any, IkeIdentity.Parse("x")));
    }

    [Fact]
    public void Init_NoCommonProposal_NoProposalChosenAndNoKeys()
    {
        using SaPair pair = SaPair.RoadWarrior("aes128-sha1-modp2048", serverIke: "aes256gcm16-prfsha256-x25519");

        pair.Run();

        IkeMessage response = Parse(pair.Wire[1].Datagram);
        NotifyPayload notify = Assert.IsType<NotifyPayload>(Assert.Single(response.Payloads));
        Assert.Equal(NotifyType.NoProposalChosen, notify.NotifyType);
        Assert.Equal(0ul, response.ResponderSpi);
        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Null(pair.Responder.Keymat);
    }

    [Fact]
    public void Init_InitiatorGuessesEcp256ResponderWantsX25519_RetriesWithRequestedGroup()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-ecp256-x25519", serverIke: "aes256gcm16-prfsha256-x25519");

        pair.Run();

        Assert.Equal(6, pair.Wire.Count);
        IkeMessage first = Parse(pair.Wire[0].Datagram);
        Assert.Equal((ushort)KeyExchangeId.Ecp256, first.Get<KePayload>()!.Group);
        NotifyPayload invalidKe = Parse(pair.Wire[1].Datagram).GetNotify(NotifyType.InvalidKePayload)!;
        Assert.Equal((ushort)KeyExchangeId.Curve25519, BinaryPrimitives.ReadUInt16BigEndian(invalidKe.Data.Span));
        IkeMessage retry = Parse(pair.Wire[2].Datagram);
        Assert.Equal((ushort)KeyExchangeId.Curve25519, retry.Get<KePayload>()!.Group);
        Assert.Equal(0u, retry.MessageId);
        Assert.Equal(first.InitiatorSpi, retry.InitiatorSpi);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(KeyExchangeId.Curve25519, pair.Initiator.Algorithms!.Group);
    }

    [Fact]
    public void Init_KeGroupOfferedButNotConfigured_NoRetryLoop()
    {
        // The responder names a group the initiator never proposed: the initiator gives up.
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-ecp256", serverIke: "aes256gcm16-prfsha256-x25519");

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Equal(NotifyType.NoProposalChosen, pair.Responder.FailureNotify);
    }

    [Fact]
    public void Init_CookieRequired_InitiatorRepeatsWithCookieFirst()
    {
        var time = new ManualTime();
        var cookies = new CookieGenerator(time, new SeededRandom(9), TimeSpan.FromMinutes(5));
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");

        // The stateless answer the dispatcher sends (RFC 7296 §2.6): nothing exists on the responder yet.
        IkeSaResult first = pair.Initiator.Initiate();
        IkeMessage request = Parse(first.Message!);
        byte[] ni = request.Get<NoncePayload>()!.Data.ToArray();
        byte[] cookieAnswer = CookieGenerator.Response(request, cookies.Create(ni, SaPair.ClientEndpoint.Address, request.InitiatorSpi));
        IkeMessage answer = Parse(cookieAnswer);
        NotifyPayload cookie = Assert.IsType<NotifyPayload>(Assert.Single(answer.Payloads));
        Assert.Equal(NotifyType.Cookie, cookie.NotifyType);
        Assert.Equal(0ul, answer.ResponderSpi);

        // RFC 7296 §2.6: the initiator repeats its request with the COOKIE first, same SPIi and nonce, and the
        // responder recognises it as its own.
        IkeSaResult repeat = pair.Initiator.Process(cookieAnswer, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeMessage repeated = Parse(repeat.Message!);
        NotifyPayload first1 = Assert.IsType<NotifyPayload>(repeated.Payloads[0]);
        Assert.Equal(NotifyType.Cookie, first1.NotifyType);
        Assert.Equal(cookie.Data.ToArray(), first1.Data.ToArray());
        Assert.True(cookies.Verify(first1.Data.Span, repeated.Get<NoncePayload>()!.Data.Span, SaPair.ClientEndpoint.Address, repeated.InitiatorSpi));

        IkeSaResult accepted = pair.Responder.Process(repeat.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        Assert.NotNull(Parse(accepted.Message!).Get<KePayload>());
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        IkeSaResult auth = pair.Initiator.Process(accepted.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult authResponse = pair.Responder.Process(auth.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        pair.Initiator.Process(authResponse.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
    }

    [Fact]
    public void Cookie_FromOtherAddressOrAfterTwoRotations_Rejected()
    {
        var time = new ManualTime();
        var cookies = new CookieGenerator(time, new SeededRandom(3), TimeSpan.FromMinutes(1));
        byte[] ni = new byte[32];
        var ip = IPAddress.Parse("192.0.2.7");
        byte[] cookie = cookies.Create(ni, ip, 42);

        Assert.True(cookies.Verify(cookie, ni, ip, 42));
        Assert.False(cookies.Verify(cookie, ni, IPAddress.Parse("192.0.2.8"), 42));
        Assert.False(cookies.Verify(cookie, ni, ip, 43));
        time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.True(cookies.Verify(cookie, ni, ip, 42)); // previous secret still accepted
        time.Advance(TimeSpan.FromMinutes(1.5));
        Assert.False(cookies.Verify(cookie, ni, ip, 42));
    }

    [Fact]
    public void Child_NoCommonEspProposal_IkeSaUpWithoutChildSa()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519", esp: "aes128gcm16", serverEsp: "aes256gcm16");

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(NotifyType.NoProposalChosen, pair.Responder.ChildFailureNotify);
        Assert.Equal(NotifyType.NoProposalChosen, pair.Initiator.ChildFailureNotify);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pair.InitiatorInstalled);
    }

    [Fact]
    public void Child_RequestedSelectorsOutsideLocal_TsUnacceptableIkeSaUp()
    {
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with
            {
                RequestVirtualIp4 = true,
                RemoteTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("192.168.0.0"), 16)],
            });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with { LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)] });
        using var pair = new SaPair(client, server, new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(NotifyType.TsUnacceptable, pair.Initiator.ChildFailureNotify);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pair.InitiatorInstalled);
    }

    [Fact]
    public void Child_WideRequest_NarrowedToLocalSubnet()
    {
        IkeSaConfig client = SaPair.Config("client@example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with { LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("192.0.2.0"), 24)] });
        IkeSaConfig server = SaPair.Config("vpn.example.org", "secret", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
            c => c with
            {
                LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.1.0.0"), 16)],
                RemoteTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("192.0.2.10"), 32)],
            });
        using var pair = new SaPair(client, server);

        pair.Run();

        ChildSa child = Assert.Single(pair.InitiatorInstalled);
        Assert.Equal("192.0.2.10", Assert.Single(child.LocalSelectors).GetEndAddress().ToString());
        Assert.Equal("10.1.255.255", Assert.Single(child.RemoteSelectors).GetEndAddress().ToString());
        Assert.Empty(pair.Initiator.VirtualIps);
    }

    [Fact]
    public void Config_PoolExhausted_InternalAddressFailureIkeSaUpNoChildSa()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519", allocator: new ListAllocator());

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pair.Initiator.VirtualIps);
        Assert.Equal(NotifyType.InternalAddressFailure, pair.Initiator.ChildFailureNotify);
    }

    [Fact]
    public void Dispose_Responder_ReleasesVirtualIp()
    {
        var pool = new ListAllocator("10.99.0.7");
        SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519", allocator: pool);
        pair.Run();

        pair.Dispose();

        Assert.Equal([IPAddress.Parse("10.99.0.7")], pool.Released);
    }

    [Fact]
    public void Nat_InitiatorBehindNat_BothSidesDetectItAndChildUsesUdpEncapsulation()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");
        var translated = new IPEndPoint(IPAddress.Parse("203.0.113.5"), 40001);

        var translated4500 = new IPEndPoint(translated.Address, 40002);
        var server4500 = new IPEndPoint(SaPair.ServerEndpoint.Address, 4500);
        var client4500 = new IPEndPoint(SaPair.ClientEndpoint.Address, 4500);

        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult r1 = pair.Responder.Process(init.Message!, translated, SaPair.ServerEndpoint);
        IkeSaResult auth = pair.Initiator.Process(r1.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        // RFC 7296 §2.23: with a NAT detected, IKE_AUTH moves to port 4500 (the NAT picks a new mapping).
        IkeSaResult r2 = pair.Responder.Process(auth.Message!, translated4500, server4500);
        pair.Initiator.Process(r2.Message!, server4500, client4500);

        Assert.True(pair.Responder.RemoteBehindNat);
        Assert.False(pair.Responder.LocalBehindNat);
        Assert.True(pair.Initiator.LocalBehindNat);
        Assert.True(pair.Responder.ChildSas[0].UdpEncapsulation);
        Assert.True(pair.Initiator.ChildSas[0].UdpEncapsulation);
        Assert.Equal(translated4500, pair.Responder.ChildSas[0].RemoteEndpoint);
        Assert.Equal(server4500, pair.Responder.ChildSas[0].LocalEndpoint);
        Assert.Equal(translated4500, pair.Responder.RemoteEndpoint);
        Assert.Equal(server4500, pair.Initiator.RemoteEndpoint);
    }

    [Fact]
    public void NoNat_PeerFloatsTo4500_ResponsesFollowThePortButNotAnotherAddress()
    {
        using SaPair pair = SaPair.RoadWarrior("aes256gcm16-prfsha256-x25519");
        var server4500 = new IPEndPoint(SaPair.ServerEndpoint.Address, 4500);
        var client4500 = new IPEndPoint(SaPair.ClientEndpoint.Address, 4500);

        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult r1 = pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        IkeSaResult auth = pair.Initiator.Process(r1.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        // No NAT, yet the client moves IKE to port 4500 (RFC 7296 §2.23 allows it, strongSwan does it).
        IkeSaResult r2 = pair.Responder.Process(auth.Message!, client4500, server4500);
        pair.Initiator.Process(r2.Message!, server4500, client4500);

        // §2.11: the answer goes back where the request came from, and later requests of ours follow it.
        Assert.False(pair.Responder.NatDetected);
        Assert.Equal(client4500, pair.Responder.RemoteEndpoint);
        Assert.Equal(server4500, pair.Responder.LocalEndpoint);
        Assert.False(pair.Responder.ChildSas[0].UdpEncapsulation);

        // Another source address without a NAT is not followed (that would be MOBIKE, RFC 4555).
        IkeSaResult dpd = pair.Initiator.InitiateDpd();
        var elsewhere = new IPEndPoint(IPAddress.Parse("192.0.2.99"), 4500);
        Assert.Equal(DropReason.None, pair.Responder.Process(dpd.Message!, elsewhere, server4500).Drop);
        Assert.Equal(client4500, pair.Responder.RemoteEndpoint);
    }
}
