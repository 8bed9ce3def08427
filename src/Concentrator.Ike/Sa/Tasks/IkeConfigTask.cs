using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Sa.Tasks;

/// <summary>
/// Configuration payloads in IKE_AUTH (RFC 7296 §2.19, §3.15): the initiator sends CFG_REQUEST for
/// INTERNAL_IP4_ADDRESS / INTERNAL_IP6_ADDRESS / INTERNAL_IP4_DNS, the responder answers CFG_REPLY with
/// addresses from <see cref="IAddressAllocator"/>, or INTERNAL_ADDRESS_FAILURE when none is left (§3.15.4).
/// </summary>
public sealed class IkeConfigTask : IkeTask
{
    private readonly List<ConfigAttribute> _reply = [];
    private bool _requested;

    public IkeConfigTask(IkeSa sa, bool initiator)
        : base(sa, initiator)
    {
    }

    public override ExchangeType Exchange => ExchangeType.IkeAuth;

    protected override IkeTaskStatus BuildI(IkeMessage request)
    {
        var attributes = new List<ConfigAttribute>();
        if (Sa.Config.RequestVirtualIp4)
        {
            attributes.Add(new ConfigAttribute(ConfigAttributeType.InternalIp4Address));
            attributes.Add(new ConfigAttribute(ConfigAttributeType.InternalIp4Dns));
        }

        if (Sa.Config.RequestVirtualIp6)
        {
            attributes.Add(new ConfigAttribute(ConfigAttributeType.InternalIp6Address));
            attributes.Add(new ConfigAttribute(ConfigAttributeType.InternalIp6Dns));
        }

        if (attributes.Count > 0)
        {
            request.Payloads.Add(new ConfigurationPayload(ConfigType.Request, [.. attributes]));
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus ProcessR(IkeMessage request)
    {
        if (request.Get<ConfigurationPayload>() is not { ConfigType: ConfigType.Request } cp)
        {
            return IkeTaskStatus.NeedMore;
        }

        _requested = true;
        IkeIdentity peer = Sa.RemoteIdentity ?? IkeIdentity.Any;
        bool wantedAddress = false;
        foreach (ConfigAttribute attribute in cp.Attributes)
        {
            AddressFamily family = attribute.Type switch
            {
                ConfigAttributeType.InternalIp4Address => AddressFamily.InterNetwork,
                ConfigAttributeType.InternalIp6Address => AddressFamily.InterNetworkV6,
                _ => AddressFamily.Unspecified,
            };
            if (family == AddressFamily.Unspecified || _reply.Exists(a => a.Type == attribute.Type))
            {
                continue;
            }

            wantedAddress = true;
            // RFC 7296 §3.15.1: a non-zero address in the request is the one the client would like back.
            // The EAP backend's assignment (RADIUS Framed-IP-Address / Framed-IPv6-Address) comes before the client's wish.
            IPAddress? requested = Sa.EapAssignedAddresses.FirstOrDefault(a => a.AddressFamily == family) is { } granted ? granted
                : attribute.TryGetAddress(out IPAddress? hint) && !hint!.Equals(IPAddress.Any) && !hint.Equals(IPAddress.IPv6Any) ? hint : null;
            IPAddress? assigned = Sa.Services.AddressAllocator?.Allocate(peer, family, requested, Sa.LeaseOwner,
                reclaim: Sa.InitialContactReceived);
            if (assigned is null)
            {
                continue;
            }

            Sa.VirtualIps.Add(assigned);
            _reply.Add(family == AddressFamily.InterNetwork
                ? ConfigAttribute.Address(ConfigAttributeType.InternalIp4Address, assigned)
                : ConfigAttribute.Ip6Prefix(ConfigAttributeType.InternalIp6Address, assigned, 128));
        }

        if (wantedAddress && Sa.VirtualIps.Count == 0)
        {
            Sa.ConfigFailed = true;
            return IkeTaskStatus.NeedMore;
        }

        foreach (ConfigAttribute attribute in cp.Attributes)
        {
            AddressFamily family = attribute.Type switch
            {
                ConfigAttributeType.InternalIp4Dns => AddressFamily.InterNetwork,
                ConfigAttributeType.InternalIp6Dns => AddressFamily.InterNetworkV6,
                _ => AddressFamily.Unspecified,
            };
            if (family == AddressFamily.Unspecified)
            {
                continue;
            }

            foreach (IPAddress dns in Sa.Config.DnsServers.Where(d => d.AddressFamily == family))
            {
                _reply.Add(ConfigAttribute.Address(attribute.Type, dns));
            }
        }

        return IkeTaskStatus.NeedMore;
    }

    protected override IkeTaskStatus BuildR(IkeMessage response)
    {
        if (Sa.ConfigFailed)
        {
            // RFC 7296 §3.15.4: no address could be assigned; no CHILD SA is created in this IKE_AUTH.
            response.Payloads.Add(new NotifyPayload(NotifyType.InternalAddressFailure));
        }
        else if (_requested)
        {
            response.Payloads.Add(new ConfigurationPayload(ConfigType.Reply, [.. _reply]));
        }

        return IkeTaskStatus.Success;
    }

    protected override IkeTaskStatus ProcessI(IkeMessage response)
    {
        if (response.GetNotify(NotifyType.InternalAddressFailure) is not null)
        {
            Sa.ConfigFailed = Sa.Config.RequestVirtualIp4 || Sa.Config.RequestVirtualIp6;
            return IkeTaskStatus.Success;
        }

        if (response.Get<ConfigurationPayload>() is { ConfigType: ConfigType.Reply } cp)
        {
            foreach (ConfigAttribute attribute in cp.Attributes)
            {
                if (attribute.Type is ConfigAttributeType.InternalIp4Address or ConfigAttributeType.InternalIp6Address
                    && attribute.TryGetAddress(out IPAddress? address))
                {
                    Sa.VirtualIps.Add(address!);
                }
                else if (attribute.Type is ConfigAttributeType.InternalIp4Dns or ConfigAttributeType.InternalIp6Dns
                    && attribute.TryGetAddress(out IPAddress? dns))
                {
                    Sa.DnsServers.Add(dns!);
                }
            }
        }

        return IkeTaskStatus.Success;
    }
}
