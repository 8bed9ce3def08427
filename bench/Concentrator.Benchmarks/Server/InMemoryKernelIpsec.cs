using System.Collections.Concurrent;
using System.Net;
using System.Threading.Channels;
using Concentrator.Kernel;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// A kernel that costs (almost) nothing, for the benchmarks of the actor path only: SAs and policies go into two
/// concurrent dictionaries and every call completes synchronously. It is what is left of <see cref="IKernelIpsec"/>
/// when netlink is taken away, so the measured difference between the actor path and the direct calls is the
/// actors' own overhead. Replacing a state or policy that exists is allowed (the benches reuse selectors).
/// </summary>
internal sealed class InMemoryKernelIpsec : IKernelIpsec
{
    private readonly ConcurrentDictionary<SaId, SaRequest> _sas = new();
    private readonly ConcurrentDictionary<PolicyId, PolicyRequest> _policies = new();
    private readonly Channel<KernelEvent> _events = Channel.CreateUnbounded<KernelEvent>();
    private uint _nextSpi = 0xC000_0000;

    public int SaCount => _sas.Count;

    public int PolicyCount => _policies.Count;

    public ChannelReader<KernelEvent> Events => _events.Reader;

    public ValueTask<uint> AllocateSpiAsync(IPAddress source, IPAddress destination, IpsecProtocol protocol, uint reqid, uint minSpi = 0xC000_0000, uint maxSpi = 0xCFFF_FFFF, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(Interlocked.Increment(ref _nextSpi));

    public ValueTask AddSaAsync(SaRequest sa, CancellationToken cancellationToken = default)
    {
        _sas[sa.Id] = sa;
        return ValueTask.CompletedTask;
    }

    public ValueTask UpdateSaAsync(SaRequest sa, CancellationToken cancellationToken = default) => AddSaAsync(sa, cancellationToken);

    public ValueTask DeleteSaAsync(SaId sa, CancellationToken cancellationToken = default)
    {
        _sas.TryRemove(sa, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask<SaCounters> QuerySaAsync(SaId sa, CancellationToken cancellationToken = default) => ValueTask.FromResult(default(SaCounters));

    public ValueTask AddPolicyAsync(PolicyRequest policy, bool replace = false, CancellationToken cancellationToken = default)
    {
        _policies[policy.Id] = policy;
        return ValueTask.CompletedTask;
    }

    public ValueTask DeletePolicyAsync(PolicyId policy, CancellationToken cancellationToken = default)
    {
        _policies.TryRemove(policy, out _);
        return ValueTask.CompletedTask;
    }

    public ValueTask AddRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DeleteRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask AddRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DeleteRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask AddAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask DeleteAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<int> CreateInterfaceAsync(InterfaceRequest request, CancellationToken cancellationToken = default) => ValueTask.FromResult(100);

    public ValueTask<InterfaceInfo?> FindInterfaceByIfIdAsync(uint ifId, CancellationToken cancellationToken = default) => ValueTask.FromResult<InterfaceInfo?>(null);

    public ValueTask DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default) => ValueTask.CompletedTask;

    public ValueTask<int> FlushOwnedAsync(KernelOwnership ownership, CancellationToken cancellationToken = default)
    {
        int count = _sas.Count + _policies.Count;
        _sas.Clear();
        _policies.Clear();
        return ValueTask.FromResult(count);
    }

    public ValueTask DisposeAsync()
    {
        _events.Writer.TryComplete();
        return ValueTask.CompletedTask;
    }
}
