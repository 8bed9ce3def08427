using System.Net;
using System.Net.Sockets;

namespace Concentrator.Host.Tests.Metrics;

/// <summary>A metrics address the host cannot listen on stops <c>concentrator run</c> at start (exit 78, the file,
/// the key and the address named).</summary>
public sealed class MetricsListenStartTests
{
    [Fact]
    public void Run_MetricsPortTaken_ExitsWithConfigErrorNamingTheKey()
    {
        using var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        var port = ((IPEndPoint)taken.LocalEndpoint).Port;
        using var dir = new TempDir();
        var (main, _, _) = new TestGateway { Main = $"concentrator.metrics.listen = \"127.0.0.1:{port}\"" }.Write(dir);
        using var output = new StringWriter();
        using var error = new StringWriter();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var code = Program.Run(["run", "--config", main], output, error, stop.Token);

        Assert.True(code == 78, $"exit {code}: {error}\n{output}");
        Assert.Contains($"{main}: key 'concentrator.metrics.listen': expected an address this host can listen on, cannot listen on 127.0.0.1:{port}",
            error.ToString(), StringComparison.Ordinal);
    }
}
