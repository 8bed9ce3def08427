using System.Diagnostics;

namespace Concentrator.LoadGen.Tests.StrongSwan;

/// <summary>Runs a command to completion with a time limit (a wedged swanctl must not hang the test run).</summary>
internal static class Cmd
{
    public static (int ExitCode, string Stdout, string Stderr) Run(string file, IEnumerable<string> args,
        IDictionary<string, string>? env = null, int timeoutMs = 15000)
    {
        var psi = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in args)
        {
            psi.ArgumentList.Add(a);
        }

        foreach ((string k, string v) in env ?? new Dictionary<string, string>())
        {
            psi.Environment[k] = v;
        }

        using Process p = Process.Start(psi)!;
        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutMs))
        {
            p.Kill(entireProcessTree: true);
            p.WaitForExit();
            throw new TimeoutException($"{file} {string.Join(' ', args)} did not finish in {timeoutMs} ms");
        }

        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Runs and throws with the output when the exit code is not zero.</summary>
    public static string Check(string file, params string[] args)
    {
        (int rc, string o, string e) = Run(file, args);
        return rc == 0 ? o : throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited {rc}: {o}{e}");
    }
}
