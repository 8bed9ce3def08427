using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using static Concentrator.Ike.Tests.Sa.SessionHarness;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>The gateway rekeys the IKE SA itself (RFC 7296 §1.3.2, §2.18) at its lifetime less a jitter, and
/// simultaneous rekeys of both ends are resolved by the nonces (§2.8.2, §2.25.2): our session against our initiator
/// IkeSa as the client, fake clock, seeded nonces.</summary>
public class IkeSaSessionGatewayRekeyTests
{
    private static readonly TimeSpan Lifetime = TimeSpan.FromHours(1);

    private static SessionHarness Harness(int clientSeed = 1, int serverSeed = 2) =>
        new(s => s with { IkeLifetime = Lifetime }, clientSeed, serverSeed);

    /// <summary>Establishes the SA; the rekey timer its establishment armed.</summary>
    private static IkeSaEffect.Arm Establish(SessionHarness h)
    {
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());
        IReadOnlyList<IkeSaEffect> done = h.Session.OnKernelDone(install.CorrelationId);
        Assert.Empty(h.ToClient(done));
        Assert.Equal(IkeSaState.Established, h.Client.State);
        return Armed(done, IkeSaTimer.IkeRekey);
    }

    private static IkeSaResult AtClient(IkeSa client, byte[] datagram)
    {
        IkeSaResult result = client.Process(datagram, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.False(result.IsDropped, result.Detail);
        return result;
    }

    /// <summary>The gateway's rekey runs to its end: the new SA answers, the old one is deleted by us.</summary>
    private static (IkeSa NewSa, IkeSaEffect.Arm NextRekey) GatewayRekey(SessionHarness h, IkeSaEffect.Arm due)
    {
        IkeSa oldSa = h.Session.Sa, oldClient = h.Client;
        IReadOnlyList<IkeSaEffect> rekey = h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token);
        Armed(rekey, IkeSaTimer.Retransmit);
        byte[] answer = Assert.Single(h.ToClient(rekey));
        IkeSa newClient = oldClient.RekeyedTo!;

        IReadOnlyList<IkeSaEffect> adopted = h.FromClient(answer);
        IkeSa newSa = h.Session.Sa;
        Assert.NotSame(oldSa, newSa);
        Assert.True(newSa.IsInitiator);
        Assert.Equal(newClient.InitiatorSpi, newSa.InitiatorSpi);
        Assert.Equal(newClient.ResponderSpi, newSa.ResponderSpi);
        Assert.Single(newSa.ChildSas);
        Assert.Same(oldSa, h.Session.Retiring);
        // RFC 7296 §2.18: the rekey's initiator deletes the old SA, with the last request sent over it.
        byte[] delete = Assert.Single(Sent(adopted));
        Assert.Equal(oldSa.ResponderSpi, IkeHeader.Read(delete).ResponderSpi);
        Assert.Empty(adopted.OfType<IkeSaEffect.RemoveAll>());
        IkeSaEffect.Arm next = Armed(adopted, IkeSaTimer.IkeRekey);
        Assert.Equal(newSa.LocalSpi, next.Token);

        IReadOnlyList<IkeSaEffect> deleted = h.FromClient(Assert.Single(h.ToClient(adopted, oldClient)));
        Assert.Equal(IkeSaState.Deleted, oldClient.State);
        Assert.Contains(new IkeSaEffect.ReleaseIkeSpi(oldSa.LocalSpi), deleted);
        Assert.Null(h.Session.Retiring);
        oldClient.Dispose();
        h.Client = newClient;
        return (newSa, next);
    }

    [Fact]
    public void IkeLifetime_Established_RekeyArmedWithinTheLastTenthAndDeleteAfterIt()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());
        IReadOnlyList<IkeSaEffect> done = h.Session.OnKernelDone(install.CorrelationId);

        IkeSaEffect.Arm rekey = Armed(done, IkeSaTimer.IkeRekey);
        Assert.InRange(rekey.Due, Lifetime * 0.9, Lifetime);
        Assert.Equal(h.Session.Sa.LocalSpi, rekey.Token);
        Assert.Equal(Lifetime * 1.1, Armed(done, IkeSaTimer.IkeLifetime).Due);
    }

    [Fact]
    public void IkeRekey_ByGatewayTwice_ChildMovesOldDeletedAndNewSaWorks()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Arm due = Establish(h);
        ChildSa child = h.Session.Sa.ChildSas[0];

        (IkeSa first, IkeSaEffect.Arm again) = GatewayRekey(h, due);
        Assert.Same(child, Assert.Single(first.ChildSas));

        // The second rekey retires an SA we initiated: our SPI of it is its SPIi.
        Assert.Equal(first.InitiatorSpi, first.LocalSpi);
        (IkeSa second, _) = GatewayRekey(h, again);
        Assert.Same(child, Assert.Single(second.ChildSas));
        Assert.Equal(2, h.Session.IkeRekeysByUs);
        Assert.Equal(1, h.Session.InstalledChildSas);

        // The newest pair carries an INFORMATIONAL both ways.
        IReadOnlyList<IkeSaEffect> dpd = h.FromClient(h.Client.InitiateDpd().Message!);
        Assert.Empty(h.ToClient(dpd));
        Assert.Equal(IkeSaState.Established, h.Session.Sa.State);
    }

    /// <summary>The gateway's rekey up to its Delete of the old SA, which the test holds (as if lost on the way).</summary>
    private static (IkeSa OldSa, IkeSa OldClient, byte[] Delete, IkeSaEffect.Arm Retransmit) GatewayRekeyDeleteHeld(SessionHarness h)
    {
        IkeSaEffect.Arm due = Establish(h);
        IkeSa oldSa = h.Session.Sa, oldClient = h.Client;
        byte[] answer = Assert.Single(h.ToClient(h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token)));
        h.Client = oldClient.RekeyedTo!;
        IReadOnlyList<IkeSaEffect> adopted = h.FromClient(answer);
        byte[] delete = Assert.Single(Sent(adopted));
        Assert.Equal(oldSa.ResponderSpi, IkeHeader.Read(delete).ResponderSpi);
        return (oldSa, oldClient, delete, Armed(adopted, IkeSaTimer.RetiringRetransmit));
    }

    [Fact]
    public void IkeRekey_ByGatewayFirstDeleteLost_RetransmittedPastTheGraceUntilAnswered()
    {
        using SessionHarness h = Harness();
        var (oldSa, oldClient, delete, retransmit) = GatewayRekeyDeleteHeld(h);

        // The grace period of retiring SAs does not cut a Delete of ours short (RFC 7296 §2.1: retransmitted until
        // answered or the SA deemed failed).
        IReadOnlyList<IkeSaEffect> grace = h.Session.OnTimer(IkeSaTimer.Retire, null);
        Assert.DoesNotContain(new IkeSaEffect.ReleaseIkeSpi(oldSa.LocalSpi), grace);
        Assert.Same(oldSa, h.Session.Retiring);
        IReadOnlyList<IkeSaEffect> again = h.Session.OnTimer(IkeSaTimer.RetiringRetransmit, retransmit.Token);

        Assert.Equal(delete, Assert.Single(Sent(again)));
        Assert.True(Armed(again, IkeSaTimer.RetiringRetransmit).Due > retransmit.Due, "no backoff");
        IReadOnlyList<IkeSaEffect> answered = h.FromClient(Assert.Single(h.ToClient(again, oldClient)));
        Assert.Equal(IkeSaState.Deleted, oldClient.State);
        Assert.Contains(new IkeSaEffect.ReleaseIkeSpi(oldSa.LocalSpi), answered);
        Assert.Contains(new IkeSaEffect.Cancel(IkeSaTimer.RetiringRetransmit), answered);
        Assert.Null(h.Session.Retiring);
        Assert.Equal(1, h.Session.Retransmissions);
        oldClient.Dispose();
    }

    [Fact]
    public void IkeRekey_ByGatewayDeleteNeverAnswered_OldRetiredAfterTheRetransmissionsNewSaStays()
    {
        using SessionHarness h = Harness();
        var (oldSa, oldClient, delete, retransmit) = GatewayRekeyDeleteHeld(h);
        IkeSa newSa = h.Session.Sa;

        var sent = 0;
        IReadOnlyList<IkeSaEffect> last = [];
        for (object? token = retransmit.Token; token is not null; token = last.OfType<IkeSaEffect.Arm>().FirstOrDefault(a => a.Timer == IkeSaTimer.RetiringRetransmit)?.Token)
        {
            last = h.Session.OnTimer(IkeSaTimer.RetiringRetransmit, token);
            sent += Sent(last).Count(d => d.AsSpan().SequenceEqual(delete));
        }

        Assert.Equal(3, sent); // the harness's RetransmitTries
        Assert.Contains(new IkeSaEffect.ReleaseIkeSpi(oldSa.LocalSpi), last);
        Assert.DoesNotContain(IkeSaEffect.Stop.Instance, last);
        Assert.Null(h.Session.Retiring);
        Assert.Same(newSa, h.Session.Sa);
        Assert.Equal(IkeSaState.Established, newSa.State);
        oldClient.Dispose();
    }

    [Fact]
    public void IkeRekey_TimerOfAReplacedSa_DoesNothing()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Arm due = Establish(h);
        Assert.Empty(h.Session.OnTimer(IkeSaTimer.IkeRekey, (ulong)due.Token! + 1));
    }

    [Fact]
    public void IkeRekey_PeerDeletingTheSa_TemporaryFailureThenRetriedAfterAWhile()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Arm due = Establish(h);
        // The client is closing the SA (its Delete not yet sent): RFC 7296 §2.25.2 makes it refuse the rekey.
        h.Client.InitiateDelete();

        byte[] request = Assert.Single(Sent(h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token)));
        IkeSaResult refused = AtClient(h.Client, request);
        Assert.Null(refused.Rekeyed);

        IReadOnlyList<IkeSaEffect> answered = h.FromClient(refused.Message!);
        Assert.Equal(NotifyType.TemporaryFailure, h.Session.Sa.IkeRekeyFailure);
        IkeSaEffect.Arm retry = Armed(answered, IkeSaTimer.IkeRekey);
        Assert.Equal(h.Session.Sa.LocalSpi, retry.Token);
        Assert.InRange(retry.Due, TimeSpan.FromSeconds(4), TimeSpan.FromSeconds(8));
        Assert.Null(h.Session.Retiring);
    }

    [Fact]
    public void ChildRekeyByPeer_WhileGatewayRekeysTheIkeSa_TemporaryFailure()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Arm due = Establish(h);
        h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token);

        IReadOnlyList<IkeSaEffect> answer = h.FromClient(h.Client.InitiateChildRekey(h.Client.ChildSas[0]).Message!);
        Assert.Empty(answer.OfType<IkeSaEffect.Install>());
        AtClient(h.Client, Assert.Single(Sent(answer)));
        Assert.Equal(NotifyType.TemporaryFailure, h.Client.ChildFailureNotify);
        Assert.Single(h.Session.Sa.ChildSas);
    }

    [Fact]
    public void ChildSoftExpiry_WhileGatewayRekeysTheIkeSa_RekeyedOnTheNewSaAfterIt()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Install install = One<IkeSaEffect.Install>(h.UpToIkeAuth());
        IReadOnlyList<IkeSaEffect> done = h.Session.OnKernelDone(install.CorrelationId);
        Assert.Empty(h.ToClient(done));
        IkeSaEffect.Arm due = Armed(done, IkeSaTimer.IkeRekey);
        IkeSa oldClient = h.Client;
        IReadOnlyList<IkeSaEffect> rekey = h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token);

        // The kernel's soft expiry meanwhile waits for the IKE rekey.
        Assert.Empty(h.Session.OnChildExpired(install.Reqid, install.Child.InboundSpi, hard: false));

        IReadOnlyList<IkeSaEffect> adopted = h.FromClient(Assert.Single(h.ToClient(rekey)));
        IkeSa newClient = oldClient.RekeyedTo!;
        List<byte[]> sent = Sent(adopted);
        Assert.Equal(2, sent.Count);
        // First the old SA's Delete, then the CHILD SA rekey on the new SA.
        Assert.Equal(ExchangeType.Informational, IkeHeader.Read(sent[0]).ExchangeType);
        IkeHeader childRekey = IkeHeader.Read(sent[1]);
        Assert.Equal(ExchangeType.CreateChildSa, childRekey.ExchangeType);
        Assert.Equal(h.Session.Sa.ResponderSpi, childRekey.ResponderSpi);
        IkeSaResult answered = AtClient(newClient, sent[1]);
        IkeSaEffect.Install next = One<IkeSaEffect.Install>(h.FromClient(answered.Message!));
        Assert.Equal(install.Child.InboundSpi, next.Child.ReplacesInboundSpi);
        oldClient.Dispose();
        h.Client = newClient;
    }

    [Fact]
    public void Delete_WhileGatewayRekeysTheIkeSa_ChildrenOutAtOnceDeleteSentOnTheNewSa()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Arm due = Establish(h);
        IkeSa oldClient = h.Client;
        IReadOnlyList<IkeSaEffect> rekey = h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token);

        IReadOnlyList<IkeSaEffect> delete = h.Session.OnDelete("operator", silently: false);
        Assert.IsType<IkeSaEffect.RemoveAll>(delete[0]);
        Assert.Empty(Sent(delete));

        IReadOnlyList<IkeSaEffect> adopted = h.FromClient(Assert.Single(h.ToClient(rekey)));
        IkeSa newClient = oldClient.RekeyedTo!;
        List<byte[]> sent = Sent(adopted);
        Assert.Equal(2, sent.Count);
        Assert.Equal(h.Session.Sa.ResponderSpi, IkeHeader.Read(sent[1]).ResponderSpi);
        Assert.Equal(IkeSaState.Deleting, h.Session.Sa.State);
        AtClient(newClient, sent[1]);
        Assert.Equal(IkeSaState.Deleted, newClient.State);
        oldClient.Dispose();
        h.Client = newClient;
    }

    /// <summary>
    /// Both ends start an IKE rekey at once and each receives the other's request before its own answer (RFC 7296
    /// §2.8.2): both keep the same survivor, the one whose lowest nonce is higher; the redundant one is deleted by
    /// the end that created it and the old one by the end that created the survivor. Seeds fix the nonces, so each
    /// outcome is covered.
    /// </summary>
    [Theory]
    [InlineData(1, 2, false)]
    [InlineData(3, 2, false)]
    [InlineData(4, 2, true)]
    [InlineData(5, 2, true)]
    public void IkeRekey_BothAtOnceRequestsCross_SameSurvivorByTheNonces(int clientSeed, int serverSeed, bool gatewayWins)
    {
        using SessionHarness h = Harness(clientSeed, serverSeed);
        IkeSaEffect.Arm due = Establish(h);
        IkeSa oldSa = h.Session.Sa, oldClient = h.Client;
        ChildSa child = oldSa.ChildSas[0];

        byte[] gatewayRequest = Assert.Single(Sent(h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token)));
        byte[] clientRequest = oldClient.InitiateRekey().Message!;
        // The client answers the gateway's request (§2.25.2: "reply as usual"), the gateway the client's.
        byte[] clientAnswer = AtClient(oldClient, gatewayRequest).Message!;
        IReadOnlyList<IkeSaEffect> gatewayAnswered = h.FromClient(clientRequest);
        IkeSa peers = h.Session.Sa;
        Assert.False(peers.IsInitiator);
        byte[] gatewayAnswer = Assert.Single(Sent(gatewayAnswered));

        // Each end gets its answer on the old SA: a second new SA, a collision.
        IReadOnlyList<IkeSaEffect> resolved = h.FromClient(clientAnswer);
        AtClient(oldClient, gatewayAnswer);
        Assert.Equal(1, h.Session.IkeRekeyCollisions);
        IkeSa survivor = h.Session.Sa, loser = oldSa.RedundantRekey!;
        IkeSa clientSurvivor = oldClient.RekeyedTo!, clientLoser = oldClient.RedundantRekey!;

        // The same decision at both ends, and the one §2.8.2 asks for: the lowest nonce's SA goes.
        Assert.Equal((survivor.InitiatorSpi, survivor.ResponderSpi), (clientSurvivor.InitiatorSpi, clientSurvivor.ResponderSpi));
        Assert.Equal((loser.InitiatorSpi, loser.ResponderSpi), (clientLoser.InitiatorSpi, clientLoser.ResponderSpi));
        byte[] lowest = new[] { survivor.NonceI, survivor.NonceR, loser.NonceI, loser.NonceR }
            .Select(n => n.ToArray()).OrderBy(n => n, Comparer<byte[]>.Create((a, b) => a.AsSpan().SequenceCompareTo(b))).First();
        Assert.True(lowest.AsSpan().SequenceEqual(loser.NonceI.Span) || lowest.AsSpan().SequenceEqual(loser.NonceR.Span));
        Assert.Equal(gatewayWins, survivor.IsInitiator);
        Assert.Equal(gatewayWins, !ReferenceEquals(peers, survivor));
        Assert.Same(child, Assert.Single(survivor.ChildSas));
        Assert.Empty(loser.ChildSas);

        // The gateway deletes what is its to delete (the old SA when its rekey survived, else its redundant SA); the
        // client deletes the other, as its own session would.
        byte[] delete = Assert.Single(Sent(resolved));
        IkeSa target = gatewayWins ? oldClient : clientLoser;
        Assert.Equal(target.ResponderSpi, IkeHeader.Read(delete).ResponderSpi);
        h.FromClient(AtClient(target, delete).Message!);
        h.FromClient((gatewayWins ? clientLoser : oldClient).InitiateDelete().Message!);

        Assert.Empty(h.Session.RetiringSas);
        Assert.Equal(IkeSaState.Established, survivor.State);
        Assert.Equal(1, h.Session.InstalledChildSas);
        IReadOnlyList<IkeSaEffect> dpd = h.FromClient(clientSurvivor.InitiateDpd().Message!);
        AtClient(clientSurvivor, Assert.Single(Sent(dpd)));
        oldClient.Dispose();
        clientLoser.Dispose();
        h.Client = clientSurvivor;
    }

    /// <summary>The other order: the gateway's rekey completes before the client's crossing request arrives. The old
    /// SA is being deleted by then, so the client's request gets TEMPORARY_FAILURE (RFC 7296 §2.25.2) and the client,
    /// answering the gateway's Delete of the old SA, forgets its own rekey.</summary>
    [Fact]
    public void IkeRekey_BothAtOnceGatewayDoneFirst_PeersRequestTemporaryFailure()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Arm due = Establish(h);
        IkeSa oldSa = h.Session.Sa, oldClient = h.Client;

        byte[] gatewayRequest = Assert.Single(Sent(h.Session.OnTimer(IkeSaTimer.IkeRekey, due.Token)));
        byte[] clientRequest = oldClient.InitiateRekey().Message!;
        IReadOnlyList<IkeSaEffect> adopted = h.FromClient(AtClient(oldClient, gatewayRequest).Message!);
        IkeSa survivor = h.Session.Sa;
        Assert.True(survivor.IsInitiator);
        Assert.Equal(IkeSaState.Deleting, oldSa.State);

        IReadOnlyList<IkeSaEffect> refused = h.FromClient(clientRequest);
        Assert.Same(survivor, h.Session.Sa);
        AtClient(oldClient, Assert.Single(Sent(refused)));
        Assert.Equal(NotifyType.TemporaryFailure, oldClient.IkeRekeyFailure);

        h.FromClient(AtClient(oldClient, Assert.Single(Sent(adopted))).Message!);
        Assert.Empty(h.Session.RetiringSas);
        Assert.Equal(0, h.Session.IkeRekeyCollisions);
        Assert.Single(survivor.ChildSas);
        Assert.Single(oldClient.RekeyedTo!.ChildSas);
        h.Client = oldClient.RekeyedTo!;
        oldClient.Dispose();
    }

    /// <summary>
    /// Both ends rekey the same CHILD SA at once (RFC 7296 §2.8.1) and each gets the other's request first: each answers
    /// as usual (§2.25.1), two new CHILD SAs replace the old one, and the one created with the lowest of the four
    /// nonces is deleted by the end that created it. Seeds fix the nonces so each end loses once.
    /// </summary>
    [Theory]
    [InlineData(1, 2, true)]
    [InlineData(3, 2, true)]
    [InlineData(6, 2, false)]
    [InlineData(7, 2, false)]
    public void ChildRekey_BothAtOnceRequestsCross_RedundantDeletedByItsCreator(int clientSeed, int serverSeed, bool gatewayLoses)
    {
        using SessionHarness h = Harness(clientSeed, serverSeed);
        IkeSaEffect.Install first = One<IkeSaEffect.Install>(h.UpToIkeAuth());
        Assert.Empty(h.ToClient(h.Session.OnKernelDone(first.CorrelationId)));
        ChildSa old = first.Child;

        byte[] gatewayRequest = Assert.Single(Sent(h.Session.OnChildExpired(first.Reqid, old.InboundSpi, hard: false)));
        byte[] clientRequest = h.Client.InitiateChildRekey(h.Client.ChildSas[0]).Message!;
        byte[] clientAnswer = AtClient(h.Client, gatewayRequest).Message!;
        IkeSaEffect.Install peers = One<IkeSaEffect.Install>(h.FromClient(clientRequest));
        Assert.False(peers.Child.CreatedByUs);
        IReadOnlyList<IkeSaEffect> peersDone = h.Session.OnKernelDone(peers.CorrelationId);
        AtClient(h.Client, Assert.Single(Sent(peersDone)));

        IkeSaEffect.Install ours = One<IkeSaEffect.Install>(h.FromClient(clientAnswer));
        Assert.True(ours.Child.CreatedByUs);
        Assert.Equal(old.InboundSpi, ours.Child.ReplacesInboundSpi);
        Assert.Equal(old.InboundSpi, peers.Child.ReplacesInboundSpi);
        Assert.Equal(first.Reqid, ours.Reqid);
        IReadOnlyList<IkeSaEffect> oursDone = h.Session.OnKernelDone(ours.CorrelationId);
        Assert.Equal(1, h.Session.ChildRekeyCollisions);

        // The lowest of the four nonces, compared octet by octet, names the redundant SA.
        bool oursLoses = ours.Child.RekeyLowestNonce.Span.SequenceCompareTo(peers.Child.RekeyLowestNonce.Span) < 0;
        Assert.Equal(gatewayLoses, oursLoses);
        // Our rekey's old pair is deleted by us (§1.3.3); our redundant SA too when ours lost (queued after it).
        IkeSaResult deleteOld = AtClient(h.Client, Assert.Single(Sent(oursDone)));
        IReadOnlyList<IkeSaEffect> oldGone = h.FromClient(deleteOld.Message!);
        Assert.Equal(old, One<IkeSaEffect.Remove>(oldGone).Child);
        List<byte[]> next = Sent(oldGone);
        if (oursLoses)
        {
            IReadOnlyList<IkeSaEffect> loserGone = h.FromClient(AtClient(h.Client, Assert.Single(next)).Message!);
            Assert.Same(ours.Child, One<IkeSaEffect.Remove>(loserGone).Child);
            Assert.Same(peers.Child, Assert.Single(h.Session.Sa.ChildSas));
        }
        else
        {
            Assert.Empty(next);
            Assert.Equal(2, h.Session.Sa.ChildSas.Count);
        }
    }

    /// <summary>The other order for a CHILD SA: our rekey completed and its old pair's Delete is out when the peer's
    /// crossing request for that pair arrives: TEMPORARY_FAILURE (RFC 7296 §2.25.1), no second new CHILD SA.</summary>
    [Fact]
    public void ChildRekey_BothAtOnceGatewayDoneFirst_PeersRequestTemporaryFailure()
    {
        using SessionHarness h = Harness();
        IkeSaEffect.Install first = One<IkeSaEffect.Install>(h.UpToIkeAuth());
        Assert.Empty(h.ToClient(h.Session.OnKernelDone(first.CorrelationId)));

        byte[] gatewayRequest = Assert.Single(Sent(h.Session.OnChildExpired(first.Reqid, first.Child.InboundSpi, hard: false)));
        byte[] clientRequest = h.Client.InitiateChildRekey(h.Client.ChildSas[0]).Message!;
        IkeSaEffect.Install ours = One<IkeSaEffect.Install>(h.FromClient(AtClient(h.Client, gatewayRequest).Message!));
        Assert.Single(Sent(h.Session.OnKernelDone(ours.CorrelationId)));

        IReadOnlyList<IkeSaEffect> refused = h.FromClient(clientRequest);
        Assert.Empty(refused.OfType<IkeSaEffect.Install>());
        AtClient(h.Client, Assert.Single(Sent(refused)));
        Assert.Equal(NotifyType.TemporaryFailure, h.Client.ChildFailureNotify);
        Assert.Equal(0, h.Session.ChildRekeyCollisions);
    }
}
