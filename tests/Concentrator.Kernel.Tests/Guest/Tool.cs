using System.Diagnostics;
using System.Text.Json;

namespace Concentrator.Kernel.Tests.Guest;

/// <summary>What a command-line tool printed and returned.</summary>
internal sealed record ToolResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n{Output}{Error}";
}

/// <summary>Runs iproute2 and ping inside the guest (each exec costs ~0.1 s under TCG, so tests keep them few).</summary>
internal static class Tool
{
    public static ToolResult Run(string file, params string[] arguments) => RunWithInput(null, file, arguments);

    public static ToolResult Run(string file, string[] arguments, string input) => RunWithInput(input, file, arguments);

    /// <summary>
    /// Runs many ip commands in one exec (<c>ip -batch -</c>, which stops at the first failing line): a line per command, without "ip". The
    /// namespace, if given, applies to every line.
    /// </summary>
    public static void IpBatch(string? ns, params string[] commands)
    {
        string[] args = ns is null ? ["-batch", "-"] : ["-n", ns, "-batch", "-"];
        var r = RunWithInput(string.Join('\n', commands) + "\n", "ip", args);
        if (r.ExitCode != 0)
        {
            throw new InvalidOperationException($"ip {string.Join(' ', args)} failed on:\n{string.Join('\n', commands)}\n{r}");
        }
    }

    private static ToolResult RunWithInput(string? input, string file, string[] arguments)
    {
        var start = new ProcessStartInfo(file)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var a in arguments)
        {
            start.ArgumentList.Add(a);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("cannot start " + file);
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }

        var error = process.StandardError.ReadToEndAsync();
        var output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        return new ToolResult(process.ExitCode, output, error.GetAwaiter().GetResult());
    }

    /// <summary>Runs <c>ip ARGS</c> and fails the test with ip's own message when it fails.</summary>
    public static string Ip(params string[] arguments)
    {
        var r = Run("ip", arguments);
        return r.ExitCode == 0 ? r.Output : throw new InvalidOperationException($"ip {string.Join(' ', arguments)}: {r}");
    }

    /// <summary>
    /// <c>ping -c COUNT</c> from a namespace with a source address; exit code 0 when at least one echo came back.
    /// <paramref name="waitSeconds"/> bounds the wait for the last reply (what a ping expected to fail costs).
    /// </summary>
    public static ToolResult Ping(string ns, string source, string destination, int count = 3, int waitSeconds = 2) =>
        Run("ip", "netns", "exec", ns, "ping", "-n", "-q", "-c", count.ToString(), "-i", "0.2", "-W", waitSeconds.ToString(), "-I", source, destination);

    /// <summary>What a failed assertion should show: the namespace's links, routes, XFRM states and policies.</summary>
    public static string Describe(string ns)
    {
        var text = new System.Text.StringBuilder();
        foreach (var args in new[] { "-d -s link", "route", "xfrm state", "xfrm policy" })
        {
            var r = Run("ip", ["-n", ns, .. args.Split(' ')]);
            text.Append($"--- ip -n {ns} {args}\n{r.Output}{r.Error}");
        }

        return text.ToString();
    }

    /// <summary>Packet counters of a link, from <c>ip -s -j link show</c> (stats64).</summary>
    public static (long RxPackets, long TxPackets) LinkPackets(string ns, string device)
    {
        using var json = JsonDocument.Parse(Ip("-n", ns, "-s", "-j", "link", "show", "dev", device));
        var stats = json.RootElement[0].GetProperty("stats64");
        return (stats.GetProperty("rx").GetProperty("packets").GetInt64(), stats.GetProperty("tx").GetProperty("packets").GetInt64());
    }
}
