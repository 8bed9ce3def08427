using System.Diagnostics;
using System.Text.RegularExpressions;

namespace Concentrator.Host.Tests.Systemd;

/// <summary>config/systemd/concentrator.service: what systemd makes of it (<c>systemd-analyze verify</c>, which
/// exits 0 even for a line it ignores, so its complaints about the file count too) and the settings the design asks
/// for.</summary>
public sealed class UnitFileTests : IDisposable
{
    private const string InstalledPath = "/usr/local/bin/concentrator";
    private static readonly string Unit = Path.Combine(RepoPaths.Root, "config", "systemd", "concentrator.service");
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Verify_UnitWithTheBuiltExecutable_NoComplaint()
    {
        Assert.Contains($"ExecStart={InstalledPath} run --config /etc/concentrator/HOCON.conf\n", File.ReadAllText(Unit), StringComparison.Ordinal);

        var (code, output) = await RunAsync("systemd-analyze", "verify", WithBuiltExecutable());

        Assert.True(code == 0, output);
        Assert.DoesNotContain(output.Split('\n'), line => line.Contains("concentrator.service", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Security_Offline_ExposureAtMostFourAndAHalf()
    {
        // systemd's own score of the sandbox (0 = locked down, 10 = none): 4.1 with this file; losing a protection shows.
        var (code, output) = await RunAsync("systemd-analyze", "security", "--offline=true", WithBuiltExecutable());

        Assert.True(code == 0, output);
        var score = Regex.Match(output, @"Overall exposure level for concentrator\.service: (\d+\.\d+)");
        Assert.True(score.Success, output);
        Assert.InRange(double.Parse(score.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 0, 4.5);
    }

    [Theory]
    [InlineData("Type=notify")]
    [InlineData("WatchdogSec=30s")]
    [InlineData("CapabilityBoundingSet=CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW")]
    [InlineData("AmbientCapabilities=CAP_NET_ADMIN CAP_NET_BIND_SERVICE CAP_NET_RAW")]
    [InlineData("NoNewPrivileges=yes")]
    [InlineData("ProtectSystem=strict")]
    [InlineData("ProtectHome=yes")]
    [InlineData("PrivateTmp=yes")]
    [InlineData("StateDirectory=concentrator")]
    [InlineData("RuntimeDirectory=concentrator")]
    [InlineData("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK")]
    [InlineData("RestartPreventExitStatus=64 78")]
    public void Unit_HasSetting(string setting)
    {
        Assert.Contains(setting, File.ReadAllLines(Unit));
    }

    [Fact]
    public void Unit_StateDirectory_HoldsTheDefaultLeaseJournal()
    {
        var definition = Concentrator.Host.Configuration.ConfigLoader.Load(Path.Combine(RepoPaths.Root, "HOCON.conf")).ToNodeDefinition();

        Assert.Equal("/var/lib/concentrator/leases.jsonl", definition.Server.Leases.Path);
    }

    /// <summary>The unit with the built apphost standing in for the installed one (verify checks that it exists).</summary>
    private string WithBuiltExecutable() => _dir.Write("concentrator.service",
        File.ReadAllText(Unit).Replace($"ExecStart={InstalledPath} ", $"ExecStart={Path.Combine(AppContext.BaseDirectory, "concentrator")} ", StringComparison.Ordinal));

    private static async Task<(int Code, string Output)> RunAsync(string file, params string[] args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args)
        {
            info.ArgumentList.Add(a);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await output + await error);
    }
}
