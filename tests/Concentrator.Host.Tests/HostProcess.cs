using System.Collections.Concurrent;
using System.Diagnostics;

namespace Concentrator.Host.Tests;

/// <summary>The real Host process (<c>dotnet concentrator.dll …</c>, or under another program such as
/// <c>unshare</c>), its stdout collected line by line.</summary>
internal sealed class HostProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly Task<string> _errors;
    private readonly Task _reader;

    private HostProcess(Process process)
    {
        _process = process;
        _errors = process.StandardError.ReadToEndAsync();
        _reader = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                _lines.Enqueue(line);
            }
        });
    }

    public static string Dll => Path.Combine(AppContext.BaseDirectory, "concentrator.dll");

    /// <summary>Every stdout line so far.</summary>
    public IReadOnlyList<string> Lines => [.. _lines];

    public Process Process => _process;

    /// <summary>Starts <c>dotnet concentrator.dll</c> with <paramref name="args"/>, behind <paramref name="wrapper"/>
    /// (a program and its arguments before <c>dotnet</c>) when given.</summary>
    public static HostProcess Start(IReadOnlyList<string> args, IReadOnlyList<string>? wrapper = null, IReadOnlyDictionary<string, string>? environment = null)
    {
        var command = new List<string>(wrapper ?? []) { "dotnet", Dll };
        command.AddRange(args);
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        return new HostProcess(Process.Start(info)!);
    }

    /// <summary>Waits for a stdout line matching <paramref name="match"/>; fails with everything seen.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(30));
        while (DateTime.UtcNow < deadline)
        {
            if (_lines.FirstOrDefault(match) is { } line)
            {
                return line;
            }

            if (_process.HasExited && _reader.IsCompleted)
            {
                Assert.Fail($"the host exited ({_process.ExitCode}):\n{string.Join('\n', _lines)}\n{await _errors}");
            }

            await Task.Delay(20);
        }

        Assert.Fail($"no such line within the time:\n{string.Join('\n', _lines)}");
        throw new UnreachableException();
    }

    /// <summary>Sends SIGTERM to <paramref name="pid"/> (default: the process started) and waits for this process to
    /// exit; returns its exit code.</summary>
    public async Task<int> TerminateAsync(int? pid = null)
    {
        using (var kill = Process.Start("kill", ["-TERM", (pid ?? _process.Id).ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
            Assert.Equal(0, kill.ExitCode);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
        await _reader;
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }

        _process.Dispose();
    }
}
