using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Tests.Auth.Certificates;
using Org.BouncyCastle.Ocsp;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b with the node's cache of validated chains: a client's second IKE_AUTH is served from the cache, and a
/// client whose certificate was revoked after its chain was cached is refused all the same.</summary>
public class CertChainCacheSetupTests
{
    private const string OcspUri = "http://ocsp.example.org/";

    /// <summary>The subject of <see cref="OcspFixtures.LeafWithUris"/>.</summary>
    private const string OnlineId = "C=CH, O=Example, CN=online";

    private static readonly Issued Root = TestPki.Ca();
    private static readonly Issued Gateway = TestPki.Leaf(Root, "C=CH, O=Example, CN=vpn.example.org", dns: ["vpn.example.org"]);

    private readonly ValidatedChainCache _chains = new(100);
    private readonly RevocationCache _online = new(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    private SaPair Pair(Issued client, RevocationPolicy revocation = RevocationPolicy.Relaxed, string id = "client.example.org")
    {
        var clientAuth = new PubkeyAuthenticator(LocalCertificate.Create([client.Certificate], SigningKey.From(client.Key!)), new TrustPolicy([Root.Certificate]));
        var serverAuth = new PubkeyAuthenticator(LocalCertificate.Create([Gateway.Certificate], SigningKey.From(Gateway.Key!)),
            new TrustPolicy([Root.Certificate]) { Revocation = revocation });
        return new SaPair(
            SaPair.Config(id, "unused", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
                c => c with { LocalAuthenticator = clientAuth, RemoteAuthenticators = [clientAuth], RequestVirtualIp4 = true, FragmentSize = 60000 }),
            SaPair.Config("vpn.example.org", "unused", ["aes256gcm16-prfsha256-x25519"], ["aes256gcm16"],
                c => c with { LocalAuthenticator = serverAuth, RemoteAuthenticators = [serverAuth] }),
            new ListAllocator("10.99.0.1"), revocation: _online, chains: _chains);
    }

    [Fact]
    public void Setup_SameClientTwice_SecondServedFromTheCache()
    {
        Issued client = TestPki.Leaf(Root, dns: ["client.example.org"]);
        using (SaPair first = Pair(client))
        {
            first.Run();
            Assert.True(first.Responder.State == IkeSaState.Established, first.Responder.FailureReason);
        }

        using SaPair second = Pair(client);
        second.Run();

        Assert.True(second.Responder.State == IkeSaState.Established, second.Responder.FailureReason);
        Assert.Equal(IkeSaState.Established, second.Initiator.State);
        Assert.Single(second.ResponderInstalled);
        Assert.Equal((1, 1), (_chains.Hits, _chains.Misses));
    }

    [Fact]
    public void Setup_RevokedAfterItsChainWasCached_AuthenticationFailedNothingInstalled()
    {
        Issued client = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        RevocationFetch fetch;
        using (SaPair first = Pair(client, RevocationPolicy.Strict, OnlineId))
        {
            first.Run();
            fetch = Assert.Single(Assert.IsType<RevocationFetchRequest>(first.Responder.Tasks.AuthPending).Fetches);
            _online.Store(fetch, OcspFixtures.Response(Root, client.Certificate, CertificateStatus.Good, first.Time.GetUtcNow().AddMinutes(-1),
                first.Time.GetUtcNow().AddHours(1)), null, first.Time.GetUtcNow());
            foreach (byte[] response in first.Responder.ResumeVerification().Outbound)
            {
                first.Initiator.Process(response, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
            }

            Assert.True(first.Responder.State == IkeSaState.Established, first.Responder.FailureReason);
        }

        _online.Store(fetch, OcspFixtures.Response(Root, client.Certificate, OcspFixtures.Revoked, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1)), null, TestPki.Now);
        long hits = _chains.Hits;
        using SaPair second = Pair(client, RevocationPolicy.Strict, OnlineId);
        second.Run();

        Assert.True(_chains.Hits > hits);
        Assert.Equal(NotifyType.AuthenticationFailed, second.Responder.FailureNotify);
        Assert.Equal(AuthFailure.CertificateRevoked, second.Responder.AuthFailure);
        Assert.Empty(second.ResponderInstalled);
        Assert.NotEqual(IkeSaState.Established, second.Initiator.State);
    }
}
