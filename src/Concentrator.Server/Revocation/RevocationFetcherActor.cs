using System.Net.Http.Headers;
using Akka.Actor;
using Concentrator.Ike.Auth.Certificates;
using Concentrator.Server.Config;
using Concentrator.Server.Logging;
using Concentrator.Server.Metrics;
using Microsoft.Extensions.Logging;

namespace Concentrator.Server.Revocation;

/// <summary>
/// The node's fetcher of revocation information (strongSwan's revocation plugin fetches through its curl plugin): CRLs
/// by HTTP GET, OCSP requests by HTTP POST (RFC 6960 Appendix A.1), each bounded in time and size, without blocking a
/// thread; the outcome goes into the shared <see cref="RevocationCache"/> (the only writer) and every IKE SA waiting
/// for that URI is answered. Two SAs asking for the same URI at once share one fetch.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The HTTP client is disposed in PostStop, the actor's end of life.")]
public sealed class RevocationFetcherActor : ReceiveActor
{
    private readonly RevocationCache _cache;
    private readonly RevocationFetchSettings _settings;
    private readonly TimeProvider _time;
    private readonly HttpClient _http;
    private readonly ILogger _log;
    private readonly ConcentratorMetrics? _metrics;
    private readonly Dictionary<string, List<Waiter>> _inFlight = new(StringComparer.Ordinal);
    private long _fetches;
    private long _failures;
    private long _joined;

    public RevocationFetcherActor(RevocationCache cache, RevocationFetchSettings settings, TimeProvider time, ConcentratorMetrics? metrics)
    {
        _cache = cache;
        _metrics = metrics;
        _settings = settings;
        _time = time;
        _log = ServerLogging.For<RevocationFetcherActor>(Context);
        _http = new HttpClient(new SocketsHttpHandler { ConnectTimeout = settings.FetchTimeout, AllowAutoRedirect = false, UseProxy = false })
        {
            Timeout = settings.FetchTimeout,
            MaxResponseContentBufferSize = settings.MaxResponseSize,
        };
        Receive<FetchRevocation>(OnFetch);
        Receive<Fetched>(OnFetched);
        Receive<GetRevocationStats>(_ => Sender.Tell(new RevocationStats(_fetches, _failures, _joined, _cache.Count)));
    }

    public static Props Props(RevocationCache cache, RevocationFetchSettings settings, TimeProvider? time = null, ConcentratorMetrics? metrics = null) =>
        Akka.Actor.Props.Create(() => new RevocationFetcherActor(cache, settings, time ?? TimeProvider.System, metrics));

    protected override void PostStop()
    {
        _http.Dispose();
        base.PostStop();
    }

    private void OnFetch(FetchRevocation message)
    {
        var waiter = new Waiter(Sender, message.ResponderSpi, []);
        DateTimeOffset now = _time.GetUtcNow();
        foreach (RevocationFetch fetch in message.Request.Fetches)
        {
            if (_cache.TryGet(fetch.Key, now, out _) || waiter.Keys.Contains(fetch.Key))
            {
                continue;
            }

            waiter.Keys.Add(fetch.Key);
            if (_inFlight.TryGetValue(fetch.Key, out List<Waiter>? waiting))
            {
                _joined++;
                waiting.Add(waiter);
                continue;
            }

            _inFlight[fetch.Key] = [waiter];
            _fetches++;
            if (_log.IsEnabled(LogLevel.Debug))
            {
                _log.RevocationFetching(fetch.ToString(), message.ResponderSpi);
            }

            Get(fetch).PipeTo(Self);
        }

        if (waiter.Keys.Count == 0)
        {
            Sender.Tell(new RevocationFetched(message.ResponderSpi));
        }
    }

