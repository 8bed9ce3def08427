using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

public sealed class TokenBucketTests
{
    [Fact]
    public void TryTake_BurstSpent_RefusesUntilRateRefills()
    {
        var clock = new ManualClock();
        var bucket = new TokenBucket(rate: 10, burst: 3, clock);

        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => bucket.TryTake()));
        clock.Advance(TimeSpan.FromMilliseconds(250));
        Assert.Equal(2, Enumerable.Range(0, 10).Count(_ => bucket.TryTake()));
        clock.Advance(TimeSpan.FromHours(1));
        Assert.Equal(3, Enumerable.Range(0, 10).Count(_ => bucket.TryTake()));
    }

    [Fact]
    public void TryTake_RateZero_NeverGives()
    {
        var bucket = new TokenBucket(rate: 0, burst: 5, new ManualClock());

        Assert.False(bucket.TryTake());
    }
}
