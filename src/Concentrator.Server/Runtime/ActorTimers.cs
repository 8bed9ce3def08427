using Akka.Actor;

namespace Concentrator.Server.Runtime;

/// <summary>
/// Single and periodic timers of one actor with the guarantee of Akka's <c>IWithTimers</c> (a timer started again
/// or cancelled delivers nothing of its earlier run, even if that message is already in the mailbox), for actors a
/// node holds by the hundred thousand: Akka's keeps a dictionary and two objects per timer (≈330 bytes for an IKE SA
/// with one timer running); this keeps a slot per running timer. The actor hands every message to
/// <see cref="Accept"/> first and stops them all when it stops (<see cref="CancelAll"/>). Used on the actor's thread.
/// </summary>
public sealed class ActorTimers(IActorRef self, IScheduler scheduler)
{
    private Slot[]? _slots;

    /// <summary>Timers running.</summary>
    public int Count => _slots?.Count(s => s.Key is not null) ?? 0;

    /// <summary>Sends <paramref name="message"/> to the actor once after <paramref name="delay"/>, replacing the timer
    /// of <paramref name="key"/> if one runs.</summary>
    public void StartSingleTimer(object key, object message, TimeSpan delay)
    {
        Cancel(key);
        var due = new Due(key, message, periodic: false);
        Put(new Slot(key, due, scheduler.ScheduleTellOnceCancelable(delay, self, due, self)));
    }

    /// <summary>Sends <paramref name="message"/> to the actor every <paramref name="interval"/>, replacing the timer of
    /// <paramref name="key"/> if one runs.</summary>
    public void StartPeriodicTimer(object key, object message, TimeSpan interval)
    {
        Cancel(key);
        var due = new Due(key, message, periodic: true);
        Put(new Slot(key, due, scheduler.ScheduleTellRepeatedlyCancelable(interval, interval, self, due, self)));
    }

    public void Cancel(object key)
    {
        if (_slots is not { } slots || IndexOf(key) is not (>= 0 and var i))
        {
            return;
        }

        slots[i].Cancelable.Cancel(false);
        slots[i] = default;
        if (Array.TrueForAll(slots, s => s.Key is null))
        {
            _slots = null;
        }
    }

    public void CancelAll()
    {
        foreach (var slot in _slots ?? [])
        {
            slot.Cancelable?.Cancel(false);
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

        if (IndexOf(due.Key) is >= 0 and var i && ReferenceEquals(_slots![i].Due, due))
        {
            payload = due.Message;
            if (!due.Periodic)
            {
                _slots[i] = default;
                if (Array.TrueForAll(_slots, s => s.Key is null))
                {
                    _slots = null;
                }
            }
        }

        return true;
    }

    private int IndexOf(object key)
    {
        var slots = _slots;
        for (int i = 0; slots is not null && i < slots.Length; i++)
        {
            if (slots[i].Key is { } k && k.Equals(key))
            {
                return i;
            }
        }

        return -1;
    }

    private void Put(Slot slot)
    {
        if (_slots is null)
        {
            _slots = [slot];
            return;
        }

        int free = Array.FindIndex(_slots, s => s.Key is null);
        if (free < 0)
        {
            _slots = [.. _slots, slot];
        }
        else
        {
            _slots[free] = slot;
        }
    }

    /// <summary>What a timer sends: told apart from a later run of the same key by reference.</summary>
    private sealed class Due(object key, object message, bool periodic)
    {
        public object Key { get; } = key;

        public object Message { get; } = message;

        public bool Periodic { get; } = periodic;
    }

    private readonly record struct Slot(object? Key, Due? Due, ICancelable Cancelable);
}
