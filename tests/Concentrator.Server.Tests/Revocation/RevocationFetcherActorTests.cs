using System.Net;
using System.Net.Sockets;
using System.Numerics;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Server.Config;
using Concentrator.Server.Metrics;
using Concentrator.Server.Revocation;
using Concentrator.Server.Tests.Metrics;

namespace Concentrator.Server.Tests.Revocation;

/// <summary>The node's revocation fetcher against a real HTTP server on loopback: CRLs by GET, OCSP by POST with
/// application/ocsp-request, one fetch shared by SAs asking at once, failures and oversized answers recorded in the
/// cache so every waiting SA is answered.</summary>
public sealed class RevocationFetcherActorTests : TestKit, IDisposable
{
    private static readonly ECDsa CaKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private static readonly X509Certificate2 Ca = MakeCa();

    private readonly HttpListener _http = new();
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<(string Method, string? ContentType)> _requests = [];
    private readonly int _port;
    private byte[] _answer = [];
    private readonly ConcentratorMetrics _metrics = new();
    private readonly MetricsRecorder _recorder;

    public RevocationFetcherActorTests()
    {
        _recorder = new MetricsRecorder(_metrics);
        _port = FreePort();
        _http.Prefixes.Add($"http://127.0.0.1:{_port}/");
        _http.Start();
        _ = Task.Run(Serve);
    }

    private RevocationCache Cache { get; } = new(100, TimeSpan.FromSeconds(30), TimeSpan.FromHours(1));

    private IActorRef Fetcher(int maxSize = 1 << 20, int timeoutSeconds = 20) =>
        Sys.ActorOf(RevocationFetcherActor.Props(Cache, RevocationFetchSettings.Default with { FetchTimeout = TimeSpan.FromSeconds(timeoutSeconds), MaxResponseSize = maxSize },
            metrics: _metrics));

    private double Fetches(string kind, string outcome) => _recorder.Sum("concentrator.revocation.fetches", "kind=" + kind, "outcome=" + outcome);

    private RevocationFetch CrlFetch(int port) =>
        new(RevocationSource.Crl, new Uri($"http://127.0.0.1:{port}/ca.crl"), $"crl {port}", null, Ca.RawData, Ca.RawData);

