using System.Net;
using System.Security.Cryptography;
using System.Threading.Channels;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Userspace;

/// <summary>
/// <see cref="IKernelIpsec"/> carried out in this process, for kernels without xfrm interfaces or ESP: SAs
/// and policies live in <see cref="SaTable"/>/<see cref="PolicyTable"/>, "xfrm interfaces" are TUN devices
/// named ipsecN (one per if_id, shared by its SAs), ESP travels on the shared UDP 4500 socket. Routes, rules
/// and addresses still go to the kernel (they steer traffic into the TUN devices). Same errno semantics as
/// the netlink implementation: EEXIST, ESRCH, ENOENT.
/// </summary>
public sealed class UserspaceKernelIpsec : IKernelIpsec
{
    private readonly UserspaceIpsecOptions _options;
    private readonly UserspaceDataplane _dataplane;
    private readonly Channel<KernelEvent> _events;
    private readonly HashSet<uint> _larval = [];
    private readonly HashSet<IPAddress> _local;
    private readonly Dictionary<uint, EspSa> _inboundByReqid = [];
    private readonly Action<EspSa, bool> _onExpired;
    private readonly Dictionary<uint, uint> _interfaceIfIds = [];
    private readonly object _gate = new();
    private readonly Lazy<NetlinkKernelIpsec> _rtnl;

