using Concentrator.Kernel.Userspace;

namespace Concentrator.Kernel.Tests.Userspace;

public class ReplayWindowTests
{
    private static bool Receive(ReplayWindow w, uint low, out ulong seq) => w.TryInfer(low, out seq) && w.TryAccept(seq);

    [Fact]
    public void TryAccept_SameSequenceTwice_SecondRejected()
    {
        var w = new ReplayWindow(128, esn: false);

        Assert.True(Receive(w, 5, out _));
        Assert.False(Receive(w, 5, out _));
    }

    [Fact]
    public void TryInfer_SequenceZeroWithoutEsn_Rejected()
    {
        var w = new ReplayWindow(128, esn: false);

        Assert.False(w.TryInfer(0, out _));
    }

    [Fact]
    public void TryInfer_OutOfOrderInsideWindow_AcceptedOnceEach()
    {
        var w = new ReplayWindow(64, esn: false);
        Assert.True(Receive(w, 100, out _));

        Assert.True(Receive(w, 99, out _));
        Assert.True(Receive(w, 37, out _)); // 100 - 37 = 63 < 64: still inside
        Assert.False(Receive(w, 99, out _));
        Assert.Equal(100UL, w.Top);
    }

    [Fact]
    public void TryInfer_LeftOfWindow_Rejected()
    {
        var w = new ReplayWindow(64, esn: false);
        Assert.True(Receive(w, 100, out _));

        Assert.False(w.TryInfer(36, out _)); // 100 - 36 = 64: just outside
    }

    [Theory]
    [InlineData(32u)]
    [InlineData(128u)]
    [InlineData(4096u)]
    public void TryAccept_WindowSlidesFarRight_OldBitsForgotten(uint size)
    {
        var w = new ReplayWindow(size, esn: false);
        Assert.True(Receive(w, 10, out _));
        uint far = 10 + (size * 3);

        Assert.True(Receive(w, far, out _));
        // A sequence inside the new window whose ring bit was set before the slide must be fresh now.
        uint reused = far - size + 1;
        Assert.True(Receive(w, reused, out _));
        Assert.False(Receive(w, reused, out _));
    }

    [Fact]
    public void Constructor_WindowAbove4096_Throws()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new ReplayWindow(4097, esn: false));
    }

    [Fact]
    public void TryInfer_EsnSenderWrapsLowHalf_HighHalfIncremented()
    {
        var w = new ReplayWindow(128, esn: true);
        Assert.True(w.TryAccept(0xFFFF_FFF0)); // a long-lived SA near the end of the first low half

        Assert.True(Receive(w, 3, out ulong seq));

        Assert.Equal(0x1_0000_0003UL, seq);
        Assert.Equal(seq, w.Top);
    }

    [Fact]
    public void TryInfer_EsnLatePacketFromBeforeWrap_HighHalfDecremented()
    {
        var w = new ReplayWindow(128, esn: true);
        Assert.True(w.TryAccept(0xFFFF_FFF0));
        Assert.True(Receive(w, 3, out _)); // now Top = 2^32 + 3, window straddles the wrap (case B)

        Assert.True(Receive(w, 0xFFFF_FFF5, out ulong late));

        Assert.Equal(0xFFFF_FFF5UL, late);
        Assert.False(Receive(w, 0xFFFF_FFF5, out _));
    }

    [Fact]
    public void TryInfer_EsnFarAheadInSameHalf_KeepsHighHalf()
    {
        var w = new ReplayWindow(128, esn: true);
        Assert.True(Receive(w, 1000, out _));

        Assert.True(w.TryInfer(5000, out ulong seq));

        Assert.Equal(5000UL, seq);
    }

    [Fact]
    public void TryInfer_EsnBeforeFirstHalfAtStart_Rejected()
    {
        // Top = 3 in high half 0: a low value just below 2^32 would be "high half -1", which does not exist.
        var w = new ReplayWindow(128, esn: true);
        Assert.True(Receive(w, 3, out _));

        Assert.False(w.TryInfer(0xFFFF_FFF0, out _));
    }
}
