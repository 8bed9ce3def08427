using System.Net;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Sa;
using Concentrator.Server.Kernel;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>The pure half of EAP-RADIUS: the backend's first relay, the mapping of RADIUS answers to EAP steps, and the
/// accounting records built from the session.</summary>
public sealed class EapRadiusSessionTests
{
    private static readonly IPEndPoint Server = new(IPAddress.Loopback, 1812);
    private static readonly byte[] MsChapChallenge = EapPacket.Request(7, EapType.MsChapV2, new byte[] { 1, 7, 0, 5, 16 }).Encode();

    [Fact]
    public void Start_Identity_RelaysEapResponseIdentityWithThePreviousIdentifier()
    {
        var server = new EapRadiusServer(42);

        var step = server.Start("alice", 9);

        var round = Assert.IsType<EapRadiusRound>(Assert.IsType<EapStep.Pending>(step).Relay);
        Assert.True(EapPacket.TryParse(round.EapMessage, out var packet, out _));
        Assert.Equal((EapCode.Response, (byte)8, EapType.Identity, "alice"),
            (packet.Code, packet.Identifier, packet.Type, System.Text.Encoding.UTF8.GetString(packet.Data.Span)));
        Assert.Equal("alice", round.Session.UserName);
        Assert.Equal(42u, round.Session.NasPort);
        Assert.True(server.AcceptsNak);
    }

    [Fact]
    public void Apply_Challenge_NextRequestAndStateKeptForTheNextRound()
    {
        var session = new EapRadiusSession(1);

        var step = session.Apply(new AccessReply(1, AccessResult.Challenge, Server) { EapMessage = MsChapChallenge, State = new byte[] { 0xAB, 0xCD } });

        Assert.Equal(MsChapChallenge, Assert.IsType<EapStep.Request>(step).Message);
        Assert.Equal(new byte[] { 0xAB, 0xCD }, session.State.ToArray());
    }

    [Fact]
    public void Apply_ChallengeWithoutEapMessage_Failure()
    {
        var step = new EapRadiusSession(1).Apply(new AccessReply(1, AccessResult.Challenge, Server));

        Assert.Contains("without EAP-Message", Assert.IsType<EapStep.Failure>(step).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Apply_AcceptWithKeys_SuccessWithRecvThenSendKeyAsMskAndFramedIp()
    {
        var session = new EapRadiusSession(1) { UserName = "alice" };
        var recv = Enumerable.Repeat((byte)1, 16).ToArray();
        var send = Enumerable.Repeat((byte)2, 16).ToArray();

        var step = session.Apply(new AccessReply(1, AccessResult.Accept, Server)
        {
            RecvKey = recv,
            SendKey = send,
            FramedIpAddress = IPAddress.Parse("10.77.0.9"),
            Classes = [new byte[] { 0x74 }],
        });

        var success = Assert.IsType<EapStep.Success>(step);
        Assert.Equal([.. recv, .. send], success.Msk!);
        Assert.Equal([IPAddress.Parse("10.77.0.9")], success.Addresses);
        Assert.Same(session, success.Backend);
        Assert.Equal("alice", success.Identity);
        Assert.Single(session.Classes);
    }

    [Fact]
    public void Apply_AcceptWithFramedIpv6Address_SuccessCarriesBothFamiliesAndTheSessionKeepsIt()
    {
        var session = new EapRadiusSession(1) { UserName = "alice" };

        var step = session.Apply(new AccessReply(1, AccessResult.Accept, Server)
        {
            FramedIpAddress = IPAddress.Parse("10.77.0.9"),
            FramedIpv6Address = IPAddress.Parse("2001:db8:77::9"),
        });

        Assert.Equal([IPAddress.Parse("10.77.0.9"), IPAddress.Parse("2001:db8:77::9")], Assert.IsType<EapStep.Success>(step).Addresses);
        Assert.Equal(IPAddress.Parse("2001:db8:77::9"), session.FramedIpv6Address);
    }

    [Theory]
    [InlineData("2001:db8:78::/64", null, "2001:db8:78::1")]
    [InlineData("2001:db8:78::5/128", null, "2001:db8:78::5")]
    [InlineData("2001:db8:78::/64", "2001:db8:77::9", "2001:db8:77::9")]
    public void Apply_AcceptWithFramedIpv6Prefix_FirstAddressUnlessFramedIpv6Address(string prefix, string? address, string expected)
    {
        var session = new EapRadiusSession(1) { UserName = "alice" };

        var step = session.Apply(new AccessReply(1, AccessResult.Accept, Server)
        {
            FramedIpv6Prefix = IPNetwork.Parse(prefix),
            FramedIpv6Address = address is null ? null : IPAddress.Parse(address),
        });

        Assert.Equal([IPAddress.Parse(expected)], Assert.IsType<EapStep.Success>(step).Addresses);
        Assert.Equal(IPAddress.Parse(expected), session.FramedIpv6Address);
    }

    [Fact]
    public void Apply_AcceptWithoutKeys_SuccessWithoutMsk()
    {
        var step = new EapRadiusSession(1).Apply(new AccessReply(1, AccessResult.Accept, Server));

        Assert.Null(Assert.IsType<EapStep.Success>(step).Msk);
    }

    [Fact]
    public void Apply_Reject_FailureWithReplyMessage()
    {
        var step = new EapRadiusSession(1).Apply(new AccessReply(1, AccessResult.Reject, Server) { ReplyMessage = "bad password" });

        Assert.Contains("bad password", Assert.IsType<EapStep.Failure>(step).Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Unavailable_Failure_NamesRadius()
    {
        var step = EapRadiusSession.Unavailable(new RadiusUnavailable(1, "no answer"));

        Assert.Equal("RADIUS unavailable: no answer", Assert.IsType<EapStep.Failure>(step).Reason);
    }

    [Theory]
    [InlineData(IkeSaState.Established, true, TerminateCause.AdminReset)]
    [InlineData(IkeSaState.Deleted, false, TerminateCause.UserRequest)]
    [InlineData(IkeSaState.Established, false, TerminateCause.LostCarrier)]
    public void Cause_EndOfSa_RfcTerminateCause(IkeSaState state, bool byNode, TerminateCause expected) =>
        Assert.Equal(expected, AccountingRecords.Cause(state, byNode));

    [Fact]
    public void Session_FromRadiusSession_IdIsSpiAndIpv4VipIsFramedIp()
    {
        var radius = new EapRadiusSession(5) { UserName = "alice", CallingStationId = "192.0.2.2[4500]" };

        var session = AccountingRecords.Session(radius, 0x1122334455667788, [IPAddress.Parse("2001:db8::1"), IPAddress.Parse("10.77.0.9")]);

        Assert.Equal(("1122334455667788", "alice", 5u, "192.0.2.2[4500]"), (session.SessionId, session.UserName, session.NasPort!.Value, session.CallingStationId));
        Assert.Equal(IPAddress.Parse("10.77.0.9"), session.FramedIpAddress);
    }

    [Fact]
    public void Counters_InboundIsInput_OutboundIsOutput()
    {
        var counters = AccountingRecords.Counters(new OwnedCounters(1, 100, 2, 300, 4), TimeSpan.FromSeconds(9));

        Assert.Equal((100ul, 300ul, 2ul, 4ul), (counters.InputOctets, counters.OutputOctets, counters.InputPackets, counters.OutputPackets));
    }
}