    private async Task<Fetched> Get(RevocationFetch fetch)
    {
        long started = _time.GetTimestamp();
        using var deadline = new CancellationTokenSource(_settings.FetchTimeout);
        try
        {
            using var request = new HttpRequestMessage(fetch.Source == RevocationSource.Ocsp ? HttpMethod.Post : HttpMethod.Get, fetch.Uri);
            if (fetch.OcspRequest is { } body)
            {
                // RFC 6960 A.1: "Content-Type header has the value "application/ocsp-request"".
                request.Content = new ByteArrayContent(body);
                request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/ocsp-request");
            }

            // The body is read here, bounded, so that an oversized answer is told apart from a failed one.
            using HttpResponseMessage response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new Fetched(fetch, null, $"HTTP {(int)response.StatusCode} {response.ReasonPhrase}", FetchOutcome.Failed, _time.GetElapsedTime(started));
            }

            if (response.Content.Headers.ContentLength > _settings.MaxResponseSize)
            {
                return TooLarge(fetch, started);
            }

            byte[]? data = await ReadBounded(response.Content, deadline.Token).ConfigureAwait(false);
            return data is null ? TooLarge(fetch, started) : new Fetched(fetch, data, null, FetchOutcome.Ok, _time.GetElapsedTime(started));
        }
        catch (OperationCanceledException)
        {
            return new Fetched(fetch, null, $"no answer within {_settings.FetchTimeout.TotalSeconds:0.#} s", FetchOutcome.Timeout, _time.GetElapsedTime(started));
        }
        catch (Exception e) when (e is HttpRequestException or IOException)
        {
            return new Fetched(fetch, null, e.InnerException?.Message ?? e.Message, FetchOutcome.Failed, _time.GetElapsedTime(started));
        }
    }

    private Fetched TooLarge(RevocationFetch fetch, long started) =>
        new(fetch, null, $"the answer exceeds {_settings.MaxResponseSize} octets", FetchOutcome.TooLarge, _time.GetElapsedTime(started));

    /// <summary>The body, or null when it is longer than the settings' maximum (read no further than one octet past it).</summary>
    private async Task<byte[]?> ReadBounded(HttpContent content, CancellationToken cancel)
    {
        using Stream stream = await content.ReadAsStreamAsync(cancel).ConfigureAwait(false);
        using var body = new MemoryStream();
        byte[] buffer = new byte[16 * 1024];
        int read;
        while ((read = await stream.ReadAsync(buffer, cancel).ConfigureAwait(false)) > 0)
        {
            if (body.Length + read > _settings.MaxResponseSize)
            {
                return null;
            }

            body.Write(buffer, 0, read);
        }

        return body.ToArray();
    }

#pragma warning disable CA1873 // one line per fetch, not per packet
    private void OnFetched(Fetched fetched)
    {
        string outcome = _cache.Store(fetched.Fetch, fetched.Body, fetched.Error, _time.GetUtcNow());
        bool refused = fetched.Body is not null && outcome.StartsWith("refused", StringComparison.Ordinal);
        _metrics?.RevocationFetched(fetched.Fetch.Source, refused ? FetchOutcome.Refused : fetched.Outcome);
        if (fetched.Body is null || refused)
        {
            _failures++;
            _log.RevocationFetchFailed(fetched.Fetch.ToString(), outcome, fetched.Took.TotalMilliseconds);
        }
        else
        {
            _log.RevocationFetched(fetched.Fetch.ToString(), fetched.Body.Length, outcome, fetched.Took.TotalMilliseconds);
        }

        if (!_inFlight.Remove(fetched.Fetch.Key, out List<Waiter>? waiters))
        {
            return;
        }

        foreach (Waiter waiter in waiters)
        {
            waiter.Keys.Remove(fetched.Fetch.Key);
            if (waiter.Keys.Count == 0)
            {
                waiter.Sa.Tell(new RevocationFetched(waiter.Spi));
            }
        }
    }

#pragma warning restore CA1873

    private sealed record Waiter(IActorRef Sa, ulong Spi, HashSet<string> Keys);

    private sealed record Fetched(RevocationFetch Fetch, byte[]? Body, string? Error, FetchOutcome Outcome, TimeSpan Took);
}
