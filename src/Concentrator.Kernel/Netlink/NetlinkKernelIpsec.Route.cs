using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Netlink;

public sealed partial class NetlinkKernelIpsec
{
    private static readonly IReadOnlySet<int> Exists = new HashSet<int> { Errnos.EEXIST };
    private static readonly IReadOnlySet<int> NoRoute = new HashSet<int> { Errnos.ESRCH, Errnos.ENOENT };
    private static readonly IReadOnlySet<int> NoAddress = new HashSet<int> { Errnos.EADDRNOTAVAIL };
    private static readonly IReadOnlySet<int> NoDevice = new HashSet<int> { Errnos.ENODEV };

    // rtnetlink objects have no cheap exact GET, so a lost ack is resolved by sending the request again:
    // EEXIST on a re-sent add (ESRCH/ENOENT/… on a re-sent delete) then means the lost attempt did it.
    public ValueTask AddRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_NEWROUTE", (d, s) => RouteMessages.WriteNewRoute(d, s, route), RouteMessages.MaxLength, Exists, route, cancellationToken);

    public ValueTask DeleteRouteAsync(RouteRequest route, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_DELROUTE", (d, s) => RouteMessages.WriteDeleteRoute(d, s, route), RouteMessages.MaxLength, NoRoute, route, cancellationToken);

    public ValueTask AddRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_NEWRULE", (d, s) => RuleMessages.WriteNewRule(d, s, rule), RuleMessages.MaxLength, Exists, rule, cancellationToken);

    public ValueTask DeleteRuleAsync(RuleRequest rule, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_DELRULE", (d, s) => RuleMessages.WriteDeleteRule(d, s, rule), RuleMessages.MaxLength, NoRoute, rule, cancellationToken);

    public ValueTask AddAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_NEWADDR", (d, s) => AddressMessages.WriteNewAddress(d, s, address), AddressMessages.MaxLength, Exists, address, cancellationToken);

    public ValueTask DeleteAddressAsync(AddressRequest address, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_DELADDR", (d, s) => AddressMessages.WriteDeleteAddress(d, s, address), AddressMessages.MaxLength, NoAddress, address, cancellationToken);

    public async ValueTask<int> CreateInterfaceAsync(InterfaceRequest request, CancellationToken cancellationToken = default)
    {
        await Rtnl("RTM_NEWLINK", (d, s) => LinkMessages.WriteNewXfrmLink(d, s, request), LinkMessages.MaxLength, Exists, request.Name, cancellationToken).ConfigureAwait(false);
        var created = (await ListInterfacesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(i => i.Name == request.Name);
        return created?.Index ?? throw new KernelException(Errnos.ENODEV, $"{request.Name} vanished right after it was created", "RTM_NEWLINK");
    }

    public async ValueTask<InterfaceInfo?> FindInterfaceByIfIdAsync(uint ifId, CancellationToken cancellationToken = default) =>
        (await ListInterfacesAsync(cancellationToken).ConfigureAwait(false)).FirstOrDefault(i => i.Kind == "xfrm" && i.IfId == ifId);

    public ValueTask DeleteInterfaceAsync(int interfaceIndex, CancellationToken cancellationToken = default) =>
        Rtnl("RTM_DELLINK", (d, s) => LinkMessages.WriteDeleteLink(d, s, interfaceIndex), LinkMessages.MaxLength, NoDevice, interfaceIndex, cancellationToken);

    /// <summary>Every link of the namespace (RTM_GETLINK dump).</summary>
    public async ValueTask<IReadOnlyList<InterfaceInfo>> ListInterfacesAsync(CancellationToken cancellationToken = default)
    {
        var request = new NetlinkRequest("RTM_GETLINK dump", LinkMessages.WriteDumpLinks, cancellationToken)
        {
            IsDump = true,
            MaxLength = LinkMessages.MaxLength,
        };
        var reply = await Submit(RouteWriter, request).ConfigureAwait(false);
        var list = new List<InterfaceInfo>(reply.Messages.Count);
        foreach (var bytes in reply.Messages)
        {
            foreach (var m in new NetlinkMessageReader(bytes))
            {
                if (m.Type == RtnetlinkConstants.RTM_NEWLINK)
                {
                    list.Add(LinkReplies.ParseLink(m));
                }
            }
        }

        return list;
    }

    /// <summary>An rtnetlink change; <paramref name="key"/> keeps an add and a delete of one object out of the same batch.</summary>
    private ValueTask Rtnl(string operation, NetlinkEncoder encoder, int maxLength, IReadOnlySet<int> alreadyDone, object key, CancellationToken ct) =>
        Send(RouteWriter, new NetlinkRequest(operation, encoder, ct)
        {
            MaxLength = maxLength,
            ConflictKey = key,
            Recovery = new NetlinkRecovery.Resend(AlreadyDone: alreadyDone),
        });
}
