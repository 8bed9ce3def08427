using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Tests.Reporting;

public sealed class ProcessSampleTests
{
    [Fact]
    public void ParseCpuSeconds_CommWithSpacesAndParens_SumsUtimeAndStime()
    {
        // Fields after the comm: state(3) ppid pgrp session tty tpgid flags minflt cminflt majflt cmajflt utime(14) stime(15) …
        const string stat = "4242 (charon (x) y) S 1 4242 4242 0 -1 4194560 1234 0 5 0 250 130 0 0 20 0 17 0 12345 1000000 500";

        Assert.Equal(3.8, ProcessSample.ParseCpuSeconds(stat), 6);
    }

    [Fact]
    public void ParseCpuSeconds_Truncated_Throws()
    {
        Assert.Throws<FormatException>(() => ProcessSample.ParseCpuSeconds("1 (x) S 1 2 3"));
    }

    [Fact]
    public void ParseRssKiB_StatusFile_ReadsVmRss()
    {
        const string status = "Name:\tcharon-systemd\nVmPeak:\t  900000 kB\nVmRSS:\t   12345 kB\nRssAnon:\t    4000 kB\n";

        Assert.Equal(12345, ProcessSample.ParseRssKiB(status));
    }

    [Fact]
    public void ParseRssKiB_NoVmRss_Throws()
    {
        Assert.Throws<FormatException>(() => ProcessSample.ParseRssKiB("Name:\tkthreadd\nState:\tS\n"));
    }

    [Fact]
    public void Read_OwnProcess_HasCpuAndMemory()
    {
        // Burn a little CPU so that at least one clock tick is on the books.
        double x = 0;
        var sw = System.Diagnostics.Stopwatch.StartNew();
        while (sw.ElapsedMilliseconds < 30)
        {
            x += Math.Sqrt(x + 1);
        }

        ProcessSample s = ProcessSample.Read(Environment.ProcessId);

        Assert.True(x > 0);
        Assert.True(s.CpuSeconds > 0, $"{s}");
        Assert.InRange(s.RssKiB * 1024, Environment.WorkingSet / 2, Environment.WorkingSet * 2);
    }
}
