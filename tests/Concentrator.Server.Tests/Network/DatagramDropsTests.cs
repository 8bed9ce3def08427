using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

public sealed class DatagramDropsTests
{
    [Fact]
    public void Summary_PeriodSinceLastSnapshot_OneLineWithEveryReason()
    {
        var drops = new DatagramDrops();
        drops.Count(DatagramDrop.Malformed);
        var earlier = drops.Snapshot();
        drops.Count(DatagramDrop.Malformed);
        drops.Count(DatagramDrop.NoCookie);
        drops.Count(DatagramDrop.NoCookie);
        drops.Count(DatagramDrop.UnknownSpi);
        drops.CountInvalidSpiAnswer();

        string line = drops.Snapshot().Minus(earlier).Summary(TimeSpan.FromSeconds(10));

        Assert.Equal("dropped 4 datagram(s) in the last 10 s: malformed 1, no cookie 2, over half-open limit 0, backlog 0, "
            + "unknown SPI 1 (1 answered INVALID_IKE_SPI)", line);
    }

    [Fact]
    public void TryEnqueueNewSa_BoundReached_RefusedUntilOneIsTaken()
    {
        var drops = new DatagramDrops();

        Assert.True(drops.TryEnqueueNewSa(2));
        Assert.True(drops.TryEnqueueNewSa(2));
        Assert.False(drops.TryEnqueueNewSa(2));
        drops.DequeuedNewSa();

        Assert.True(drops.TryEnqueueNewSa(2));
        Assert.Equal(2, drops.PendingNewSa);
    }
}
