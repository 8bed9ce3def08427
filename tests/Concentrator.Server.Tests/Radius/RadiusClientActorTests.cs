using System.Diagnostics;
using System.Net;
using System.Security.Cryptography;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>The client actor against servers in the test process (<see cref="FakeRadiusServer"/>): replies routed by
/// correlation id, retransmission, failover, forged and unknown replies. FreeRADIUS itself: RadiusFreeRadiusTests.</summary>
public sealed class RadiusClientActorTests : TestKit
{
    private static readonly byte[] Secret = "testing123-fake"u8.ToArray();
    private static readonly TimeSpan Timeout = TimeSpan.FromMilliseconds(300);

    /// <summary>Akka's timer wheel may fire up to a tick (10 ms) early; the lower bounds allow for a few.</summary>
    private static readonly TimeSpan Slack = TimeSpan.FromMilliseconds(50);

    private static RadiusSettings Settings(params RadiusServer[] servers) =>
        new(servers, Timeout, 1, "concentrator-test", IPAddress.Parse("192.0.2.1"), TimeSpan.FromMinutes(10));

    private static AccessRequest Request(long id, IActorRef replyTo, string user = "alice") =>
        new(id, replyTo, user, new byte[] { 2, (byte)id, 0, 5, 1 }) { CallingStationId = "198.51.100.7[4500]", CalledStationId = "203.0.113.1[4500]" };

