using System.Net;
using System.Net.Sockets;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>
/// What this kernel does support, installed for real through <see cref="NetlinkKernelIpsec"/>, read back with
/// our own dump and with iproute2, and deleted: policies with if_id, routes, rules, addresses, sysctls.
/// </summary>
public sealed class PolicyRouteInstallTests
{
    private static readonly (PolicyDirection Dir, string Client)[] Policies =
    [
        (PolicyDirection.Out, "10.10.0.2/32"), (PolicyDirection.In, "10.10.0.2/32"), (PolicyDirection.Fwd, "10.10.0.2/32"),
        (PolicyDirection.Out, "2001:db8:10::2/128"), (PolicyDirection.In, "2001:db8:10::2/128"), (PolicyDirection.Fwd, "2001:db8:10::2/128"),
    ];

    [Fact]
    public async Task Policies_OutInFwdIpv4AndIpv6WithIfId_InstalledListedAndDeleted()
    {
        await using var f = KernelFixture.Create();
        await Task.WhenAll(Policies.Select(p => f.Kernel.AddPolicyAsync(KernelFixture.Policy(p.Dir, p.Client)).AsTask()));

        var listed = await f.Kernel.ListPoliciesAsync();
        Assert.Equal(6, listed.Count);
        Assert.All(listed, p => Assert.Equal(KernelFixture.IfId, p.Id.IfId));
        Assert.Equal(Policies.Select(p => (p.Dir, p.Client)).Order(), listed.Select(p => (p.Id.Direction, Client(p))).Order());
        Assert.All(listed, p => Assert.Equal(KernelFixture.OwnedReqid, Assert.Single(p.Templates).Reqid));

        var ip = f.Ns.Ip("xfrm policy list");
        Assert.Equal(6, f.Ns.PolicyCountByIp());
        Assert.Equal(6, CountOf(ip, "if_id 0x4001"));
        Assert.Contains("src 0.0.0.0/0 dst 10.10.0.2/32", ip, StringComparison.Ordinal);
        Assert.Contains("src 2001:db8:10::2/128 dst ::/0", ip, StringComparison.Ordinal);
        Assert.Equal(2, CountOf(ip, "dir fwd"));
        Assert.Contains("tmpl src 192.0.2.1 dst 198.51.100.7", ip, StringComparison.Ordinal);

        await Task.WhenAll(Policies.Select(p => f.Kernel.DeletePolicyAsync(KernelFixture.Policy(p.Dir, p.Client).Id).AsTask()));
        Assert.Empty(await f.Kernel.ListPoliciesAsync());
        Assert.Equal(0, f.Ns.PolicyCountByIp());

        var again = await Assert.ThrowsAsync<KernelException>(() => f.Kernel.DeletePolicyAsync(KernelFixture.Policy(PolicyDirection.Out, "10.10.0.2/32").Id).AsTask());
        Assert.Equal(Errnos.ENOENT, again.Errno);
    }

