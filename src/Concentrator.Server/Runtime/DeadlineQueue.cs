using System.Runtime.CompilerServices;
using Akka.Actor;

namespace Concentrator.Server.Runtime;

/// <summary>
/// The single-shot timers of every <see cref="ActorTimers"/> on one scheduler, in one priority queue woken by one Akka
/// timer for its earliest deadline (issue 13): Akka's scheduler keeps ≈ 230 bytes per message it is to send (a
/// registration, a cancelable with its <c>CancellationTokenSource</c>, the tell and its wrapper), which an idle IKE SA
/// paid twice (its lifetime and rekey timers); here a timer costs a queue slot. A cancelled timer stays queued, marked,
/// until its deadline passes or most of the queue is cancelled (then it is swept). Time is the scheduler's: its
/// monotonic clock, or for another scheduler (Akka's virtual-time TestScheduler) its <c>Now</c>.
/// </summary>
internal sealed class DeadlineQueue
{
    /// <summary>Cancelled entries kept at most before a sweep (when they are also most of the queue).</summary>
    internal const int SweepAbove = 4096;
    private static readonly ConditionalWeakTable<IScheduler, DeadlineQueue> Queues = [];

    private readonly IScheduler _scheduler;
    private readonly Func<TimeSpan> _clock;
    private readonly PriorityQueue<ActorTimers.Due, TimeSpan> _queue = new();
    private readonly Lock _lock = new();
    private TimeSpan _wakeAt = TimeSpan.MaxValue;
    private ICancelable? _wake;
    private int _cancelled;

    private DeadlineQueue(IScheduler scheduler)
    {
        _scheduler = scheduler;
        if (scheduler is HashedWheelTimerScheduler)
        {
            _clock = () => scheduler.MonotonicClock;
        }
        else
        {
            var origin = scheduler.Now;
            _clock = () => scheduler.Now - origin;
        }
    }

    /// <summary>The queue of <paramref name="scheduler"/>'s actor timers (one per actor system).</summary>
    public static DeadlineQueue For(IScheduler scheduler) => Queues.GetValue(scheduler, s => new DeadlineQueue(s));

    /// <summary>Timers queued, cancelled ones not yet swept included.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>Tells <paramref name="due"/> to its actor after <paramref name="delay"/>, unless it is cancelled by then.</summary>
    public void Schedule(ActorTimers.Due due, TimeSpan delay)
    {
        lock (_lock)
        {
            var now = _clock();
            var at = now + (delay > TimeSpan.Zero ? delay : TimeSpan.Zero);
            if (_cancelled > SweepAbove && _cancelled * 2 > _queue.Count)
            {
                Sweep();
            }

            _queue.Enqueue(due, at);
            if (at < _wakeAt)
            {
                Arm(at, now);
            }
        }
    }

    /// <summary>Marks <paramref name="due"/> cancelled (it stays queued, and is never told).</summary>
    public void Cancel(ActorTimers.Due due)
    {
        if (due.Cancel())
        {
            Interlocked.Increment(ref _cancelled);
        }
    }

    private void Fire()
    {
        List<ActorTimers.Due>? ready = null;
        lock (_lock)
        {
            _wakeAt = TimeSpan.MaxValue;
            _wake = null;
            var now = _clock();
            while (_queue.TryPeek(out var due, out var at) && at <= now)
            {
                _queue.Dequeue();
                if (due.Cancelled)
                {
                    Interlocked.Decrement(ref _cancelled);
                }
                else
                {
                    (ready ??= []).Add(due);
                }
            }

            if (_queue.TryPeek(out _, out var next))
            {
                Arm(next, now);
            }
        }

        foreach (var due in ready ?? [])
        {
            // Cancelled since it left the queue: the actor would drop it anyway (Accept); now nobody is told.
            due.Target?.Tell(due, ActorRefs.NoSender);
        }
    }

    private void Arm(TimeSpan at, TimeSpan now)
    {
        _wake?.Cancel(false);
        _wakeAt = at;
        var wake = new Cancelable(_scheduler);
        _scheduler.Advanced.ScheduleOnce(at > now ? at - now : TimeSpan.Zero, Fire, wake);
        _wake = wake;
    }

    private void Sweep()
    {
        var kept = new List<(ActorTimers.Due, TimeSpan)>(_queue.Count - _cancelled);
        while (_queue.TryDequeue(out var due, out var at))
        {
            if (!due.Cancelled)
            {
                kept.Add((due, at));
            }
        }

        _queue.EnqueueRange(kept);
        _cancelled = 0;
    }
}
