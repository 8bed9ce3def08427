using System.Net;
using System.Text.Json;

namespace Concentrator.Host.Tests.Management;

/// <summary>A real <c>concentrator run</c> with two connections ("sales": <c>*@sales.test</c>, "partners":
/// <c>*@partners.test</c>, a /30 pool each, one PSK for all) and its management socket in the test's folder; the
/// CLI run against it.</summary>
internal sealed class ManagedGateway : IAsyncDisposable
{
    public const string Secret = "mgmt-secret-0123456789";
    public const string SalesPool = "10.231.21.0/30";
    public const string PartnersPool = "10.231.22.0/30";

    private readonly TempDir _dir;

    private ManagedGateway(TempDir dir, string main, int port, IReadOnlyList<string>? wrapper)
    {
        _dir = dir;
        Main = main;
        Server = TestGateway.Loopback(port);
        Socket = TestGateway.SocketIn(dir);
        Host = HostProcess.Start(["run", "--config", main, "--log-format", "json"], wrapper);
    }

    public string Main { get; }

    /// <summary>Rewrites the connection file with <paramref name="connections"/> (and the PSK for all), as an operator
    /// edits it before a reload.</summary>
    public void WriteConnections(params TestConnection[] connections) =>
        File.WriteAllText(Path.Combine(Path.GetDirectoryName(Main)!, "conns", "e2e.conf"),
            string.Join("\n", connections.Select(c => c.Hocon("gw.e2e.test"))) + $"\nsecrets {{ \"%any\" = \"{Secret}\" }}\n");

    public static TestConnection Sales => new("sales", "*@sales.test", SalesPool);

    public static TestConnection Partners => new("partners", "*@partners.test", PartnersPool);

    public IPEndPoint Server { get; }

    public string Socket { get; }

    public HostProcess Host { get; }

    /// <summary>Starts the host (<paramref name="more"/>: more keys of the main file; <paramref name="connections"/>:
    /// other connections than sales and partners; <paramref name="wrapper"/>: what runs it, e.g. <c>ip netns exec NS</c>)
    /// and waits until its management API listens.</summary>
    public static async Task<ManagedGateway> StartAsync(string more = "", IReadOnlyList<TestConnection>? connections = null, IReadOnlyList<string>? wrapper = null)
    {
        var dir = new TempDir();
        var (main, port, _) = new TestGateway
        {
            Connections = connections ?? [Sales, Partners],
            Secrets = $"\"%any\" = \"{Secret}\"",
            Main = more,
        }.Write(dir);
        var gateway = new ManagedGateway(dir, main, port, wrapper);
        try
        {
            await gateway.Host.WaitForLineAsync(l => l.Contains("\"EventId\":10000", StringComparison.Ordinal));
            return gateway;
        }
        catch
        {
            await gateway.DisposeAsync();
            throw;
        }
    }

    /// <summary>The CLI against this gateway's socket: <paramref name="args"/> then <c>--socket</c>.</summary>
    public Task<CliProcess> CliAsync(params string[] args) => CliProcess.RunAsync([.. args, "--socket", Socket]);

    /// <summary>The CLI's <c>--json</c> answer, parsed.</summary>
    public async Task<JsonElement> JsonAsync(params string[] args)
    {
        var run = await CliAsync([.. args, "--json"]);
        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}: {run.Error}\nthe host said:\n{string.Join('\n', Host.Lines.Where(l => !l.Contains("\"LogLevel\":\"Information\"", StringComparison.Ordinal)))}");
        return JsonDocument.Parse(run.Output).RootElement.Clone();
    }

    public async ValueTask DisposeAsync()
    {
        if (!Host.Process.HasExited)
        {
            await Host.TerminateAsync();
        }

        Host.Dispose();
        _dir.Dispose();
    }
}