    [Fact]
    public void AccessRequest_ServerChallenges_ReplyCarriesEapStateAndRequestAttributesArrived()
    {
        using var server = new FakeRadiusServer(Secret);
        RadiusPacket? seen = null;
        server.Answer = q =>
        {
            seen = q;
            return [server.Reply(q, RadiusCode.AccessChallenge, [new RadiusAttribute(RadiusAttributeType.State, new byte[] { 0xab, 0xcd })], [1, 9, 0, 6, 4, 16])];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(Request(42, TestActor));

        var reply = ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5));
        Assert.Equal(42, reply.CorrelationId);
        Assert.Equal(AccessResult.Challenge, reply.Result);
        Assert.Equal(new byte[] { 1, 9, 0, 6, 4, 16 }, reply.EapMessage.ToArray());
        Assert.Equal(new byte[] { 0xab, 0xcd }, reply.State.ToArray());
        Assert.Equal("alice", seen!.Find(RadiusAttributeType.UserName)!.Value.AsText());
        Assert.Equal("concentrator-test", seen.Find(RadiusAttributeType.NasIdentifier)!.Value.AsText());
        Assert.Equal(IPAddress.Parse("192.0.2.1"), seen.Find(RadiusAttributeType.NasIpAddress)!.Value.AsAddress());
        Assert.Equal("198.51.100.7[4500]", seen.Find(RadiusAttributeType.CallingStationId)!.Value.AsText());
        Assert.Equal("203.0.113.1[4500]", seen.Find(RadiusAttributeType.CalledStationId)!.Value.AsText());
        Assert.True(seen.MessageAuthenticatorOffset > 0);
    }

    [Fact]
    public void AccessRequest_AcceptWithMppeKeysAndFramedIp_ReplyCarriesMskAndAddress()
    {
        using var server = new FakeRadiusServer(Secret);
        var send = RandomNumberGenerator.GetBytes(32);
        var recv = RandomNumberGenerator.GetBytes(32);
        server.Answer = q =>
        [
            server.Reply(q, RadiusCode.AccessAccept,
            [
                RadiusAttribute.Vendor(311, (byte)MicrosoftAttributeType.MsMppeSendKey, MppeKey.Encrypt(send, Secret, q.Authenticator.Span, 0x8001)),
                RadiusAttribute.Vendor(311, (byte)MicrosoftAttributeType.MsMppeRecvKey, MppeKey.Encrypt(recv, Secret, q.Authenticator.Span, 0x8002)),
                RadiusAttribute.Address(RadiusAttributeType.FramedIpAddress, IPAddress.Parse("10.77.0.9")),
                RadiusAttribute.Text(RadiusAttributeType.Class, "tenant-a"),
            ], [3, 9, 0, 4]),
        ];
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(Request(1, TestActor));

        var reply = ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5));
        Assert.Equal(AccessResult.Accept, reply.Result);
        Assert.Equal([.. recv, .. send], reply.Msk!);
        Assert.Equal(IPAddress.Parse("10.77.0.9"), reply.FramedIpAddress);
        Assert.Equal("tenant-a"u8.ToArray(), Assert.Single(reply.Classes).ToArray());
    }

    [Fact]
    public void AccessRequest_ForgedReplyBeforeTheRealOne_IsDroppedCountedAndTheRealOneDelivered()
    {
        using var server = new FakeRadiusServer(Secret);
        server.Answer = q =>
        {
            var forged = RadiusEncoder.Reply(RadiusCode.AccessAccept, q.Identifier, q.Authenticator.Span, [], [3, 1, 0, 4], "not-the-secret"u8, messageAuthenticator: true);
            return [forged, server.Reply(q, RadiusCode.AccessReject, [], [4, 1, 0, 4])];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(Request(5, TestActor));

        Assert.Equal(AccessResult.Reject, ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5)).Result);
        client.Tell(GetRadiusStats.Instance);
        var stats = ExpectMsg<RadiusStats>();
        Assert.Equal(1, stats.DroppedFor(RadiusRefusal.BadAuthenticator));
        Assert.Equal(1, stats.Answered);
    }

    [Fact]
    public void AccessRequest_ReplyWithUnknownAttributes_IsDeliveredAndTheAttributesCounted()
    {
        using var server = new FakeRadiusServer(Secret);
        server.Answer = q => [server.Reply(q, RadiusCode.AccessAccept, [new RadiusAttribute((RadiusAttributeType)200, new byte[] { 1, 2, 3 }), new RadiusAttribute((RadiusAttributeType)201, new byte[] { 4 })], [3, 1, 0, 4])];
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(Request(6, TestActor));

        Assert.Equal(AccessResult.Accept, ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5)).Result);
        client.Tell(GetRadiusStats.Instance);
        Assert.Equal(2, ExpectMsg<RadiusStats>().UnknownAttributes);
    }

    [Fact]
    public void AccessRequest_FirstServerSilent_FailsOverToTheSecondAfterTimeoutTimesTries()
    {
        using var silent = new FakeRadiusServer(Secret);
        using var live = new FakeRadiusServer(Secret);
        live.Answer = q => [live.Reply(q, RadiusCode.AccessReject, [], [4, 1, 0, 4])];
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(silent.AsServer(), live.AsServer())));
        var clock = Stopwatch.StartNew();

        client.Tell(Request(7, TestActor));

        var reply = ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5));
        Assert.Equal(live.Port, reply.Server.Port);
        var elapsed = clock.Elapsed;
        Assert.True(elapsed >= (Timeout * 2) - Slack && elapsed <= (Timeout * 2) + TimeSpan.FromSeconds(5), $"answered after {elapsed}");
        Assert.Equal(2, silent.Received); // 1 + retries transmissions
        client.Tell(GetRadiusStats.Instance);
        var stats = ExpectMsg<RadiusStats>();
        Assert.Equal(1, stats.Failovers);
        Assert.Equal(1, stats.Retransmitted);

        // The failover sticks: the next request goes to the live server at once, the silent one hears nothing more.
        client.Tell(Request(8, TestActor));
        Assert.Equal(live.Port, ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5)).Server.Port);
        Assert.Equal(2, silent.Received);
        client.Tell(GetRadiusStats.Instance);
        Assert.Equal(1, ExpectMsg<RadiusStats>().Failovers);
    }

    [Fact]
    public void AccessRequest_AllServersSilent_RadiusUnavailableAfterEveryServerWasTried()
    {
        using var a = new FakeRadiusServer(Secret);
        using var b = new FakeRadiusServer(Secret);
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(a.AsServer(), b.AsServer())));
        var clock = Stopwatch.StartNew();

        client.Tell(Request(9, TestActor));

        var unavailable = ExpectMsg<RadiusUnavailable>(TimeSpan.FromSeconds(10));
        Assert.Equal(9, unavailable.CorrelationId);
        Assert.True(clock.Elapsed >= (Timeout * 4) - Slack, $"gave up after {clock.Elapsed}");
        Assert.Equal(2, a.Received);
        Assert.Equal(2, b.Received);
    }

    [Fact]
    public void AccessRequest_ServerSilentForOneUser_OtherUsersAreAnsweredMeanwhile()
    {
        using var server = new FakeRadiusServer(Secret);
        server.Answer = q => q.Find(RadiusAttributeType.UserName)!.Value.AsText() == "slow" ? [] : [server.Reply(q, RadiusCode.AccessReject, [], [4, 1, 0, 4])];
        // Slow gives up after 4 s (no retransmission); the others must all be answered well inside them.
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer()) with { Timeout = TimeSpan.FromSeconds(4), Retries = 0 }));

        client.Tell(Request(1, TestActor, "slow"));
        for (var i = 2; i <= 50; i++)
        {
            client.Tell(Request(i, TestActor, "fast"));
        }

        var answered = ReceiveN(49, TimeSpan.FromSeconds(3.5)).Cast<AccessReply>().Select(r => r.CorrelationId).Order().ToList();
        Assert.Equal(Enumerable.Range(2, 49).Select(i => (long)i), answered);
        Assert.Equal(1, ExpectMsg<RadiusUnavailable>(TimeSpan.FromSeconds(15)).CorrelationId);
    }

    [Fact]
    public void AccessRequest_600AtOnce_AllAnsweredThroughAtMost256IdentifiersInFlight()
    {
        using var server = new FakeRadiusServer(Secret);
        var identifiersSeen = new System.Collections.Concurrent.ConcurrentDictionary<byte, int>();
        server.Answer = q =>
        {
            identifiersSeen.AddOrUpdate(q.Identifier, 1, (_, n) => n + 1);
            return [server.Reply(q, RadiusCode.AccessReject, [], [4, 1, 0, 4])];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer()) with { Timeout = TimeSpan.FromSeconds(5) }));

        for (var i = 0; i < 600; i++)
        {
            client.Tell(Request(i, TestActor));
        }

        var ids = ReceiveN(600, TimeSpan.FromSeconds(20)).Cast<AccessReply>().Select(r => r.CorrelationId).Order().ToList();
        Assert.Equal(Enumerable.Range(0, 600).Select(i => (long)i), ids);
        Assert.Equal(256, identifiersSeen.Count);
        client.Tell(GetRadiusStats.Instance);
        var stats = ExpectMsg<RadiusStats>();
        Assert.Equal(0, stats.InFlight);
        Assert.Equal(0, stats.Waiting);
    }

    [Fact]
    public void AccountingRequest_Stop_CarriesCountersWithGigawordsAndIsAcknowledged()
    {
        using var server = new FakeRadiusServer(Secret);
        RadiusPacket? seen = null;
        server.Answer = q =>
        {
            seen = q;
            return [RadiusEncoder.Reply(RadiusCode.AccountingResponse, q.Identifier, q.Authenticator.Span, [], default, Secret, messageAuthenticator: false)];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));
        var session = new AccountingSession("sa-17", "alice") { FramedIpAddress = IPAddress.Parse("10.77.0.9"), NasPort = 17, Classes = [new byte[] { 7, 7 }] };

        client.Tell(new AccountingRequest(3, TestActor, AccountingStatus.Stop, session)
        {
            Counters = new AccountingCounters((5UL << 32) + 1234, 99, 10, 11, TimeSpan.FromSeconds(61)),
            TerminateCause = TerminateCause.UserRequest,
        });

        Assert.Equal(3, ExpectMsg<AccountingAck>(TimeSpan.FromSeconds(5)).CorrelationId);
        uint Int(RadiusAttributeType t) => seen!.Find(t)!.Value.AsInteger()!.Value;
        Assert.Equal((uint)AccountingStatus.Stop, Int(RadiusAttributeType.AcctStatusType));
        Assert.Equal(1234u, Int(RadiusAttributeType.AcctInputOctets));
        Assert.Equal(5u, Int(RadiusAttributeType.AcctInputGigawords));
        Assert.Equal(99u, Int(RadiusAttributeType.AcctOutputOctets));
        Assert.Equal(61u, Int(RadiusAttributeType.AcctSessionTime));
        Assert.Equal(1u, Int(RadiusAttributeType.AcctTerminateCause));
        Assert.Equal(new byte[] { 7, 7 }, seen!.Find(RadiusAttributeType.Class)!.Value.Value.ToArray());
        Assert.Equal("sa-17", seen.Find(RadiusAttributeType.AcctSessionId)!.Value.AsText());
    }
    [Fact]
    public void AccessRequest_LongEapBothWays_SplitInTheRequestAndReassembledFromTheChallenge()
    {
        using var server = new FakeRadiusServer(Secret);
        var fromPeer = RandomNumberGenerator.GetBytes(1000);
        var fromServer = RandomNumberGenerator.GetBytes(1400);
        byte[]? received = null;
        server.Answer = q =>
        {
            received = q.Concatenated(RadiusAttributeType.EapMessage);
            return [server.Reply(q, RadiusCode.AccessChallenge, [new RadiusAttribute(RadiusAttributeType.State, new byte[] { 1 })], fromServer)];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(new AccessRequest(1, TestActor, "alice", fromPeer));

        var reply = ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5));
        Assert.Equal(fromPeer, received);
        Assert.Equal(fromServer, reply.EapMessage.ToArray());
    }

    [Fact]
    public void AccessRequest_MalformedAndUnsolicitedDatagramsFirst_EachDroppedByReasonAndTheAnswerDelivered()
    {
        using var server = new FakeRadiusServer(Secret);
        server.Answer = q =>
        {
            var good = server.Reply(q, RadiusCode.AccessReject, [], [4, 1, 0, 4]);
            var truncated = good[..19];
            var overrun = (byte[])good.Clone();
            overrun[21] = 250; // the first attribute claims to run past the packet
            var otherIdentifier = (byte[])good.Clone();
            otherIdentifier[1] ^= 0x55;
            var accountingCode = (byte[])good.Clone();
            accountingCode[0] = (byte)RadiusCode.AccountingResponse;
            return [truncated, overrun, otherIdentifier, accountingCode, good];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(Request(1, TestActor));

        Assert.Equal(AccessResult.Reject, ExpectMsg<AccessReply>(TimeSpan.FromSeconds(5)).Result);
        client.Tell(GetRadiusStats.Instance);
        var stats = ExpectMsg<RadiusStats>();
        Assert.Equal(1, stats.DroppedFor(RadiusRefusal.BadLength));
        Assert.Equal(1, stats.DroppedFor(RadiusRefusal.AttributeOverrun));
        Assert.Equal(1, stats.DroppedFor(RadiusRefusal.NoPendingRequest));
        Assert.Equal(1, stats.DroppedFor(RadiusRefusal.UnexpectedCode));
        Assert.Equal(1, stats.Answered);
    }

    [Fact]
    public void AccessRequest_UserNameLongerThanAnAttribute_IsRadiusUnavailableNotAnException()
    {
        using var server = new FakeRadiusServer(Secret);
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(Request(1, TestActor, new string('a', 300)));

        Assert.Contains("cannot be encoded", ExpectMsg<RadiusUnavailable>(TimeSpan.FromSeconds(5)).Reason, StringComparison.Ordinal);
        client.Tell(GetRadiusStats.Instance);
        Assert.Equal(0, ExpectMsg<RadiusStats>().InFlight);
        Assert.Equal(0, server.Received);
    }
    [Fact]
    public void AccountingRequest_AllServersSilent_KeptForAnotherRoundUpToTheBacklogAndTheRestGivenUp()
    {
        using var server = new FakeRadiusServer(Secret);
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer()) with { AccountingBacklog = 1 }));
        var session = new AccountingSession("s", "alice");

        client.Tell(new AccountingRequest(1, TestActor, AccountingStatus.Start, session));
        client.Tell(new AccountingRequest(2, TestActor, AccountingStatus.Start, session));

        // Both rounds end together: the first record takes the one place in the backlog, the second is given up.
        var givenUp = ExpectMsg<RadiusUnavailable>(TimeSpan.FromSeconds(5));
        Assert.Equal(2, givenUp.CorrelationId);
        Assert.Contains("backlog", givenUp.Reason, StringComparison.Ordinal);
        client.Tell(GetRadiusStats.Instance);
        Assert.Equal(1, ExpectMsg<RadiusStats>().Deferred);

        // The server comes back: the kept record goes out again in the next round and is acknowledged.
        server.Answer = q => [RadiusEncoder.Reply(RadiusCode.AccountingResponse, q.Identifier, q.Authenticator.Span, [], default, Secret, messageAuthenticator: false)];
        Assert.Equal(1, ExpectMsg<AccountingAck>(TimeSpan.FromSeconds(5)).CorrelationId);
        Assert.True(server.Received >= 5, $"{server.Received} datagrams"); // 2 records x 2 transmissions, then the kept one again
    }
    [Fact]
    public void AccountingRequest_IPv6VirtualIp_SentAsFramedIpv6Address()
    {
        using var server = new FakeRadiusServer(Secret);
        RadiusPacket? seen = null;
        server.Answer = q =>
        {
            seen = q;
            return [RadiusEncoder.Reply(RadiusCode.AccountingResponse, q.Identifier, q.Authenticator.Span, [], default, Secret, messageAuthenticator: false)];
        };
        var client = Sys.ActorOf(RadiusClientActor.Props(Settings(server.AsServer())));

        client.Tell(new AccountingRequest(1, TestActor, AccountingStatus.Start, new AccountingSession("s6", "alice") { FramedIpAddress = IPAddress.Parse("2001:db8:77::9") }));

        ExpectMsg<AccountingAck>(TimeSpan.FromSeconds(5));
        Assert.Null(seen!.Find(RadiusAttributeType.FramedIpAddress));
        Assert.Equal(IPAddress.Parse("2001:db8:77::9").GetAddressBytes(), seen.Find(RadiusAttributeType.FramedIpv6Address)!.Value.Value.ToArray());
    }
}
