using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Auth.Eap.Tls;
using Concentrator.Ike.Tests.Auth.Certificates;
using Org.BouncyCastle.Ocsp;

namespace Concentrator.Ike.Tests.Auth.Eap;

/// <summary>Ring a/b, method level: the EAP-TLS client certificate is checked online like a pubkey peer's — the round
/// that carries it is held (<see cref="EapStep.Pending"/> of a <see cref="RevocationFetchRequest"/>) until the
/// OCSP answer is in the node's cache, then refused when revoked or answered with the held TLS flight when good.</summary>
public class EapTlsRevocationTests
{
    private const string OcspUri = "http://ocsp.example.org/";
    private const string Subject = "C=CH, O=Example, CN=online";

    private readonly RevocationCache _cache = new(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void Conversation_ClientCertificateWithOcspUri_HeldUntilTheAnswerThenJudged(bool revoked)
    {
        Issued leaf = OcspFixtures.LeafWithUris(EapTlsPki.Root, OcspUri, null, Subject);
        var server = new EapTlsServer(EapTlsPki.Server());
        server.UseRevocation(_cache);

        (EapStep last, _, _) = EapTlsPki.Converse(server, EapTlsPki.Client(leaf), Subject);

        var pending = Assert.IsType<EapStep.Pending>(last);
        RevocationFetch fetch = Assert.Single(Assert.IsType<RevocationFetchRequest>(pending.Relay).Fetches);
        Assert.Equal(new Uri(OcspUri), fetch.Uri);
        CertificateStatus? status = revoked ? OcspFixtures.Revoked : CertificateStatus.Good;
        _cache.Store(fetch, OcspFixtures.Response(EapTlsPki.Root, leaf.Certificate, status, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1)), null, TestPki.Now);

        EapStep after = server.RevocationFetched();

        if (revoked)
        {
            Assert.Contains("revoked according to the OCSP responder", Assert.IsType<EapStep.Failure>(after).Reason, StringComparison.Ordinal);
            Assert.Equal(1, _cache.VerdictCount(RevocationVerdict.Revoked));
        }
        else
        {
            Assert.IsType<EapStep.Request>(after);
            Assert.Equal(1, _cache.VerdictCount(RevocationVerdict.Good));
        }
    }

    [Fact]
    public void Conversation_WithoutTheCache_NotHeld()
    {
        Issued leaf = OcspFixtures.LeafWithUris(EapTlsPki.Root, OcspUri, null, Subject);
        var server = new EapTlsServer(EapTlsPki.Server());

        (EapStep last, _, _) = EapTlsPki.Converse(server, EapTlsPki.Client(leaf), Subject);

        Assert.IsType<EapStep.Success>(last);
    }
}
