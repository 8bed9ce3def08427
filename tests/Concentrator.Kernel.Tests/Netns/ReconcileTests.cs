using System.Net;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>
/// Start-up reconciliation: what a previous run of this concentrator left (reqid in our range, or an if_id we
/// own) is removed; what belongs to anyone else survives.
/// </summary>
public sealed class ReconcileTests
{
    [Fact]
    public async Task FlushOwned_OwnedAndForeignState_OnlyOwnedRemoved()
    {
        await using var f = KernelFixture.Create();
        var ownership = KernelOwnership.Default(KernelFixture.IfId);

        // Left over by "a previous run": policies by reqid and if_id, one by if_id only, a larval SA by reqid.
        await f.Kernel.AddPolicyAsync(KernelFixture.Policy(PolicyDirection.Out, "10.10.0.2/32"));
        await f.Kernel.AddPolicyAsync(KernelFixture.Policy(PolicyDirection.In, "10.10.0.2/32"));
        await f.Kernel.AddPolicyAsync(KernelFixture.Policy(PolicyDirection.Fwd, "2001:db8:10::2/128"));
        f.Ns.Ip("xfrm policy add src 10.10.0.9/32 dst 0.0.0.0/0 dir in if_id 0x4001");
        uint spi = await f.Kernel.AllocateSpiAsync(IPAddress.Parse("198.51.100.7"), IPAddress.Parse("192.0.2.1"), IpsecProtocol.Esp, KernelFixture.OwnedReqid);

        // Someone else's: strongSwan-like reqid 5, no if_id; a policy with another if_id; a larval SA with reqid 5.
        f.Ns.Ip("xfrm policy add src 10.20.0.0/24 dst 10.30.0.0/24 dir out tmpl src 192.0.2.1 dst 198.51.100.9 proto esp reqid 5 mode tunnel");
        f.Ns.Ip("xfrm policy add src 10.20.1.0/24 dst 0.0.0.0/0 dir out if_id 0x99 tmpl src 192.0.2.1 dst 198.51.100.9 proto esp reqid 6 mode tunnel");
        f.Ns.Ip("xfrm state allocspi src 198.51.100.9 dst 192.0.2.1 proto esp reqid 5 mode tunnel");

        int removed = await f.Kernel.FlushOwnedAsync(ownership);

        Assert.Equal(5, removed); // 4 policies + 1 SA
        var policies = f.Ns.Ip("xfrm policy list");
        Assert.Equal(2, f.Ns.PolicyCountByIp());
        Assert.Contains("src 10.20.0.0/24 dst 10.30.0.0/24", policies, StringComparison.Ordinal);
        Assert.Contains("if_id 0x99", policies, StringComparison.Ordinal);
        Assert.DoesNotContain("0x4001", policies, StringComparison.Ordinal);
        var states = f.Ns.Ip("xfrm state list");
        Assert.Contains("reqid 5 ", states, StringComparison.Ordinal);
        Assert.DoesNotContain($"spi 0x{spi:x8}", states, StringComparison.Ordinal);

        Assert.Equal(0, await f.Kernel.FlushOwnedAsync(ownership)); // idempotent: nothing of ours left
        Assert.Equal(2, f.Ns.PolicyCountByIp());
    }
}
