namespace Concentrator.LoadGen.Reporting;

/// <summary>Setup latencies in milliseconds: nearest-rank percentiles (the smallest sample with at least p% of
/// the samples at or below it), so every reported number is a latency that was really measured.</summary>
public sealed record LatencySummary(int Count, double P50, double P90, double P99, double Max, double Mean)
{
    public static LatencySummary Empty { get; } = new(0, 0, 0, 0, 0, 0);

    /// <summary>Summarises the samples (they are copied, the caller's order is kept).</summary>
    public static LatencySummary From(ReadOnlySpan<double> samples)
    {
        if (samples.IsEmpty)
        {
            return Empty;
        }

        double[] sorted = samples.ToArray();
        Array.Sort(sorted);
        double sum = 0;
        foreach (double s in sorted)
        {
            sum += s;
        }

        return new LatencySummary(sorted.Length, Percentile(sorted, 50), Percentile(sorted, 90), Percentile(sorted, 99),
            sorted[^1], sum / sorted.Length);
    }

    /// <summary>Nearest rank: the sample at rank ceil(p/100 · N) (1-based) of the sorted samples.</summary>
    public static double Percentile(ReadOnlySpan<double> sorted, double p)
    {
        if (sorted.IsEmpty)
        {
            throw new ArgumentException("no samples", nameof(sorted));
        }

        if (p is <= 0 or > 100)
        {
            throw new ArgumentOutOfRangeException(nameof(p), p, "percentile must be in (0, 100]");
        }

        int rank = (int)Math.Ceiling(p / 100 * sorted.Length);
        return sorted[Math.Clamp(rank, 1, sorted.Length) - 1];
    }
}
