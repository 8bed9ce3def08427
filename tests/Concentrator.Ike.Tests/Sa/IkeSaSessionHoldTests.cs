using Concentrator.Ike.Sa;
using static Concentrator.Ike.Tests.Sa.SessionHarness;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>The answer an <see cref="IkeSaSession"/> holds: for the identity registry, for the kernel install.</summary>
public class IkeSaSessionHoldTests
{
    [Fact]
    public void IkeAuth_NewChildSa_AnswerHeldUntilKernelDone()
    {
        using var h = new SessionHarness();
        IReadOnlyList<IkeSaEffect> auth = h.UpToIkeAuth();

        IkeSaEffect.Install install = One<IkeSaEffect.Install>(auth);
        Assert.Empty(Sent(auth));
        Assert.Equal(100u, install.Reqid);
        Assert.False(install.ReplacesPolicies);
        Assert.Same(h.Session.Sa.ChildSas[0], install.Child);
        Assert.Equal(IkeSaWait.Kernel, h.Session.Waiting);
        Assert.Equal(TimeSpan.FromSeconds(10), Armed(auth, IkeSaTimer.Kernel).Due);

        IReadOnlyList<IkeSaEffect> done = h.Session.OnKernelDone(install.CorrelationId);
        Assert.Equal(IkeSaWait.None, h.Session.Waiting);
        Assert.Single(Sent(done));
        Assert.Contains(new IkeSaEffect.Cancel(IkeSaTimer.Kernel), done);
        Assert.Contains(new IkeSaEffect.Cancel(IkeSaTimer.HalfOpen), done);
        Assert.Equal(h.Session.Sa.ResponderSpi, One<IkeSaEffect.Established>(done).ResponderSpi);
        Assert.Equal(TimeSpan.FromSeconds(30), Armed(done, IkeSaTimer.Dpd).Due);
        Assert.IsType<IkeSaEffect.Unstash>(done[^1]);
        Assert.Empty(h.ToClient(done));
        Assert.Equal(IkeSaState.Established, h.Client.State);
        Assert.Equal(1, h.Session.InstalledChildSas);
    }

    [Fact]
    public void IkeAuth_ClaimsIdentity_InstallsOnlyOnceGranted()
    {
        using var h = new SessionHarness(s => s with { ClaimsIdentity = true });
        IReadOnlyList<IkeSaEffect> auth = h.UpToIkeAuth();

        IkeSaEffect.ClaimIdentity claim = One<IkeSaEffect.ClaimIdentity>(auth);
        Assert.Equal("client@example.org", claim.Identity.ToString());
        Assert.True(claim.InitialContact);
        Assert.Empty(auth.OfType<IkeSaEffect.Install>());
        Assert.Equal(IkeSaWait.Identity, h.Session.Waiting);

        IReadOnlyList<IkeSaEffect> granted = h.Session.OnIdentityGranted();
        Assert.Contains(new IkeSaEffect.Cancel(IkeSaTimer.Identity), granted);
        Assert.Single(granted.OfType<IkeSaEffect.Install>());
        Assert.Empty(Sent(granted));
        Assert.Equal(IkeSaWait.Kernel, h.Session.Waiting);
    }

    [Fact]
    public void IdentityTimer_RegistrySilent_GoesOnToTheInstall()
    {
        using var h = new SessionHarness(s => s with { ClaimsIdentity = true });
        h.UpToIkeAuth();

        IReadOnlyList<IkeSaEffect> timedOut = h.Session.OnTimer(IkeSaTimer.Identity, null);
        Assert.Contains(timedOut, e => e is IkeSaEffect.Log { Level: IkeSaLogLevel.Warning });
        Assert.Single(timedOut.OfType<IkeSaEffect.Install>());
        Assert.Equal(IkeSaWait.Kernel, h.Session.Waiting);
        // A late grant changes nothing.
        Assert.Empty(h.Session.OnIdentityGranted());
    }

    [Fact]
    public void KernelFailed_DuringIkeAuth_AnswerThenIkeDeleteAndRetransmission()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());

        IReadOnlyList<IkeSaEffect> failed = h.Session.OnKernelFailed(install.CorrelationId, "EINVAL");
        Assert.Equal(IkeSaWait.None, h.Session.Waiting);
        Assert.Equal(0, h.Session.InstalledChildSas);
        Assert.Equal(2, Sent(failed).Count);
        Armed(failed, IkeSaTimer.Retransmit);
        Assert.DoesNotContain(IkeSaEffect.Stop.Instance, failed);
        // The client gets its IKE_AUTH answer, then the Delete of the SA it just made, and answers that.
        Assert.Single(h.ToClient(failed));
        Assert.Equal(IkeSaState.Deleted, h.Client.State);
    }

    [Fact]
    public void KernelTimer_DuringIkeAuth_FailsTheInstallLikeARefusal()
    {
        using var h = new SessionHarness();
        h.UpToIkeAuth();

        IReadOnlyList<IkeSaEffect> timedOut = h.Session.OnTimer(IkeSaTimer.Kernel, null);
        Assert.Equal(2, Sent(timedOut).Count);
        Assert.Equal(IkeSaWait.None, h.Session.Waiting);
        // The timer of a wait already over does nothing.
        Assert.Empty(h.Session.OnTimer(IkeSaTimer.Kernel, null));
    }

    [Fact]
    public void InstallRejected_ByTheHost_SameAsAFailedInstall()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());

        IReadOnlyList<IkeSaEffect> rejected = h.Session.OnInstallRejected(install.Child, "no kernel name");
        Assert.Equal(0, h.Session.InstalledChildSas);
        Assert.Equal(2, Sent(rejected).Count);
        // The kernel's late answer to the rejected correlation is only a warning.
        Assert.IsType<IkeSaEffect.Log>(Assert.Single(h.Session.OnKernelFailed(install.CorrelationId, "late")));
    }

    [Fact]
    public void KeepWhileWaiting_ManyDatagrams_KeepsSixteenAndCountsTheRest()
    {
        using var h = new SessionHarness();
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());

        Assert.Equal(16, Enumerable.Range(0, 20).Count(_ => h.Session.KeepWhileWaiting(isDatagram: true)));
        Assert.True(h.Session.KeepWhileWaiting(isDatagram: false));
        Assert.Equal(4, h.Session.DroppedWhileWaiting);

        // After the wait the count starts again.
        h.Session.OnKernelDone(install.CorrelationId);
        Assert.True(h.Session.KeepWhileWaiting(isDatagram: true));
    }
}
