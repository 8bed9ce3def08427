using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>
/// <see cref="NetlinkKernelOptions.PolicyHashThresholds"/> reaches the kernel of the managed namespace, read back
/// with iproute2 (`ip -s -s xfrm policy count` prints the thresholds from XFRM_MSG_GETSPDINFO).
/// </summary>
public sealed class PolicyHashThresholdTests
{
    [Fact]
    public async Task Open_DefaultOptions_SetsRoadWarriorThresholds()
    {
        using var ns = new TestNamespace();
        Assert.Equal((32, 32, 128, 128), Thresholds(ns)); // the kernel default this replaces

        await using (NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = ns.Path, ListenForEvents = false }))
        {
            Assert.Equal((0, 32, 0, 128), Thresholds(ns));
        }
    }

    [Fact]
    public async Task Open_ThresholdsNull_LeavesKernelAlone()
    {
        using var ns = new TestNamespace();
        ns.Ip("xfrm policy set hthresh4 8 16 hthresh6 24 48");

        await using (NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = ns.Path, ListenForEvents = false, PolicyHashThresholds = null }))
        {
            Assert.Equal((8, 16, 24, 48), Thresholds(ns));
        }
    }

    [Fact]
    public async Task SetPolicyHashThresholdsAsync_GivenValues_KernelReportsThem()
    {
        using var ns = new TestNamespace();
        await using var kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = ns.Path, ListenForEvents = false, PolicyHashThresholds = null });

        await kernel.SetPolicyHashThresholdsAsync(new PolicyHashThresholds(12, 24, 64, 96));
        Assert.Equal((12, 24, 64, 96), Thresholds(ns));

        await kernel.SetPolicyHashThresholdsAsync(PolicyHashThresholds.KernelDefault);
        Assert.Equal((32, 32, 128, 128), Thresholds(ns));
    }

    [Fact]
    public async Task SetPolicyHashThresholdsAsync_BeyondAddressLength_ThrowsAndKernelUnchanged()
    {
        using var ns = new TestNamespace();
        await using var kernel = NetlinkKernelIpsec.Open(new NetlinkKernelOptions { NamespacePath = ns.Path, ListenForEvents = false });

        await Assert.ThrowsAsync<ArgumentOutOfRangeException>(() => kernel.SetPolicyHashThresholdsAsync(new PolicyHashThresholds(0, 33, 0, 128)).AsTask());
        Assert.Equal((0, 32, 0, 128), Thresholds(ns));
    }

    /// <summary>Parses "SPD IPv4 thresholds: local L remote R" and the IPv6 line.</summary>
    private static (int V4Local, int V4Remote, int V6Local, int V6Remote) Thresholds(TestNamespace ns)
    {
        var text = ns.Ip("-s -s xfrm policy count");
        var v4 = Pair(text, "SPD IPv4 thresholds:");
        var v6 = Pair(text, "SPD IPv6 thresholds:");
        return (v4.Local, v4.Remote, v6.Local, v6.Remote);
    }

    private static (int Local, int Remote) Pair(string text, string label)
    {
        var line = text.Split('\n').Select(l => l.Trim()).Single(l => l.StartsWith(label, StringComparison.Ordinal));
        var words = line[label.Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal(["local", "remote"], new[] { words[0], words[2] });
        return (int.Parse(words[1], System.Globalization.CultureInfo.InvariantCulture), int.Parse(words[3], System.Globalization.CultureInfo.InvariantCulture));
    }
}
