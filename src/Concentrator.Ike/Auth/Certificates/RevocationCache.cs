using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using Concentrator.Ike.Crypto.Ocsp;

namespace Concentrator.Ike.Auth.Certificates;

/// <summary>
/// The node's fetched revocation information, shared by every IKE SA: CRLs by URI and OCSP answers by responder and
/// certificate, each until its nextUpdate, and failed fetches for <see cref="FailureLifetime"/> (so that a dead
/// responder costs one timeout, not one per client). One writer — the host's fetcher, through <see cref="Store"/> —,
/// many readers; at most <see cref="Capacity"/> entries, the oldest evicted first. Times are passed in.
/// </summary>
public sealed class RevocationCache
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly long[] _verdicts = new long[Enum.GetValues<RevocationVerdict>().Length];

    public RevocationCache(int capacity, TimeSpan failureLifetime, TimeSpan lifetimeWithoutNextUpdate)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        FailureLifetime = failureLifetime;
        LifetimeWithoutNextUpdate = lifetimeWithoutNextUpdate;
    }

    public int Capacity { get; }

    /// <summary>How long a failed fetch stands for the answer before it is tried again.</summary>
    public TimeSpan FailureLifetime { get; }

    /// <summary>How long a CRL without nextUpdate is reused.</summary>
    public TimeSpan LifetimeWithoutNextUpdate { get; }

    public int Count => _entries.Count;

    /// <summary>Chains judged with this cache since start whose revocation check reached <paramref name="verdict"/>
    /// (the host's metrics read it).</summary>
    public long VerdictCount(RevocationVerdict verdict) => Interlocked.Read(ref _verdicts[(int)verdict]);

    /// <summary>Told once per chain whose revocation check reached a verdict (not while fetches are outstanding).</summary>
    internal void CountVerdict(RevocationVerdict verdict) => Interlocked.Increment(ref _verdicts[(int)verdict]);

    /// <summary>What is known under <paramref name="key"/> at <paramref name="now"/>: a <see cref="RevocationList"/>, an
    /// <see cref="OcspAnswer"/> or a <see cref="FetchFailure"/>; false when nothing current is (fetch it).</summary>
    public bool TryGet(string key, DateTimeOffset now, out object? value)
    {
        if (_entries.TryGetValue(key, out Entry? entry) && now < entry.Expires)
        {
            value = entry.Value;
            return true;
        }

        value = null;
        return false;
    }

    /// <summary>Records the outcome of <paramref name="fetch"/>: <paramref name="body"/> (the CRL or OCSP response) checked
    /// against the fetch's issuer, or <paramref name="error"/> when the fetch failed. Returns a line for the log.</summary>
    public string Store(RevocationFetch fetch, byte[]? body, string? error, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(fetch);
        (object value, DateTimeOffset expires, string said) = body is null
            ? (new FetchFailure(error ?? "no answer"), now + FailureLifetime, $"failed: {error}")
            : Judge(fetch, body, now);
        Put(fetch.Key, new Entry(value, expires, now));
        return said;
    }

    private (object Value, DateTimeOffset Expires, string Said) Judge(RevocationFetch fetch, byte[] body, DateTimeOffset now)
    {
        using X509Certificate2 issuer = X509CertificateLoader.LoadCertificate(fetch.Issuer);
        if (fetch.Source == RevocationSource.Ocsp)
        {
            using X509Certificate2 certificate = X509CertificateLoader.LoadCertificate(fetch.Certificate);
            OcspAnswer answer = OcspCodec.Verify(body, certificate, issuer, now);
            return answer.Status == OcspStatus.Invalid
                ? (new FetchFailure(answer.Detail), now + FailureLifetime, $"refused: {answer.Detail}")
                : (answer, answer.NextUpdate ?? now + FailureLifetime, $"{answer.Detail}, until {answer.NextUpdate?.UtcDateTime:u}");
        }

        RevocationList crl;
        try
        {
            crl = RevocationList.Parse(body);
        }
        catch (FormatException e)
        {
            return (new FetchFailure(e.Message), now + FailureLifetime, $"refused: {e.Message}");
        }

        if (!crl.IsSignedBy(issuer))
        {
            string why = $"the CRL is not signed by '{ChainValidator.Name(issuer)}'";
            return (new FetchFailure(why), now + FailureLifetime, $"refused: {why}");
        }

        DateTimeOffset expires = crl.NextUpdate ?? now + LifetimeWithoutNextUpdate;
        return (crl, expires > now ? expires : now + FailureLifetime, $"{crl.Count} revoked, next update {crl.NextUpdate?.UtcDateTime:u}");
    }

    private void Put(string key, Entry entry)
    {
        if (_entries.Count >= Capacity && !_entries.ContainsKey(key))
        {
            foreach (KeyValuePair<string, Entry> old in _entries.Where(e => e.Value.Expires <= entry.Stored).ToList())
            {
                _entries.TryRemove(old);
            }

            while (_entries.Count >= Capacity && _entries.MinBy(e => e.Value.Stored) is { Key: not null } oldest)
            {
                _entries.TryRemove(oldest);
            }
        }

        _entries[key] = entry;
    }

    private sealed record Entry(object Value, DateTimeOffset Expires, DateTimeOffset Stored);
}

/// <summary>A fetch that gave no usable answer (unreachable, HTTP error, bad signature, stale), and why.</summary>
public sealed record FetchFailure(string Reason);

/// <summary>What the revocation check of a certificate chain concluded: every certificate good (OCSP good or a current
/// CRL without it), one revoked, or no certificate had anything to ask (no CRL file, CRL or OCSP URI); otherwise unknown
/// (stale, failed or missing for some certificate, whether or not the policy let the peer in).</summary>
public enum RevocationVerdict
{
    Good,
    Revoked,
    Unknown,
    None,
}
