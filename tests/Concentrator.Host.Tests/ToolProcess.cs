using System.Diagnostics;

namespace Concentrator.Host.Tests;

/// <summary>Runs a command-line tool (ip, nft, swanctl, …) to its end and returns its exit code with what it printed on
/// stdout and stderr: the labs' one way to call the system's tools.</summary>
internal static class ToolProcess
{
    public static (int Code, string Output) Run(string file, params string[] args) => Run(file, args, environment: null);

    public static (int Code, string Output) Run(string file, IEnumerable<string> args, IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        using var p = Process.Start(info)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        p.WaitForExit();
        return (p.ExitCode, stdout.Result + stderr.Result);
    }
}
