using System.Net;
using System.Net.Sockets;
using System.Text;
using Concentrator.Host.Tests.EndToEnd;
using Concentrator.Ike.Sa;

namespace Concentrator.Host.Tests.Systemd;

/// <summary>
/// Type=notify for real: the Host process with <c>NOTIFY_SOCKET</c> naming a datagram socket this test bound, as PID 1
/// of a PID namespace of its own (<c>unshare --pid --fork</c>: Microsoft.Extensions.Hosting.Systemd takes a PID 1 with
/// NOTIFY_SOCKET for a systemd service, as in a container, the other case being a parent named systemd). Needs root.
/// </summary>
public sealed class NotifyProcessTests : IDisposable
{
    private readonly TempDir _dir = new();
    private readonly Socket _notify = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);

    public NotifyProcessTests() => _notify.Bind(new UnixDomainSocketEndPoint(Path.Combine(_dir.Path, "notify")));

    public void Dispose()
    {
        _notify.Dispose();
        _dir.Dispose();
    }

    [Fact]
    public async Task Run_UnderNotifySocket_ReadyOnlyOnceIkeAnswersThenWatchdogThenStopping()
    {
        var (main, port, _) = new TestGateway().Write(_dir);
        using var host = HostProcess.Start(["run", "--config", main], wrapper: ["unshare", "--pid", "--fork"], environment: new Dictionary<string, string>
        {
            ["NOTIFY_SOCKET"] = Path.Combine(_dir.Path, "notify"),
            ["WATCHDOG_USEC"] = "1000000",
        });

        Assert.Equal("READY=1", await ReceiveAsync());
        // At READY=1 the IKE port already serves: a whole IKE_SA_INIT + IKE_AUTH succeeds at once.
        using (var client = new UdpInitiator(new IPEndPoint(IPAddress.Loopback, port), TestGateway.DefaultIdentity, TestGateway.DefaultSecret))
        {
            Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        }

        // WATCHDOG_USEC = 1 s: a ping every 0.5 s.
        Assert.Equal("WATCHDOG=1", await ReceiveAsync());
        Assert.Equal("WATCHDOG=1", await ReceiveAsync());
        // Under systemd the console lines carry the journald priority (<6> = info).
        Assert.Contains(host.Lines, l => l.StartsWith("<6>Concentrator.Server.Runtime.ConcentratorNode[1002]", StringComparison.Ordinal));

        Assert.Equal(0, await host.TerminateAsync(HostPid(host.Process.Id)));
        var afterTerm = new List<string>();
        while (_notify.Available > 0)
        {
            afterTerm.Add(await ReceiveAsync());
        }

        Assert.Contains("STOPPING=1", afterTerm);
        // The stop went through the node: the client (gone, so it never answers) was sent a Delete.
        Assert.Contains(host.Lines, l => l.StartsWith("<4>Concentrator.Server.Runtime.ConcentratorNode[1004] shutdown: not every peer answered", StringComparison.Ordinal));
    }

    private async Task<string> ReceiveAsync()
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        var n = await _notify.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, n);
    }

    /// <summary>The Host: unshare's child (unshare itself does not pass SIGTERM on).</summary>
    private static int HostPid(int unshare)
    {
        var children = File.ReadAllText($"/proc/{unshare}/task/{unshare}/children").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return int.Parse(Assert.Single(children), System.Globalization.CultureInfo.InvariantCulture);
    }
}
