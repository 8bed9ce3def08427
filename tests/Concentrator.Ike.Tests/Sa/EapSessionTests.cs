using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring b: EAP through the <see cref="IkeSaSession"/> the actor runs: the conversation's timer, and the
/// asynchronous seam (a backend that answers "pending", the RelayEap effect, OnEapReply).</summary>
public sealed class EapSessionTests : IDisposable
{
    private readonly ManualTime _time = new();
    private readonly List<object> _relayed = [];
    private readonly IkeSa _client;
    private readonly IkeSaSession _session;
    private uint _reqid = 100;

    public EapSessionTests()
        : this(relay: false)
    {
    }

    private EapSessionTests(bool relay, EapType type = EapType.MsChapV2, bool relayStart = false)
    {
        Func<IEapServer>? backend = relay ? () => new RelayedServer(new EapMsChapV2Server(EapSetupTests.Users, new SeededRandom(7)), relayStart) : null;
        var settings = new IkeSaSessionSettings(n => TimeSpan.FromSeconds(4 << n), 3, TimeSpan.FromSeconds(30),
            TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero, TimeSpan.FromSeconds(10), () => _reqid++)
        {
            EapTimeout = TimeSpan.FromSeconds(45),
        };
        _client = IkeSa.CreateInitiator(EapSetupTests.Client(type), new IkeSaServices { Time = _time, Random = new SeededRandom(1) },
            SaPair.ClientEndpoint, SaPair.ServerEndpoint);
        _session = IkeSaSession.Responder(EapSetupTests.Server(type, backend: backend), new IkeSaServices
        {
            Time = _time,
            Random = new SeededRandom(2),
            AddressAllocator = new ListAllocator("10.99.0.1"),
        }, SaPair.ServerEndpoint, SaPair.ClientEndpoint, settings);
    }

    private IReadOnlyList<IkeSaEffect> FromClient(byte[] datagram) =>
        _session.OnDatagram(datagram, IkeHeader.Read(datagram).ResponderSpi, SaPair.ClientEndpoint, SaPair.ServerEndpoint);

    private byte[] ToClient(IEnumerable<IkeSaEffect> effects)
    {
        byte[] datagram = Assert.Single(SessionHarness.Sent(effects));
        IkeSaResult result = _client.Process(datagram, SaPair.ServerEndpoint, SaPair.ClientEndpoint);
        Assert.False(result.IsDropped, result.Detail);
        return result.Message!;
    }

    /// <summary>IKE_SA_INIT and the first IKE_AUTH round: the effects of the session's answer with the EAP request.</summary>
    private (IReadOnlyList<IkeSaEffect> Effects, byte[] ClientAuth) FirstRound()
    {
        _session.Start();
        byte[] auth = ToClient(FromClient(_client.Initiate().Message!));
        return (FromClient(auth), auth);
    }

    [Fact]
    public void FirstEapRound_HalfOpenLimitReplacedByEapTimer()
    {
        IReadOnlyList<IkeSaEffect> fx = FirstRound().Effects;

        Assert.Contains(fx, e => e is IkeSaEffect.Cancel { Timer: IkeSaTimer.HalfOpen });
        Assert.Equal(TimeSpan.FromSeconds(45), SessionHarness.Armed(fx, IkeSaTimer.Eap).Due);
        Assert.Single(SessionHarness.Sent(fx));
    }

    [Fact]
    public void EapTimer_ConversationUnfinished_SaFailsAndStops()
    {
        FirstRound();

        IReadOnlyList<IkeSaEffect> fx = _session.OnTimer(IkeSaTimer.Eap, null);

        Assert.Contains(fx, e => e is IkeSaEffect.Stop);
        Assert.Empty(SessionHarness.Sent(fx));
        Assert.Equal(IkeSaState.Failed, _session.Sa.State);
        Assert.Equal(AuthFailure.EapTimedOut, _session.Sa.AuthFailure);
        Assert.Contains(fx, e => e is IkeSaEffect.Log { Text: var t } && t.Contains("did not finish within 00:00:45", StringComparison.Ordinal));
    }

