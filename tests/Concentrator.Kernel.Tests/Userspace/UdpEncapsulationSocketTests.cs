using Concentrator.Kernel.Userspace;

namespace Concentrator.Kernel.Tests.Userspace;

public class UdpEncapsulationSocketTests
{
    [Theory]
    [InlineData("ff", UdpDatagramKind.Keepalive)]
    [InlineData("00000000", UdpDatagramKind.Ike)]
    [InlineData("00000000aabbccdd", UdpDatagramKind.Ike)]
    [InlineData("c0000001", UdpDatagramKind.Invalid)]
    [InlineData("c000000100000001", UdpDatagramKind.Esp)]
    [InlineData("fe", UdpDatagramKind.Invalid)]
    [InlineData("", UdpDatagramKind.Invalid)]
    public void Classify_Datagram_Rfc3948Kind(string hex, UdpDatagramKind kind)
    {
        Assert.Equal(kind, UdpEncapsulationSocket.Classify(Convert.FromHexString(hex)));
    }

    [Fact]
    public void DataplaneProbe_ThisKernel_ChoosesUserspaceWithReason()
    {
        // DESIGN.md: this machine's kernel has no xfrm interfaces and no ESP.
        var choice = DataplaneProbe.Decide(DataplaneMode.Auto);

        Assert.Equal(DataplaneMode.Userspace, choice.Mode);
        Assert.Contains("kernel has no xfrm interfaces (RTM_NEWLINK", choice.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain("us-probe-" + Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture), NetnsPairList());
    }

    [Fact]
    public void Decide_ExplicitSetting_NoProbeAndSaysConfigured()
    {
        var choice = DataplaneProbe.Decide(DataplaneMode.Kernel);

        Assert.Equal(DataplaneMode.Kernel, choice.Mode);
        Assert.Contains("configured", choice.Reason, StringComparison.Ordinal);
    }

    private static string NetnsPairList() => NetnsPair.Run("ip", "netns", "list");
}
