using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Netns;

/// <summary>
/// <see cref="NetlinkKernelIpsec"/>'s own recoveries (GETPOLICY probe compared with what was asked; resend of
/// deletes) under a receive buffer so small that the kernel drops most acks of every batch.
/// </summary>
public sealed class KernelOverflowTests
{
    private static readonly WriterOptions Starved = new()
    {
        MaxBatchMessages = 600,
        SocketReceiveBufferBytes = 1024,
        AdaptBatchOnOverflow = false,
        MaxRecoveryAttempts = 10_000,
    };

    [Fact]
    public async Task AddAndDeletePolicies_AcksDropped_EachCallGetsItsTrueResult()
    {
        await using var f = KernelFixture.Create(Starved);
        var dirs = new[] { PolicyDirection.Out, PolicyDirection.In, PolicyDirection.Fwd };
        var policies = Enumerable.Range(0, 200)
            .SelectMany(i => dirs.Select(d => KernelFixture.Policy(d, $"10.11.{i / 256}.{i % 256}/32")))
            .ToList();

        // A policy on client 100's "out" selector that is not ours (other priority, no template): ours must get EEXIST.
        f.Ns.Ip("xfrm policy add src 0.0.0.0/0 dst 10.11.0.100/32 dir out priority 5 if_id 0x4001");
        var results = await Outcomes(policies.Select(p => f.Kernel.AddPolicyAsync(p).AsTask()).ToList());

        Assert.True(f.Kernel.XfrmWriter.Statistics.Overflows > 0, f.Kernel.XfrmWriter.Statistics.ToString());
        Assert.True(f.Kernel.XfrmWriter.Statistics.Recovered > 0, f.Kernel.XfrmWriter.Statistics.ToString());
        int foreign = policies.FindIndex(p => p.Direction == PolicyDirection.Out && p.Selector.Destination.ToString() == "10.11.0.100/32");
        Assert.Equal(Errnos.EEXIST, results[foreign]);
        Assert.Equal(599, results.Count(r => r == 0));
        Assert.Equal(600, (await f.Kernel.ListPoliciesAsync()).Count);
        Assert.Equal(600, f.Ns.PolicyCountByIp());

        var deletes = await Outcomes(policies.Select(p => f.Kernel.DeletePolicyAsync(p.Id).AsTask()).ToList());
        Assert.All(deletes, r => Assert.Equal(0, r)); // the foreign one shares the id (selector, dir, if_id): it goes too
        Assert.Empty(await f.Kernel.ListPoliciesAsync());
        Assert.Equal(0, f.Ns.PolicyCountByIp());
    }

    private static async Task<List<int>> Outcomes(List<Task> tasks)
    {
        var list = new List<int>(tasks.Count);
        foreach (var t in tasks)
        {
            try
            {
                await t;
                list.Add(0);
            }
            catch (KernelException e)
            {
                list.Add(e.Errno);
            }
        }

        return list;
    }
}
