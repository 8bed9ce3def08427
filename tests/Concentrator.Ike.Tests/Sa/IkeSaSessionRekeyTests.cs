using Concentrator.Ike.Sa;
using static Concentrator.Ike.Tests.Sa.SessionHarness;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Rekeys and lifetimes through an <see cref="IkeSaSession"/>: the IKE SA a rekey retires (RFC 7296 §2.18)
/// and the CHILD SA and IKE SA lifetimes (§2.8, §1.3.3).</summary>
public class IkeSaSessionRekeyTests
{
    [Fact]
    public void IkeRekey_ByPeer_OldSpiRoutedToRetiringSaUntilItsDelete()
    {
        using var h = new SessionHarness();
        h.Establish();
        IkeSa oldSa = h.Session.Sa, oldClient = h.Client;

        IReadOnlyList<IkeSaEffect> rekey = h.FromClient(oldClient.InitiateRekey().Message!);
        Assert.NotSame(oldSa, h.Session.Sa);
        Assert.Same(oldSa, h.Session.Retiring);
        Assert.Equal(TimeSpan.FromSeconds(30), Armed(rekey, IkeSaTimer.Retire).Due);
        Assert.Empty(h.ToClient(rekey, oldClient));
        IkeSa newClient = oldClient.RekeyedTo!;
        Assert.Equal(h.Session.Sa.ResponderSpi, newClient.ResponderSpi);

        // The rekey's initiator deletes the old SA: routed to it by the old SPIr, answered on the socket it came in on.
        IReadOnlyList<IkeSaEffect> delete = h.FromClient(oldClient.InitiateDelete().Message!);
        IkeSaEffect.Send answer = One<IkeSaEffect.Send>(delete);
        Assert.True(answer.ViaArrivalSocket);
        Assert.Contains(new IkeSaEffect.ReleaseIkeSpi(oldSa.ResponderSpi), delete);
        Assert.Contains(new IkeSaEffect.Cancel(IkeSaTimer.Retire), delete);
        Assert.DoesNotContain(IkeSaEffect.Stop.Instance, delete);
        Assert.Empty(delete.OfType<IkeSaEffect.RemoveAll>());
        Assert.Null(h.Session.Retiring);
        Assert.Equal(IkeSaState.Established, h.Session.Sa.State);
        Assert.Single(h.Session.Sa.ChildSas);
        oldClient.Dispose();
        h.Client = newClient;
    }

    [Fact]
    public void IkeRekey_OldNeverDeleted_RetiredAfterTheGrace()
    {
        using var h = new SessionHarness();
        h.Establish();
        IkeSa oldSa = h.Session.Sa;
        h.FromClient(h.Client.InitiateRekey().Message!);

        IReadOnlyList<IkeSaEffect> retired = h.Session.OnTimer(IkeSaTimer.Retire, null);
        Assert.Contains(new IkeSaEffect.ReleaseIkeSpi(oldSa.ResponderSpi), retired);
        Assert.Null(h.Session.Retiring);
    }

    [Fact]
    public void ChildSoftExpiry_Twice_OneRekeyThenTheOldPairIsDeletedByUs()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install first = h.Establish();
        ChildSa old = first.Child;

        IReadOnlyList<IkeSaEffect> soft = h.Session.OnChildExpired(first.Reqid, old.InboundSpi, hard: false);
        Assert.Single(Sent(soft));
        Armed(soft, IkeSaTimer.Retransmit);
        // The outbound state expires too: still one rekey.
        Assert.Empty(h.Session.OnChildExpired(first.Reqid, old.OutboundSpi, hard: false));

        IReadOnlyList<IkeSaEffect> answered = h.FromClient(Assert.Single(h.ToClient(soft)));
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(answered);
        Assert.Equal(first.Reqid, install.Reqid);
        Assert.True(install.ReplacesPolicies);
        Assert.Equal(old.InboundSpi, install.Child.ReplacesInboundSpi);

        // RFC 7296 §1.3.3: the rekey's initiator deletes the old SA, once the new one is in the kernel.
        IReadOnlyList<IkeSaEffect> done = h.Session.OnKernelDone(install.CorrelationId);
        Assert.Single(Sent(done));
        IReadOnlyList<IkeSaEffect> deleted = h.FromClient(Assert.Single(h.ToClient(done)));
        Assert.Equal(new IkeSaEffect.ReleaseChildSpi(old.InboundSpi), deleted.OfType<IkeSaEffect.ReleaseChildSpi>().Single());
        Assert.Equal(old, One<IkeSaEffect.Remove>(deleted).Child);
        Assert.Same(install.Child, Assert.Single(h.Session.Sa.ChildSas));
        Assert.Equal(1, h.Session.InstalledChildSas);
    }

    [Fact]
    public void ChildHardExpiry_Twice_OneDelete()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install first = h.Establish();

        Assert.Single(Sent(h.Session.OnChildExpired(first.Reqid, first.Child.InboundSpi, hard: true)));
        Assert.Empty(h.Session.OnChildExpired(first.Reqid, first.Child.OutboundSpi, hard: true));
        // Not ours: another reqid.
        Assert.Empty(h.Session.OnChildExpired(first.Reqid + 1, first.Child.InboundSpi, hard: false));
    }

    [Fact]
    public void IkeLifetime_NotRekeyed_DeletedWithInformational()
    {
        using var h = new SessionHarness(s => s with { IkeLifetime = TimeSpan.FromHours(1) });
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());
        IReadOnlyList<IkeSaEffect> done = h.Session.OnKernelDone(install.CorrelationId);
        IkeSaEffect.Arm lifetime = Armed(done, IkeSaTimer.IkeLifetime);
        Assert.Equal(TimeSpan.FromHours(1.1), lifetime.Due);

        // A timer of a replaced SA (another SPI) does nothing.
        Assert.Empty(h.Session.OnTimer(IkeSaTimer.IkeLifetime, h.Session.Sa.ResponderSpi + 1));
        IReadOnlyList<IkeSaEffect> expired = h.Session.OnTimer(IkeSaTimer.IkeLifetime, lifetime.Token);
        Assert.IsType<IkeSaEffect.RemoveAll>(expired[0]);
        Assert.Single(Sent(expired));
        Armed(expired, IkeSaTimer.Retransmit);
        Assert.Equal(0, h.Session.InstalledChildSas);
    }

    [Fact]
    public void Delete_Silently_ChildrenOutAndStopWithoutAWord()
    {
        using var h = new SessionHarness();
        h.Establish();

        IReadOnlyList<IkeSaEffect> delete = h.Session.OnDelete("replaced", silently: true);
        Assert.IsType<IkeSaEffect.RemoveAll>(delete[0]);
        Assert.Empty(Sent(delete));
        Assert.Equal(IkeSaEffect.Stop.Instance, delete[^1]);
    }

    [Fact]
    public void OnStopped_Established_ChildSpisBackAndChildrenOut()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install install = h.Establish();

        IReadOnlyList<IkeSaEffect> stopped = h.Session.OnStopped();
        Assert.Contains(new IkeSaEffect.ReleaseChildSpi(install.Child.InboundSpi), stopped);
        Assert.Single(stopped.OfType<IkeSaEffect.RemoveAll>());
    }
}
