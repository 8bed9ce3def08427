using System.Diagnostics;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>Runs tools (ip, swanctl, ping) for the network-namespace tests.</summary>
internal static class Shell
{
    public static (int Code, string Output) Run(string file, params string[] args) => Run(null, file, args);

    public static (int Code, string Output) Run(IReadOnlyDictionary<string, string>? environment, string file, params string[] args)
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
        if (!p.WaitForExit(TimeSpan.FromSeconds(30)))
        {
            p.Kill(entireProcessTree: true);
            return (-1, $"{file} {string.Join(' ', args)}: timed out");
        }

        return (p.ExitCode, stdout.Result + stderr.Result);
    }

    public static void Must(string file, params string[] args)
    {
        var (code, output) = Run(file, args);
        Assert.True(code == 0, $"{file} {string.Join(' ', args)} exited {code}: {output}");
    }
}