    [Fact]
    public void WholeConversation_Established_EapTimerCancelledAndChildInstalled()
    {
        (IReadOnlyList<IkeSaEffect> fx, _) = FirstRound();
        IkeSaEffect.Install? install = null;
        for (int round = 0; round < 4 && install is null; round++)
        {
            fx = FromClient(ToClient(fx));
            install = fx.OfType<IkeSaEffect.Install>().SingleOrDefault();
        }

        Assert.NotNull(install);
        Assert.Contains(fx, e => e is IkeSaEffect.Cancel { Timer: IkeSaTimer.Eap });
        Assert.Empty(SessionHarness.Sent(_session.OnTimer(IkeSaTimer.Eap, null)));
        Assert.Equal(IkeSaState.Established, _session.Sa.State);
    }

    [Fact]
    public void PendingBackend_RelayEmittedNothingSentUntilReply()
    {
        using var test = new EapSessionTests(relay: true);
        (IReadOnlyList<IkeSaEffect> fx, _) = test.FirstRound();
        byte[] response = test.ToClient(fx);

        IReadOnlyList<IkeSaEffect> held = test.FromClient(response);

        var relay = Assert.IsType<Relay>(Assert.Single(held.OfType<IkeSaEffect.RelayEap>()).Request);
        Assert.Empty(SessionHarness.Sent(held));
        Assert.True(test._session.Sa.AwaitingEap);

        IReadOnlyList<IkeSaEffect> answered = test._session.OnEapReply(relay.Answer());

        Assert.Single(SessionHarness.Sent(answered));
        Assert.False(test._session.Sa.AwaitingEap);
        test.ToClient(answered);
    }

    [Fact]
    public void PendingBackend_RetransmissionWhileHeld_DroppedAndCounted()
    {
        using var test = new EapSessionTests(relay: true);
        (IReadOnlyList<IkeSaEffect> fx, _) = test.FirstRound();
        byte[] response = test.ToClient(fx);
        var relay = (Relay)Assert.Single(test.FromClient(response).OfType<IkeSaEffect.RelayEap>()).Request;

        IReadOnlyList<IkeSaEffect> again = test.FromClient(response);

        Assert.Empty(SessionHarness.Sent(again));
        Assert.Empty(again.OfType<IkeSaEffect.RelayEap>());
        Assert.Equal(1, test._session.Drops[DropReason.EapPending]);
        // Once answered, the same retransmission gets the stored response.
        byte[] answer = Assert.Single(SessionHarness.Sent(test._session.OnEapReply(relay.Answer())));
        Assert.Equal(answer, Assert.Single(SessionHarness.Sent(test.FromClient(response))));
    }

    [Fact]
    public void PendingBackend_NeverAnswers_EapTimerAnswersEapFailureEndsSaAndLateReplyIgnored()
    {
        using var test = new EapSessionTests(relay: true);
        (IReadOnlyList<IkeSaEffect> fx, _) = test.FirstRound();
        byte[] eapResponse = test.ToClient(fx);
        var relay = (Relay)Assert.Single(test.FromClient(eapResponse).OfType<IkeSaEffect.RelayEap>()).Request;

        IReadOnlyList<IkeSaEffect> timedOut = test._session.OnTimer(IkeSaTimer.Eap, null);
        IReadOnlyList<IkeSaEffect> late = test._session.OnEapReply(relay.Answer());

        Assert.Contains(timedOut, e => e is IkeSaEffect.Stop);
        // The held request is answered: the peer waits for it (RFC 3748 §4.2: EAP-Failure), the reason stays the timeout.
        byte[] sent = Assert.Single(SessionHarness.Sent(timedOut));
        EapFailureAnswer.AssertFailure(EapFailureAnswer.Open(sent, test._client), EapFailureAnswer.Open(eapResponse, test._session.Sa));
        Assert.Equal(AuthFailure.EapTimedOut, test._session.Sa.AuthFailure);
        Assert.Contains("did not finish within 00:00:45", test._session.Sa.FailureReason, StringComparison.Ordinal);
        Assert.Empty(SessionHarness.Sent(late));
        Assert.Equal(IkeSaState.Failed, test._session.Sa.State);
    }

