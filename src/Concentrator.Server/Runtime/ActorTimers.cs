using Akka.Actor;

namespace Concentrator.Server.Runtime;

/// <summary>
/// Single and periodic timers of one actor with the guarantee of Akka's <c>IWithTimers</c> (a timer started again
/// or cancelled delivers nothing of its earlier run, even if that message is already in the mailbox), for actors a
/// node holds by the hundred thousand: Akka's keeps a dictionary and two objects per timer and a scheduler
/// registration (≈ 330 + 230 bytes for an IKE SA with one timer running); this keeps a slot per running timer, and a
/// single timer waits in the actor system's <see cref="DeadlineQueue"/> instead of Akka's scheduler. The actor hands
/// every message to <see cref="Accept"/> first and stops them all when it stops (<see cref="CancelAll"/>). Used on
/// the actor's thread.
/// </summary>
public sealed class ActorTimers(IActorRef self, IScheduler scheduler)
{
    private Due?[]? _slots;

    /// <summary>Timers running.</summary>
    public int Count => _slots?.Count(s => s is not null) ?? 0;

    /// <summary>Sends <paramref name="message"/> to the actor once after <paramref name="delay"/>, replacing the timer
    /// of <paramref name="key"/> if one runs.</summary>
    public void StartSingleTimer(object key, object message, TimeSpan delay)
    {
        Cancel(key);
        var due = new Due(self, key, message, periodic: null);
        Put(due);
        DeadlineQueue.For(scheduler).Schedule(due, delay);
    }

    /// <summary>Sends <paramref name="message"/> to the actor every <paramref name="interval"/>, replacing the timer of
    /// <paramref name="key"/> if one runs.</summary>
    public void StartPeriodicTimer(object key, object message, TimeSpan interval)
    {
        Cancel(key);
        var due = new Due(self, key, message, periodic: new Cancelable(scheduler));
        Put(due);
        scheduler.ScheduleTellRepeatedly(interval, interval, self, due, self, due.Periodic);
    }

    public void Cancel(object key)
    {
        if (_slots is not { } slots || IndexOf(key) is not (>= 0 and var i))
        {
            return;
        }

        Stop(slots[i]!);
        slots[i] = null;
        if (Array.TrueForAll(slots, s => s is null))
        {
            _slots = null;
        }
    }

    public void CancelAll()
    {
        foreach (var due in _slots ?? [])
        {
            if (due is not null)
            {
                Stop(due);
            }
        }

        _slots = null;
    }

    /// <summary>Whether <paramref name="message"/> came from a timer (then the actor handles <paramref name="payload"/>
    /// instead, unless it is null: the timer was cancelled or started again since).</summary>
    public bool Accept(object message, out object? payload)
    {
        payload = null;
        if (message is not Due due)
        {
            return false;
        }

        if (IndexOf(due.Key) is >= 0 and var i && ReferenceEquals(_slots![i], due))
        {
            payload = due.Message;
            if (due.Periodic is null)
            {
                _slots[i] = null;
                if (Array.TrueForAll(_slots, s => s is null))
                {
                    _slots = null;
                }
            }
        }

        return true;
    }

    private void Stop(Due due)
    {
        if (due.Periodic is { } periodic)
        {
            periodic.Cancel(false);
        }
        else
        {
            DeadlineQueue.For(scheduler).Cancel(due);
        }
    }

    private int IndexOf(object key)
    {
        var slots = _slots;
        for (int i = 0; slots is not null && i < slots.Length; i++)
        {
            if (slots[i] is { } due && due.Key.Equals(key))
            {
                return i;
            }
        }

        return -1;
    }

    private void Put(Due due)
    {
        if (_slots is null)
        {
            _slots = [due];
            return;
        }

        int free = Array.IndexOf(_slots, null);
        if (free < 0)
        {
            _slots = [.. _slots, due];
        }
        else
        {
            _slots[free] = due;
        }
    }

    /// <summary>What a timer sends: told apart from a later run of the same key by reference. A single timer waits in
    /// the <see cref="DeadlineQueue"/> until its deadline even when cancelled, so cancelling lets go of the actor and the
    /// message (a stopped actor's cell and state must not be kept alive by its timers); a periodic one waits in Akka's
    /// scheduler, <see cref="Periodic"/> stops it.</summary>
    internal sealed class Due(IActorRef target, object key, object message, ICancelable? periodic)
    {
        private volatile bool _cancelled;

        /// <summary>The actor to tell; null once cancelled.</summary>
        public IActorRef? Target { get; private set; } = target;

        public object Key { get; } = key;

        /// <summary>What the actor handles; null once cancelled.</summary>
        public object? Message { get; private set; } = message;

        public ICancelable? Periodic { get; } = periodic;

        /// <summary>Set by the actor's thread, read by the queue's.</summary>
        public bool Cancelled => _cancelled;

        /// <summary>Marks it cancelled and lets go of the actor and the message; false when it already was.</summary>
        public bool Cancel()
        {
            if (_cancelled)
            {
                return false;
            }

            _cancelled = true;
            Target = null;
            Message = null;
            return true;
        }
    }
}
