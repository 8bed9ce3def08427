using System.Diagnostics;
using System.Text;
using Xunit.Abstractions;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>What one run of run-in-guest.sh gave back.</summary>
internal sealed record GuestRun(int ExitCode, string Output, string Error, TimeSpan Elapsed);

/// <summary>
/// Starts <c>scripts/guest-kernel/run-in-guest.sh</c> from a host test, copies its output line by line to
/// the test log while it runs, and returns the exit code.
/// </summary>
internal static class GuestRunner
{
    /// <summary>run-in-guest.sh's own exit codes, next to the command's.</summary>
    public const int SetupFailed = 123;
    public const int TimedOut = 124;
    public const int GuestDied = 125;

    public static string ScriptPath { get; } = FindScript();

    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(ScriptPath)!, "..", ".."));

    public static async Task<GuestRun> RunAsync(
        IEnumerable<string> options, IEnumerable<string> command, ITestOutputHelper log, string? workingDirectory = null)
    {
        var start = new ProcessStartInfo(ScriptPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? RepositoryRoot,
        };
        foreach (var option in options)
        {
            start.ArgumentList.Add(option);
        }

        start.ArgumentList.Add("--");
        foreach (var word in command)
        {
            start.ArgumentList.Add(word);
        }

        var output = new StringBuilder();
        var error = new StringBuilder();
        var clock = Stopwatch.StartNew();
        using var process = new Process { StartInfo = start };
        process.OutputDataReceived += (_, e) => Collect(output, e.Data, "", log);
        process.ErrorDataReceived += (_, e) => Collect(error, e.Data, "stderr: ", log);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        // The script enforces its own --timeout; this is only the backstop for a script that hangs itself.
        using var backstop = new CancellationTokenSource(TimeSpan.FromMinutes(20));
        try
        {
            await process.WaitForExitAsync(backstop.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        process.WaitForExit(); // drains the asynchronous output readers
        log.WriteLine($"run-in-guest.sh exited {process.ExitCode} after {clock.Elapsed.TotalSeconds:F1} s");
        return new GuestRun(process.ExitCode, output.ToString(), error.ToString(), clock.Elapsed);
    }

    private static void Collect(StringBuilder sink, string? line, string prefix, ITestOutputHelper log)
    {
        if (line is null)
        {
            return;
        }

        lock (sink)
        {
            sink.AppendLine(line);
        }

        try
        {
            log.WriteLine(prefix + line);
        }
        catch (InvalidOperationException)
        {
            // the test already ended; the text is still in the returned run
        }
    }

    private static string FindScript()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "scripts", "guest-kernel", "run-in-guest.sh");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("scripts/guest-kernel/run-in-guest.sh not found above " + AppContext.BaseDirectory);
    }
}
