using System.Globalization;

namespace Concentrator.LoadGen.Reporting;

/// <summary>A responder's CPU time and resident memory at one moment, from /proc/PID/stat and /proc/PID/status.</summary>
public readonly record struct ProcessSample(double CpuSeconds, long RssKiB)
{
    /// <summary>USER_HZ: the unit of utime/stime in /proc/PID/stat. It is 100 on every Linux ABI the
    /// project runs on (the kernel exports it fixed to user space, sysconf(_SC_CLK_TCK)).</summary>
    public const double ClockTicksPerSecond = 100;

    public static ProcessSample Read(int pid) =>
        new(ParseCpuSeconds(File.ReadAllText($"/proc/{pid}/stat")), ParseRssKiB(File.ReadAllText($"/proc/{pid}/status")));

    /// <summary>utime + stime (fields 14 and 15 of proc_pid_stat(5)) in seconds. The comm field (2) may hold
    /// spaces and parentheses, so fields are counted from the last ')'.</summary>
    public static double ParseCpuSeconds(string stat)
    {
        int close = stat.LastIndexOf(')');
        if (close < 0)
        {
            throw new FormatException("no ')' closing the comm field in /proc/PID/stat");
        }

        string[] fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state), so field k is fields[k - 3].
        const int UtimeIndex = 14 - 3, StimeIndex = 15 - 3;
        if (fields.Length <= StimeIndex)
        {
            throw new FormatException($"/proc/PID/stat has {fields.Length + 2} fields, need 15");
        }

        long ticks = long.Parse(fields[UtimeIndex], CultureInfo.InvariantCulture) + long.Parse(fields[StimeIndex], CultureInfo.InvariantCulture);
        return ticks / ClockTicksPerSecond;
    }

    /// <summary>The VmRSS line of /proc/PID/status ("VmRSS:	   12345 kB").</summary>
    public static long ParseRssKiB(string status)
    {
        foreach (string line in status.Split('\n'))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                string[] parts = line[6..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
                if (parts.Length == 2 && parts[1] == "kB")
                {
                    return long.Parse(parts[0], CultureInfo.InvariantCulture);
                }

                throw new FormatException($"unexpected VmRSS line '{line}'");
            }
        }

        throw new FormatException("no VmRSS line in /proc/PID/status");
    }
}
