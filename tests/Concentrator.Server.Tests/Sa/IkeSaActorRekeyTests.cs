using Akka.TestKit.Xunit2;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>A CHILD SA rekey (RFC 7296 §1.3.3) through the IKE SA actor: what reaches the kernel, in which order.</summary>
public sealed class IkeSaActorRekeyTests : TestKit
{
    [Fact]
    public void ChildRekey_ThenPeerDeletesOld_NewStatesJoinReqidAndOldRemovalLeavesPolicies()
    {
        using var h = new SaActorHarness(this);
        InstallChild first = h.Establish();
        ChildSa old = h.Initiator.ChildSas[0];

        h.Deliver(h.Initiator.InitiateChildRekey(old).Message!);

        // The new states are installed before the answer leaves, under the old reqid, taking over its policies.
        InstallChild rekeyed = h.Kernel.ExpectMsg<InstallChild>();
        Assert.Equal(first.Reqid, rekeyed.Reqid);
        Assert.True(rekeyed.ReplacePolicies);
        Assert.Equal(first.Policies.Select(p => p.Id), rekeyed.Policies.Select(p => p.Id));
        Assert.DoesNotContain(rekeyed.Sas, s => first.Sas.Any(f => f.Request.Id == s.Request.Id));
        h.Socket.ExpectNoMsg(TimeSpan.FromMilliseconds(200));
        h.Kernel.Reply(new KernelDone(rekeyed.CorrelationId));
        IkeSaResult answered = h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
        Assert.Equal(DropReason.None, answered.Drop);
        Assert.Equal(2, h.Initiator.ChildSas.Count);

        h.Deliver(h.Initiator.InitiateChildDelete(old).Message!);

        // Only the old states go: the policies now carry the new CHILD SA's traffic.
        RemoveChild remove = h.Kernel.ExpectMsg<RemoveChild>();
        Assert.Equal(first.Reqid, remove.Reqid);
        Assert.Equal(first.Sas.Select(s => s.Request.Id), remove.Sas);
        Assert.Empty(remove.Policies);
        Assert.Equal(DropReason.None, h.Initiator.Process(h.NextSent(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint).Drop);
        IkeSaStatus status = h.Status();
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(1, status.InstalledChildSas);
    }
}
