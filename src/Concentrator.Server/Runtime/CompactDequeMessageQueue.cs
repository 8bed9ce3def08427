using Akka.Actor;
using Akka.Dispatch;
using Akka.Dispatch.MessageQueues;

namespace Concentrator.Server.Runtime;

/// <summary>
/// An unbounded double-ended message queue (what a stashing actor needs) that holds nothing while it is empty.
/// Akka's own (<c>UnboundedDequeMessageQueue</c>) keeps a <c>ConcurrentQueue</c> whose first segment has 32 slots
/// whether or not a message waits: ≈1 KiB per actor, the largest single item of an idle IKE SA when a node holds a
/// hundred thousand of them. Here the messages sit in a ring that is made on the first enqueue and dropped when the
/// actor has taken the last one out; an idle actor keeps only this object. Many senders, one consumer (the actor's
/// mailbox run): a lock guards the ring (uncontended in the common case, one message at a time), the count is read
/// without it to answer <see cref="HasMessages"/>.
/// </summary>
public sealed class CompactDequeMessageQueue : IMessageQueue, IUnboundedDequeBasedMessageQueueSemantics
{
    private const int FirstCapacity = 2;

    private Envelope[]? _ring;
    private int _head;
    private int _count;

    public bool HasMessages => Volatile.Read(ref _count) > 0;

    public int Count => Volatile.Read(ref _count);

    /// <summary>Slots of the ring held now: 0 while the queue is empty.</summary>
    public int Capacity
    {
        get
        {
            lock (this)
            {
                return _ring?.Length ?? 0;
            }
        }
    }

    public void Enqueue(IActorRef receiver, Envelope envelope)
    {
        lock (this)
        {
            var ring = Room();
            ring[(_head + _count) % ring.Length] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    /// <summary>Puts <paramref name="envelope"/> in front of every waiting message (an unstash).</summary>
    public void EnqueueFirst(Envelope envelope)
    {
        lock (this)
        {
            var ring = Room();
            _head = (_head - 1 + ring.Length) % ring.Length;
            ring[_head] = envelope;
            Volatile.Write(ref _count, _count + 1);
        }
    }

    public bool TryDequeue(out Envelope envelope)
    {
        if (Volatile.Read(ref _count) == 0)
        {
            envelope = default;
            return false;
        }

        lock (this)
        {
            if (_count == 0)
            {
                envelope = default;
                return false;
            }

            var ring = _ring!;
            envelope = ring[_head];
            ring[_head] = default;
            _head = (_head + 1) % ring.Length;
            Volatile.Write(ref _count, _count - 1);
            if (_count == 0)
            {
                // Idle again: give the ring back rather than keep it for the next message.
                _ring = null;
                _head = 0;
            }

            return true;
        }
    }

    public void CleanUp(IActorRef owner, IMessageQueue deadletters)
    {
        while (TryDequeue(out var envelope))
        {
            deadletters.Enqueue(owner, envelope);
        }
    }

    /// <summary>The ring with room for one more message (under the lock).</summary>
    private Envelope[] Room()
    {
        if (_ring is null)
        {
            _ring = new Envelope[FirstCapacity];
            _head = 0;
        }
        else if (_count == _ring.Length)
        {
            var larger = new Envelope[_ring.Length * 2];
            for (int i = 0; i < _count; i++)
            {
                larger[i] = _ring[(_head + i) % _ring.Length];
            }

            _ring = larger;
            _head = 0;
        }

        return _ring;
    }
}
