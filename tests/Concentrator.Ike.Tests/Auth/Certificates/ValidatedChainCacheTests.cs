using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Crypto.Signature;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Org.BouncyCastle.Ocsp;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>The cache of validated peer chains: a known chain skips the parse and the chain engine, yet validity,
/// revocation, the identity binding and the signature are checked on every use; bounded, least recently used first,
/// keyed by the trust it was validated under.</summary>
public class ValidatedChainCacheTests
{
    private const string OcspUri = "http://ocsp.example.org/";
    private static readonly Issued Root = TestPki.Ca();
    private static readonly Issued Intermediate = TestPki.Ca("C=CH, O=Example, CN=Cache Intermediate", Root);
    private static readonly Issued Client = TestPki.Leaf(Intermediate, dns: ["client.example.org"]);
    private static readonly IkeIdentity ClientId = IkeIdentity.Parse("client.example.org");
    private static readonly byte[] Octets = RandomNumberGenerator.GetBytes(600);

    private readonly ValidatedChainCache _chains = new(16);

    private static IReadOnlyList<CertPayload> Payloads(params X509Certificate2[] chain) =>
        [.. chain.Select(c => new CertPayload(CertificateEncoding.X509Signature, c.RawData))];

    private static AuthPayload Auth(Issued signer, byte[]? octets = null)
    {
        // The SigningKey wraps (and would dispose) the fixture's key: not disposed here.
        SigningKey key = SigningKey.From(signer.Key!);
        return new AuthPayload(AuthMethod.DigitalSignature,
            AuthSignature.Sign(key, new SignatureChoice(AuthMethod.DigitalSignature, SignatureScheme.EcdsaSha256), octets ?? Octets));
    }

    private ChainVerdict Check(TrustPolicy? policy = null, Issued? client = null, IkeIdentity? id = null, AuthPayload? auth = null,
        DateTimeOffset? now = null, RevocationCache? online = null, ValidatedChainCache? chains = null)
    {
        client ??= Client;
        return PeerChainCheck.Check(policy ?? new TrustPolicy([Root.Certificate]), Payloads(client.Certificate, Intermediate.Certificate), id ?? ClientId,
            auth ?? Auth(client), Octets, now ?? TestPki.Now, online, mayFetch: true, chains ?? _chains);
    }

    [Fact]
    public void Check_SecondUse_FromTheCacheWithoutValidation()
    {
        Assert.True(Check().IsOk);
        Assert.Equal((0, 1, 1), (_chains.Hits, _chains.Misses, _chains.Count));

        ChainVerdict second = Check();

        Assert.True(second.IsOk, second.Detail);
        Assert.Equal((1, 1, 1), (_chains.Hits, _chains.Misses, _chains.Count));
    }

    [Fact]
    public void Check_CachedChainAfterNotAfter_RefusedAsExpiredAndForgotten()
    {
        Issued shortLived = TestPki.Leaf(Intermediate, dns: ["client.example.org"], notAfter: TestPki.Now.AddHours(1));
        Assert.True(Check(client: shortLived).IsOk);

        ChainVerdict later = Check(client: shortLived, now: TestPki.Now.AddHours(2));

        Assert.Equal(AuthFailure.CertificateExpired, later.Failure);
        Assert.Equal(0, _chains.Count);
    }

    [Fact]
    public void Check_CachedChainBeforeTheIntermediateExpires_StillServed()
    {
        Assert.True(Check().IsOk);

        ChainVerdict later = Check(now: TestPki.Now.AddDays(29));

        Assert.True(later.IsOk, later.Detail);
        Assert.Equal(1, _chains.Hits);
    }

    [Fact]
    public void Check_CachedThenRevokedByOcsp_RefusedOnTheHit()
    {
        Issued client = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        var online = new RevocationCache(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        var policy = new TrustPolicy([Root.Certificate]) { Revocation = RevocationPolicy.Strict };
        ChainVerdict Direct() => PeerChainCheck.Check(policy, Payloads(client.Certificate), IkeIdentity.Parse("C=CH, O=Example, CN=online"), Auth(client), Octets, TestPki.Now, online, true, _chains);

        ChainVerdict first = Direct();
        RevocationFetch fetch = Assert.Single(first.Fetches);
        online.Store(fetch, OcspFixtures.Response(Root, client.Certificate, CertificateStatus.Good, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1)), null, TestPki.Now);
        Assert.True(Direct().IsOk);
        online.Store(fetch, OcspFixtures.Response(Root, client.Certificate, OcspFixtures.Revoked, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1)), null, TestPki.Now);

        ChainVerdict revoked = Direct();

