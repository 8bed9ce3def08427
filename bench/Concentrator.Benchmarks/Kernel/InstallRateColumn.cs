using System.Globalization;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace Concentrator.Benchmarks.Kernel;

/// <summary>Policies installed per second (3 per client / mean time of one install), next to BenchmarkDotNet's time and ratio.</summary>
public sealed class InstallRateColumn : IColumn
{
    public string Id => nameof(InstallRateColumn);
    public string ColumnName => "Policies/s";
    public bool AlwaysShow => true;
    public ColumnCategory Category => ColumnCategory.Custom;
    public int PriorityInCategory => 0;
    public bool IsNumeric => true;
    public UnitType UnitType => UnitType.Dimensionless;
    public string Legend => "XFRM policies installed per second (3 per road warrior), from the mean";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase)
    {
        var report = summary[benchmarkCase];
        if (report?.ResultStatistics is not { } stats || benchmarkCase.Parameters["Clients"] is not int clients)
        {
            return "-";
        }

        double seconds = stats.Mean / 1e9;
        return (clients * 3 / seconds).ToString("N0", CultureInfo.InvariantCulture);
    }

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style) => GetValue(summary, benchmarkCase);

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public bool IsAvailable(Summary summary) => true;
}
