using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

public class TrafficSelectorsTests
{
    [Fact]
    public void Intersect_AnyWithSubnet_IsSubnet()
    {
        TrafficSelector subnet = TrafficSelectors.Subnet(IPAddress.Parse("10.1.2.3"), 16);

        TrafficSelector x = TrafficSelectors.Intersect(TrafficSelector.Any(AddressFamily.InterNetwork), subnet)!.Value;

        Assert.Equal(IPAddress.Parse("10.1.0.0"), x.GetStartAddress());
        Assert.Equal(IPAddress.Parse("10.1.255.255"), x.GetEndAddress());
    }

    [Fact]
    public void Intersect_ProtocolAndPorts_Narrowed()
    {
        var tcp443 = new TrafficSelector(6, 443, 443, IPAddress.Any, IPAddress.Broadcast);

        TrafficSelector x = TrafficSelectors.Intersect(TrafficSelector.Any(AddressFamily.InterNetwork), tcp443)!.Value;

        Assert.Equal((byte)6, x.IpProtocol);
        Assert.Equal((ushort)443, x.StartPort);
        Assert.Null(TrafficSelectors.Intersect(tcp443, new TrafficSelector(17, 0, 65535, IPAddress.Any, IPAddress.Broadcast)));
    }

    [Fact]
    public void Intersect_DisjointOrOtherFamily_Null()
    {
        Assert.Null(TrafficSelectors.Intersect(TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8),
            TrafficSelectors.Subnet(IPAddress.Parse("192.168.0.0"), 16)));
        Assert.Null(TrafficSelectors.Intersect(TrafficSelector.Any(AddressFamily.InterNetwork),
            TrafficSelector.Any(AddressFamily.InterNetworkV6)));
    }

    [Fact]
    public void Narrow_RequestAnyToVirtualIp_GivesHostSelector()
    {
        List<TrafficSelector> result = TrafficSelectors.Narrow([TrafficSelector.Any(AddressFamily.InterNetwork)],
            [TrafficSelectors.Host(IPAddress.Parse("10.99.0.1"))]);

        TrafficSelector only = Assert.Single(result);
        Assert.Equal(IPAddress.Parse("10.99.0.1"), only.GetStartAddress());
        Assert.Equal(IPAddress.Parse("10.99.0.1"), only.GetEndAddress());
        Assert.True(TrafficSelectors.IsCoveredBy(only, [TrafficSelector.Any(AddressFamily.InterNetwork)]));
        Assert.False(TrafficSelectors.IsCoveredBy(TrafficSelector.Any(AddressFamily.InterNetwork), [only]));
    }
}
