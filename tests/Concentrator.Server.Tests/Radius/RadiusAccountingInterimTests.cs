using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Kernel;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>Interim-Update (RFC 2869 §2.1) in <see cref="RadiusAccountingActor"/>: the record carries the session's
/// totals so far (CHILD SAs already removed plus the live read), waits for a removed SA's read still on its way, and
/// is superseded by the Stop; no timers here (the IKE SA actor schedules them), the messages drive it.</summary>
public sealed class RadiusAccountingInterimTests : TestKit
{
    private static readonly AccountingSession Session = new("00000000000000aa", "alice");

    [Fact]
    public void Interim_AfterARemovedChildAndALiveRead_CarriesTheirSum()
    {
        var radius = CreateTestProbe();
        var accounting = Sys.ActorOf(RadiusAccountingActor.Props(radius.Ref));
        accounting.Tell(new SessionStarted(Session));
        Assert.Equal(AccountingStatus.Start, radius.ExpectMsg<AccountingRequest>().Status);
        accounting.Tell(new OwnedCounters(7, 100, 1, 200, 2));

        accounting.Tell(new SessionInterim(7, -8, Session, TimeSpan.FromMinutes(10), ClosedReads: 1));
        accounting.Tell(new OwnedCounters(-8, 1000, 10, 2000, 20));

        var interim = radius.ExpectMsg<AccountingRequest>();
        Assert.Equal(AccountingStatus.InterimUpdate, interim.Status);
        Assert.Equal(new AccountingCounters(1100, 2200, 11, 22, TimeSpan.FromMinutes(10)), interim.Counters);
        Assert.Null(interim.TerminateCause);
    }

    [Fact]
    public void Interim_RemovedChildReadStillOnItsWay_SentWhenItArrives()
    {
        var radius = CreateTestProbe();
        var accounting = Sys.ActorOf(RadiusAccountingActor.Props(radius.Ref));

        accounting.Tell(new SessionInterim(7, -8, Session, TimeSpan.FromMinutes(10), ClosedReads: 1));
        accounting.Tell(new OwnedCounters(-8, 1000, 10, 2000, 20));
        radius.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        accounting.Tell(new OwnedCounters(7, 5, 1, 6, 1));

        var interim = radius.ExpectMsg<AccountingRequest>();
        Assert.Equal(AccountingStatus.InterimUpdate, interim.Status);
        Assert.Equal(1005UL, interim.Counters.InputOctets);
        Assert.Equal(2006UL, interim.Counters.OutputOctets);
    }

    [Fact]
    public void Stop_AfterInterims_CountsOnlyTheRemovalReads()
    {
        var radius = CreateTestProbe();
        var accounting = Sys.ActorOf(RadiusAccountingActor.Props(radius.Ref));
        accounting.Tell(new SessionInterim(7, -8, Session, TimeSpan.FromMinutes(10), ClosedReads: 0));
        accounting.Tell(new OwnedCounters(-8, 1000, 10, 2000, 20));
        Assert.Equal(AccountingStatus.InterimUpdate, radius.ExpectMsg<AccountingRequest>().Status);

        accounting.Tell(new OwnedCounters(7, 1500, 15, 2500, 25));
        accounting.Tell(new SessionEnded(7, Session, TerminateCause.SessionTimeout, TimeSpan.FromMinutes(15), Reads: 1));

        var stop = radius.ExpectMsg<AccountingRequest>();
        Assert.Equal(AccountingStatus.Stop, stop.Status);
        Assert.Equal(1500UL, stop.Counters.InputOctets);
        Assert.Equal(TerminateCause.SessionTimeout, stop.TerminateCause);
    }
}
