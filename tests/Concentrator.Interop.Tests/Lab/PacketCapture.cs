using System.Diagnostics;
using System.Globalization;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>
/// tcpdump on one device of one namespace, one decoded line per packet (-n -l --immediate-mode, so every packet
/// is printed as it passes rather than when a buffer fills). <see cref="Stop"/> ends it with SIGINT and returns
/// what it saw.
/// </summary>
internal sealed class PacketCapture : IDisposable
{
    private readonly Process _tcpdump;
    private readonly List<string> _lines = [];
    private readonly Task _reader;

    public PacketCapture(string netns, string device, string filter)
    {
        var info = new ProcessStartInfo("ip") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { "netns", "exec", netns, "tcpdump", "-i", device, "-n", "-l", "--immediate-mode", filter })
        {
            info.ArgumentList.Add(a);
        }

        _tcpdump = Process.Start(info)!;
        _reader = Task.Run(() =>
        {
            while (_tcpdump.StandardOutput.ReadLine() is { } line)
            {
                if (line.Length == 0)
                {
                    continue;
                }

                lock (_lines)
                {
                    _lines.Add(line);
                }
            }
        });

        // tcpdump says "listening on <device>" on stderr once the capture is open; packets before that are lost.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (_tcpdump.StandardError.ReadLine() is { } status)
        {
            if (status.Contains("listening on", StringComparison.Ordinal))
            {
                _ = _tcpdump.StandardError.ReadToEndAsync();
                return;
            }

            Assert.True(DateTime.UtcNow < deadline, "tcpdump did not start: " + status);
        }

        Assert.Fail("tcpdump exited before capturing on " + device + " in " + netns);
    }

    /// <summary>The packets seen so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Stops the capture and returns every packet line it printed.</summary>
    public IReadOnlyList<string> Stop()
    {
        if (!_tcpdump.HasExited)
        {
            Shell.Run("kill", "-INT", _tcpdump.Id.ToString(CultureInfo.InvariantCulture));
            if (!_tcpdump.WaitForExit(TimeSpan.FromSeconds(5)))
            {
                _tcpdump.Kill();
            }
        }

        _reader.Wait(TimeSpan.FromSeconds(5));
        return Lines;
    }

    public void Dispose()
    {
        Stop();
        _tcpdump.Dispose();
    }
}
