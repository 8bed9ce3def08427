using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Engine;

/// <summary>The swarm's tallies, updated from the receive loops and the timer without a global lock.</summary>
internal sealed class SwarmCounters(int count)
{
    private readonly double[] _latenciesMs = new double[count];
    private int _latencyCount;
    private int _started;
    private int _finished;
    private int _established;
    private int _failed;
    private long _retransmits;
    private long _responderRequests;
    private int _deleted;
    private int _natTraversal;

    public ConcurrentDictionary<string, int> Failures { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<string, long> Drops { get; } = new(StringComparer.Ordinal);

    public ConcurrentDictionary<IPAddress, int> VirtualIps { get; } = new();

    public ConcurrentQueue<ClientOutcome> Outcomes { get; } = new();

    public int Started => Volatile.Read(ref _started);

    /// <summary>Handshakes that ended, either way.</summary>
    public int Finished => Volatile.Read(ref _finished);

    public int Established => Volatile.Read(ref _established);

    public int Failed => Volatile.Read(ref _failed);

    public int InFlight => Started - Finished;

    public long Retransmits => Interlocked.Read(ref _retransmits);

    public long ResponderRequests => Interlocked.Read(ref _responderRequests);

    public int Deleted => Volatile.Read(ref _deleted);

    public int NatTraversal => Volatile.Read(ref _natTraversal);

    public ReadOnlySpan<double> Latencies => _latenciesMs.AsSpan(0, Math.Min(Volatile.Read(ref _latencyCount), _latenciesMs.Length));

    /// <summary>Claims the next client number (1-based), or 0 when all were started.</summary>
    public int ClaimStart()
    {
        int n = Interlocked.Increment(ref _started);
        if (n <= _latenciesMs.Length)
        {
            return n;
        }

        Interlocked.Decrement(ref _started);
        return 0;
    }

    /// <summary>Counts a finished handshake; true for the one that finished the last of them.</summary>
    public bool Succeeded(double latencyMs, IPAddress? vip, bool natTraversal)
    {
        _latenciesMs[Interlocked.Increment(ref _latencyCount) - 1] = latencyMs;
        Interlocked.Increment(ref _established);
        if (natTraversal)
        {
            Interlocked.Increment(ref _natTraversal);
        }

        if (vip is not null)
        {
            VirtualIps.AddOrUpdate(vip, 1, (_, n) => n + 1);
        }

        return Interlocked.Increment(ref _finished) == _latenciesMs.Length;
    }

    public bool FailedWith(string cause)
    {
        Interlocked.Increment(ref _failed);
        Failures.AddOrUpdate(cause, 1, (_, n) => n + 1);
        return Interlocked.Increment(ref _finished) == _latenciesMs.Length;
    }

    public void Drop(string reason) => Drops.AddOrUpdate(reason, 1, (_, n) => n + 1);

    public void Retransmitted() => Interlocked.Increment(ref _retransmits);

    public void ResponderRequest() => Interlocked.Increment(ref _responderRequests);

    public void DeleteAnswered() => Interlocked.Increment(ref _deleted);

    /// <summary>"AUTHENTICATION_FAILED 3, TIMEOUT_IKE_AUTH 1".</summary>
    public string FailureSummary() =>
        string.Join(", ", Failures.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => string.Create(CultureInfo.InvariantCulture, $"{kv.Key} {kv.Value}")));
}
