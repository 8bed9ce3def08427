using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Tests.Auth.Certificates;
using Concentrator.Ike.Tests.Auth.Eap;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: our EAP-TLS initiator against our EAP-TLS responder through IKE_AUTH (RFC 7296 §2.16 with RFC
/// 5216): AUTH from the TLS MSK, fragments as IKE_AUTH rounds, a refused certificate ends in AUTHENTICATION_FAILED
/// with nothing installed, and an EAP-TLS response with a lying length is dropped (counted), never thrown.</summary>
public class EapTlsSetupTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    private static IkeSaConfig Server(int fragmentSize = EapTlsSettings.DefaultFragmentSize) =>
        SaPair.Config("vpn.example.org", "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
            RemoteEap = new EapServerConfig(() => new EapTlsServer(EapTlsPki.Server(fragmentSize))),
        });

    private static IkeSaConfig Client(Issued who, Func<IEapClient, IEapClient>? wrap = null, int fragmentSize = EapTlsSettings.DefaultFragmentSize) =>
        SaPair.Config("alice@example.org", "gateway-psk", [Ike], ["aes256gcm16"], c => c with
        {
            RequestVirtualIp4 = true,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
            LocalEap = new EapClientConfig("alice@example.org", () =>
            {
                IEapClient client = EapTlsPki.Client(who, fragmentSize);
                return wrap is null ? client : wrap(client);
            }),
        });

    [Fact]
    public void Setup_ClientCertificateOfTheConfiguredCa_EstablishedWithVirtualIpAndChild()
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(EapTlsPki.Alice), Server(), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal("alice@example.org", pair.Responder.RemoteIdentity!.ToString());
        Assert.Equal([IPAddress.Parse("10.99.0.1")], pair.Initiator.VirtualIps);
        Assert.Single(pair.ResponderInstalled);
        Assert.Equal(pair.ResponderInstalled[0].InboundSpi, pair.InitiatorInstalled[0].OutboundSpi);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Setup_ClientCertificateWithOcspUri_RoundHeldUntilFetchedThenJudged(bool revoked)
    {
        var cache = new Concentrator.Ike.Auth.Certificates.RevocationCache(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        Issued alice = TestPki.Leaf(EapTlsPki.Root, "C=CH, O=Example, CN=alice", email: ["alice@example.org"],
            extra: new System.Security.Cryptography.X509Certificates.X509AuthorityInformationAccessExtension(["http://ocsp.example.org/"], null));
        using var pair = new SaPair(Client(alice), Server(), new ListAllocator("10.99.0.1"), revocation: cache);

        pair.Run();

        // The EAP round with the client's certificate is held, its IKE_AUTH request unanswered.
        Assert.True(pair.Responder.AwaitingEap, pair.Responder.FailureReason ?? "the responder did not hold the EAP round");
        Assert.True(pair.Wire[^1].FromInitiator);
        var request = Assert.IsType<Concentrator.Ike.Auth.Certificates.RevocationFetchRequest>(pair.Responder.Tasks.AuthPending);
        Concentrator.Ike.Auth.Certificates.RevocationFetch fetch = Assert.Single(request.Fetches);
        DateTimeOffset now = pair.Time.GetUtcNow();
        cache.Store(fetch, OcspFixtures.Response(EapTlsPki.Root, alice.Certificate,
            revoked ? OcspFixtures.Revoked : Org.BouncyCastle.Ocsp.CertificateStatus.Good, now.AddMinutes(-1), now.AddHours(1)), null, now);
        byte[] held = Assert.Single(pair.Responder.ResumeVerification().Outbound);

        // The held answer goes out; the conversation runs on from the initiator's next request.
        pair.Run(pair.Initiator.Process(held, SaPair.ServerEndpoint, SaPair.ClientEndpoint));

        if (revoked)
        {
            Assert.Equal(NotifyType.AuthenticationFailed, pair.Responder.FailureNotify);
            Assert.Contains("revoked according to the OCSP responder", pair.Responder.FailureReason, StringComparison.Ordinal);
            Assert.Empty(pair.ResponderInstalled);
            Assert.NotEqual(IkeSaState.Established, pair.Initiator.State);
        }
        else
        {
            Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
            Assert.Equal(IkeSaState.Established, pair.Initiator.State);
            Assert.Single(pair.ResponderInstalled);
        }
    }

    [Fact]
    public void Setup_SmallFragments_MoreRoundsSameOutcome()
    {
        using var whole = new SaPair(Client(EapTlsPki.Alice), Server(), new ListAllocator("10.99.0.1"));
        using var cut = new SaPair(Client(EapTlsPki.Alice, fragmentSize: 200), Server(fragmentSize: 200), new ListAllocator("10.99.0.1"));

        whole.Run();
        cut.Run();

        Assert.Equal(IkeSaState.Established, cut.Responder.State);
        Assert.Equal(IkeSaState.Established, cut.Initiator.State);
        Assert.True(cut.Wire.Count >= whole.Wire.Count + 6, $"{cut.Wire.Count} datagrams with 200-octet fragments, {whole.Wire.Count} with 1024");
    }

    [Fact]
    public void Setup_ClientCertificateOfAnUnknownCa_AuthenticationFailedNothingInstalledNoLease()
    {
        var pool = new ListAllocator("10.99.0.1");
        using var pair = new SaPair(Client(EapTlsPki.Mallory), Server(), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(AuthFailure.EapFailed, pair.Responder.AuthFailure);
        Assert.Contains("Unknown CA", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
        EapFailureAnswer.AssertEnded(pair);
        Assert.Empty(pair.ResponderInstalled);
        Assert.Empty(pool.Allocations);
    }

    /// <summary>IKE_SA_INIT, the client's first IKE_AUTH and the gateway's EAP-TLS start, then the client's first
    /// EAP-TLS response (not yet given to the gateway).</summary>
    private static IkeSaResult FirstEapTlsResponse(SaPair pair)
    {
        IkeSaResult init = pair.Initiator.Initiate();
        IkeSaResult auth1 = pair.Initiator.Process(pair.Responder.Process(init.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint).Message!,
            SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        IkeSaResult start = pair.Responder.Process(auth1.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        return pair.Initiator.Process(start.Message!, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
    }

    [Fact]
    public void EapTlsResponse_LengthBeyondTheMessage_DroppedAsDiscardedAndTheSetupGoesOn()
    {
        using var pair = new SaPair(Client(EapTlsPki.Alice, wrap: c => new LengthLiar(c)), Server(), new ListAllocator("10.99.0.1"));
        IkeSaResult lying = FirstEapTlsResponse(pair);

        IkeSaResult dropped = pair.Responder.Process(lying.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.EapDiscarded, dropped.Drop);
        Assert.Contains("were announced", dropped.Detail, StringComparison.Ordinal);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        Assert.Empty(pair.ResponderInstalled);
    }

    [Fact]
    public void EapTlsResponse_WrongIdentifier_Discarded()
    {
        using var pair = new SaPair(Client(EapTlsPki.Alice, wrap: c => new IdentifierShifter(c)), Server(), new ListAllocator("10.99.0.1"));
        IkeSaResult shifted = FirstEapTlsResponse(pair);

        IkeSaResult dropped = pair.Responder.Process(shifted.Message!, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

        Assert.Equal(DropReason.EapDiscarded, dropped.Drop);
        Assert.Contains("Identifier", dropped.Detail, StringComparison.Ordinal);
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
    }

    /// <summary>Announces one octet more than its first fragment carries, without the M flag.</summary>
    private sealed class LengthLiar(IEapClient inner) : IEapClient
    {
        public EapType Type => inner.Type;

        public byte[]? Msk => inner.Msk;

        public EapPacket? Process(EapPacket request)
        {
            EapPacket answer = inner.Process(request)!.Value;
            byte[] data = answer.Data.ToArray();
            data[0] = (byte)EapTlsFlags.Length;
            uint length = System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(data.AsSpan(1));
            System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(data.AsSpan(1), length + 1);
            return answer with { Data = data };
        }
    }

    private sealed class IdentifierShifter(IEapClient inner) : IEapClient
    {
        public EapType Type => inner.Type;

        public byte[]? Msk => inner.Msk;

        public EapPacket? Process(EapPacket request) => inner.Process(request) is { } answer ? answer with { Identifier = (byte)(answer.Identifier + 1) } : null;
    }
}
