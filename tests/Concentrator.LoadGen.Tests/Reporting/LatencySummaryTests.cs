using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Tests.Reporting;

public sealed class LatencySummaryTests
{
    [Fact]
    public void From_OneToHundred_NearestRankPercentiles()
    {
        double[] samples = Enumerable.Range(1, 100).Select(i => (double)i).Reverse().ToArray();

        LatencySummary s = LatencySummary.From(samples);

        Assert.Equal((100, 50.0, 90.0, 99.0, 100.0, 50.5), (s.Count, s.P50, s.P90, s.P99, s.Max, s.Mean));
    }

    [Fact]
    public void From_TenSamples_P99IsTheLargestAndP50TheFifth()
    {
        // Nearest rank: p50 = rank ceil(5) = 5th, p90 = rank 9, p99 = rank ceil(9.9) = 10.
        double[] samples = [7, 1, 9, 3, 5, 2, 10, 4, 8, 6];

        LatencySummary s = LatencySummary.From(samples);

        Assert.Equal(5, s.P50);
        Assert.Equal(9, s.P90);
        Assert.Equal(10, s.P99);
        Assert.Equal(5.5, s.Mean);
    }

    [Fact]
    public void From_SingleSample_AllPercentilesAreIt()
    {
        LatencySummary s = LatencySummary.From([12.5]);

        Assert.Equal([12.5, 12.5, 12.5, 12.5], new[] { s.P50, s.P90, s.P99, s.Max });
    }

    [Fact]
    public void From_NoSamples_IsEmpty()
    {
        Assert.Same(LatencySummary.Empty, LatencySummary.From([]));
    }

    [Fact]
    public void From_CallerArray_KeepsItsOrder()
    {
        double[] samples = [3, 1, 2];

        _ = LatencySummary.From(samples);

        Assert.Equal([3, 1, 2], samples);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(101)]
    public void Percentile_OutOfRange_Throws(double p)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => LatencySummary.Percentile([1.0, 2.0], p));
    }
}
