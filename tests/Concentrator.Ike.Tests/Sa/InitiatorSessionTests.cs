using System.Net.Sockets;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Ring (b): a site-to-site initiator <see cref="IkeSaSession"/> (the gateway's start-action) against a
/// responder session, in memory with a fake clock; each side's datagrams reach the other only through its
/// <see cref="IkeSaEffect.Send"/>s.</summary>
public sealed class InitiatorSessionTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";
    private readonly ManualTime _time = new();
    private uint _reqid = 100;

    private IkeSaSessionSettings Settings() => new(n => TimeSpan.FromSeconds(4 << n), 3, TimeSpan.FromSeconds(30),
        TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(150), TimeSpan.Zero, TimeSpan.FromSeconds(10), () => _reqid++);

    private (IkeSaSession Initiator, IkeSaSession Responder) Pair()
    {
        var any = new[] { TrafficSelector.Any(AddressFamily.InterNetwork) };
        IkeSaConfig a = SaPair.Config("a.site.test", "secret", [Ike], ["aes256gcm16"], c => c with
        {
            RemoteIdentity = IkeIdentity.Parse("b.site.test"),
            LocalTrafficSelectors = any,
            RemoteTrafficSelectors = any,
        });
        IkeSaConfig b = SaPair.Config("b.site.test", "secret", [Ike], ["aes256gcm16"], c => c with
        {
            LocalTrafficSelectors = any,
            RemoteTrafficSelectors = any,
        });
        var initiator = IkeSaSession.Initiator(a, new IkeSaServices { Time = _time, Random = new SeededRandom(1) },
            SaPair.ClientEndpoint, SaPair.ServerEndpoint, Settings());
        var responder = IkeSaSession.Responder(b, new IkeSaServices { Time = _time, Random = new SeededRandom(2) },
            SaPair.ServerEndpoint, SaPair.ClientEndpoint, Settings());
        return (initiator, responder);
    }

    private static List<IkeSaEffect> Deliver(IkeSaSession to, IEnumerable<IkeSaEffect> from, bool toResponder)
    {
        var fx = new List<IkeSaEffect>();
        foreach (byte[] datagram in SessionHarness.Sent(from))
        {
            IkeHeader header = IkeHeader.Read(datagram);
            fx.AddRange(toResponder
                ? to.OnDatagram(datagram, header.ResponderSpi, SaPair.ClientEndpoint, SaPair.ServerEndpoint)
                : to.OnDatagram(datagram, header.ResponderSpi, SaPair.ServerEndpoint, SaPair.ClientEndpoint));
        }

        return fx;
    }

    [Fact]
    public void Initiate_SendsIkeSaInitAndArmsItsRetransmission()
    {
        var (initiator, _) = Pair();
        initiator.Start();

        IReadOnlyList<IkeSaEffect> fx = initiator.Initiate();

        byte[] sent = Assert.Single(SessionHarness.Sent(fx));
        IkeHeader header = IkeHeader.Read(sent);
        Assert.Equal(ExchangeType.IkeSaInit, header.ExchangeType);
        Assert.True(header.IsFromInitiator);
        Assert.Equal(0ul, header.ResponderSpi);
        Assert.Contains(fx, e => e is IkeSaEffect.Arm { Timer: IkeSaTimer.Retransmit });
    }

    [Fact]
    public void Initiate_AgainstResponder_BothInstallTheZeroZeroChildSaAndAreEstablished()
    {
        var (initiator, responder) = Pair();
        initiator.Start();
        responder.Start();

        var authRequest = Deliver(initiator, Deliver(responder, initiator.Initiate(), toResponder: true), toResponder: false);
        var held = Deliver(responder, authRequest, toResponder: true);
        IkeSaEffect.Install responderInstall = SessionHarness.One<IkeSaEffect.Install>(held);
        var authResponse = responder.OnKernelDone(responderInstall.CorrelationId);
        var initiatorFx = Deliver(initiator, authResponse, toResponder: false);

        IkeSaEffect.Install install = SessionHarness.One<IkeSaEffect.Install>(initiatorFx);
        Assert.StartsWith("0.0.0.0-255.255.255.255", Assert.Single(install.Child.LocalSelectors).ToString(), StringComparison.Ordinal);
        Assert.StartsWith("0.0.0.0-255.255.255.255", Assert.Single(install.Child.RemoteSelectors).ToString(), StringComparison.Ordinal);
        Assert.Empty(SessionHarness.Sent(initiatorFx));
        var done = initiator.OnKernelDone(install.CorrelationId);
        Assert.Contains(done, e => e is IkeSaEffect.Established);
        Assert.Equal(IkeSaState.Established, initiator.Sa.State);
        Assert.Equal(IkeSaState.Established, responder.Sa.State);
        Assert.Equal("b.site.test", initiator.Sa.RemoteIdentity!.ToString());
        Assert.Equal(install.Child.OutboundSpi, responderInstall.Child.InboundSpi);
    }

    [Fact]
    public void Initiate_NoAnswer_RetransmitsTheSameRequestThenStops()
    {
        var (initiator, _) = Pair();
        initiator.Start();
        IReadOnlyList<IkeSaEffect> fx = initiator.Initiate();
        byte[] first = Assert.Single(SessionHarness.Sent(fx));

        var retransmitted = new List<byte[]>();
        while (fx.OfType<IkeSaEffect.Arm>().FirstOrDefault(a => a.Timer == IkeSaTimer.Retransmit) is { } arm)
        {
            fx = initiator.OnTimer(IkeSaTimer.Retransmit, arm.Token);
            retransmitted.AddRange(SessionHarness.Sent(fx));
        }

        // RFC 7296 §2.1: a retransmission repeats the request octet for octet; after the tries the peer counts as dead.
        Assert.Equal(3, retransmitted.Count);
        Assert.All(retransmitted, r => Assert.Equal(first, r));
        Assert.Contains(fx, e => e is IkeSaEffect.Stop);
    }
}
