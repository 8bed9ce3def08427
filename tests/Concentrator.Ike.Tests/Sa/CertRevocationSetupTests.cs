using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Tests.Auth.Certificates;
using Org.BouncyCastle.Ocsp;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b with online revocation: the responder holds its IKE_AUTH answer while the node fetches what its
/// revocation cache lacks (the RelayEap seam), then answers from what was fetched.</summary>
public class CertRevocationSetupTests
{
    private const string OcspUri = "http://ocsp.example.org/";

    private static readonly Issued Root = TestPki.Ca();
    private static readonly Issued Gateway = TestPki.Leaf(Root, "C=CH, O=Example, CN=vpn.example.org", dns: ["vpn.example.org"]);

    private readonly RevocationCache _cache = new(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    private SaPair Pair(Issued client, RevocationPolicy revocation)
    {
        var clientAuth = new PubkeyAuthenticator(LocalCertificate.Create([client.Certificate], SigningKey.From(client.Key!)), new TrustPolicy([Root.Certificate]));
        var serverAuth = new PubkeyAuthenticator(LocalCertificate.Create([Gateway.Certificate], SigningKey.From(Gateway.Key!)),
            new TrustPolicy([Root.Certificate]) { Revocation = revocation });
        return new SaPair(
            SaPair.Config("C=CH, O=Example, CN=online", "unused", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
                c => c with { LocalAuthenticator = clientAuth, RemoteAuthenticators = [clientAuth], RequestVirtualIp4 = true, FragmentSize = 60000 }),
            SaPair.Config("vpn.example.org", "unused", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
                c => c with { LocalAuthenticator = serverAuth, RemoteAuthenticators = [serverAuth] }),
            new ListAllocator("10.99.0.1"), revocation: _cache);
    }

    /// <summary>Runs the exchange until the responder holds IKE_AUTH; returns what it asks to fetch.</summary>
    private static RevocationFetchRequest Held(SaPair pair)
    {
        pair.Run();
        Assert.True(pair.Responder.AwaitingEap, pair.Responder.FailureReason ?? "the responder did not hold IKE_AUTH");
        Assert.Equal(IkeSaState.Connecting, pair.Responder.State);
        // The IKE_AUTH request is the last thing on the wire: nothing answered it yet.
        Assert.True(pair.Wire[^1].FromInitiator);
        return Assert.IsType<RevocationFetchRequest>(pair.Responder.Tasks.AuthPending);
    }

    private static void Resume(SaPair pair)
    {
        IkeSaResult answer = pair.Responder.ResumeVerification();
        foreach (byte[] response in answer.Outbound)
        {
            pair.Initiator.Process(response, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        }
    }

    [Fact]
    public void Setup_OcspGoodFetched_HeldThenEstablished()
    {
        Issued client = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        using SaPair pair = Pair(client, RevocationPolicy.Strict);
        RevocationFetchRequest request = Held(pair);

        RevocationFetch fetch = Assert.Single(request.Fetches);
        _cache.Store(fetch, OcspFixtures.Response(Root, client.Certificate, CertificateStatus.Good, pair.Time.GetUtcNow().AddMinutes(-1), pair.Time.GetUtcNow().AddHours(1)), null, pair.Time.GetUtcNow());
        Resume(pair);

        Assert.True(pair.Responder.State == IkeSaState.Established, pair.Responder.FailureReason);
        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Single(pair.ResponderInstalled);
    }

    [Fact]
    public void Setup_OcspRevoked_AuthenticationFailedNothingInstalled()
    {
        Issued client = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        using SaPair pair = Pair(client, RevocationPolicy.Relaxed);
        RevocationFetch fetch = Assert.Single(Held(pair).Fetches);

        _cache.Store(fetch, OcspFixtures.Response(Root, client.Certificate, OcspFixtures.Revoked, pair.Time.GetUtcNow().AddMinutes(-1), pair.Time.GetUtcNow().AddHours(1)), null, pair.Time.GetUtcNow());
        Resume(pair);

        Assert.Equal(NotifyType.AuthenticationFailed, pair.Responder.FailureNotify);
        Assert.Equal(AuthFailure.CertificateRevoked, pair.Responder.AuthFailure);
        Assert.Contains("revoked according to the OCSP responder", pair.Responder.FailureReason, StringComparison.Ordinal);
        Assert.Empty(pair.ResponderInstalled);
        Assert.NotEqual(IkeSaState.Established, pair.Initiator.State);
    }

    [Theory]
    [InlineData(RevocationPolicy.Strict, false)]
    [InlineData(RevocationPolicy.Relaxed, true)]
    public void Setup_ResponderUnreachable_StrictRefusesRelaxedAccepts(RevocationPolicy revocation, bool established)
    {
        Issued client = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        using SaPair pair = Pair(client, revocation);
        RevocationFetch fetch = Assert.Single(Held(pair).Fetches);

        _cache.Store(fetch, null, "connection refused", pair.Time.GetUtcNow());
        Resume(pair);

        Assert.Equal(established, pair.Responder.State == IkeSaState.Established);
        Assert.Equal(established ? null : AuthFailure.CertificateRevocationUnknown, pair.Responder.AuthFailure);
    }

    [Fact]
    public void Setup_AnswerAlreadyCached_NotHeld()
    {
        Issued client = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        using (SaPair first = Pair(client, RevocationPolicy.Strict))
        {
            RevocationFetch fetch = Assert.Single(Held(first).Fetches);
            _cache.Store(fetch, OcspFixtures.Response(Root, client.Certificate, CertificateStatus.Good, first.Time.GetUtcNow().AddMinutes(-1), first.Time.GetUtcNow().AddHours(1)), null, first.Time.GetUtcNow());
        }

        using SaPair second = Pair(client, RevocationPolicy.Strict);
        second.Run();

        Assert.False(second.Responder.AwaitingEap);
        Assert.True(second.Responder.State == IkeSaState.Established, second.Responder.FailureReason);
    }
}
