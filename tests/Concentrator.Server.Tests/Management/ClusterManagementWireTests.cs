using Akka.TestKit.Xunit2;
using Concentrator.Server.Cluster;
using Concentrator.Server.Management;

namespace Concentrator.Server.Tests.Management;

/// <summary>The answers <see cref="ClusterManagementActor"/> sends to other members, through Akka's serializer for
/// them (the one remoting uses): each comes back equal in content. A list built by a collection expression would not
/// (its compiler type has no constructor the serializer can call), which is why the actor copies lists first.</summary>
public sealed class ClusterManagementWireTests : TestKit
{
    private static readonly SaSummary Summary = new("ike-0123456789abcdef", "rw", "ipsec1", "alice@example.test", "192.0.2.21:500", "192.0.2.11:500",
        ["10.231.64.5"], DateTimeOffset.Parse("2026-12-06T19:00:00Z", System.Globalization.CultureInfo.InvariantCulture))
    {
        Traffic = new SaTraffic(1, 2, 3, 4),
    };

    [Fact]
    public void SaList_Wire_RoundTripsThroughTheRemotingSerializer()
    {
        IReadOnlyList<string> vips = ["10.231.64.5", "fd00::5"];
        var list = new SaList([.. new[] { ClusterManagementActor.Wire(Summary with { VirtualIps = vips }) }]);
        var wire = new SaList(list.Sas.Select(ClusterManagementActor.Wire).ToList());

        var back = RoundTrip(wire);

        var sa = Assert.Single(back.Sas);
        Assert.Equal(Summary.Id, sa.Id);
        Assert.Equal(vips, sa.VirtualIps);
        Assert.Equal(Summary.EstablishedAt, sa.EstablishedAt);
        Assert.Equal(Summary.Traffic, sa.Traffic);
    }

    [Fact]
    public void SaDetail_Wire_RoundTripsWithItsChildSas()
    {
        IReadOnlyList<string> local = ["0.0.0.0/0"];
        var detail = new SaDetail(Summary, "Established", "0011", "2233", "AES_GCM_16_256/PRF_HMAC_SHA2_256/CURVE_25519", false,
            [new ChildSaInfo("c1", "c2", "AES_GCM_16_256", local, ["10.231.64.5/32"], true, Summary.EstablishedAt)]);

        var back = RoundTrip(ClusterManagementActor.Wire(detail));

        Assert.Equal("Established", back.State);
        Assert.Equal(["10.231.64.5/32"], Assert.Single(back.ChildSas).RemoteSelectors);
        Assert.Equal(Summary.Identity, back.Summary.Identity);
    }

    [Fact]
    public void NodeStateAndTerminated_AsSent_RoundTrip()
    {
        IReadOnlyList<OwnedBlock> blocks = [new OwnedBlock("rw", "10.231.64.0/27", 32, 3)];
        var state = RoundTrip(new NodeState(3, true, false, blocks.ToList()));
        var terminated = RoundTrip(new SasTerminated(new[] { "ike-1" }.ToList()));
        var question = RoundTrip(new PeerTerminateSas(PeerSaFilter.From(new SaFilter { VirtualIp = System.Net.IPAddress.Parse("10.231.64.5") }), "why"));

        Assert.Equal(29UL, Assert.Single(state.Blocks).Free);
        Assert.Equal(["ike-1"], terminated.Ids);
        Assert.Equal(System.Net.IPAddress.Parse("10.231.64.5"), question.Filter.ToFilter().VirtualIp);
    }

    private T RoundTrip<T>(T message) where T : class
    {
        var serializer = Sys.Serialization.FindSerializerFor(message);
        var bytes = serializer.ToBinary(message);
        return Assert.IsType<T>(serializer.FromBinary<T>(bytes));
    }
}
