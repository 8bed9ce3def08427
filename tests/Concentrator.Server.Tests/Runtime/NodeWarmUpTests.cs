using System.Reflection;
using Akka.Actor;
using Akka.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

/// <summary>Issue 13: Akka's HashedWheelTimerScheduler blocks the caller of its first timer (Task.Wait on
/// <c>_workerInitialized</c>) until its clock loop has run on the thread pool. After the node's warm-up that wait is
/// over, so no IKE SA actor of the first burst blocks a pool worker in it. Reads Akka's private field: if an Akka
/// upgrade renames it, this fails and the start-up path must be looked at again.</summary>
public sealed class NodeWarmUpTests
{
    private static Task ClockStarted(IScheduler scheduler)
    {
        var field = scheduler.GetType().GetField("_workerInitialized", BindingFlags.Instance | BindingFlags.NonPublic);
        Assert.True(field?.GetValue(scheduler) is TaskCompletionSource, $"{scheduler.GetType()} has no TaskCompletionSource _workerInitialized (Akka changed?)");
        return ((TaskCompletionSource)field!.GetValue(scheduler)!).Task;
    }

    [Fact]
    public async Task StartSchedulerAsync_FreshSystem_ClockRunsWhenItReturns()
    {
        using var system = ActorSystem.Create("warmup");
        var started = ClockStarted(system.Scheduler);
        Assert.False(started.IsCompleted, "a fresh ActorSystem's scheduler already ran its clock: the test shows nothing");

        await NodeWarmUp.StartSchedulerAsync(system.Scheduler);

        Assert.True(started.IsCompletedSuccessfully, "the scheduler's clock was not running when the warm-up returned");
        await system.Terminate();
    }

    [Theory]
    [InlineData("aes256gcm16-prfsha256-x25519", 3)]
    [InlineData("aes128-sha256-prfsha256-modp2048", 4)]
    [InlineData("aes256gcm16-prfsha384-ecp256", 3)]
    public void Crypto_Proposal_RunsEveryTransformItNamesWithoutThrowing(string proposal, int transforms)
    {
        var connection = ConnectionFileSettings.From(ConfigurationFactory.ParseString(
            $"rw {{ pools = [ \"10.99.0.0/24\" ], ike-proposals = [ \"{proposal}\" ] }}"), "rw.conf").Connections[0];

        var ran = NodeWarmUp.Crypto([connection]);

        Assert.Equal(transforms, ran.Count);
    }
}
