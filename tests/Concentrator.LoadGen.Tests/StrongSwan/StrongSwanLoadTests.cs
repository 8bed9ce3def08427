using System.Net;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Engine;
using Concentrator.LoadGen.Reporting;

namespace Concentrator.LoadGen.Tests.StrongSwan;

/// <summary>
/// The load generator against a real strongSwan 5.9 responder (root, network namespaces, kernel-libipsec). One
/// class, so these run one after another and do not compete for the two cores.
/// </summary>
public sealed class StrongSwanLoadTests
{
    private static LoadGenOptions Options(StrongSwanResponder responder, int count, string psk = StrongSwanResponder.Psk) => new()
    {
        Target = new IPEndPoint(StrongSwanResponder.GatewayAddress, 500),
        Count = count,
        Psk = psk,
        Netns = responder.ClientNetns,
        SocketsPerAddress = 8,
        ProgressInterval = TimeSpan.Zero,
        ResponderPid = responder.Pid,
        RetransmitTimeout = TimeSpan.FromSeconds(1),
        RetransmitTries = 2,
    };

    [Fact]
    public async Task Swarm_FiftyClientsAtConcurrencyTenFromTwoAddresses_AllEstablishedWithDistinctVirtualIps()
    {
        using var responder = new StrongSwanResponder();
        using var swarm = new LoadSwarm(Options(responder, 50) with
        {
            Concurrency = 10,
            SourceAddresses = [StrongSwanResponder.ClientAddress, StrongSwanResponder.ClientAddress2],
            SocketsPerAddress = 4,
        });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Failed == 0, report.ToText());
        Assert.Equal(50, report.Established);
        Assert.Equal(50, report.DistinctVirtualIps);
        Assert.Equal(50, report.LatencyMs.Count);
        // kernel-libipsec fakes a NAT, so every client must have floated to 4500 to get this far.
        Assert.Equal(50, report.NatTraversal);
        Assert.NotNull(report.ResponderCpuSeconds);
        Assert.NotNull(report.LoadGenCpuMsPerSetup);
        Assert.All(swarm.Outcomes, o => Assert.True(o.VirtualIp is { } ip && ip.GetAddressBytes() is [10, 99, _, _], $"{o}"));

        var sas = responder.ListSas();
        Assert.Equal(50, sas.Count(s => s.State == "ESTABLISHED"));
        // Clients take the sockets in turn and the sockets alternate addresses: 25 SAs from each address.
        Assert.Equal(25, sas.Count(s => s.RemoteAddress == "192.0.2.2"));
        Assert.Equal(25, sas.Count(s => s.RemoteAddress == "192.0.2.3"));
        // The responder saw the very identities and handed out the very addresses the clients report.
        var expected = swarm.Outcomes.Select(o => (o.Identity, o.VirtualIp!.ToString())).OrderBy(x => x.Identity, StringComparer.Ordinal);
        var seen = sas.Select(s => (s.RemoteId, s.VirtualIp ?? "")).OrderBy(x => x.RemoteId, StringComparer.Ordinal);
        Assert.Equal(expected, seen);
        Assert.Equal(Enumerable.Range(1, 50).Select(n => $"client-{n}@loadgen").Order(StringComparer.Ordinal),
            sas.Select(s => s.RemoteId).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Swarm_WrongPsk_EveryClientFailsWithAuthenticationFailed()
    {
        using var responder = new StrongSwanResponder();
        using var swarm = new LoadSwarm(Options(responder, 20, psk: "not-the-right-secret") with { Concurrency = 5 });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, report.Established);
        Assert.Equal(20, report.Failed);
        Assert.Equal(new Dictionary<string, int> { ["AUTHENTICATION_FAILED"] = 20 }, report.FailuresByCause);
        Assert.Contains("failed AUTHENTICATION_FAILED: 20", report.ToText(), StringComparison.Ordinal);
        Assert.DoesNotContain(responder.ListSas(), s => s.State == "ESTABLISHED");
    }

    [Fact]
    public async Task Swarm_HoldWithResponderDpdThenTeardown_AnswersLivenessChecksAndDeletesAll()
    {
        using var responder = new StrongSwanResponder(dpdDelaySeconds: 1);
        using var swarm = new LoadSwarm(Options(responder, 10) with { Concurrency = 10, Hold = TimeSpan.FromSeconds(2.5), Teardown = true });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Established == 10, report.ToText());
        // dpd_delay = 1s: strongSwan checks each idle SA at least once in 2.5 s; had we not answered, it would
        // have retransmitted and finally deleted the SA, and the teardown below would not find them all.
        Assert.True(report.ResponderRequestsAnswered >= 10, report.ToText());
        Assert.Equal(10, report.Deleted);
        Assert.Empty(responder.ListSas());
    }

    [Fact]
    public async Task Swarm_RateModeWithReusedDh_PacesStartsAndEstablishesAll()
    {
        using var responder = new StrongSwanResponder();
        using var swarm = new LoadSwarm(Options(responder, 25) with { Rate = 50, Concurrency = 0, ReuseDh = true });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.True(report.Established == 25 && report.Failed == 0, report.ToText());
        // 25 starts at 50/s: the last one starts 0.48 s after the first, so the setup phase cannot be shorter.
        Assert.InRange(report.SetupSeconds, 0.47, 10);
        Assert.Contains("rate 50/s", report.Mode, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Swarm_NobodyListening_RetransmitsThenCountsTimeouts()
    {
        using var responder = new StrongSwanResponder();
        // Port 501: nothing answers, so each IKE_SA_INIT is sent 1 + 2 times and then given up.
        using var swarm = new LoadSwarm(Options(responder, 6) with
        {
            Target = new IPEndPoint(StrongSwanResponder.GatewayAddress, 501),
            Concurrency = 3,
            RetransmitTimeout = TimeSpan.FromMilliseconds(100),
            RetransmitBase = 1.5,
            RetransmitTries = 2,
        });

        LoadReport report = await swarm.RunAsync().WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(new Dictionary<string, int> { ["TIMEOUT_IKE_SA_INIT"] = 6 }, report.FailuresByCause);
        Assert.Equal(12, report.Retransmits);
        // 0.1 + 0.15 + 0.225 s per client, two rounds of three: at least ~0.95 s.
        Assert.InRange(report.SetupSeconds, 0.9, 10);
    }
}
