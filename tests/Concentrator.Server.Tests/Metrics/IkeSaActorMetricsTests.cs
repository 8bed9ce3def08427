using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Metrics;
using Concentrator.Server.Tests.Sa;

namespace Concentrator.Server.Tests.Metrics;

/// <summary>What an IKE SA actor counts: its setup latency once established, a peer that stopped answering
/// (dead peer detection, RFC 7296 §2.4) as opposed to a Delete, and an IKE SA rekey once the old SA retires.</summary>
public sealed class IkeSaActorMetricsTests : TestKit
{
    [Fact]
    public void Established_ThenPeerSilentPastDpdTimeout_OneSetupLatencyAndOneDeadPeer()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        var settings = SaActorHarness.FastSettings with
        {
            DpdDelay = TimeSpan.FromMilliseconds(200),
            DpdTimeout = TimeSpan.FromMilliseconds(500),
            Retransmit = new RetransmitSettings(TimeSpan.FromSeconds(2), 4, 1.0),
        };
        using var h = new SaActorHarness(this, settings, metrics: metrics);
        Watch(h.Actor);
        h.Establish();

        AwaitAssert(() => Assert.Equal(1, recorder.Count("concentrator.ike_sa.setup.duration")));
        Assert.InRange(recorder.Sum("concentrator.ike_sa.setup.duration"), 1e-7, 60);
        Assert.Equal(0, recorder.Observe("concentrator.ike_sa.dpd_deaths"));
        h.NextSent();
        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(5));

        AwaitAssert(() => Assert.Equal(1, recorder.Observe("concentrator.ike_sa.dpd_deaths")));
        Assert.Equal(1, metrics.DeadPeerCount);
    }

    [Fact]
    public void Established_ThenPeerDeletes_NoDeadPeer()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        using var h = new SaActorHarness(this, metrics: metrics);
        Watch(h.Actor);
        h.Establish();

        h.Deliver(h.Initiator.InitiateDelete().Message!);
        ExpectTerminated(h.Actor, TimeSpan.FromSeconds(5));

        Assert.Equal(0, recorder.Observe("concentrator.ike_sa.dpd_deaths"));
        Assert.Equal(1, recorder.Count("concentrator.ike_sa.setup.duration"));
    }

    [Fact]
    public void IkeRekey_PeerDeletesOldSa_OneIkeRekeyCounted()
    {
        using var metrics = new ConcentratorMetrics();
        using var recorder = new MetricsRecorder(metrics);
        using var h = new SaActorHarness(this, metrics: metrics);
        h.Establish();
        IkeSa oldClient = h.Initiator;

        h.Deliver(oldClient.InitiateRekey().Message!);
        using IkeSa newClient = oldClient.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Rekeyed!;
        Assert.Equal(0, recorder.Observe("concentrator.rekeys", "kind=ike"));
        h.Deliver(oldClient.InitiateDelete().Message!);
        Assert.Equal(DropReason.None, oldClient.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);

        AwaitAssert(() => Assert.Equal(1, recorder.Observe("concentrator.rekeys", "kind=ike")));
        Assert.Equal(0, recorder.Observe("concentrator.rekeys", "kind=child"));
    }
}
