using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Ike.Sa;
using Org.BouncyCastle.Ocsp;

namespace Concentrator.Ike.Tests.Auth.Certificates;

/// <summary>Online revocation as strongSwan's revocation plugin decides it: OCSP first, then CRLs, what is missing asked
/// for, and the status held against revocation = strict, ifuri or relaxed.</summary>
public class OnlineRevocationTests
{
    private const string OcspUri = "http://ocsp.example.org/";
    private const string CrlUri = "http://ca.example.org/root.crl";

    private static readonly Issued Root = TestPki.Ca();

    private readonly RevocationCache _cache = new(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    private ChainVerdict Validate(Issued leaf, RevocationPolicy revocation = RevocationPolicy.Relaxed, bool mayFetch = true, TrustPolicy? policy = null) =>
        ChainValidator.Validate((policy ?? new TrustPolicy([Root.Certificate])) with { Revocation = revocation }, leaf.Certificate, [], TestPki.Now, _cache, mayFetch);

    /// <summary>Answers every fetch of <paramref name="verdict"/> as <paramref name="answer"/> says (null body: failed).</summary>
    private void Answer(ChainVerdict verdict, Func<RevocationFetch, byte[]?> answer)
    {
        Assert.True(verdict.IsPending, verdict.Detail);
        foreach (RevocationFetch fetch in verdict.Fetches)
        {
            _cache.Store(fetch, answer(fetch), "connection refused", TestPki.Now);
        }
    }

    private static byte[] Ocsp(Issued leaf, CertificateStatus? status) =>
        OcspFixtures.Response(Root, leaf.Certificate, status, TestPki.Now.AddMinutes(-1), TestPki.Now.AddHours(1));

    [Fact]
    public void Validate_OcspUriNothingCached_AsksTheResponderFirst()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);

        ChainVerdict verdict = Validate(leaf);