    public UserspaceKernelIpsec(UserspaceIpsecOptions? options = null)
    {
        _options = options ?? new UserspaceIpsecOptions();
        _onExpired = OnExpired;
        if (_options.ReplayWindow > UserspaceIpsecOptions.MaxReplayWindow)
        {
            throw new ArgumentOutOfRangeException(
                nameof(options),
                _options.ReplayWindow,
                $"ReplayWindow must be at most {UserspaceIpsecOptions.MaxReplayWindow} packets");
        }

        _rtnl = new(() => NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = _options.NetworkNamespacePath, ListenForEvents = false }));
        _events = Channel.CreateBounded<KernelEvent>(new BoundedChannelOptions(_options.EventCapacity)
        {
            FullMode = BoundedChannelFullMode.DropWrite,
            SingleReader = true,
        });
        _local = [.. _options.LocalAddresses];
        var counters = new DataplaneCounters();
        var sockets = BindAll(_options.UdpEndPoints, counters);
        _dataplane = new UserspaceDataplane(sockets, counters, _events);
        if (_options.RawEsp && sockets.Count > 0)
        {
            OpenRaw(_options.UdpEndPoints);
        }

        foreach (var socket in sockets)
        {
            socket.Start();
        }
    }

    public ChannelReader<KernelEvent> Events => _events.Reader;

    /// <summary>Dataplane-wide counters (drops by reason, packets, IKE datagrams).</summary>
    public DataplaneCounters Counters => _dataplane.Counters;

    /// <summary>The shared UDP sockets, one per <see cref="UserspaceIpsecOptions.UdpEndPoints"/> entry.</summary>
    public IReadOnlyList<UdpEncapsulationSocket> Sockets => _dataplane.Sockets;

    internal UserspaceDataplane Dataplane => _dataplane;

    private NetlinkKernelIpsec Rtnl => _rtnl.Value;

    public ValueTask<uint> AllocateSpiAsync(IPAddress source, IPAddress destination, IpsecProtocol protocol, uint reqid, uint minSpi = 0xC000_0000, uint maxSpi = 0xCFFF_FFFF, CancellationToken cancellationToken = default)
    {
        if (minSpi < 256 || maxSpi < minSpi)
        {
            // RFC 4303 section 2.1: SPIs 1..255 are reserved by IANA, 0 is never an SA.
            throw new KernelException(Errnos.EINVAL, "SPI range must lie in 256..2^32-1", "allocate SPI");
        }

        Span<byte> r = stackalloc byte[4];
        lock (_gate)
        {
            for (int attempt = 0; attempt < 64; attempt++)
            {
                RandomNumberGenerator.Fill(r);
                ulong span = (ulong)(maxSpi - minSpi) + 1;
                uint spi = minSpi + (uint)(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(r) % span);
                if (_dataplane.Sas.LookupInbound(spi) is null && _larval.Add(spi))
                {
                    _local.Add(destination);
                    return ValueTask.FromResult(spi);
                }
            }
        }

        throw new KernelException(Errnos.EBUSY, "no free SPI in range", "allocate SPI");
    }

    public ValueTask AddSaAsync(SaRequest sa, CancellationToken cancellationToken = default)
    {
        Install(sa, replace: false);
        return ValueTask.CompletedTask;
    }

    public ValueTask UpdateSaAsync(SaRequest sa, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_larval.Contains(sa.Spi) && _dataplane.Sas.Find(sa.Id) is null)
            {
                throw new KernelException(Errnos.ESRCH, null, "update SA");
            }
        }

        Install(sa, replace: true);
        return ValueTask.CompletedTask;
    }

    public ValueTask DeleteSaAsync(SaId sa, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var removed = _dataplane.Sas.Remove(sa);
            Forget(removed);
            removed.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<SaCounters> QuerySaAsync(SaId sa, CancellationToken cancellationToken = default) =>
        _dataplane.Sas.Find(sa) is { } s ? ValueTask.FromResult(s.Snapshot()) : throw new KernelException(Errnos.ESRCH, null, "query SA");

    /// <summary>Drop counters of one SA (replay, ICV, padding, selector ...), which the kernel keeps only globally.</summary>
    public long QuerySaDrops(SaId sa, EspDrop reason) =>
        _dataplane.Sas.Find(sa) is { } s ? s.DropCount(reason) : throw new KernelException(Errnos.ESRCH, null, "query SA");

    public ValueTask AddPolicyAsync(PolicyRequest policy, bool replace = false, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entry = _dataplane.Policies.Add(policy, replace);
            RefreshSelectors(entry.Reqid);
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask DeletePolicyAsync(PolicyId policy, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            var entry = _dataplane.Policies.Remove(policy);
            RefreshSelectors(entry.Reqid);
        }

        return ValueTask.CompletedTask;
    }

    // Routes, rules and addresses steer traffic into the TUN devices: they are the kernel's business, sent
    // through the rtnetlink half of the netlink implementation (same batching writer, same errno semantics).
    public ValueTask AddRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) => Rtnl.AddRouteAsync(route, cancellationToken);

    public ValueTask DeleteRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) => Rtnl.DeleteRouteAsync(route, cancellationToken);

    public ValueTask AddRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) => Rtnl.AddRuleAsync(rule, cancellationToken);

    public ValueTask DeleteRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) => Rtnl.DeleteRuleAsync(rule, cancellationToken);

    public ValueTask AddAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) => Rtnl.AddAddressAsync(address, cancellationToken);

    public ValueTask DeleteAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) => Rtnl.DeleteAddressAsync(address, cancellationToken);

    /// <summary>Creates TUN device <c>ipsecN</c> for the if_id (the underlying device does not apply to TUN) and returns its ifindex.</summary>
    public ValueTask<int> CreateInterfaceAsync(InterfaceRequest request, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (_dataplane.Devices.ContainsKey(request.IfId))
            {
                throw new KernelException(Errnos.EEXIST, $"if_id {request.IfId} already has a device", "create interface");
            }

            var tun = TunDevice.Create(request.Name, (int)(request.Mtu ?? (uint)_options.Mtu), _options.NetworkNamespacePath);
            _dataplane.Attach(request.IfId, tun);
            _interfaceIfIds[(uint)tun.InterfaceIndex] = request.IfId;
            return ValueTask.FromResult(tun.InterfaceIndex);
        }
    }

    public ValueTask<InterfaceInfo?> FindInterfaceByIfIdAsync(uint ifId, CancellationToken cancellationToken = default) =>
        ValueTask.FromResult(_dataplane.Devices.TryGetValue(ifId, out var tun)
            ? new InterfaceInfo(tun.InterfaceIndex, tun.Name) { Kind = "tun", IfId = ifId, Mtu = (uint)tun.Mtu, Up = true }
            : null);

    public ValueTask DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_interfaceIfIds.Remove((uint)interfaceIndex, out uint ifId) || _dataplane.Detach(ifId) is not { } tun)
            {
                throw new KernelException(Errnos.ENODEV, null, "delete interface");
            }

            tun.Dispose();
        }

        return ValueTask.CompletedTask;
    }

    public ValueTask<int> FlushOwnedAsync(KernelOwnership ownership, CancellationToken cancellationToken = default)
    {
        int removed = 0;
        lock (_gate)
        {
            foreach (var sa in _dataplane.Sas.All.Where(s => ownership.OwnsReqid(s.Reqid)).ToList())
            {
                Forget(_dataplane.Sas.Remove(sa));
                sa.Dispose();
                removed++;
            }

            foreach (var p in _dataplane.Policies.All.Where(p => ownership.OwnsIfId(p.IfId) || (p.HasTemplate && ownership.OwnsReqid(p.Reqid))).ToList())
            {
                _dataplane.Policies.Remove(p);
                removed++;
            }

            _larval.Clear();
        }

        return ValueTask.FromResult(removed);
    }

    /// <summary>
    /// Sends an IKE message behind the non-ESP marker from the NAT-T socket bound to <paramref name="local"/> (a
    /// wildcard socket of its family when none is): the answer leaves from the address the request arrived on
    /// (RFC 7296 section 2.11).
    /// </summary>
    public void SendIke(IPEndPoint local, IPEndPoint remote, ReadOnlySpan<byte> message)
    {
        var socket = SocketFor(local.Address, remote.AddressFamily)
            ?? throw new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.AddressNotAvailable);
        socket.SendIke(message, remote);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var socket in _dataplane.Sockets)
        {
            socket.Dispose();
        }

        _dataplane.Dispose();
        _events.Writer.TryComplete();
        if (_rtnl.IsValueCreated)
        {
            await _rtnl.Value.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>One NAT-T socket per endpoint; if one cannot be bound, those bound so far are closed and the error says which.</summary>
    private List<UdpEncapsulationSocket> BindAll(IReadOnlyList<IPEndPoint> endpoints, DataplaneCounters counters)
    {
        var sockets = new List<UdpEncapsulationSocket>(endpoints.Count);
        try
        {
            foreach (var ep in endpoints)
            {
                var socket = UdpEncapsulationSocket.Bind(ep, _options.NetworkNamespacePath, counters);
                sockets.Add(socket);
                socket.IkeReceived = _options.IkeReceived;
                if (!IsWildcard(ep.Address))
                {
                    _local.Add(ep.Address);
                }
            }
        }
        catch
        {
            foreach (var socket in sockets)
            {
                socket.Dispose();
            }

            throw;
        }

        return sockets;
    }

    /// <summary>One raw ESP socket per family of the UDP endpoints: bound to that family's address when it has
    /// exactly one concrete address, else to any address of the family.</summary>
    private void OpenRaw(IReadOnlyList<IPEndPoint> endpoints)
    {
        foreach (var family in endpoints.Select(e => e.AddressFamily).Distinct())
        {
            var ofFamily = endpoints.Where(e => e.AddressFamily == family).Select(e => e.Address).Distinct().ToList();
            var address = ofFamily.Count == 1 && !IsWildcard(ofFamily[0])
                ? ofFamily[0]
                : family == System.Net.Sockets.AddressFamily.InterNetwork ? IPAddress.Any : IPAddress.IPv6Any;
            try
            {
                _dataplane.AttachRaw(RawEspSocket.Open(address, _dataplane.Counters, _options.NetworkNamespacePath));
            }
            catch (IOException)
            {
                // No CAP_NET_RAW or no such family here: unencapsulated SAs of this family count NoTransport.
            }
            catch (System.Net.Sockets.SocketException)
            {
                // Same, when the failure surfaces without the namespace wrapper.
            }
        }
    }

    private static bool IsWildcard(IPAddress address) => address.Equals(IPAddress.Any) || address.Equals(IPAddress.IPv6Any);

    /// <summary>The NAT-T socket bound to <paramref name="local"/>; else one of <paramref name="family"/> bound to
    /// any address; else the first of that family (the kernel picks the source address).</summary>
    private UdpEncapsulationSocket? SocketFor(IPAddress local, System.Net.Sockets.AddressFamily family)
    {
        UdpEncapsulationSocket? wildcard = null;
        UdpEncapsulationSocket? first = null;
        foreach (var socket in _dataplane.Sockets)
        {
            var bound = socket.LocalEndPoint.Address;
            if (socket.AddressFamily != family)
            {
                continue;
            }

            if (bound.Equals(local))
            {
                return socket;
            }

            first ??= socket;
            if (IsWildcard(bound))
            {
                wildcard ??= socket;
            }
        }

        return wildcard ?? first;
    }

    private void Install(SaRequest request, bool replace)
    {
        if (request.Protocol != IpsecProtocol.Esp || request.Mode != IpsecMode.Tunnel)
        {
            throw new KernelException(Errnos.EPROTONOSUPPORT, "the userspace dataplane carries ESP in tunnel mode only", "add SA");
        }

        // Checked before the transform exists so a refused window leaves no keyed cipher behind.
        _ = EspSa.ReplayWindowFor(request, _options.ReplayWindow);
        var sa = new EspSa(request, EspTransform.Create(request), _dataplane.Now, _options.ReplayWindow);
        lock (_gate)
        {
            bool inbound = _larval.Contains(request.Spi) || _local.Contains(request.Destination);
            if (inbound)
            {
                sa.PrepareInbound();
            }
            else if (request.Encapsulation is { } encap)
            {
                // Only the outbound SA sends, from the socket bound to its source address (the IKE SA's local
                // address); its destination is serialized once so sends do not allocate.
                if (SocketFor(request.Source, request.Destination.AddressFamily) is { } socket)
                {
                    sa.SendVia(socket, new IPEndPoint(request.Destination, encap.DestinationPort));
                }
            }
            else
            {
                var raw = request.Destination.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? _dataplane.RawV4 : _dataplane.RawV6;
                sa.RawPeerAddress = raw?.Serialize(request.Destination);
            }

            var old = _dataplane.Sas.Find(request.Id);
            _dataplane.Sas.Add(sa, inbound, replace);
            if (old is not null)
            {
                Forget(old);
                old.Dispose();
            }

            _larval.Remove(request.Spi);
            sa.Expired = _onExpired;
            if (inbound)
            {
                // Chained by reqid through the SA itself (no list per reqid): policies of the reqid refresh its selectors.
                sa.NextOfReqid = _inboundByReqid.TryGetValue(sa.Reqid, out var head) ? head : null;
                _inboundByReqid[sa.Reqid] = sa;
                sa.InboundSelectors = SelectorsFor(sa);
            }
        }
    }

    /// <summary>A hard expiry removes the SA here too (its transform is left to the GC: a packet thread may still hold it).</summary>
    private void OnExpired(EspSa sa, bool hard)
    {
        if (hard)
        {
            lock (_gate)
            {
                Forget(sa);
            }
        }

        _dataplane.OnExpired(sa, hard);
    }

    private void Forget(EspSa sa)
    {
        if (!_inboundByReqid.TryGetValue(sa.Reqid, out var head))
        {
            return;
        }

        if (ReferenceEquals(head, sa))
        {
            if (sa.NextOfReqid is { } next)
            {
                _inboundByReqid[sa.Reqid] = next;
            }
            else
            {
                _inboundByReqid.Remove(sa.Reqid);
            }

            sa.NextOfReqid = null;
            return;
        }

        // A reqid has one inbound SA, two while rekeying: the walk is short.
        for (var prev = head; prev.NextOfReqid is { } cur; prev = cur)
        {
            if (ReferenceEquals(cur, sa))
            {
                prev.NextOfReqid = cur.NextOfReqid;
                cur.NextOfReqid = null;
                return;
            }
        }
    }

    private void RefreshSelectors(uint reqid)
    {
        _inboundByReqid.TryGetValue(reqid, out var sa);
        for (; sa is not null; sa = sa.NextOfReqid)
        {
            sa.InboundSelectors = SelectorsFor(sa);
        }
    }

    /// <summary>In/fwd policies of the SA's reqid decide what may come out of it; without any, the SA's own selector.</summary>
    private CompiledSelector[] SelectorsFor(EspSa sa)
    {
        var fromPolicies = _dataplane.Policies.InboundSelectors(sa.Reqid, sa.IfId);
        if (fromPolicies.Length > 0)
        {
            return fromPolicies;
        }

        return sa.Selector is { } s && (s.Source.PrefixLength != 0 || s.Destination.PrefixLength != 0 || s.Protocol != 0)
            ? [new CompiledSelector(s)]
            : [];
    }
}
