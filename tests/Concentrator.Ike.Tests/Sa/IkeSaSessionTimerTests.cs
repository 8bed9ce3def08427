using Concentrator.Ike.Sa;
using static Concentrator.Ike.Tests.Sa.SessionHarness;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Half-open limit, dead peer detection and retransmission decisions of an <see cref="IkeSaSession"/>
/// (RFC 7296 §2.1, §2.4), driven by a fake clock.</summary>
public class IkeSaSessionTimerTests
{
    [Fact]
    public void HalfOpen_NotEstablished_Stops()
    {
        using var h = new SessionHarness();
        Assert.Equal(TimeSpan.FromSeconds(30), Armed(h.Session.Start(), IkeSaTimer.HalfOpen).Due);
        h.FromClient(h.Client.Initiate().Message!);

        Assert.Contains(IkeSaEffect.Stop.Instance, h.Session.OnTimer(IkeSaTimer.HalfOpen, null));
    }

    [Fact]
    public void HalfOpen_Established_Nothing()
    {
        using var h = new SessionHarness();
        h.Establish();

        Assert.Empty(h.Session.OnTimer(IkeSaTimer.HalfOpen, null));
    }

    [Fact]
    public void Dpd_HeardRecently_RearmsForTheRestOfTheDelay()
    {
        using var h = new SessionHarness();
        h.Establish();
        h.Time.Advance(TimeSpan.FromSeconds(20));

        IReadOnlyList<IkeSaEffect> tick = h.Session.OnTimer(IkeSaTimer.Dpd, null);
        Assert.Empty(Sent(tick));
        Assert.Equal(TimeSpan.FromSeconds(10), Armed(tick, IkeSaTimer.Dpd).Due);
    }

    [Fact]
    public void Dpd_IdleForTheDelay_SendsLivenessCheckAndArmsItsTimeout()
    {
        using var h = new SessionHarness();
        h.Establish();
        h.Time.Advance(TimeSpan.FromSeconds(30));

        IReadOnlyList<IkeSaEffect> tick = h.Session.OnTimer(IkeSaTimer.Dpd, null);
        byte[] check = Assert.Single(Sent(tick));
        Assert.Equal(TimeSpan.FromSeconds(4), Armed(tick, IkeSaTimer.Retransmit).Due);
        Assert.Same(h.Session.Sa.PendingRequest, Armed(tick, IkeSaTimer.DpdTimeout).Token);
        Assert.Equal(TimeSpan.FromSeconds(30), Armed(tick, IkeSaTimer.Dpd).Due);

        // Answered: the retransmission is cancelled and the timeout of that check does nothing.
        object token = Armed(tick, IkeSaTimer.DpdTimeout).Token!;
        IReadOnlyList<IkeSaEffect> answer = h.FromClient(Assert.Single(h.ToClient([new IkeSaEffect.Send(SaPair.ServerEndpoint, SaPair.ClientEndpoint, [check])])));
        Assert.Contains(new IkeSaEffect.Cancel(IkeSaTimer.Retransmit), answer);
        Assert.Empty(h.Session.OnTimer(IkeSaTimer.DpdTimeout, token));
    }

    [Fact]
    public void DpdTimeout_CheckUnanswered_Stops()
    {
        using var h = new SessionHarness();
        h.Establish();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        IReadOnlyList<IkeSaEffect> tick = h.Session.OnTimer(IkeSaTimer.Dpd, null);

        IReadOnlyList<IkeSaEffect> timedOut = h.Session.OnTimer(IkeSaTimer.DpdTimeout, Armed(tick, IkeSaTimer.DpdTimeout).Token);
        Assert.Equal(IkeSaEffect.Stop.Instance, timedOut[^1]);
    }

    [Fact]
    public void Retransmit_Unanswered_SameOctetsWithGrowingDelaysThenDead()
    {
        using var h = new SessionHarness(s => s with { DpdTimeout = TimeSpan.Zero });
        h.Establish();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        IReadOnlyList<IkeSaEffect> tick = h.Session.OnTimer(IkeSaTimer.Dpd, null);
        byte[] check = Assert.Single(Sent(tick));
        Assert.DoesNotContain(tick, e => e is IkeSaEffect.Arm { Timer: IkeSaTimer.DpdTimeout });
        IkeSaEffect.Arm arm = Armed(tick, IkeSaTimer.Retransmit);

        for (int attempt = 0; attempt < 3; attempt++)
        {
            IReadOnlyList<IkeSaEffect> resent = h.Session.OnTimer(IkeSaTimer.Retransmit, arm.Token);
            // RFC 7296 §2.1: octet for octet.
            Assert.Equal(check, Assert.Single(Sent(resent)));
            arm = Armed(resent, IkeSaTimer.Retransmit);
            Assert.Equal(TimeSpan.FromSeconds(4 << (attempt + 1)), arm.Due);
        }

        Assert.Equal(3, h.Session.Retransmissions);
        IReadOnlyList<IkeSaEffect> dead = h.Session.OnTimer(IkeSaTimer.Retransmit, arm.Token);
        Assert.Empty(Sent(dead));
        Assert.Equal(IkeSaEffect.Stop.Instance, dead[^1]);
    }

    [Fact]
    public void Retransmit_StaleAttemptOfAnsweredRequest_Nothing()
    {
        using var h = new SessionHarness();
        h.Establish();
        h.Time.Advance(TimeSpan.FromSeconds(30));
        IReadOnlyList<IkeSaEffect> tick = h.Session.OnTimer(IkeSaTimer.Dpd, null);
        h.FromClient(Assert.Single(h.ToClient(tick)));

        Assert.Empty(h.Session.OnTimer(IkeSaTimer.Retransmit, Armed(tick, IkeSaTimer.Retransmit).Token));
    }

    [Fact]
    public void Datagram_Replayed_AnsweredButNoLivenessNorSocket()
    {
        using var h = new SessionHarness();
        h.Session.Start();
        byte[] init = h.Client.Initiate().Message!;
        h.FromClient(init);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        IReadOnlyList<IkeSaEffect> again = h.FromClient(init);
        Assert.Single(Sent(again));
        Assert.DoesNotContain(IkeSaEffect.UseArrivalSocket.Instance, again);
    }

    [Fact]
    public void Datagram_Junk_CountedAndLoggedOnPowersOfTwo()
    {
        using var h = new SessionHarness();
        h.Establish();
        byte[] junk = new byte[40];
        BitConverterHeader(junk, h.Session.Sa);

        int logged = Enumerable.Range(0, 5).Sum(_ => h.FromClient(junk).OfType<IkeSaEffect.Log>().Count());
        Assert.Equal(3, logged);
        Assert.Equal(5, h.Session.Drops.Values.Sum());
    }

    private static void BitConverterHeader(byte[] datagram, IkeSa sa)
    {
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(datagram, sa.InitiatorSpi);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(8), sa.ResponderSpi);
        datagram[17] = 0x20;
        datagram[18] = 37;
        datagram[19] = 0x08;
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(20), 5);
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(24), 40);
    }
}
