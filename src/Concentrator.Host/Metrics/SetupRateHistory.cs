namespace Concentrator.Host.Metrics;

/// <summary>One interval of the status page's history: setups and failed handshakes counted in the interval that
/// ended at <paramref name="At"/>.</summary>
internal readonly record struct RateSample(DateTimeOffset At, long Setups, long Failures);

/// <summary>
/// The status page's setup-rate history: a ring of the last <c>length</c> per-interval counts, made from the
/// running totals the management API's statistics give (<see cref="Add"/> turns two totals in a row into one
/// interval's count). Written by the sampler, read by page requests: a lock, a few dozen entries.
/// </summary>
internal sealed class SetupRateHistory(int length)
{
    private readonly Queue<RateSample> _samples = new(length);
    private readonly Lock _lock = new();
    private (long Setups, long Failures)? _last;

    /// <summary>Records the totals at <paramref name="at"/>; the first call only sets the baseline.</summary>
    public void Add(DateTimeOffset at, long setups, long failures)
    {
        lock (_lock)
        {
            if (_last is { } last)
            {
                if (_samples.Count == length)
                {
                    _samples.Dequeue();
                }

                _samples.Enqueue(new RateSample(at, setups - last.Setups, failures - last.Failures));
            }

            _last = (setups, failures);
        }
    }

    /// <summary>The samples, oldest first.</summary>
    public IReadOnlyList<RateSample> Samples
    {
        get
        {
            lock (_lock)
            {
                return [.. _samples];
            }
        }
    }
}
