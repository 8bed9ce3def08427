using System.Net.Sockets;

namespace Concentrator.Host.Tests.Management;

/// <summary>Who may use the management socket: root only by default (mode 0600, and SO_PEERCRED refuses anyone
/// else even if the mode is opened by hand), the configured group too; no daemon: exit 69 with a message.</summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class ManagementAccessProcessTests
{
    private static readonly string[] Nobody = ["setpriv", "--reuid", "65534", "--regid", "65534", "--clear-groups"];

    [Fact]
    public async Task Stats_NonRootPeer_RefusedByModeAndBySoPeercred()
    {
        await using var gateway = await ManagedGateway.StartAsync();
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(gateway.Socket));
        (await gateway.CliAsync("stats")).Succeeded();

        var byMode = await CliProcess.RunAsync(["stats", "--socket", gateway.Socket], Nobody);
        Assert.Equal(77, byMode.ExitCode);
        Assert.Contains("permission denied", byMode.Error, StringComparison.Ordinal);

        // The mode opened by hand: the kernel lets the connection in, the peer check still refuses it.
        File.SetUnixFileMode(gateway.Socket, (UnixFileMode)0b110_110_110);
        var byPeer = await CliProcess.RunAsync(["stats", "--socket", gateway.Socket], Nobody);
        Assert.Equal(77, byPeer.ExitCode);
        Assert.Contains("refused by the concentrator: uid 65534 may not use the management API", byPeer.Error, StringComparison.Ordinal);
        await gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":10002", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Stats_MemberOfTheConfiguredGroup_Answered()
    {
        await using var gateway = await ManagedGateway.StartAsync("concentrator.management.group = nogroup");
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.GroupWrite, File.GetUnixFileMode(gateway.Socket));

        var member = await CliProcess.RunAsync(["stats", "--json", "--socket", gateway.Socket], Nobody);

        Assert.True(member.ExitCode == 0, member.Error);
        Assert.Contains("\"setups\":0", member.Output, StringComparison.Ordinal);
        var stranger = await CliProcess.RunAsync(["stats", "--socket", gateway.Socket], ["setpriv", "--reuid", "65534", "--regid", "1", "--clear-groups"]);
        Assert.Equal(77, stranger.ExitCode);
    }

    [Theory]
    [InlineData("list-sas")]
    [InlineData("stats")]
    [InlineData("pools")]
    public async Task Verb_NoSocket_Exit69WithMessage(string verb)
    {
        using var dir = new TempDir();
        var socket = Path.Combine(dir.Path, "none.sock");

        var run = await CliProcess.RunAsync([verb, "--socket", socket]);

        Assert.Equal(69, run.ExitCode);
        Assert.Contains($"no concentrator is running: there is no socket {socket}", run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stats_SocketLeftByACrash_Exit69WithMessage()
    {
        using var dir = new TempDir();
        var socket = Path.Combine(dir.Path, "stale.sock");
        // Bound and never listening, as a crashed daemon's socket is (.NET would delete the file on close).
        using var bound = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        bound.Bind(new UnixDomainSocketEndPoint(socket));

        var run = await CliProcess.RunAsync(["stats", "--socket", socket]);

        Assert.Equal(69, run.ExitCode);
        Assert.Contains($"no concentrator is running: nothing listens on {socket}", run.Error, StringComparison.Ordinal);
    }
}
