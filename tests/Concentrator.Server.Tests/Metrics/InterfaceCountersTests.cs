using Concentrator.Server.Metrics;

namespace Concentrator.Server.Tests.Metrics;

/// <summary>The device counters the ipsecN instruments read: sysfs's statistics files, as the kernel writes them.</summary>
public sealed class InterfaceCountersTests : IDisposable
{
    private readonly string _sysfs = Path.Combine(Path.GetTempPath(), "cmet-sysfs-" + Guid.NewGuid().ToString("N"));

    public void Dispose() => Directory.Delete(_sysfs, recursive: true);

    [Fact]
    public void Read_StatisticsFiles_EachCounterFromItsFile()
    {
        var folder = Directory.CreateDirectory(Path.Combine(_sysfs, "ipsec1", "statistics")).FullName;
        foreach (var (name, value) in new[] { ("rx_bytes", 1500L), ("rx_packets", 3L), ("rx_dropped", 1L), ("tx_bytes", 9_000_000_000L), ("tx_packets", 7L), ("tx_dropped", 2L) })
        {
            File.WriteAllText(Path.Combine(folder, name), $"{value}\n");
        }

        Assert.Equal(new InterfaceCounters(1500, 3, 1, 9_000_000_000, 7, 2), InterfaceCounters.Read("ipsec1", _sysfs));
    }

    [Fact]
    public void Read_NoSuchDevice_Null()
    {
        Directory.CreateDirectory(_sysfs);

        Assert.Null(InterfaceCounters.Read("ipsec9", _sysfs));
    }

    [Fact]
    public void Read_Loopback_TheKernelsCounters()
    {
        Directory.CreateDirectory(_sysfs);
        var lo = InterfaceCounters.Read("lo");

        Assert.NotNull(lo);
        Assert.True(lo.ReceiveBytes >= 0 && lo.TransmitPackets >= 0);
    }
}