    [Fact]
    public async Task AddPolicy_SameSelectorTwice_EexistThenReplaceSucceeds()
    {
        await using var f = KernelFixture.Create();
        var p = KernelFixture.Policy(PolicyDirection.Out, "10.10.0.3/32");
        await f.Kernel.AddPolicyAsync(p);

        var e = await Assert.ThrowsAsync<KernelException>(() => f.Kernel.AddPolicyAsync(p).AsTask());
        Assert.Equal(Errnos.EEXIST, e.Errno);

        await f.Kernel.AddPolicyAsync(p with { Priority = 7 }, replace: true);
        Assert.Contains("priority 7 ", f.Ns.Ip("xfrm policy list"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Routes_Ipv4AndIpv6ViaDeviceInTable_InstalledShownAndDeleted()
    {
        await using var f = KernelFixture.Create();
        var v4 = new RouteRequest(IPNetwork.Parse("10.10.0.0/16"), f.V0) { Table = 100 };
        var v6 = new RouteRequest(IPNetwork.Parse("2001:db8:10::/64"), f.V0) { Table = 100 };
        await f.Kernel.AddRouteAsync(v4);
        await f.Kernel.AddRouteAsync(v6);

        var ours = (await f.Kernel.ListRoutesAsync(AddressFamily.InterNetwork)).Where(r => r.Table == 100).ToList();
        var ours6 = (await f.Kernel.ListRoutesAsync(AddressFamily.InterNetworkV6)).Where(r => r.Table == 100).ToList();
        Assert.Equal(v4.Destination, Assert.Single(ours).Destination);
        Assert.Equal(f.V0, ours[0].InterfaceIndex);
        Assert.Equal(v6.Destination, Assert.Single(ours6).Destination);
        Assert.Contains("10.10.0.0/16 dev v0", f.Ns.Ip("route show table 100"), StringComparison.Ordinal);
        Assert.Contains("2001:db8:10::/64 dev v0", f.Ns.Ip("-6 route show table 100"), StringComparison.Ordinal);

        var dup = await Assert.ThrowsAsync<KernelException>(() => f.Kernel.AddRouteAsync(v4).AsTask());
        Assert.Equal(Errnos.EEXIST, dup.Errno);

        await f.Kernel.DeleteRouteAsync(v4);
        await f.Kernel.DeleteRouteAsync(v6);
        Assert.DoesNotContain((await f.Kernel.ListRoutesAsync(AddressFamily.InterNetwork)), r => r.Table == 100);
        Assert.DoesNotContain("10.10.0.0/16", f.Ns.Ip("route show table 100"), StringComparison.Ordinal);
        Assert.DoesNotContain("2001:db8:10::/64", f.Ns.Ip("-6 route show table 100"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Rules_FwmarkToTable_InstalledShownAndDeleted()
    {
        await using var f = KernelFixture.Create();
        var rule = new RuleRequest(KernelFixture.IfId, 100, 100);
        var rule6 = rule with { Family = AddressFamily.InterNetworkV6 };
        await f.Kernel.AddRuleAsync(rule);
        await f.Kernel.AddRuleAsync(rule6);

        Assert.Equal(rule, Assert.Single(await f.Kernel.ListRulesAsync(AddressFamily.InterNetwork)));
        Assert.Equal(rule6, Assert.Single(await f.Kernel.ListRulesAsync(AddressFamily.InterNetworkV6)));
        Assert.Contains("100:\tfrom all fwmark 0x4001 lookup 100", f.Ns.Ip("rule show"), StringComparison.Ordinal);
        Assert.Contains("100:\tfrom all fwmark 0x4001 lookup 100", f.Ns.Ip("-6 rule show"), StringComparison.Ordinal);

        await f.Kernel.DeleteRuleAsync(rule);
        await f.Kernel.DeleteRuleAsync(rule6);
        Assert.Empty(await f.Kernel.ListRulesAsync(AddressFamily.InterNetwork));
        Assert.DoesNotContain("fwmark 0x4001", f.Ns.Ip("rule show"), StringComparison.Ordinal);
        Assert.DoesNotContain("fwmark 0x4001", f.Ns.Ip("-6 rule show"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Addresses_AndDeviceSysctls_AppliedInsideTheNamespace()
    {
        await using var f = KernelFixture.Create();
        await f.Kernel.AddAddressAsync(new AddressRequest(IPAddress.Parse("192.0.2.1"), 24, f.V0));
        await f.Kernel.AddAddressAsync(new AddressRequest(IPAddress.Parse("2001:db8:1::1"), 64, f.V0));
        var shown = f.Ns.Ip("addr show dev v0");
        Assert.Contains("inet 192.0.2.1/24", shown, StringComparison.Ordinal);
        Assert.Contains("inet6 2001:db8:1::1/64", shown, StringComparison.Ordinal);

        // libreswan's updown sets these on the ipsec device (route-based-xfrmi.txt, "Device options").
        f.Kernel.SetInterfaceSysctl("v0", "rp_filter", "2");
        f.Kernel.SetInterfaceSysctl("v0", "forwarding", "1");
        f.Kernel.SetInterfaceSysctl("v0", "disable_policy", "1");
        string Read(string key) => TestNamespace.Run("ip", $"netns exec {f.Ns.Name} cat /proc/sys/net/ipv4/conf/v0/{key}").Trim();
        Assert.Equal("2", Read("rp_filter"));
        Assert.Equal("1", Read("forwarding"));
        Assert.Equal("1", Read("disable_policy"));
        Assert.Equal("2", f.Kernel.GetInterfaceSysctl("v0", "rp_filter"));
        Assert.False(Directory.Exists("/proc/sys/net/ipv4/conf/v0")); // written in the namespace, not on the host

        await f.Kernel.DeleteAddressAsync(new AddressRequest(IPAddress.Parse("192.0.2.1"), 24, f.V0));
        Assert.DoesNotContain("192.0.2.1", f.Ns.Ip("addr show dev v0"), StringComparison.Ordinal);
    }

    private static string Client(XfrmPolicyInfo p) =>
        (p.Id.Direction == PolicyDirection.Out ? p.Id.Selector.Destination : p.Id.Selector.Source).ToString();

    private static int CountOf(string text, string needle)
    {
        int n = 0;
        for (int i = text.IndexOf(needle, StringComparison.Ordinal); i >= 0; i = text.IndexOf(needle, i + 1, StringComparison.Ordinal))
        {
            n++;
        }

        return n;
    }
}
