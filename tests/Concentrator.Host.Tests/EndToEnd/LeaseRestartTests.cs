using System.Diagnostics;
using System.Net;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Tests.EndToEnd;

/// <summary>
/// Virtual IPs across a restart of the responder on the same lease journal: after a clean stop (in process) and after
/// SIGKILL of the real Host process (with a torn line appended to the journal, as a crash mid-write leaves it).
/// Two identities connect so the remembered address is not simply the pool's first one.
/// </summary>
public sealed class LeaseRestartTests : IDisposable
{
    private const string Secret = "lease-secret-0123456789";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Reconnect_AfterStopAndNewNodeOnSameStore_SameVirtualIp()
    {
        var (main, server) = WriteConfig();
        IPAddress remembered;
        await using (var node = await StartAsync(main))
        {
            await ConnectAsync(server, "first@lease.test");
            remembered = await ConnectAsync(server, "second@lease.test");
            await node.StopAsync();
        }

        await using var restarted = await StartAsync(main);
        // The second identity reconnects first: without the store it would get the pool's first address.
        Assert.Equal(remembered, await ConnectAsync(server, "second@lease.test"));
    }

    [Fact]
    public async Task Reconnect_AfterSigkillOfHostAndTornJournal_SameVirtualIp()
    {
        var (main, server) = WriteConfig();
        IPAddress remembered;
        using (var host = StartHost(main))
        {
            await ConnectAsync(server, "first@lease.test");
            remembered = await ConnectAsync(server, "second@lease.test");
            host.Kill(); // SIGKILL: no shutdown, no final fsync
            await host.WaitForExitAsync();
        }

        File.AppendAllText(Path.Combine(_dir.Path, "state", "leases.jsonl"), "{\"c\":\"lease\",\"id\":\"third@lease.te");

        using var restarted = StartHost(main);
        try
        {
            Assert.Equal(remembered, await ConnectAsync(server, "second@lease.test"));
        }
        finally
        {
            restarted.Kill();
            await restarted.WaitForExitAsync();
        }
    }

    private (string Main, IPEndPoint Server) WriteConfig()
    {
        var (main, port, _) = new TestGateway
        {
            LocalId = "gw.lease.test",
            RemoteId = "%any",
            Pool = "10.231.13.0/29",
            Secrets = $"\"%any\" = \"{Secret}\"",
            LeasesPath = Path.Combine(_dir.Path, "state", "leases.jsonl"),
        }.Write(_dir);
        return (main, new IPEndPoint(IPAddress.Loopback, port));
    }

    private static Task<ConcentratorNode> StartAsync(string main) => TestGateway.StartAsync(main);

    private static async Task<IPAddress> ConnectAsync(IPEndPoint server, string identity)
    {
        // The client goes away without a Delete, as a crashed or roaming client does; its lease stays remembered.
        using var client = new UdpInitiator(server, identity, Secret);
        Assert.Equal(IkeSaState.Established, await client.ConnectAsync());
        return Assert.Single(client.Sa.VirtualIps);
    }

    private static Process StartHost(string main)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in new[] { Path.Combine(AppContext.BaseDirectory, "concentrator.dll"), "run", "--config", main })
        {
            info.ArgumentList.Add(a);
        }

        var p = Process.Start(info)!;
        var errors = p.StandardError.ReadToEndAsync();
        var seen = new System.Text.StringBuilder();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && p.StandardOutput.ReadLine() is { } line)
        {
            seen.AppendLine(line);
            if (line.StartsWith("running:", StringComparison.Ordinal))
            {
                _ = p.StandardOutput.ReadToEndAsync();
                return p;
            }
        }

        p.Kill();
        Assert.Fail("concentrator did not start:\n" + seen + errors.Result);
        throw new UnreachableException();
    }
}
