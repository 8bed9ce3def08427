using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Concentrator.Kernel;

namespace Concentrator.Server.Tests.Kernel;

/// <summary>
/// A recording <see cref="IKernelIpsec"/>: keeps the installed states, policies, routes and interfaces like the
/// kernel would (EEXIST on duplicates, ESRCH on missing), logs every call in order, and lets a test fail a chosen
/// call (<see cref="FailWhen"/>) or hold calls until released (<see cref="Gate"/>).
/// </summary>
internal sealed class FakeKernelIpsec : IKernelIpsec
{
    private readonly Lock _lock = new();
    private readonly Channel<KernelEvent> _events = Channel.CreateUnbounded<KernelEvent>();
    private int _nextIndex = 100;
    private uint _nextSpi = 0xC000_0001;

    public ConcurrentQueue<string> Calls { get; } = new();
    public HashSet<SaId> Sas { get; } = [];
    public HashSet<PolicyId> Policies { get; } = [];
    public HashSet<RouteRequest> Routes { get; } = [];

    public HashSet<AddressRequest> Addresses { get; } = [];
    public Dictionary<int, InterfaceInfo> Interfaces { get; } = [];

    /// <summary>Given a call's description ("add-sa spi 0x…"), an exception to throw instead of doing it.</summary>
    public Func<string, Exception?> FailWhen { get; set; } = _ => null;

    /// <summary>When set, every call waits for this task first (to hold calls in flight).</summary>
    public Task? Gate { get; set; }

    public int InFlight;
    public int MaxInFlight;

    public ChannelReader<KernelEvent> Events => _events.Reader;

    public IReadOnlyList<string> CallList => [.. Calls];

    public ValueTask<uint> AllocateSpiAsync(IPAddress source, IPAddress destination, IpsecProtocol protocol, uint reqid, uint minSpi = 0xC000_0000, uint maxSpi = 0xCFFF_FFFF, CancellationToken cancellationToken = default) =>
        Do($"alloc-spi reqid {reqid}", () => _nextSpi++);

    public ValueTask AddSaAsync(SaRequest sa, CancellationToken cancellationToken = default) =>
        DoVoid($"add-sa spi 0x{sa.Spi:x8}", () => Add(Sas, sa.Id));

    public ValueTask UpdateSaAsync(SaRequest sa, CancellationToken cancellationToken = default) =>
        DoVoid($"update-sa spi 0x{sa.Spi:x8}", () => Sas.Add(sa.Id));

    public ValueTask DeleteSaAsync(SaId sa, CancellationToken cancellationToken = default) =>
        DoVoid($"delete-sa spi 0x{sa.Spi:x8}", () => Remove(Sas, sa));

    /// <summary>What QuerySaAsync answers per SPI (default: zeros).</summary>
    public Dictionary<uint, SaCounters> Counters { get; } = [];

    public ValueTask<SaCounters> QuerySaAsync(SaId sa, CancellationToken cancellationToken = default) =>
        Do($"query-sa spi 0x{sa.Spi:x8}", () => Counters.GetValueOrDefault(sa.Spi));

    /// <summary>When set, answers <see cref="DumpSaCountersAsync"/> like netlink (one dump of every SA's
    /// <see cref="Counters"/>); otherwise null, like the userspace dataplane.</summary>
    public bool DumpsCounters { get; set; }

    public ValueTask<IReadOnlyDictionary<SaKey, SaCounters>?> DumpSaCountersAsync(CancellationToken cancellationToken = default) =>
        DumpsCounters
            ? Do<IReadOnlyDictionary<SaKey, SaCounters>?>("dump-sa", () => Sas.ToDictionary(SaKey.Of, sa => Counters.GetValueOrDefault(sa.Spi)))
            : ValueTask.FromResult<IReadOnlyDictionary<SaKey, SaCounters>?>(null);

    public ValueTask AddPolicyAsync(PolicyRequest policy, bool replace = false, CancellationToken cancellationToken = default) =>
        DoVoid($"{(replace ? "update" : "add")}-policy {policy.Direction} {policy.Selector.Destination}", () =>
        {
            if (replace)
            {
                Policies.Add(policy.Id);
            }
            else
            {
                Add(Policies, policy.Id);
            }
        });

