using Concentrator.Server.Config;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class InitiationScheduleTests
{
    private static InitiatorSettings Settings(StartAction close = StartAction.None, StartAction dpd = StartAction.None) =>
        new(["192.0.2.2", "gw.example.net"], StartAction.Start, close, dpd, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(4));

    [Fact]
    public void Failures_InARow_NextAddressEachTimeAndBackoffCapped()
    {
        var schedule = new InitiationSchedule(Settings());
        Assert.Equal("192.0.2.2", schedule.NextAddress);

        var delays = new List<TimeSpan>();
        var addresses = new List<string>();
        for (int i = 0; i < 5; i++)
        {
            InitiationStep step = schedule.OnEnded(InitiatedSaEnd.Failed);
            Assert.Equal(StartAction.Start, step.Action);
            delays.Add(step.Delay);
            addresses.Add(schedule.NextAddress);
        }

        Assert.Equal([1, 2, 4, 4, 4], delays.Select(d => (int)d.TotalSeconds));
        Assert.Equal(["gw.example.net", "192.0.2.2", "gw.example.net", "192.0.2.2", "gw.example.net"], addresses);
    }

    [Fact]
    public void Established_AfterFailures_BackoffStartsAgain()
    {
        var schedule = new InitiationSchedule(Settings());
        schedule.OnFailed();
        schedule.OnFailed();

        schedule.OnEstablished();

        Assert.Equal(0, schedule.Failures);
        Assert.Equal(TimeSpan.FromSeconds(1), schedule.OnFailed().Delay);
    }

    [Theory]
    [InlineData(InitiatedSaEnd.Closed, StartAction.Start, StartAction.None, StartAction.Start)]
    [InlineData(InitiatedSaEnd.Closed, StartAction.None, StartAction.Start, StartAction.None)]
    [InlineData(InitiatedSaEnd.Dead, StartAction.None, StartAction.Start, StartAction.Start)]
    [InlineData(InitiatedSaEnd.Dead, StartAction.Start, StartAction.Trap, StartAction.Trap)]
    [InlineData(InitiatedSaEnd.Local, StartAction.Start, StartAction.Start, StartAction.None)]
    public void Ended_Established_FollowsCloseOrDpdAction(InitiatedSaEnd end, StartAction close, StartAction dpd, StartAction expected)
    {
        var schedule = new InitiationSchedule(Settings(close, dpd));
        schedule.OnEstablished();

        InitiationStep step = schedule.OnEnded(end);

        Assert.Equal(expected, step.Action);
        Assert.Equal(TimeSpan.Zero, step.Delay);
    }
}
