using System.Net;
using System.Threading.Channels;

namespace Concentrator.Kernel;

/// <summary>
/// The kernel boundary (the role of strongSwan's kernel_ipsec_t + kernel_net_t, in our words): everything the
/// concentrator asks of the kernel to carry ESP for route-based CHILD SAs. Every method completes when the
/// kernel has acknowledged the request and throws <see cref="KernelException"/> (errno + extended ack) when
/// it refused. Implementations may batch concurrent calls into one send.
/// </summary>
public interface IKernelIpsec : IAsyncDisposable
{
    /// <summary>Reserves an inbound SPI (XFRM_MSG_ALLOCSPI) between <paramref name="minSpi"/> and <paramref name="maxSpi"/>; the kernel creates a larval SA that <see cref="UpdateSaAsync"/> completes.</summary>
    ValueTask<uint> AllocateSpiAsync(IPAddress source, IPAddress destination, IpsecProtocol protocol, uint reqid, uint minSpi = 0xC000_0000, uint maxSpi = 0xCFFF_FFFF, CancellationToken cancellationToken = default);

    /// <summary>Installs a new SA (XFRM_MSG_NEWSA; fails with EEXIST if it exists).</summary>
    ValueTask AddSaAsync(SaRequest sa, CancellationToken cancellationToken = default);

    /// <summary>Replaces an SA, typically the larval one created by <see cref="AllocateSpiAsync"/> (XFRM_MSG_UPDSA).</summary>
    ValueTask UpdateSaAsync(SaRequest sa, CancellationToken cancellationToken = default);

    /// <summary>Deletes an SA (XFRM_MSG_DELSA); ESRCH when it is already gone.</summary>
    ValueTask DeleteSaAsync(SaId sa, CancellationToken cancellationToken = default);

    /// <summary>Reads an SA's counters (XFRM_MSG_GETSA: lifetime_cur, XFRMA_LASTUSED).</summary>
    ValueTask<SaCounters> QuerySaAsync(SaId sa, CancellationToken cancellationToken = default);

    /// <summary>
    /// Every SA's counters in one XFRM_MSG_GETSA dump (NLM_F_DUMP), keyed by (daddr, spi, proto): one request
    /// for a whole listing instead of one <see cref="QuerySaAsync"/> per SA. Null when the dataplane keeps its
    /// counters in this process and <see cref="QuerySaAsync"/> answers at once (userspace): reading per SA costs
    /// nothing there. Equivalent to: <c>ip -s xfrm state</c>.
    /// </summary>
    ValueTask<IReadOnlyDictionary<SaKey, SaCounters>?> DumpSaCountersAsync(CancellationToken cancellationToken = default) =>
        ValueTask.FromResult<IReadOnlyDictionary<SaKey, SaCounters>?>(null);

    /// <summary>Installs a policy (XFRM_MSG_NEWPOLICY, or XFRM_MSG_UPDPOLICY when <paramref name="replace"/>).</summary>
    ValueTask AddPolicyAsync(PolicyRequest policy, bool replace = false, CancellationToken cancellationToken = default);

    ValueTask DeletePolicyAsync(PolicyId policy, CancellationToken cancellationToken = default);

    ValueTask AddRouteAsync(RouteRequest route, CancellationToken cancellationToken = default);

    ValueTask DeleteRouteAsync(RouteRequest route, CancellationToken cancellationToken = default);

    ValueTask AddRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default);

    ValueTask DeleteRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default);

    ValueTask AddAddressAsync(AddressRequest address, CancellationToken cancellationToken = default);

    /// <summary>Removes an address from a device (RTM_DELADDR); EADDRNOTAVAIL when it is not there.</summary>
    ValueTask DeleteAddressAsync(AddressRequest address, CancellationToken cancellationToken = default);

    /// <summary>Creates the xfrm interface and returns its ifindex.</summary>
    ValueTask<int> CreateInterfaceAsync(InterfaceRequest request, CancellationToken cancellationToken = default);

    /// <summary>Finds an existing xfrm interface with this if_id (RTM_GETLINK dump), to adopt it after a restart.</summary>
    ValueTask<InterfaceInfo?> FindInterfaceByIfIdAsync(uint ifId, CancellationToken cancellationToken = default);

    ValueTask DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default);

    /// <summary>Deletes every SA and policy that <paramref name="ownership"/> says is ours; returns how many objects were removed.</summary>
    ValueTask<int> FlushOwnedAsync(KernelOwnership ownership, CancellationToken cancellationToken = default);

    /// <summary>SA expires, policy expires, acquires, and a marker when events were lost.</summary>
    ChannelReader<KernelEvent> Events { get; }
}
