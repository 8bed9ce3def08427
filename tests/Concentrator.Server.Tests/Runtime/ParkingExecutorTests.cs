using Akka.Actor;
using Akka.Configuration;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

public sealed class ParkingExecutorTests() : TestKit(ConfigurationFactory.ParseString($$"""
    parked-dispatcher {
      type = Dispatcher
      executor = "{{typeof(ParkingExecutor).AssemblyQualifiedName}}"
      parking-executor.threads = 2
      throughput = 5
    }
    """))
{
    /// <summary>Answers each message with the number it carried and the name of the thread that ran it.</summary>
    private sealed class Echo : ReceiveActor
    {
        public Echo() => Receive<int>(n => Sender.Tell((n, Thread.CurrentThread.Name ?? "")));
    }

    [Fact]
    public async Task Messages_FromManyThreads_AllRunOnTheExecutorsThreads_NoneLostWhileWorkersPark()
    {
        var actors = Enumerable.Range(0, 20)
            .Select(_ => Sys.ActorOf(Props.Create(() => new Echo()).WithDispatcher("parked-dispatcher")))
            .ToList();

        // Rounds with pauses between them, so the workers park and must be woken again; four senders at once, so
        // runs are queued while workers are parking.
        var answers = new List<(int N, string Thread)>();
        for (var round = 0; round < 10; round++)
        {
            var asks = Enumerable.Range(0, 4).Select(sender => Task.Run(() => Task.WhenAll(actors.Select((a, i) =>
                a.Ask<(int, string)>(round * 1000 + sender * 100 + i, TimeSpan.FromSeconds(30)))))).ToList();
            foreach (var batch in await Task.WhenAll(asks))
            {
                answers.AddRange(batch);
            }

            await Task.Delay(20);
        }

        Assert.Equal(10 * 4 * 20, answers.Count);
        Assert.Equal(answers.Count, answers.Select(a => a.N).Distinct().Count());
        Assert.All(answers, a => Assert.Matches(@"^parked-dispatcher_[12]$", a.Thread));
    }

    [Fact]
    public void NoThreads_FailsWithTheKeyAndWhatWasExpected()
    {
        var config = ConfigurationFactory.ParseString("parking-executor.threads = 0");
        var executor = new ParkingExecutor(config, null!);

        var e = Assert.Throws<ConfigurationException>(() => executor.Produce("bad-dispatcher"));

        Assert.Contains("bad-dispatcher.parking-executor.threads", e.Message);
        Assert.Contains("at least 1", e.Message);
    }

    [Fact]
    public void NoThreadCount_TakesTheDefault()
    {
        Assert.Equal(8, ParkingExecutor.DefaultThreads);
        var executor = new ParkingExecutor(ConfigurationFactory.Empty, null!).Produce("plain");

        Assert.Equal("plain", executor.Id);
        executor.Shutdown();
    }
}
