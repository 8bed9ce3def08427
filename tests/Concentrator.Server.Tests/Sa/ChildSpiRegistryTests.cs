using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

public sealed class ChildSpiRegistryTests : TestKit
{
    [Fact]
    public void Allocate_Many_AllDistinctOutsideReservedRangeAndHeldUntilReleased()
    {
        var registry = new ChildSpiRegistry();

        var spis = Enumerable.Range(0, 20_000).Select(_ => registry.Allocate()).ToList();

        Assert.Equal(spis.Count, spis.Distinct().Count());
        Assert.All(spis, s => Assert.True(s >= 256, $"SPI {s} is in the IANA-reserved range"));
        Assert.Equal(20_000, registry.Count);
        registry.Release(spis[0]);
        Assert.False(registry.Contains(spis[0]));
        Assert.Equal(19_999, registry.Count);
    }

    [Fact]
    public void ChildSa_InstalledThenDeletedByPeer_SpiHeldWhileLiveAndFreedAfter()
    {
        using var h = new SaActorHarness(this);
        InstallChild install = h.Establish();
        uint inbound = install.Sas.Select(s => s.Request.Id.Spi).Single(h.ChildSpis.Contains);

        h.Deliver(h.Initiator.InitiateChildDelete(h.Initiator.ChildSas[0]).Message!);
        SaActorHarness.AssertNames(h.Kernel.ExpectMsg<RemoveChildSa>(), install);

        Assert.False(h.ChildSpis.Contains(inbound));
        Assert.Equal(0, h.ChildSpis.Count);
        Assert.Equal(IkeSaState.Established, h.Status().State);
    }
}
