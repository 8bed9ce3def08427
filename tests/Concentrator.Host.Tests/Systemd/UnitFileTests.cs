using System.Diagnostics;

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
        // verify checks that ExecStart's program exists: the built apphost stands in for the installed one.
        var text = File.ReadAllText(Unit);
        Assert.Contains($"ExecStart={InstalledPath} run --config /etc/concentrator/HOCON.conf\n", text, StringComparison.Ordinal);
        var unit = _dir.Write("concentrator.service", text.Replace($"ExecStart={InstalledPath} ", $"ExecStart={Path.Combine(AppContext.BaseDirectory, "concentrator")} ", StringComparison.Ordinal));

        var (code, output) = await RunAsync("systemd-analyze", "verify", unit);

        Assert.True(code == 0, output);
        Assert.DoesNotContain(output.Split('\n'), line => line.Contains("concentrator.service", StringComparison.Ordinal));
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
