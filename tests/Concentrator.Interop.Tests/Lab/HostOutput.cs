using System.Diagnostics;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>Reads a started Host's standard output into a lab's log: <see cref="WaitForRunning"/> until its
/// "running:" line, then on in the background until the process closes it.</summary>
internal static class HostOutput
{
    /// <summary>Waits for the Host's "running:" line within <paramref name="budget"/> (failing with the log so far),
    /// then keeps appending what it writes.</summary>
    public static void WaitForRunning(Process host, Action<string> append, Func<string> log, TimeSpan budget) =>
        Require(Watch(host, append), log, budget);

    /// <summary>Fails (with the log so far) unless <paramref name="running"/> (from <see cref="Watch"/>) saw the
    /// "running:" line within <paramref name="budget"/>.</summary>
    public static void Require(Task<bool> running, Func<string> log, TimeSpan budget) =>
        Xunit.Assert.True(running.Wait(budget) && running.Result, "the Host did not start:\n" + log());

    /// <summary>Starts reading the Host's output at once (so it never blocks on a full pipe) and appending it; the task
    /// completes with true at its "running:" line, false when the output closes before. Wait for it later, as a lab
    /// does for a Host it needs only later.</summary>
    public static Task<bool> Watch(Process host, Action<string> append)
    {
        var running = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Task.Run(() =>
        {
            while (host.StandardOutput.ReadLine() is { } line)
            {
                append(line);
                if (line.StartsWith("running:", StringComparison.Ordinal))
                {
                    running.TrySetResult(true);
                }
            }

            running.TrySetResult(false);
        });
        return running.Task;
    }
}
