using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Logging;

/// <summary>The console log of the real Host process: one line per event in text, one JSON object per line with
/// <c>--log-format json</c>, the event ids of the [LoggerMessage] events, and the per-category levels of
/// <c>concentrator.logging.levels</c>.</summary>
public sealed partial class ConsoleLogProcessTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Run_TextFormat_OneLinePerEventWithTimeLevelCategoryIdAndActorPath()
    {
        var (main, port, _) = new TestGateway().Write(_dir);
        using var host = HostProcess.Start(["run", "--config", main]);

        await host.WaitForLineAsync(l => l.StartsWith("running:", StringComparison.Ordinal));
        using (var client = new UdpInitiator(new IPEndPoint(IPAddress.Loopback, port), TestGateway.DefaultIdentity, TestGateway.DefaultSecret))
        {
            Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        }

        // What the interop scenarios grep: the established SA's line under its interface actor's path.
        await host.WaitForLineAsync(l => Regex.IsMatch(l, @"akka://concentrator/user/policy-based/ike-[0-9a-f]{16}\S* [^\n]*established with[^\n]*road@e2e\.test"));
        Assert.Equal(0, await host.TerminateAsync());

        Assert.Contains(host.Lines, l => SocketLine().Match(l) is { Success: true } m && m.Groups[1].Value == port.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains(host.Lines, l => l.Contains(" info: Concentrator.Server.Runtime.ConcentratorNode[1003] shutdown: 1 IKE SA(s) deleted", StringComparison.Ordinal)
            || l.Contains(" warn: Concentrator.Server.Runtime.ConcentratorNode[1004] shutdown: not every peer answered its Delete", StringComparison.Ordinal));
        Assert.Contains("stopped: actor system terminated, owned kernel state removed", host.Lines);
    }

    [Fact]
    public async Task Run_LogFormatJsonAndNetworkAtWarning_JsonLinesWithEventIdsWithoutSocketEvents()
    {
        var (main, _, _) = new TestGateway { Main = "concentrator.logging.levels { \"Concentrator.Server.Network\" = Warning }" }.Write(_dir);
        using var host = HostProcess.Start(["run", "--config", main, "--log-format", "json"]);

        await host.WaitForLineAsync(l => l.Contains("\"EventId\":1002", StringComparison.Ordinal));
        Assert.Equal(0, await host.TerminateAsync());

        // Every stdout line is JSON, the version line too.
        var events = host.Lines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var starting = Assert.Single(events, e => e.GetProperty("EventId").GetInt32() == 8001);
        Assert.Equal(Program.Version, starting.GetProperty("State").GetProperty("Version").GetString());
        var serving = Assert.Single(events, e => e.GetProperty("EventId").GetInt32() == 1002);
        Assert.Equal("Concentrator.Server.Runtime.ConcentratorNode", serving.GetProperty("Category").GetString());
        Assert.Equal("Information", serving.GetProperty("LogLevel").GetString());
        Assert.StartsWith("serving connection 'e2e' (policy-based) on 127.0.0.1:", serving.GetProperty("Message").GetString(), StringComparison.Ordinal);
        Assert.Contains(events, e => e.GetProperty("EventId").GetInt32() == 1003);
        // IkeSocketActor's "IKE listening on" (2003, Information) is below the category's Warning.
        Assert.DoesNotContain(events, e => e.GetProperty("Category").GetString()!.StartsWith("Concentrator.Server.Network", StringComparison.Ordinal));
        Assert.DoesNotContain(host.Lines, l => l.StartsWith("running:", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z info: Concentrator\.Server\.Network\.IkeSocketActor\[2003\] => akka://concentrator/user/ike-socket IKE listening on 127\.0\.0\.1:(\d+)$")]
    private static partial Regex SocketLine();
}
