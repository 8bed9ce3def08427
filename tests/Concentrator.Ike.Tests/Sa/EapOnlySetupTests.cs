using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Tests.Auth.Eap;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: EAP-only authentication (RFC 5998) between our initiator and our responder. The gateway leaves its
/// own AUTH out of the first IKE_AUTH response only when the client offered EAP_ONLY_AUTHENTICATION, the connection
/// allows it and the method is mutual (§4); a client whose responder omits AUTH accepts that only from a mutual
/// method. The gateway's authenticator counts how often it was asked to prove the gateway.</summary>
public class EapOnlySetupTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    private static IkeSaConfig Server(CountingAuthenticator local, bool eapOnly, Func<IEapServer>? backend = null) =>
        SaPair.Config("vpn.example.org", "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            LocalAuthenticator = local,
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
            RemoteEap = new EapServerConfig(backend ?? (() => new EapTlsServer(EapTlsPki.Server()))) { EapOnly = eapOnly },
        });

    private static IkeSaConfig Client(bool offer, Func<IEapClient>? method = null) =>
        SaPair.Config("alice@example.org", "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            RequestVirtualIp4 = true,
            RemoteIdentity = IkeIdentity.Parse("vpn.example.org"),
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
            LocalEap = new EapClientConfig("alice@example.org", method ?? (() => EapTlsPki.Client(EapTlsPki.Alice))) { OfferEapOnly = offer },
        });

    private static IkeSaConfig PskGateway() => SaPair.Config("vpn.example.org", "gateway-psk", [Ike], ["aes256gcm16"]);

    [Fact]
    public void Setup_ClientOffersConnectionAllowsEapTls_GatewaySendsNoAuthOfItsOwnAndBothEstablish()
    {
        var local = new CountingAuthenticator(PskGateway().LocalAuthenticator);
        using var pair = new SaPair(Client(offer: true), Server(local, eapOnly: true), new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(0, local.Builds);
        Assert.True(pair.Responder.EapOnly);
        Assert.True(pair.Initiator.EapOnly);
        Assert.Equal("vpn.example.org", pair.Initiator.RemoteIdentity!.ToString());
        Assert.Equal([IPAddress.Parse("10.99.0.1")], pair.Initiator.VirtualIps);
        Assert.Single(pair.ResponderInstalled);
        Assert.Equal(pair.ResponderInstalled[0].InboundSpi, pair.InitiatorInstalled[0].OutboundSpi);
    }

    [Theory]
    [InlineData(true, false)]
    [InlineData(false, true)]
    public void Setup_NotOfferedOrNotAllowed_GatewayProvesItselfAsUsual(bool offer, bool allow)
    {
        var local = new CountingAuthenticator(PskGateway().LocalAuthenticator);
        using var pair = new SaPair(Client(offer), Server(local, allow), new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(1, local.Builds);
        Assert.False(pair.Responder.EapOnly);
        Assert.False(pair.Initiator.EapOnly);
    }

    [Fact]
    public void Setup_MsChapV2OnAnEapOnlyConnection_NotMutualSoTheGatewayStillSendsItsAuth()
    {
        var local = new CountingAuthenticator(PskGateway().LocalAuthenticator);
        IkeSaConfig server = Server(local, eapOnly: true, () => new EapMsChapV2Server(EapSetupTests.Users, new SeededRandom(7)));
        IkeSaConfig client = Client(offer: true, () => new EapMsChapV2Client("alice", EapSetupTests.AlicePassword, new SeededRandom(8)))
            with { LocalIdentity = IkeIdentity.Parse("alice") };
        using var pair = new SaPair(client, server, new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(1, local.Builds);
        Assert.False(pair.Initiator.EapOnly);
    }

    [Fact]
    public void Setup_GatewayOmitsAuthWithANonMutualMethod_InitiatorRefusesAtEapSuccessNothingInstalled()
    {
        // A gateway that claims MSCHAPv2 is mutual: RFC 5998 §4 has the initiator insist on a safe method anyway.
        var local = new CountingAuthenticator(PskGateway().LocalAuthenticator);
        IkeSaConfig server = Server(local, eapOnly: true, () => new ClaimsMutual(new EapMsChapV2Server(EapSetupTests.Users, new SeededRandom(7))));
        IkeSaConfig client = Client(offer: true, () => new EapMsChapV2Client("alice", EapSetupTests.AlicePassword, new SeededRandom(8)))
            with { LocalIdentity = IkeIdentity.Parse("alice") };
        using var pair = new SaPair(client, server, new ListAllocator("10.99.0.1"));

        pair.Run();

        Assert.Equal(0, local.Builds);
        Assert.Equal(IkeSaState.Failed, pair.Initiator.State);
        Assert.Equal(AuthFailure.MissingAuth, pair.Initiator.AuthFailure);
        Assert.Contains("EAP-only", pair.Initiator.FailureReason, StringComparison.Ordinal);
        Assert.Empty(pair.InitiatorInstalled);
    }

    /// <summary>Counts <see cref="IAuthenticator.Build"/> calls: the gateway's own proof.</summary>
    private sealed class CountingAuthenticator(IAuthenticator inner) : IAuthenticator
    {
        public int Builds { get; private set; }

        public AuthMethod Method => inner.Method;

        public bool Build(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote)
        {
            Builds++;
            return inner.Build(sa, message, local, remote);
        }

        public AuthFailure? Verify(IkeSa sa, IkeMessage message, IkeIdentity local, IkeIdentity remote) => inner.Verify(sa, message, local, remote);
    }

    private sealed class ClaimsMutual(IEapServer inner) : IEapServer
    {
        public bool IsMutual => true;

        public EapStep Start(string identity, byte identifier) => inner.Start(identity, identifier);

        public EapStep Process(EapPacket response) => inner.Process(response);
    }
}
