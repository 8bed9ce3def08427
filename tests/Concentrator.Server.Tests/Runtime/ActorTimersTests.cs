using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>ActorTimers on Akka's virtual-time TestScheduler: what a timer sends arrives at a probe (standing in for
/// the actor), which hands it back to <see cref="ActorTimers.Accept"/> as the actor would.</summary>
public sealed class ActorTimersTests() : TestKit("akka.scheduler.implementation = \"Akka.TestKit.TestScheduler, Akka.TestKit\"")
{
    private TestScheduler Clock => (TestScheduler)Sys.Scheduler;

    private (ActorTimers Timers, TestProbe Self) Make()
    {
        var self = CreateTestProbe();
        return (new ActorTimers(self.Ref, Sys.Scheduler), self);
    }

    private static object? Accepted(ActorTimers timers, object message)
    {
        Assert.True(timers.Accept(message, out var payload));
        return payload;
    }

    [Fact]
    public void StartSingleTimer_Due_DeliversItsMessageOnceAndFreesTheSlot()
    {
        var (timers, self) = Make();
        timers.StartSingleTimer("retransmit", "tick", TimeSpan.FromSeconds(4));
        Assert.Equal(1, timers.Count);

        Clock.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal("tick", Accepted(timers, self.ReceiveOne(TimeSpan.FromSeconds(5))!));
        Assert.Equal(0, timers.Count);
    }

    [Fact]
    public void StartSingleTimer_SameKeyAgainAfterTheFirstFired_FirstMessageDroppedSecondDelivered()
    {
        var (timers, self) = Make();
        timers.StartSingleTimer("dpd", "first", TimeSpan.FromSeconds(1));
        Clock.Advance(TimeSpan.FromSeconds(1));
        object stale = self.ReceiveOne(TimeSpan.FromSeconds(5))!;

        // Started again before the actor took the first run's message out of its mailbox.
        timers.StartSingleTimer("dpd", "second", TimeSpan.FromSeconds(1));
        Assert.Null(Accepted(timers, stale));
        Clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Equal("second", Accepted(timers, self.ReceiveOne(TimeSpan.FromSeconds(5))!));
    }

    [Fact]
    public void Cancel_BeforeDue_NothingSentAndOtherTimersRun()
    {
        var (timers, self) = Make();
        timers.StartSingleTimer("half-open", "gone", TimeSpan.FromSeconds(1));
        timers.StartSingleTimer("lifetime", "stays", TimeSpan.FromSeconds(2));

        timers.Cancel("half-open");
        Clock.Advance(TimeSpan.FromSeconds(2));

        Assert.Equal("stays", Accepted(timers, self.ReceiveOne(TimeSpan.FromSeconds(5))!));
        Assert.Equal(0, timers.Count);
        Assert.False(timers.Accept("not a timer's", out _));
    }

    [Fact]
    public void StartPeriodicTimer_ThreeIntervals_ThreeDeliveriesUntilCancelAll()
    {
        var (timers, self) = Make();
        timers.StartPeriodicTimer("interim", "update", TimeSpan.FromSeconds(10));

        var seen = new List<object?>();
        object last = null!;
        for (int i = 0; i < 3; i++)
        {
            Clock.Advance(TimeSpan.FromSeconds(10));
            last = self.ReceiveOne(TimeSpan.FromSeconds(5))!;
            seen.Add(Accepted(timers, last));
        }

        Assert.Equal(["update", "update", "update"], seen);
        Assert.Equal(1, timers.Count);
        timers.CancelAll();
        Assert.Equal(0, timers.Count);
        Assert.Null(Accepted(timers, last));
    }

    [Fact]
    public void StartSingleTimer_TwoActorsOneQueue_EachToldAtItsOwnDeadline()
    {
        var (early, earlySelf) = Make();
        var (late, lateSelf) = Make();
        late.StartSingleTimer("lifetime", "late", TimeSpan.FromSeconds(3));
        early.StartSingleTimer("lifetime", "early", TimeSpan.FromSeconds(1));

        Clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("early", Accepted(early, earlySelf.ReceiveOne(TimeSpan.FromSeconds(5))!));
        Assert.Equal(1, DeadlineQueue.For(Sys.Scheduler).Count);

        Clock.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal("late", Accepted(late, lateSelf.ReceiveOne(TimeSpan.FromSeconds(5))!));
        Assert.Equal(0, DeadlineQueue.For(Sys.Scheduler).Count);
    }

    [Fact]
    public void CancelAll_ManyStoppedActors_NothingToldAndTheQueueStaysBounded()
    {
        var (timers, self) = Make();
        timers.StartSingleTimer("lifetime", "kept", TimeSpan.FromHours(2));
        for (int i = 0; i < 20_000; i++)
        {
            // Actors that stop before their lifetime runs out (a node tearing down its SAs): their entries are swept
            // while others are queued, not kept for the hour.
            var stopped = new ActorTimers(self.Ref, Sys.Scheduler);
            stopped.StartSingleTimer("lifetime", i, TimeSpan.FromHours(1));
            stopped.CancelAll();
        }

        Assert.InRange(DeadlineQueue.For(Sys.Scheduler).Count, 1, 2 * DeadlineQueue.SweepAbove + 2);
        Clock.Advance(TimeSpan.FromHours(2));
        // The first message the actor gets is the live timer's: none of the cancelled ones was told.
        Assert.Equal("kept", Accepted(timers, self.ReceiveOne(TimeSpan.FromSeconds(5))!));
        Assert.Equal(0, DeadlineQueue.For(Sys.Scheduler).Count);
    }
}