    public ValueTask DeletePolicyAsync(PolicyId policy, CancellationToken cancellationToken = default) =>
        DoVoid($"delete-policy {policy.Direction} {policy.Selector.Destination}", () => Remove(Policies, policy));

    public ValueTask AddRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) =>
        DoVoid($"add-route {route.Destination} dev {route.InterfaceIndex}", () => Add(Routes, route));

    public ValueTask DeleteRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) =>
        DoVoid($"delete-route {route.Destination} dev {route.InterfaceIndex}", () => Remove(Routes, route));

    public ValueTask AddRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) => DoVoid("add-rule", () => { });

    public ValueTask DeleteRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) => DoVoid("delete-rule", () => { });

    public ValueTask AddAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) =>
        DoVoid($"add-address {address.Address}/{address.PrefixLength} dev {address.InterfaceIndex}", () => Add(Addresses, address));

    public ValueTask DeleteAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) =>
        DoVoid($"delete-address {address.Address}/{address.PrefixLength} dev {address.InterfaceIndex}", () => Remove(Addresses, address));

    public ValueTask<int> CreateInterfaceAsync(InterfaceRequest request, CancellationToken cancellationToken = default) =>
        Do($"create-interface {request.Name} if_id {request.IfId} mtu {request.Mtu}", () =>
        {
            if (Interfaces.Values.Any(i => i.IfId == request.IfId || i.Name == request.Name))
            {
                throw new KernelException(Errnos.EEXIST, null, "create-interface");
            }

            var index = _nextIndex++;
            Interfaces[index] = new InterfaceInfo(index, request.Name) { Kind = "xfrm", IfId = request.IfId, Mtu = request.Mtu ?? 1500, Up = request.Up };
            return index;
        });

    public ValueTask<InterfaceInfo?> FindInterfaceByIfIdAsync(uint ifId, CancellationToken cancellationToken = default) =>
        Do($"find-interface if_id {ifId}", () => Interfaces.Values.FirstOrDefault(i => i.IfId == ifId));

    public ValueTask DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default) =>
        DoVoid($"delete-interface {interfaceIndex}", () =>
        {
            if (!Interfaces.Remove(interfaceIndex))
            {
                throw new KernelException(Errnos.ENODEV, null, "delete-interface");
            }
        });

    public ValueTask<int> FlushOwnedAsync(KernelOwnership ownership, CancellationToken cancellationToken = default) => Do("flush", () => 0);

    /// <summary>Delivers an event as the kernel's multicast socket would.</summary>
    public void Publish(KernelEvent e) => _events.Writer.TryWrite(e);

    /// <summary>Adds an interface the operator made (to be adopted).</summary>
    public int AddExistingInterface(string name, uint ifId)
    {
        lock (_lock)
        {
            var index = _nextIndex++;
            Interfaces[index] = new InterfaceInfo(index, name) { Kind = "xfrm", IfId = ifId, Mtu = 1500, Up = true };
            return index;
        }
    }

    public bool IsEmpty
    {
        get
        {
            lock (_lock)
            {
                return Sas.Count == 0 && Policies.Count == 0;
            }
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private static void Add<T>(HashSet<T> set, T item)
    {
        if (!set.Add(item))
        {
            throw new KernelException(Errnos.EEXIST, "exists", "add");
        }
    }

    private static void Remove<T>(HashSet<T> set, T item)
    {
        if (!set.Remove(item))
        {
            throw new KernelException(Errnos.ESRCH, null, "delete");
        }
    }

    private async ValueTask DoVoid(string call, Action action) => await Do(call, () => { action(); return 0; }).ConfigureAwait(false);

    private async ValueTask<T> Do<T>(string call, Func<T> action)
    {
        var now = Interlocked.Increment(ref InFlight);
        InterlockedMax(ref MaxInFlight, now);
        try
        {
            // Yield first so the caller really sees an asynchronous kernel.
            await Task.Yield();
            if (Gate is { } gate)
            {
                await gate.ConfigureAwait(false);
            }

            lock (_lock)
            {
                Calls.Enqueue(call);
                if (FailWhen(call) is { } e)
                {
                    throw e;
                }

                return action();
            }
        }
        finally
        {
            Interlocked.Decrement(ref InFlight);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
