using Akka.Actor;
using Akka.Dispatch.MessageQueues;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

public sealed class CompactDequeMessageQueueTests : TestKit
{
    private static Envelope Message(object m) => new(m, ActorRefs.NoSender);

    private static List<object> Drain(IMessageQueue queue)
    {
        var seen = new List<object>();
        while (queue.TryDequeue(out var e))
        {
            seen.Add(e.Message);
        }

        return seen;
    }

    [Fact]
    public void Enqueue_MoreThanTheFirstRing_DequeuedInOrderAndRingDroppedWhenEmpty()
    {
        var queue = new CompactDequeMessageQueue();
        Assert.Equal(0, queue.Capacity);

        for (int i = 0; i < 3; i++)
        {
            queue.Enqueue(ActorRefs.Nobody, Message(i));
        }

        // Taken out in the middle of growth: the ring wraps before it grows again.
        Assert.True(queue.TryDequeue(out var first));
        for (int i = 3; i < 40; i++)
        {
            queue.Enqueue(ActorRefs.Nobody, Message(i));
        }

        Assert.Equal(39, queue.Count);
        Assert.True(queue.HasMessages);
        Assert.Equal(Enumerable.Range(0, 40).Cast<object>(), [first.Message, .. Drain(queue)]);
        Assert.False(queue.HasMessages);
        Assert.Equal(0, queue.Capacity);
    }

    [Fact]
    public void EnqueueFirst_WithMessagesWaiting_ComesOutBeforeThem()
    {
        var queue = new CompactDequeMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message("b"));
        queue.Enqueue(ActorRefs.Nobody, Message("c"));

        queue.EnqueueFirst(Message("a"));
        queue.EnqueueFirst(Message("0"));

        Assert.Equal(["0", "a", "b", "c"], Drain(queue));
    }

    [Fact]
    public async Task Enqueue_FourSendersWhileTaking_EveryMessageOnceInEachSendersOrder()
    {
        var queue = new CompactDequeMessageQueue();
        const int perSender = 20_000;
        var senders = Enumerable.Range(0, 4).Select(s => Task.Run(() =>
        {
            for (int i = 0; i < perSender; i++)
            {
                queue.Enqueue(ActorRefs.Nobody, Message((s, i)));
            }
        })).ToArray();
        var next = new int[4];
        int taken = 0;
        while (taken < 4 * perSender)
        {
            if (queue.TryDequeue(out var e))
            {
                var (s, i) = ((int, int))e.Message!;
                Assert.Equal(next[s], i);
                next[s]++;
                taken++;
            }
        }

        await Task.WhenAll(senders);
        Assert.All(next, n => Assert.Equal(perSender, n));
        Assert.False(queue.HasMessages);
    }

    [Fact]
    public void CleanUp_MessagesLeft_GoToDeadLetters()
    {
        var queue = new CompactDequeMessageQueue();
        var dead = new UnboundedMessageQueue();
        queue.Enqueue(ActorRefs.Nobody, Message(1));
        queue.Enqueue(ActorRefs.Nobody, Message(2));

        queue.CleanUp(ActorRefs.Nobody, dead);

        Assert.False(queue.HasMessages);
        Assert.Equal([1, 2], Drain(dead));
    }

    /// <summary>Stashes everything until "open", then unstashes and forwards what it gets to the probe.</summary>
    private sealed class Stasher : UntypedActor, IWithStash
    {
        private readonly IActorRef _probe;
        private bool _open;

        public Stasher(IActorRef probe) => _probe = probe;

        public IStash Stash { get; set; } = null!;

        protected override void OnReceive(object message)
        {
            if (message is "open")
            {
                _open = true;
                Stash.UnstashAll();
            }
            else if (_open)
            {
                _probe.Tell(message);
            }
            else
            {
                Stash.Stash();
            }
        }
    }

    [Fact]
    public void Register_StashingActorOnTheMailbox_GetsTheCompactQueueAndUnstashesInOrder()
    {
        CompactMailbox.Register(Sys);
        CompactMailbox.Register(Sys);
        var probe = CreateTestProbe();
        var actor = Sys.ActorOf(Props.Create(() => new Stasher(probe.Ref)).WithMailbox(CompactMailbox.Id));

        actor.Tell(1);
        actor.Tell(2);
        actor.Tell("open");
        actor.Tell(3);

        Assert.Equal([1, 2, 3], new[] { probe.ExpectMsg<int>(), probe.ExpectMsg<int>(), probe.ExpectMsg<int>() });
        var cell = (ActorCell)((ActorRefWithCell)actor).Underlying;
        Assert.IsType<CompactDequeMessageQueue>(cell.Mailbox!.MessageQueue);
    }
}
