using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Management;

/// <summary>Issue 14, log levels changed at run time: <c>concentrator log-level</c> against the real process changes
/// what Microsoft.Extensions.Logging writes from then on.</summary>
public sealed class LogLevelProcessTests : IAsyncLifetime
{
    private const string MovedUnder = "\"EventId\":4002";
    private ManagedGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await ManagedGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    [Fact]
    public async Task LogLevel_DebugSetForTheSaActors_DebugEventAppearsAfterNotBefore()
    {
        // 4002 (Debug, Concentrator.Server.Sa.IkeSaActor) is written for every SA that moves under its interface actor.
        using (var before = await ConnectAsync("alice@sales.test"))
        {
            await _gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":4003", StringComparison.Ordinal));
            Assert.DoesNotContain(_gateway.Host.Lines, l => l.Contains(MovedUnder, StringComparison.Ordinal));
        }

        var set = (await _gateway.CliAsync("log-level", "Concentrator.Server.Sa", "Debug")).Succeeded();
        Assert.Contains("Concentrator.Server.Sa: Debug (was (unset))", set.Output, StringComparison.Ordinal);
        var listed = (await _gateway.CliAsync("log-level")).Succeeded();
        Assert.Contains("Concentrator.Server.Sa: Debug", listed.Output, StringComparison.Ordinal);

        using var after = await ConnectAsync("carol@partners.test");
        var line = await _gateway.Host.WaitForLineAsync(l => l.Contains(MovedUnder, StringComparison.Ordinal));
        Assert.Contains("\"LogLevel\":\"Debug\"", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LogLevel_NotALevel_RefusedByTheCliWithUsage()
    {
        var run = await _gateway.CliAsync("log-level", "Concentrator", "Loud");
        Assert.NotEqual(0, run.ExitCode);
        Assert.Contains("'Loud' is not a level", run.Error, StringComparison.Ordinal);
    }

    private async Task<UdpInitiator> ConnectAsync(string identity)
    {
        var client = new UdpInitiator(_gateway.Server, identity, ManagedGateway.Secret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return client;
    }
}
