using System.Collections.Concurrent;
using Akka.Dispatch;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Runtime;

/// <summary>
/// An Akka executor (<c>executor = "Concentrator.Server.Runtime.ParkingExecutor, Concentrator.Server"</c> in a
/// dispatcher's configuration): <c>parking-executor.threads</c> dedicated threads take the actors' mailbox runs from
/// one queue and, once it is empty, park at once on an event of their own — no spinning first. Akka's fork-join
/// executor (Helios' DedicatedThreadPool) spins <c>Thread.Sleep(0)</c> up to 50 times per processor before it parks,
/// and the .NET thread pool spins too; with IKE's arrivals spread out, most of those spins find nothing, and on a
/// shared machine each is a <c>sched_yield</c> that costs CPU (bench/README.md, "CPU per setup"). An idle thread is
/// woken only when work arrives and none is running to take it, the most recently parked first (its cache is warm).
/// </summary>
public sealed class ParkingExecutor(HoconConfig config, IDispatcherPrerequisites prerequisites)
    : ExecutorServiceConfigurator(config, prerequisites)
{
    /// <summary>The threads when the dispatcher's configuration has no <c>parking-executor.threads</c>.</summary>
    public const int DefaultThreads = 8;

    public override ExecutorService Produce(string id)
    {
        var threads = Config.GetInt("parking-executor.threads", DefaultThreads);
        if (threads < 1)
        {
            throw new Akka.Configuration.ConfigurationException(
                $"{id}.parking-executor.threads: expected a thread count of at least 1, got {threads}");
        }

        var awake = Config.GetInt("parking-executor.awake", 0);
        if (awake < 0)
        {
            throw new Akka.Configuration.ConfigurationException(
                $"{id}.parking-executor.awake: expected 0 (one per processor) or a thread count, got {awake}");
        }

        return new ParkingThreadPool(id, threads, awake == 0 ? Environment.ProcessorCount : awake);
    }
}

/// <summary>The threads of a <see cref="ParkingExecutor"/>.</summary>
internal sealed class ParkingThreadPool : ExecutorService
{
    private readonly ConcurrentQueue<IRunnable> _work = new();
    private readonly Stack<Worker> _parked = new();
    private readonly Lock _lock = new();
    private readonly int _threads;
    private readonly int _awake;
    private int _parkedCount;
    private volatile bool _shutdown;

    /// <summary><paramref name="awake"/>: a parked thread is woken for new work only while fewer than this many
    /// are awake; the awake ones take the rest from the queue before they park.</summary>
    public ParkingThreadPool(string id, int threads, int awake)
        : base(id)
    {
        _threads = threads;
        _awake = Math.Max(1, awake);
        for (var i = 0; i < threads; i++)
        {
            var worker = new Worker(this);
            new Thread(worker.Loop) { IsBackground = true, Name = $"{id}_{i + 1}" }.Start();
        }
    }

    public override void Execute(IRunnable run)
    {
        _work.Enqueue(run);
        // Pairs with the worker's increment-then-look in Park: either it sees this run in the queue, or this sees it
        // counted as parked (both sides are full fences).
        Interlocked.MemoryBarrier();
        var parked = Volatile.Read(ref _parkedCount);
        if (parked > 0 && _threads - parked < _awake)
        {
            WakeOne();
        }
    }

    public override void Shutdown()
    {
        _shutdown = true;
        lock (_lock)
        {
            while (_parked.TryPop(out var worker))
            {
                Interlocked.Decrement(ref _parkedCount);
                worker.Wake();
            }
        }
    }

    private void WakeOne()
    {
        Worker? worker;
        lock (_lock)
        {
            if (!_parked.TryPop(out worker))
            {
                return;
            }

            Interlocked.Decrement(ref _parkedCount);
        }

        worker.Wake();
    }

    /// <summary>Puts <paramref name="worker"/> on the parked stack unless there is work; false when there is.</summary>
    private bool TryPark(Worker worker)
    {
        lock (_lock)
        {
            Interlocked.Increment(ref _parkedCount);
            if (!_work.IsEmpty || _shutdown)
            {
                Interlocked.Decrement(ref _parkedCount);
                return false;
            }

            _parked.Push(worker);
            return true;
        }
    }

    [System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The event never makes a kernel handle (nothing reads its WaitHandle), so there is nothing to release; disposing it while a waker may still Set it would race.")]
    private sealed class Worker(ParkingThreadPool pool)
    {
        // No spinning before the wait: that is the point of this executor.
        private readonly ManualResetEventSlim _wake = new(false, spinCount: 0);

        public void Wake() => _wake.Set();

        public void Loop()
        {
            while (true)
            {
                while (pool._work.TryDequeue(out var run))
                {
                    run.Run();
                }

                if (pool._shutdown)
                {
                    return;
                }

                if (pool.TryPark(this))
                {
                    _wake.Wait();
                    _wake.Reset();
                }
            }
        }
    }
}
