using System.Diagnostics;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>Reads a started Host's standard output into a lab's log: <see cref="WaitForRunning"/> until its
/// "running:" line, then on in the background until the process closes it.</summary>
internal static class HostOutput
{
    /// <summary>Waits for the Host's "running:" line within <paramref name="budget"/> (failing with the log so far),
    /// then keeps appending what it writes.</summary>
    public static void WaitForRunning(Process host, Action<string> append, Func<string> log, TimeSpan budget)
    {
        var running = Task.Run(() =>
        {
            while (host.StandardOutput.ReadLine() is { } line)
            {
                append(line);
                if (line.StartsWith("running:", StringComparison.Ordinal))
                {
                    return true;
                }
            }

            return false;
        });
        Xunit.Assert.True(running.Wait(budget) && running.Result, "the Host did not start:\n" + log());
        _ = Task.Run(() =>
        {
            while (host.StandardOutput.ReadLine() is { } more)
            {
                append(more);
            }
        });
    }
}
