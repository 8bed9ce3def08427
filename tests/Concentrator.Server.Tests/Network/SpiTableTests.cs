using System.Net;
using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Network;
using Concentrator.Server.Tests.Sa;

namespace Concentrator.Server.Tests.Network;

/// <summary>IKE SPIs are drawn and registered in one step (DESIGN.md rule 14, wireguard-go's indextable.go).</summary>
public sealed class SpiTableTests : TestKit
{
    [Fact]
    public void Allocate_ManyTimes_EachSpiNonZeroRegisteredAndDistinct()
    {
        var table = new SpiTable();
        var owner = CreateTestProbe().Ref;

        var spis = Enumerable.Range(0, 1000).Select(_ => table.Allocate(owner)).ToList();

        Assert.DoesNotContain(0UL, spis);
        Assert.Equal(1000, spis.Distinct().Count());
        Assert.Equal(1000, table.Count);
        Assert.All(spis, spi => Assert.True(table.TryGet(spi, out var o) && o.Equals(owner)));
    }

    [Fact]
    public void Transfer_FromOwner_MovesEntry_FromOtherActor_KeepsIt()
    {
        var table = new SpiTable();
        var a = CreateTestProbe().Ref;
        var b = CreateTestProbe().Ref;
        var c = CreateTestProbe().Ref;
        ulong spi = table.Allocate(a);

        Assert.False(table.Transfer(spi, c, b));
        Assert.True(table.TryGet(spi, out var stillA) && stillA.Equals(a));
        Assert.True(table.Transfer(spi, a, b));
        Assert.True(table.TryGet(spi, out var nowB) && nowB.Equals(b));
        Assert.False(table.Unregister(spi, a));
        Assert.True(table.Unregister(spi, b));
    }

    [Fact]
    public void IkeSa_WithSpiAllocator_TakesItsResponderSpiFromIt()
    {
        var endpoint = new IPEndPoint(IPAddress.Loopback, 500);
        using var sa = IkeSa.CreateResponder(SaActorHarness.ServerConfig(), new IkeSaServices { IkeSpiAllocator = () => 0x1234_5678_9abc_def0 },
            endpoint, endpoint);

        Assert.Equal(0x1234_5678_9abc_def0UL, sa.ResponderSpi);
    }
}