        Assert.Equal(AuthFailure.CertificateRevoked, revoked.Failure);
        Assert.Equal(2, _chains.Hits);
    }

    [Fact]
    public void Check_CachedThenCrlFilePastNextUpdate_RevocationUnknownOnTheHit()
    {
        var policy = new TrustPolicy([Root.Certificate]) { Crls = [RevocationList.Parse(TestPki.Crl(Intermediate, TestPki.Now.AddHours(1)))] };
        Assert.True(Check(policy).IsOk);

        ChainVerdict stale = Check(policy, now: TestPki.Now.AddHours(2));

        Assert.Equal(AuthFailure.CertificateRevocationUnknown, stale.Failure);
        Assert.Equal(1, _chains.Hits);
    }

    [Fact]
    public void Check_NewCrlFileRevokesTheCachedClient_NotServedFromTheCache()
    {
        Assert.True(Check().IsOk);
        var revoking = new TrustPolicy([Root.Certificate]) { Crls = [RevocationList.Parse(TestPki.Crl(Intermediate, null, Client.Certificate))] };

        ChainVerdict verdict = Check(revoking);

        Assert.Equal(AuthFailure.CertificateRevoked, verdict.Failure);
        Assert.Equal(0, _chains.Hits);
    }

    [Fact]
    public void Check_CachedChainOtherIdentity_RefusedAsNotBound()
    {
        Assert.True(Check().IsOk);

        ChainVerdict verdict = Check(id: IkeIdentity.Parse("mallory.example.org"));

        Assert.Equal(AuthFailure.CertificateIdentityNotBound, verdict.Failure);
        Assert.Equal(1, _chains.Hits);
    }

    [Fact]
    public void Check_CachedChainSignedByAnotherKey_RefusedAsBadSignature()
    {
        Assert.True(Check().IsOk);
        Issued stranger = TestPki.Leaf(TestPki.Ca("C=CH, O=Other, CN=Other CA"), dns: ["client.example.org"]);

        ChainVerdict verdict = Check(auth: Auth(stranger));

        Assert.Equal(AuthFailure.SignatureInvalid, verdict.Failure);
        Assert.Equal(1, _chains.Hits);
    }

    [Fact]
    public void Check_SignatureFailsOnFirstUse_ChainNotCached()
    {
        ChainVerdict verdict = Check(auth: Auth(Client, RandomNumberGenerator.GetBytes(600)));

        Assert.Equal(AuthFailure.SignatureInvalid, verdict.Failure);
        Assert.Equal(0, _chains.Count);
    }

    [Fact]
    public void Check_OtherAnchors_NotServedFromTheCache()
    {
        Assert.True(Check().IsOk);
        Issued other = TestPki.Ca("C=CH, O=Other, CN=Other Root CA");

        ChainVerdict verdict = Check(new TrustPolicy([other.Certificate]));

        Assert.Equal(AuthFailure.CertificateUntrusted, verdict.Failure);
        Assert.Equal(0, _chains.Hits);
    }

    [Fact]
    public void Check_SameTrustInANewPolicyObject_ServedFromTheCache()
    {
        Assert.True(Check(new TrustPolicy([Root.Certificate])).IsOk);

        Assert.True(Check(new TrustPolicy([Root.Certificate])).IsOk);

        Assert.Equal(1, _chains.Hits);
    }

    [Fact]
    public void Add_BeyondCapacity_LeastRecentlyUsedEvicted()
    {
        var chains = new ValidatedChainCache(2);
        Issued a = TestPki.Leaf(Intermediate, dns: ["client.example.org"]);
        Issued b = TestPki.Leaf(Intermediate, dns: ["client.example.org"]);
        Issued c = TestPki.Leaf(Intermediate, dns: ["client.example.org"]);
        Assert.True(Check(client: a, chains: chains).IsOk);
        Assert.True(Check(client: b, chains: chains).IsOk);
        Assert.True(Check(client: a, chains: chains).IsOk); // a is now the most recently used

        Assert.True(Check(client: c, chains: chains).IsOk);

        Assert.Equal(2, chains.Count);
        var policy = new TrustPolicy([Root.Certificate]);
        Assert.True(chains.TryGet(chains.KeyOf(policy, [a.Certificate.RawData, Intermediate.Certificate.RawData]), out _));
        Assert.False(chains.TryGet(chains.KeyOf(policy, [b.Certificate.RawData, Intermediate.Certificate.RawData]), out _));
        Assert.True(chains.TryGet(chains.KeyOf(policy, [c.Certificate.RawData, Intermediate.Certificate.RawData]), out _));
    }

    [Fact]
    public void Clear_Reload_NextUseValidatesAgain()
    {
        Assert.True(Check().IsOk);

        _chains.Clear();
        Assert.True(Check().IsOk);

        Assert.Equal((0, 2, 1), (_chains.Hits, _chains.Misses, _chains.Count));
    }

    [Fact]
    public void KeyOf_IntermediateLeftOut_AnotherKey()
    {
        var policy = new TrustPolicy([Root.Certificate]);

        Assert.NotEqual(_chains.KeyOf(policy, [Client.Certificate.RawData, Intermediate.Certificate.RawData]), _chains.KeyOf(policy, [Client.Certificate.RawData]));
    }
}
