using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: the EAP backend's address assignment (RADIUS Framed-IP-Address and Framed-IPv6-Address, RFC 6911)
/// is asked of the pool per family before the client's wish; a family the backend left out gets the pool's choice.</summary>
public class EapAssignedAddressSetupTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";

    private static IkeSaConfig Client() =>
        EapSetupTests.Client(EapType.MsChapV2) with
        {
            RequestVirtualIp4 = true,
            RequestVirtualIp6 = true,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork), TrafficSelector.Any(AddressFamily.InterNetworkV6)],
        };

    private static IkeSaConfig Server(params string[] granted) =>
        EapSetupTests.Server(EapType.MsChapV2, backend: () => new Granting(new EapMsChapV2Server(EapSetupTests.Users, new SeededRandom(7)),
            granted.Select(IPAddress.Parse).ToList())) with
        {
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8), TrafficSelectors.Subnet(IPAddress.Parse("fd00::"), 8)],
        };

    [Fact]
    public void Setup_BackendAssignsBothFamilies_EachAskedOfThePoolAndGiven()
    {
        var pool = new WishGrantingAllocator();
        using var pair = new SaPair(Client(), Server("10.77.0.9", "fd00:77::9"), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal(["10.77.0.9", "fd00:77::9"], pool.Requested.Select(a => a!.ToString()));
        Assert.Equal([IPAddress.Parse("10.77.0.9"), IPAddress.Parse("fd00:77::9")], pair.Initiator.VirtualIps);
    }

    [Fact]
    public void Setup_BackendAssignsIpv6Only_Ipv4LeftToThePool()
    {
        var pool = new WishGrantingAllocator();
        using var pair = new SaPair(Client(), Server("fd00:77::9"), pool);

        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Initiator.State);
        Assert.Equal([null, IPAddress.Parse("fd00:77::9")], pool.Requested);
        Assert.Contains(IPAddress.Parse("10.99.0.1"), pair.Initiator.VirtualIps);
        Assert.Contains(IPAddress.Parse("fd00:77::9"), pair.Initiator.VirtualIps);
    }

    /// <summary>Gives what was asked for, else 10.99.0.1 / fd00:99::1, and remembers each request's wish.</summary>
    private sealed class WishGrantingAllocator : IAddressAllocator
    {
        public List<IPAddress?> Requested { get; } = [];

        public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
        {
            Requested.Add(requested);
            return requested ?? IPAddress.Parse(family == AddressFamily.InterNetwork ? "10.99.0.1" : "fd00:99::1");
        }

        public void Release(IPAddress address, ulong owner)
        {
        }
    }

    /// <summary>A local method whose success carries the addresses a RADIUS server would grant.</summary>
    private sealed class Granting(IEapServer inner, IReadOnlyList<IPAddress> granted) : IEapServer
    {
        public EapStep Start(string identity, byte identifier) => inner.Start(identity, identifier);

        public EapStep Process(EapPacket response)
        {
            EapStep step = inner.Process(response);
            return step is EapStep.Success success ? success with { Addresses = granted } : step;
        }
    }
}