    [Fact]
    public void PendingBackend_ReplyIsFailure_EapFailureSentAndStopped()
    {
        using var test = new EapSessionTests(relay: true);
        (IReadOnlyList<IkeSaEffect> fx, _) = test.FirstRound();
        byte[] eapResponse = test.ToClient(fx);
        Assert.Single(test.FromClient(eapResponse).OfType<IkeSaEffect.RelayEap>());

        IReadOnlyList<IkeSaEffect> answered = test._session.OnEapReply(new EapStep.Failure("the RADIUS server said Access-Reject"));

        byte[] sent = Assert.Single(SessionHarness.Sent(answered));
        EapFailureAnswer.AssertFailure(EapFailureAnswer.Open(sent, test._client), EapFailureAnswer.Open(eapResponse, test._session.Sa));
        Assert.True(test._client.Process(sent, SaPair.ServerEndpoint, SaPair.ClientEndpoint).Outbound.Count == 0);
        Assert.Equal(AuthFailure.EapFailed, test._client.AuthFailure);
        Assert.Contains(answered, e => e is IkeSaEffect.Stop);
        Assert.Equal(AuthFailure.EapFailed, test._session.Sa.AuthFailure);
        Assert.Contains("Access-Reject", test._session.Sa.FailureReason, StringComparison.Ordinal);
        Assert.Empty(test._session.Sa.ChildSas);
    }

    [Fact]
    public void PendingAtStart_FirstResponseHeldThenCarriesIdrAuthAndEap_SetupCompletes()
    {
        using var test = new EapSessionTests(relay: true, relayStart: true);
        test._session.Start();
        byte[] auth = test.ToClient(test.FromClient(test._client.Initiate().Message!));

        IReadOnlyList<IkeSaEffect> held = test.FromClient(auth);

        var relay = Assert.IsType<StartRelay>(Assert.Single(held.OfType<IkeSaEffect.RelayEap>()).Request);
        Assert.Empty(SessionHarness.Sent(held));
        Assert.Equal(TimeSpan.FromSeconds(45), SessionHarness.Armed(held, IkeSaTimer.Eap).Due);
        IReadOnlyList<IkeSaEffect> fx = test._session.OnEapReply(relay.Answer());
        IkeSaEffect.Install? install = null;
        for (int round = 0; round < 6 && install is null; round++)
        {
            fx = test.FromClient(test.ToClient(fx));
            if (fx.OfType<IkeSaEffect.RelayEap>().SingleOrDefault() is { Request: Relay later })
            {
                fx = test._session.OnEapReply(later.Answer());
            }

            install = fx.OfType<IkeSaEffect.Install>().SingleOrDefault();
        }

        Assert.NotNull(install);
        Assert.Equal(IkeSaState.Established, test._session.Sa.State);
    }

    public void Dispose()
    {
        _client.Dispose();
        _session.OnStopped();
    }

    /// <summary>What a RADIUS-like backend would carry to its server: the peer's EAP response.</summary>
    private sealed record Relay(IEapServer Inner, EapPacket Response)
    {
        public EapStep Answer() => Inner.Process(Response);
    }

    /// <summary>What a RADIUS-like backend would carry first: the identity (an Access-Request with EAP-Response/Identity).</summary>
    private sealed record StartRelay(IEapServer Inner, string Identity, byte Identifier)
    {
        public EapStep Answer() => Inner.Start(Identity, Identifier);
    }

    /// <summary>Starts locally (or "later" with <paramref name="relayStart"/>), answers every response "later".</summary>
    private sealed class RelayedServer(IEapServer inner, bool relayStart) : IEapServer
    {
        public EapStep Start(string identity, byte identifier) =>
            relayStart ? new EapStep.Pending(new StartRelay(inner, identity, identifier)) : inner.Start(identity, identifier);

        public EapStep Process(EapPacket response) => new EapStep.Pending(new Relay(inner, response));
    }
}
