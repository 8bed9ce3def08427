using System.Net;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using static Concentrator.Ike.Tests.Sa.SessionHarness;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Additional CHILD SAs by CREATE_CHILD_SA without REKEY_SA (RFC 7296 §1.3.1), answered by our session:
/// narrowed like IKE_AUTH's, installed under a reqid of their own, capped by <see cref="IkeSaConfig.MaxChildSas"/>.</summary>
public class AdditionalChildSaTests
{
    [Fact]
    public void CreateChildSa_WithinTheCap_InstalledUnderANewReqidNarrowedToTheVirtualIp()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install first = h.Establish();

        IReadOnlyList<IkeSaEffect> asked = h.FromClient(h.Client.InitiateChildCreate().Message!);
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(asked);
        byte[] inboundKey = install.Child.InboundEncryptionKey;
        Assert.NotEqual(first.Reqid, install.Reqid);
        Assert.False(install.ReplacesPolicies);
        Assert.Null(install.Child.ReplacesInboundSpi);
        Assert.Equal(TrafficSelectors.Host(IPAddress.Parse("10.99.0.1")).ToString(), Assert.Single(install.Child.RemoteSelectors).ToString());
        Assert.Equal(TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8).ToString(), Assert.Single(install.Child.LocalSelectors).ToString());
        // The answer waits for the kernel, as IKE_AUTH's does.
        Assert.Empty(Sent(asked));

        Assert.Empty(h.ToClient(h.Session.OnKernelDone(install.CorrelationId)));
        Assert.Equal(2, h.Client.ChildSas.Count);
        Assert.Equal(h.Client.ChildSas[1].OutboundEncryptionKey, inboundKey);
        // Issue 13: once the kernel has the states, the SA lets go of the keys (the first CHILD SA's too).
        Assert.False(install.Child.HasKeys);
        Assert.False(first.Child.HasKeys);
        Assert.Empty(install.Child.OutboundEncryptionKey);
        Assert.Equal(2, h.Session.InstalledChildSas);

        // Deleted with the IKE SA: one removal for everything this SA installed.
        Assert.Single(h.Session.OnDelete("operator", silently: true).OfType<IkeSaEffect.RemoveAll>());
    }

    [Fact]
    public void CreateChildSa_BeyondTheCap_NoAdditionalSasAndTheIkeSaStays()
    {
        using var h = new SessionHarness(serverTweak: c => c with { MaxChildSas = 2 });
        h.Establish();
        IkeSaEffect.Install second = One<IkeSaEffect.Install>(h.FromClient(h.Client.InitiateChildCreate().Message!));
        Assert.Empty(h.ToClient(h.Session.OnKernelDone(second.CorrelationId)));

        IReadOnlyList<IkeSaEffect> refused = h.FromClient(h.Client.InitiateChildCreate().Message!);
        Assert.Empty(refused.OfType<IkeSaEffect.Install>());
        Assert.Empty(h.ToClient(refused));
        Assert.Equal(NotifyType.NoAdditionalSas, h.Client.ChildFailureNotify);
        Assert.Equal(2, h.Session.Sa.ChildSas.Count);
        Assert.Equal(IkeSaState.Established, h.Session.Sa.State);
    }

    [Fact]
    public void CreateChildSa_CapOne_RefusedAsBefore()
    {
        using var h = new SessionHarness(serverTweak: c => c with { MaxChildSas = 1 });
        h.Establish();

        Assert.Empty(h.ToClient(h.FromClient(h.Client.InitiateChildCreate().Message!)));
        Assert.Equal(NotifyType.NoAdditionalSas, h.Client.ChildFailureNotify);
    }

    [Fact]
    public void CreateChildSa_WhileAChildIsBeingRekeyed_PairCountsOnce()
    {
        using var h = new SessionHarness(serverTweak: c => c with { MaxChildSas = 2 });
        IkeSaEffect.Install first = h.Establish();
        // The client rekeys its CHILD SA and keeps the old pair (no Delete yet): still one CHILD SA.
        IkeSaEffect.Install rekeyed = One<IkeSaEffect.Install>(h.FromClient(h.Client.InitiateChildRekey(h.Client.ChildSas[0]).Message!));
        Assert.Equal(first.Child.InboundSpi, rekeyed.Child.ReplacesInboundSpi);
        Assert.Empty(h.ToClient(h.Session.OnKernelDone(rekeyed.CorrelationId)));

        Assert.Single(h.FromClient(h.Client.InitiateChildCreate().Message!).OfType<IkeSaEffect.Install>());
    }
}
