namespace Concentrator.Server.Network;

/// <summary>
/// A token bucket: <see cref="TryTake"/> succeeds at most <c>rate</c> times per second on average and at most
/// <c>burst</c> times at once. Thread-safe (the socket receive loops share one); the clock is injected.
/// </summary>
public sealed class TokenBucket
{
    private readonly double _rate;
    private readonly double _burst;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private double _tokens;
    private long _last;

    /// <param name="rate">Tokens per second; 0 never gives one.</param>
    /// <param name="burst">The most tokens held at once; the bucket starts full.</param>
    public TokenBucket(double rate, double burst, TimeProvider time)
    {
        _rate = rate;
        _burst = burst;
        _time = time;
        _tokens = burst;
        _last = time.GetTimestamp();
    }

    public bool TryTake()
    {
        if (_rate <= 0)
        {
            return false;
        }

        lock (_lock)
        {
            long now = _time.GetTimestamp();
            _tokens = Math.Min(_burst, _tokens + (_time.GetElapsedTime(_last, now).TotalSeconds * _rate));
            _last = now;
            if (_tokens < 1)
            {
                return false;
            }

            _tokens--;
            return true;
        }
    }
}
