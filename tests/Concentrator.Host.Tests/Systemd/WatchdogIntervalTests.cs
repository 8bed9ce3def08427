using Concentrator.Host.Hosting;

namespace Concentrator.Host.Tests.Systemd;

/// <summary>When the host pings systemd's watchdog: as sd_watchdog_enabled(3) reads WATCHDOG_USEC and WATCHDOG_PID,
/// every half interval.</summary>
public sealed class WatchdogIntervalTests
{
    [Theory]
    [InlineData("30000000", null, 15_000)]
    [InlineData("30000000", "", 15_000)]
    [InlineData("1000000", "4242", 500)]
    public void Interval_WatchdogForThisProcess_HalfTheInterval(string usec, string? pid, int expectedMs)
    {
        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), SystemdWatchdog.Interval(usec, pid, 4242));
    }

    [Theory]
    [InlineData(null, null)]
    [InlineData("0", null)]
    [InlineData("-5", null)]
    [InlineData("soon", null)]
    [InlineData("30000000", "17")]
    [InlineData("30000000", "x")]
    public void Interval_NoWatchdogForThisProcess_Null(string? usec, string? pid)
    {
        Assert.Null(SystemdWatchdog.Interval(usec, pid, 4242));
    }
}