        RevocationFetch fetch = Assert.Single(verdict.Fetches);
        Assert.Equal(RevocationSource.Ocsp, fetch.Source);
        Assert.Equal(new Uri(OcspUri), fetch.Uri);
        Assert.Null(verdict.Failure);
        Assert.False(verdict.IsOk);
    }

    [Fact]
    public void Validate_OcspGood_PassesWithoutTheCrl()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);
        Answer(Validate(leaf), _ => Ocsp(leaf, CertificateStatus.Good));

        Assert.True(Validate(leaf, RevocationPolicy.Strict).IsOk);
    }

    [Fact]
    public void Validate_OcspRevoked_RefusedUnderEveryPolicy()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        Answer(Validate(leaf), _ => Ocsp(leaf, OcspFixtures.Revoked));

        ChainVerdict verdict = Validate(leaf, RevocationPolicy.Relaxed);

        Assert.Equal(AuthFailure.CertificateRevoked, verdict.Failure);
        Assert.Contains("revoked according to the OCSP responder " + OcspUri, verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OcspFailsCrlRevokes_AsksTheCrlNextAndRefuses()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);
        Answer(Validate(leaf), _ => null);
        ChainVerdict second = Validate(leaf);
        Assert.Equal(RevocationSource.Crl, Assert.Single(second.Fetches).Source);
        Answer(second, _ => TestPki.Crl(Root, null, leaf.Certificate));

        ChainVerdict verdict = Validate(leaf);

        Assert.Equal(AuthFailure.CertificateRevoked, verdict.Failure);
        Assert.Contains("revoked by the CRL at " + CrlUri, verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_CrlNotListingIt_GoodEvenUnderStrict()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, null, CrlUri);
        Answer(Validate(leaf), _ => TestPki.Crl(Root, null, TestPki.Leaf(Root).Certificate));

        Assert.True(Validate(leaf, RevocationPolicy.Strict).IsOk);
    }

    [Fact]
    public void Validate_CrlSignedByAnotherKey_NotUsed()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, null, CrlUri);
        Answer(Validate(leaf), _ => TestPki.Crl(TestPki.Ca(), null, leaf.Certificate));

        Assert.True(Validate(leaf, RevocationPolicy.Relaxed).IsOk);
        Assert.Equal(AuthFailure.CertificateRevocationUnknown, Validate(leaf, RevocationPolicy.IfUri).Failure);
    }

    [Theory]
    [InlineData(RevocationPolicy.Relaxed, null)]
    [InlineData(RevocationPolicy.IfUri, AuthFailure.CertificateRevocationUnknown)]
    [InlineData(RevocationPolicy.Strict, AuthFailure.CertificateRevocationUnknown)]
    public void Validate_EveryFetchFailed_RefusedUnlessRelaxed(RevocationPolicy revocation, AuthFailure? expected)
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);
        Answer(Validate(leaf), _ => null);
        Answer(Validate(leaf), _ => null);

        ChainVerdict verdict = Validate(leaf, revocation);

        Assert.Equal(expected, verdict.Failure);
        Assert.False(verdict.IsPending);
        if (expected is not null)
        {
            Assert.Contains("connection refused", verdict.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(RevocationPolicy.Relaxed, null)]
    [InlineData(RevocationPolicy.IfUri, null)]
    [InlineData(RevocationPolicy.Strict, AuthFailure.CertificateRevocationUnknown)]
    public void Validate_NoUriAnywhere_OnlyStrictRefuses(RevocationPolicy revocation, AuthFailure? expected)
    {
        ChainVerdict verdict = Validate(TestPki.Leaf(Root), revocation);

        Assert.Equal(expected, verdict.Failure);
        Assert.False(verdict.IsPending);
    }

    [Fact]
    public void Verdicts_PendingCheckCountsNothing_TheFinalOneOnce()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);
        ChainVerdict pending = Validate(leaf);
        Assert.Equal([0L, 0L, 0L, 0L], Verdicts());
        Answer(pending, _ => Ocsp(leaf, CertificateStatus.Good));

        Assert.True(Validate(leaf, RevocationPolicy.Strict).IsOk);

        Assert.Equal([1L, 0L, 0L, 0L], Verdicts());
    }

    [Fact]
    public void Verdicts_OcspRevoked_CountedRevoked()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        Answer(Validate(leaf), _ => Ocsp(leaf, OcspFixtures.Revoked));

        Assert.Equal(AuthFailure.CertificateRevoked, Validate(leaf).Failure);

        Assert.Equal([0L, 1L, 0L, 0L], Verdicts());
    }

    [Theory]
    [InlineData(RevocationPolicy.Relaxed)]
    [InlineData(RevocationPolicy.Strict)]
    public void Verdicts_EveryFetchFailed_UnknownWhetherLetInOrNot(RevocationPolicy revocation)
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);
        Answer(Validate(leaf), _ => null);
        Answer(Validate(leaf), _ => null);

        _ = Validate(leaf, revocation);

        Assert.Equal([0L, 0L, 1L, 0L], Verdicts());
    }

    [Theory]
    [InlineData(RevocationPolicy.Relaxed, new[] { 0L, 0L, 0L, 1L })]
    [InlineData(RevocationPolicy.Strict, new[] { 0L, 0L, 1L, 0L })]
    public void Verdicts_NoUriAnywhere_NoneUnlessStrictRefuses(RevocationPolicy revocation, long[] expected)
    {
        _ = Validate(TestPki.Leaf(Root), revocation);

        Assert.Equal(expected, Verdicts());
    }

    private long[] Verdicts() => [.. Enum.GetValues<RevocationVerdict>().Select(_cache.VerdictCount)];

    [Fact]
    public void Validate_MayNotFetch_MissingCountsAsFailed()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, null);

        ChainVerdict verdict = Validate(leaf, RevocationPolicy.IfUri, mayFetch: false);

        Assert.Equal(AuthFailure.CertificateRevocationUnknown, verdict.Failure);
        Assert.Contains("no answer from the OCSP responder", verdict.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_OcspUnknown_FailsUnderIfUri()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        Answer(Validate(leaf), _ => Ocsp(leaf, OcspFixtures.Unknown));

        Assert.True(Validate(leaf, RevocationPolicy.Relaxed).IsOk);
        Assert.Equal(AuthFailure.CertificateRevocationUnknown, Validate(leaf, RevocationPolicy.IfUri).Failure);
    }

    [Fact]
    public void Validate_ConfiguredOcspUri_AskedForCertificatesOfTheCa()
    {
        var policy = new TrustPolicy([Root.Certificate]) { OcspUris = [new Uri("http://configured.example.org/ocsp")] };

        ChainVerdict verdict = Validate(TestPki.Leaf(Root), policy: policy);

        Assert.Equal(new Uri("http://configured.example.org/ocsp"), Assert.Single(verdict.Fetches).Uri);
    }

    [Fact]
    public void Cache_FailedFetch_ForgottenAfterFailureLifetime()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, null);
        RevocationFetch fetch = Assert.Single(Validate(leaf).Fetches);
        _cache.Store(fetch, null, "timeout", TestPki.Now);

        Assert.True(_cache.TryGet(fetch.Key, TestPki.Now.AddSeconds(29), out object? value));
        Assert.IsType<FetchFailure>(value);
        Assert.False(_cache.TryGet(fetch.Key, TestPki.Now.AddSeconds(31), out _));
    }

    [Fact]
    public void Cache_Full_OldestEvicted()
    {
        var cache = new RevocationCache(2, TimeSpan.FromMinutes(1), TimeSpan.FromHours(1));
        byte[] der = Root.Certificate.RawData;
        for (int i = 0; i < 3; i++)
        {
            cache.Store(new RevocationFetch(RevocationSource.Crl, new Uri($"http://x/{i}"), $"k{i}", null, der, der), null, "x", TestPki.Now.AddSeconds(i));
        }

        Assert.Equal(2, cache.Count);
        Assert.False(cache.TryGet("k0", TestPki.Now.AddSeconds(3), out _));
        Assert.True(cache.TryGet("k2", TestPki.Now.AddSeconds(3), out _));
    }

    [Fact]
    public void Uris_FromTheCertificate_HttpOnly()
    {
        Issued leaf = OcspFixtures.LeafWithUris(Root, OcspUri, CrlUri);
        X509Certificate2 ldap = OcspFixtures.LeafWithUris(Root, "ldap://ocsp.example.org/", null).Certificate;

        Assert.Equal([new Uri(OcspUri)], RevocationUris.Ocsp(leaf.Certificate));
        Assert.Equal([new Uri(CrlUri)], RevocationUris.Crl(leaf.Certificate));
        Assert.Empty(RevocationUris.Ocsp(ldap));
    }
}