    [Fact]
    public async Task Fetch_TwoSasAskAtOnce_OneGetBothAnsweredCrlCached()
    {
        _answer = Crl();
        var first = CreateTestProbe();
        var second = CreateTestProbe();
        IActorRef fetcher = Fetcher();
        RevocationFetch fetch = CrlFetch(_port);

        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 1), first.Ref);
        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 2), second.Ref);
        RevocationStats stats = await fetcher.Ask<RevocationStats>(GetRevocationStats.Instance, TimeSpan.FromSeconds(10));
        _release.SetResult();

        Assert.Equal(1UL, first.ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20)).ResponderSpi);
        Assert.Equal(2UL, second.ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20)).ResponderSpi);
        Assert.Equal((1, 1), (stats.Fetches, stats.Joined));
        Assert.Equal([("GET", null)], Requests());
        Assert.True(Cache.TryGet(fetch.Key, DateTimeOffset.UtcNow, out object? crl));
        Assert.IsType<RevocationList>(crl);
        Assert.Equal(1, Fetches("crl", "ok"));
    }

    [Fact]
    public void Fetch_AlreadyCached_AnsweredWithoutARequest()
    {
        _answer = Crl();
        _release.SetResult();
        IActorRef fetcher = Fetcher();
        RevocationFetch fetch = CrlFetch(_port);
        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 1), TestActor);
        ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20));

        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 2), TestActor);

        ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20));
        Assert.Single(Requests());
    }

    [Fact]
    public async Task Fetch_NothingListens_FailureCachedAndSaAnswered()
    {
        IActorRef fetcher = Fetcher();
        RevocationFetch fetch = CrlFetch(FreePort());

        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 1), TestActor);

        ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20));
        Assert.True(Cache.TryGet(fetch.Key, DateTimeOffset.UtcNow, out object? failure));
        Assert.IsType<FetchFailure>(failure);
        Assert.Equal(1, (await fetcher.Ask<RevocationStats>(GetRevocationStats.Instance, TimeSpan.FromSeconds(10))).Failures);
        Assert.Equal(1, Fetches("crl", "failed"));
        Assert.Equal(0, Fetches("crl", "ok"));
    }

    [Fact]
    public void Fetch_AnswerOverMaxResponseSize_Failure()
    {
        _answer = new byte[4096];
        _release.SetResult();
        IActorRef fetcher = Fetcher(maxSize: 1024);
        RevocationFetch fetch = CrlFetch(_port);

        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 1), TestActor);

        ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20));
        Assert.True(Cache.TryGet(fetch.Key, DateTimeOffset.UtcNow, out object? failure));
        Assert.IsType<FetchFailure>(failure);
        Assert.Equal(1, Fetches("crl", "too_large"));
    }

    [Fact]
    public void Fetch_NoAnswerWithinFetchTimeout_CountedTimeout()
    {
        // The server takes the request and never answers (not released): the fetch ends at the timeout.
        IActorRef fetcher = Fetcher(timeoutSeconds: 1);
        RevocationFetch fetch = CrlFetch(_port);

        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 1), TestActor);

        ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(30));
        Assert.True(Cache.TryGet(fetch.Key, DateTimeOffset.UtcNow, out object? failure));
        Assert.Contains("no answer within 1 s", Assert.IsType<FetchFailure>(failure).Reason, StringComparison.Ordinal);
        Assert.Equal(1, Fetches("crl", "timeout"));
    }

    [Fact]
    public void Fetch_Ocsp_PostedAsOcspRequest()
    {
        _answer = [0x30, 0x03, 0x0a, 0x01, 0x01];
        _release.SetResult();
        IActorRef fetcher = Fetcher();
        var fetch = new RevocationFetch(RevocationSource.Ocsp, new Uri($"http://127.0.0.1:{_port}/"), "ocsp", [0x30, 0x00], Ca.RawData, Ca.RawData);

        fetcher.Tell(new FetchRevocation(new RevocationFetchRequest([fetch]), 1), TestActor);

        ExpectMsg<RevocationFetched>(TimeSpan.FromSeconds(20));
        Assert.Equal([("POST", "application/ocsp-request")], Requests());
        // RFC 6960 §2.3 malformedRequest(1): not a status, so no answer is cached for the certificate.
        Assert.True(Cache.TryGet("ocsp", DateTimeOffset.UtcNow, out object? failure));
        Assert.IsType<FetchFailure>(failure);
        Assert.Equal(1, Fetches("ocsp", "refused"));
        Assert.Equal(0, Fetches("ocsp", "ok"));
    }

    public new void Dispose()
    {
        _release.TrySetResult();
        _http.Close();
        _recorder.Dispose();
        _metrics.Dispose();
        base.Dispose();
    }

    private List<(string, string?)> Requests()
    {
        lock (_requests)
        {
            return [.. _requests];
        }
    }

    private async Task Serve()
    {
        while (_http.IsListening)
        {
            HttpListenerContext context;
            try
            {
                context = await _http.GetContextAsync();
            }
            catch (Exception e) when (e is HttpListenerException or ObjectDisposedException or InvalidOperationException)
            {
                return;
            }

            lock (_requests)
            {
                _requests.Add((context.Request.HttpMethod, context.Request.ContentType));
            }

            await _release.Task;
            context.Response.ContentLength64 = _answer.Length;
            await context.Response.OutputStream.WriteAsync(_answer);
            context.Response.Close();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static X509Certificate2 MakeCa()
    {
        var request = new CertificateRequest("CN=Fetcher Test CA", CaKey, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        request.CertificateExtensions.Add(new X509SubjectKeyIdentifierExtension(request.PublicKey, false));
        return request.CreateSelfSigned(DateTimeOffset.UtcNow.AddDays(-1), DateTimeOffset.UtcNow.AddDays(30));
    }

    private static byte[] Crl() => new CertificateRevocationListBuilder().Build(Ca.SubjectName, X509SignatureGenerator.CreateForECDsa(CaKey),
        BigInteger.One, DateTimeOffset.UtcNow.AddDays(1), HashAlgorithmName.SHA256,
        X509AuthorityKeyIdentifierExtension.CreateFromCertificate(Ca, true, false), DateTimeOffset.UtcNow.AddMinutes(-1));
}
