using System.Diagnostics;
using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>A real FreeRADIUS on 127.0.0.1:18822/18823 for the failover tests (stopped and started again by one of
/// them, so it is not shared with <see cref="RadiusFreeRadiusTests"/>).</summary>
public sealed class FailoverFreeRadiusFixture : IDisposable
{
    public FreeRadius Server { get; } = new(18822, 18823);

    public void Dispose() => Server.Dispose();
}

/// <summary>Servers that are down: the first of the list (failover to FreeRADIUS within timeout × tries), all of them
/// (RadiusUnavailable after the configured time), and FreeRADIUS back again (later requests succeed).</summary>
public sealed class RadiusFailoverTests(FailoverFreeRadiusFixture fixture) : TestKit, IClassFixture<FailoverFreeRadiusFixture>
{
    /// <summary>Nothing listens here: a server that is down.</summary>
    private static readonly RadiusServer Down = new(IPAddress.Loopback, 18899, 18898, FreeRadius.Secret);

    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(500);

    private const int Retries = 1;

    /// <summary>Akka's timer wheel may fire up to a tick (10 ms) early; the lower bounds allow for a few.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    /// <summary>How late an answer may be on the shared, loaded test machine.</summary>
    private static readonly TimeSpan Late = TimeSpan.FromSeconds(5);

    private RadiusServer Live => new(IPAddress.Loopback, fixture.Server.AuthPort, fixture.Server.AcctPort, FreeRadius.Secret);

    private IActorRef Client(params RadiusServer[] servers) =>
        Sys.ActorOf(RadiusClientActor.Props(new RadiusSettings(servers, Timeout, Retries, "concentrator-test", null, TimeSpan.FromMinutes(10))));

    private void SendIdentity(IActorRef client, long id) =>
        client.Tell(new AccessRequest(id, TestActor, "alice", EapPacket.Response(0, EapType.Identity, "alice"u8.ToArray()).Encode()));

    [Fact]
    public void AccessRequest_FirstServerDown_FailsOverToFreeRadiusWithinTimeoutTimesTries()
    {
        var client = Client(Down, Live);
        var clock = Stopwatch.StartNew();

        SendIdentity(client, 1);

        var reply = ExpectMsg<AccessReply>(TimeSpan.FromSeconds(10));
        var elapsed = clock.Elapsed;
        Assert.Equal(AccessResult.Challenge, reply.Result);
        Assert.Equal(fixture.Server.AuthPort, reply.Server.Port);
        Assert.True(elapsed >= Timeout * (Retries + 1) - Slack && elapsed <= Timeout * (Retries + 1) + Late, $"answered after {elapsed}");
    }

    [Fact]
    public void Accounting_FirstServerDown_FailsOverToFreeRadiusAccountingPort()
    {
        var client = Client(Down, Live);

        client.Tell(new AccountingRequest(1, TestActor, AccountingStatus.Start, new AccountingSession("failover-1", "alice")));

        Assert.Equal(fixture.Server.AcctPort, ExpectMsg<AccountingAck>(TimeSpan.FromSeconds(10)).Server.Port);
        // Re-encoded for FreeRADIUS a second after it was handed over: RFC 2866 §5.2 Acct-Delay-Time says so.
        var record = File.ReadAllText(fixture.Server.DetailFile).Split("\n\n").Single(r => r.Contains("Acct-Session-Id = \"failover-1\"", StringComparison.Ordinal));
        var delay = System.Text.RegularExpressions.Regex.Match(record, @"Acct-Delay-Time = (\d+)");
        Assert.True(delay.Success, record);
        Assert.InRange(int.Parse(delay.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 1, 10);
    }

    [Fact]
    public void AccessRequest_AllServersDown_UnavailableAfterConfiguredTimeThenAnsweredOnceFreeRadiusIsBack()
    {
        var client = Client(Down, Live);
        fixture.Server.Stop();
        try
        {
            var clock = Stopwatch.StartNew();
            SendIdentity(client, 1);
            SendIdentity(client, 2);

            var unavailable = new[] { ExpectMsg<RadiusUnavailable>(TimeSpan.FromSeconds(10)), ExpectMsg<RadiusUnavailable>(TimeSpan.FromSeconds(10)) };
            var elapsed = clock.Elapsed;
            Assert.Equal([1L, 2L], unavailable.Select(u => u.CorrelationId).Order());
            // Every server, each 1 + retries times, timeout apart.
            Assert.True(elapsed >= (Timeout * (Retries + 1) * 2) - Slack && elapsed <= (Timeout * (Retries + 1) * 2) + Late, $"gave up after {elapsed}");
        }
        finally
        {
            fixture.Server.Start();
        }

        SendIdentity(client, 3);

        var reply = ExpectMsg<AccessReply>(TimeSpan.FromSeconds(10));
        Assert.Equal(3, reply.CorrelationId);
        Assert.Equal(AccessResult.Challenge, reply.Result);
        client.Tell(GetRadiusStats.Instance);
        var stats = ExpectMsg<RadiusStats>();
        Assert.Equal(2, stats.Unavailable);
        Assert.Equal(0, stats.InFlight);
    }
    [Fact]
    public void Accounting_AllServersDown_KeptUntilFreeRadiusIsBackThenRecordedWithItsDelay()
    {
        var client = Client(Down, Live);
        fixture.Server.Stop();
        try
        {
            client.Tell(new AccountingRequest(1, TestActor, AccountingStatus.Stop, new AccountingSession("kept-1", "alice"))
            {
                Counters = new AccountingCounters(4242, 2424, 42, 24, TimeSpan.FromSeconds(42)),
            });

            // A round through both servers takes 2 s; then the record is kept for the next round, the asker not told.
            AwaitAssert(() =>
            {
                client.Tell(GetRadiusStats.Instance);
                Assert.Equal(1, ExpectMsg<RadiusStats>().Deferred);
            }, TimeSpan.FromSeconds(15), TimeSpan.FromMilliseconds(200));
        }
        finally
        {
            fixture.Server.Start();
        }

        Assert.Equal(1, ExpectMsg<AccountingAck>(TimeSpan.FromSeconds(15)).CorrelationId);
        var record = File.ReadAllText(fixture.Server.DetailFile).Split("\n\n").Single(r => r.Contains("Acct-Session-Id = \"kept-1\"", StringComparison.Ordinal));
        Assert.Contains("Acct-Input-Octets = 4242", record, StringComparison.Ordinal);
        // Re-encoded for the second round, at least the first round's 2 s after it was handed over.
        var delay = System.Text.RegularExpressions.Regex.Match(record, @"Acct-Delay-Time = (\d+)");
        Assert.True(delay.Success, record);
        Assert.True(int.Parse(delay.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= 2, record);
    }
}
