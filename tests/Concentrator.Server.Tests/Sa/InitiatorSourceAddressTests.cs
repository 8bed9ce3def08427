using System.Net;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>Our address towards a peer we initiate to (<see cref="InitiatorTarget.FromListen"/>): the routing table's
/// choice when we listen on it, else the first concrete listen address of the peer's family.</summary>
public sealed class InitiatorSourceAddressTests
{
    [Fact]
    public void FromListen_RoutingTablePicksAListenAddressNotTheFirst_ThatOne()
    {
        // Towards 127.0.0.1 the routing table picks 127.0.0.1, the second listen address.
        var source = InitiatorTarget.FromListen([IPAddress.Parse("192.0.2.1"), IPAddress.Loopback])(IPAddress.Loopback);

        Assert.Equal(IPAddress.Loopback, source);
    }

    [Fact]
    public void FromListen_RoutingTablePicksAnAddressWeDoNotListenOn_FirstListenAddressOfTheFamily()
    {
        var source = InitiatorTarget.FromListen([IPAddress.IPv6Loopback, IPAddress.Parse("192.0.2.1"), IPAddress.Parse("192.0.2.9")])(IPAddress.Loopback);

        Assert.Equal(IPAddress.Parse("192.0.2.1"), source);
    }

    [Fact]
    public void FromListen_OnlyWildcard_RoutingTablesChoice()
    {
        Assert.Equal(IPAddress.Loopback, InitiatorTarget.FromListen([IPAddress.Any])(IPAddress.Loopback));
    }
}
