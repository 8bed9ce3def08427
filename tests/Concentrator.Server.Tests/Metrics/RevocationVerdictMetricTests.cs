using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Server.Metrics;

namespace Concentrator.Server.Tests.Metrics;

/// <summary><c>concentrator.revocation.verdicts</c> reads the verdict counts of the revocation cache it observes: every
/// verdict visible at 0 from the start, then each chain judged with the cache counted once.</summary>
public sealed class RevocationVerdictMetricTests
{
    private const string Verdicts = "concentrator.revocation.verdicts";

    [Fact]
    public void Verdicts_ChainWithoutRevocationInformation_CountedNone()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        var cache = new RevocationCache(10, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));
        Assert.Null(recorder.Observe(Verdicts, "verdict=none"));
        metrics.ObserveRevocation(cache);
        Assert.Equal(0, recorder.Observe(Verdicts, "verdict=good"));

        using ECDsa caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Verdict Test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        using X509Certificate2 ca = caRequest.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
        using ECDsa leafKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var leafRequest = new CertificateRequest("CN=peer.example.org", leafKey, HashAlgorithmName.SHA256);
        using X509Certificate2 leaf = leafRequest.Create(ca, DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(10), [1, 2, 3]);

        ChainVerdict verdict = ChainValidator.Validate(new TrustPolicy([ca]), leaf, [], DateTimeOffset.UtcNow, cache, mayFetch: true);

        Assert.True(verdict.IsOk, verdict.Detail);
        Assert.Equal(1, recorder.Observe(Verdicts, "verdict=none"));
        Assert.Equal(0, recorder.Observe(Verdicts, "verdict=revoked"));
    }
}
