using System.Diagnostics;

namespace Concentrator.Host.Tests.Management;

/// <summary>One run of the real CLI (<c>dotnet concentrator.dll VERB …</c>), optionally behind a wrapper such as
/// <c>setpriv</c>: its exit code, stdout and stderr.</summary>
internal sealed record CliProcess(int ExitCode, string Output, string Error)
{
    public static async Task<CliProcess> RunAsync(IReadOnlyList<string> args, IReadOnlyList<string>? wrapper = null)
    {
        var command = new List<string>(wrapper ?? []) { "dotnet", HostProcess.Dll };
        command.AddRange(args);
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in command.Skip(1))
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return new CliProcess(process.ExitCode, await output, await error);
    }

    /// <summary>Fails with everything the CLI said unless it exited 0.</summary>
    public CliProcess Succeeded()
    {
        Assert.True(ExitCode == 0, $"exit {ExitCode}\nstdout: {Output}\nstderr: {Error}");
        return this;
    }
}
