using Concentrator.Host.Cli;
using Concentrator.Server.Management;

namespace Concentrator.Host.Tests.Management;

public sealed class ManagementViewsTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 6, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public void Render_CellsOfDifferentWidths_ColumnsAlignedNoTrailingBlanks()
    {
        var text = TextTable.Render(["A", "LONGER"], [["wide-cell", "x"], ["b", ""]]);

        Assert.Equal("A          LONGER\nwide-cell  x\nb\n", text);
    }

    [Fact]
    public void Render_RowOfTheWrongWidth_Throws() =>
        Assert.Throws<ArgumentException>(() => TextTable.Render(["A", "B"], [["only-one"]]));

    [Fact]
    public void Sas_TwoSas_OldestFirstWithAgeAndCount()
    {
        var text = ManagementViews.Sas(
        [
            Sa("ike-2", "carol@partners.test", "10.0.0.2", Now.AddSeconds(-5)),
            Sa("ike-1", "alice@sales.test", "10.0.0.1", Now.AddMinutes(-61)),
        ], Now);

        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["ID", "CONNECTION", "INTERFACE", "IDENTITY", "REMOTE", "VIRTUAL-IP", "UP"], lines[0].Split(' ', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("ike-1", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("1h01m", lines[1], StringComparison.Ordinal);
        Assert.EndsWith("5s", lines[2], StringComparison.Ordinal);
        Assert.Equal("2 IKE SA(s)", lines[3]);
    }

    [Fact]
    public void Sas_None_SaysSo() => Assert.Equal("no IKE SAs\n", ManagementViews.Sas([], Now));

    [Theory]
    [InlineData(-3, "0s")]
    [InlineData(59, "59s")]
    [InlineData(61, "1m01s")]
    [InlineData(3 * 3600 + 120, "3h02m")]
    [InlineData(2 * 86400 + 3600, "2d01h")]
    public void Age_Seconds_OperatorUnits(int seconds, string expected) =>
        Assert.Equal(expected, ManagementViews.Age(TimeSpan.FromSeconds(seconds)));

    [Fact]
    public void Pools_SharedPool_SizeLeasedFreeAndBothConnections()
    {
        var text = ManagementViews.Pools(new PoolList([new PoolInfo("10.1.0.0/24", 254, 3, 5, ["sales", "partners"])]));

        Assert.Equal(["10.1.0.0/24", "254", "3", "249", "sales,partners"], text.Split('\n')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries));
    }

    [Fact]
    public void Stats_Failures_MostFrequentFirst()
    {
        var text = ManagementViews.Stats(new Statistics(7, 9, new Dictionary<string, long> { ["Timeout"] = 1, ["AuthenticationFailed"] = 4 }, 0, 7, 2,
            new Dictionary<string, long> { ["malformed"] = 3 }));

        Assert.True(text.IndexOf("failed: AuthenticationFailed", StringComparison.Ordinal) < text.IndexOf("failed: Timeout", StringComparison.Ordinal));
        Assert.Contains("setups since start", text, StringComparison.Ordinal);
        Assert.Matches(@"dropped: malformed\s+3\n", text);
    }

    [Fact]
    public void Stats_Initiations_StartedAndFailuresByCause()
    {
        var text = ManagementViews.Stats(new Statistics(1, 0, new Dictionary<string, long>(), 0, 1, 0, new Dictionary<string, long>())
        {
            Initiations = 5,
            InitiationFailures = new Dictionary<string, long> { ["resolve"] = 1, ["Timeout"] = 3 },
        });

        Assert.Matches(@"initiations started\s+5\n", text);
        Assert.Matches(@"initiation failed: Timeout\s+3\n", text);
        Assert.True(text.IndexOf("initiation failed: Timeout", StringComparison.Ordinal) < text.IndexOf("initiation failed: resolve", StringComparison.Ordinal));
    }

    private static SaSummary Sa(string id, string identity, string vip, DateTimeOffset at) =>
        new(id, "sales", "policy-based", identity, "192.0.2.1:500", "192.0.2.9:500", [vip], at);
}
