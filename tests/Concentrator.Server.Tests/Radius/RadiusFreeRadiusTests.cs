using System.Net;
using Akka.Actor;
using Akka.TestKit.Xunit2;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Crypto;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

/// <summary>A real FreeRADIUS on 127.0.0.1:18812/18813, one per test class run (needs the freeradius package,
/// which scripts/install-test-deps.sh installs).</summary>
public sealed class FreeRadiusFixture : IDisposable
{
    // carol: an IPv6 road warrior's Framed-IPv6-Address (RFC 6911), next to alice's Framed-IP-Address; dave: a
    // Framed-IPv6-Prefix (RFC 3162).
    public FreeRadius Server { get; } = new(18812, 18813, users: "carol\tCleartext-Password := \"password\"\n\tFramed-IPv6-Address = 2001:db8:77::9\n"
        + "dave\tCleartext-Password := \"password\"\n\tFramed-IPv6-Prefix = 2001:db8:78::/64\n");

    public void Dispose() => Server.Dispose();
}

/// <summary>The RADIUS client against a real FreeRADIUS: EAP-MD5 and EAP-MSCHAPv2 relayed to Accept or Reject
/// (Message-Authenticator checked on every challenge and answer, MS-MPPE keys decrypted), accounting in the detail
/// file.</summary>
public sealed class RadiusFreeRadiusTests(FreeRadiusFixture fixture) : TestKit, IClassFixture<FreeRadiusFixture>
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private FreeRadius Radius => fixture.Server;

    private IActorRef Client() => Sys.ActorOf(RadiusClientActor.Props(new RadiusSettings(
        [new RadiusServer(IPAddress.Loopback, Radius.AuthPort, Radius.AcctPort, FreeRadius.Secret)],
        TimeSpan.FromSeconds(2), 1, "concentrator-test", null, TimeSpan.FromMinutes(10))));

    private AccessReply Exchange(IActorRef client, long id, string user, byte[] eap, ReadOnlyMemory<byte> state)
    {
        client.Tell(new AccessRequest(id, TestActor, user, eap) { State = state, CallingStationId = "198.51.100.7[4500]", CalledStationId = "203.0.113.1[4500]", NasPort = 7 });
        var answer = ExpectMsg<object>(Wait);
        return answer as AccessReply ?? throw new Xunit.Sdk.XunitException($"expected an AccessReply, got {answer}\n{Radius.Output[^Math.Min(4000, Radius.Output.Length)..]}");
    }

    /// <summary>EAP-Response/Identity, then the EAP-MD5 challenge FreeRADIUS answers with.</summary>
    private (AccessReply Reply, EapPacket Request) Begin(IActorRef client, string user)
    {
        var challenge = Exchange(client, 1, user, EapPacket.Response(0, EapType.Identity, System.Text.Encoding.UTF8.GetBytes(user)).Encode(), default);
        Assert.Equal(AccessResult.Challenge, challenge.Result);
        Assert.False(challenge.State.IsEmpty);
        var request = Eap(challenge);
        Assert.Equal(EapCode.Request, request.Code);
        Assert.Equal(EapType.Md5Challenge, request.Type);
        return (challenge, request);
    }

    private static EapPacket Eap(AccessReply reply)
    {
        Assert.True(EapPacket.TryParse(reply.EapMessage, out var packet, out var problem), problem);
        return packet;
    }

    /// <summary>The peer's answer (the IKE layer's own EAP client, as the load generator uses it).</summary>
    private static byte[] Answer(IEapClient peer, AccessReply reply) =>
        (peer.Process(Eap(reply)) ?? throw new Xunit.Sdk.XunitException($"the {peer.Type} peer refused FreeRADIUS's request")).Encode();

    [Fact]
    public void EapMd5_RightPassword_ChallengeThenAcceptWithEapSuccessClassAndFramedIp()
    {
        var client = Client();
        var (challenge, _) = Begin(client, "alice");

        var accept = Exchange(client, 2, "alice", Answer(new EapMd5Client("password"u8.ToArray()), challenge), challenge.State);

        Assert.Equal(AccessResult.Accept, accept.Result);
        Assert.Equal(EapCode.Success, Eap(accept).Code);
        Assert.Equal("tenant-a"u8.ToArray(), Assert.Single(accept.Classes).ToArray());
        Assert.Equal(IPAddress.Parse("10.77.0.9"), accept.FramedIpAddress);
        client.Tell(GetRadiusStats.Instance);
        var stats = ExpectMsg<RadiusStats>();
        // Both replies carried EAP-Message: a Message-Authenticator that did not verify would have dropped them.
        Assert.Equal(2, stats.Answered);
        Assert.Empty(stats.Dropped);
    }

    [Fact]
    public void EapMd5_UserWithFramedIpv6Address_AcceptCarriesItIntoTheEapSuccess()
    {
        var client = Client();
        var (challenge, _) = Begin(client, "carol");

        var accept = Exchange(client, 2, "carol", Answer(new EapMd5Client("password"u8.ToArray()), challenge), challenge.State);

        Assert.Equal(AccessResult.Accept, accept.Result);
        Assert.Equal(IPAddress.Parse("2001:db8:77::9"), accept.FramedIpv6Address);
        Assert.Null(accept.FramedIpAddress);
        var success = Assert.IsType<EapStep.Success>(new EapRadiusSession(1) { UserName = "carol" }.Apply(accept));
        Assert.Equal([IPAddress.Parse("2001:db8:77::9")], success.Addresses);
    }

    [Fact]
    public void EapMd5_UserWithFramedIpv6Prefix_AcceptCarriesItsFirstAddressIntoTheEapSuccess()
    {
        var client = Client();
        var (challenge, _) = Begin(client, "dave");

        var accept = Exchange(client, 2, "dave", Answer(new EapMd5Client("password"u8.ToArray()), challenge), challenge.State);

        Assert.Equal(AccessResult.Accept, accept.Result);
        Assert.Equal(IPNetwork.Parse("2001:db8:78::/64"), accept.FramedIpv6Prefix);
        Assert.Null(accept.FramedIpv6Address);
        var success = Assert.IsType<EapStep.Success>(new EapRadiusSession(1) { UserName = "dave" }.Apply(accept));
        Assert.Equal([IPAddress.Parse("2001:db8:78::1")], success.Addresses);
    }

    [Fact]
    public void EapMd5_WrongPassword_RejectWithEapFailure()
    {
        var client = Client();
        var (challenge, _) = Begin(client, "alice");

        var reject = Exchange(client, 2, "alice", Answer(new EapMd5Client("not-the-password"u8.ToArray()), challenge), challenge.State);

        Assert.Equal(AccessResult.Reject, reject.Result);
        Assert.Equal(EapCode.Failure, Eap(reject).Code);
        Assert.Null(reject.Msk);
    }

    [Fact]
    public void EapMsChapV2_RightPassword_AcceptWithMppeKeysEqualToThePeersMsk()
    {
        var client = Client();
        var (md5, md5Request) = Begin(client, "alice");
        var peer = new EapMsChapV2Client("alice", "password"u8.ToArray(), SystemRandomSource.Instance);

        // The peer asks for MS-CHAPv2 instead of MD5 (RFC 3748 §5.3.1 Nak), as Windows' built-in client does.
        var nak = EapPacket.Response(md5Request.Identifier, EapType.Nak, new[] { (byte)EapType.MsChapV2 }).Encode();
        var challenge = Exchange(client, 2, "alice", nak, md5.State);
        Assert.Equal(AccessResult.Challenge, challenge.Result);
        var success = Exchange(client, 3, "alice", Answer(peer, challenge), challenge.State);
        Assert.Equal(AccessResult.Challenge, success.Result);
        // The peer checks FreeRADIUS's authenticator response ("S=") before it acknowledges.
        var accept = Exchange(client, 4, "alice", Answer(peer, success), success.State);

        Assert.Equal(AccessResult.Accept, accept.Result);
        Assert.Equal(EapCode.Success, Eap(accept).Code);
        // 128-bit keys (RFC 3079 §3.4): MS-MPPE-Recv-Key || MS-MPPE-Send-Key is the peer's MSK (its client send key,
        // then its receive key), which the peer pads with 32 zero octets to 64.
        Assert.Equal(16, accept.RecvKey!.Length);
        Assert.Equal(16, accept.SendKey!.Length);
        Assert.Equal(Convert.ToHexString(peer.Msk!.AsSpan(0, 32)), Convert.ToHexString(accept.Msk!));
        Assert.All(peer.Msk![32..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void Accounting_StartInterimStop_AppearInTheDetailFileWithOurCounters()
    {
        var client = Client();
        var session = new AccountingSession("sa-" + Guid.NewGuid().ToString("N")[..8], "alice")
        {
            FramedIpAddress = IPAddress.Parse("10.77.0.9"),
            NasPort = 17,
            CallingStationId = "198.51.100.7[4500]",
            Classes = ["tenant-a"u8.ToArray()],
        };

        client.Tell(new AccountingRequest(1, TestActor, AccountingStatus.Start, session));
        ExpectMsg<AccountingAck>(Wait);
        client.Tell(new AccountingRequest(2, TestActor, AccountingStatus.InterimUpdate, session)
        {
            Counters = new AccountingCounters(123_456, 654_321, 100, 200, TimeSpan.FromSeconds(600)),
        });
        ExpectMsg<AccountingAck>(Wait);
        client.Tell(new AccountingRequest(3, TestActor, AccountingStatus.Stop, session)
        {
            Counters = new AccountingCounters((3UL << 32) + 777, 888_999, 5_000_000, 6_000_000, TimeSpan.FromSeconds(1234)),
            TerminateCause = TerminateCause.UserRequest,
        });
        ExpectMsg<AccountingAck>(Wait);

        var records = File.ReadAllText(Radius.DetailFile).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(r => r.Contains($"Acct-Session-Id = \"{session.SessionId}\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, records.Count);
        Assert.Contains("Acct-Status-Type = Start", records[0], StringComparison.Ordinal);
        Assert.Contains("Acct-Status-Type = Interim-Update", records[1], StringComparison.Ordinal);
        Assert.Contains("Acct-Input-Octets = 123456", records[1], StringComparison.Ordinal);
        Assert.Contains("Acct-Output-Octets = 654321", records[1], StringComparison.Ordinal);
        Assert.Contains("Acct-Session-Time = 600", records[1], StringComparison.Ordinal);
        Assert.Contains("Acct-Status-Type = Stop", records[2], StringComparison.Ordinal);
        Assert.Contains("Acct-Input-Octets = 777", records[2], StringComparison.Ordinal);
        Assert.Contains("Acct-Input-Gigawords = 3", records[2], StringComparison.Ordinal);
        Assert.Contains("Acct-Output-Octets = 888999", records[2], StringComparison.Ordinal);
        Assert.Contains("Acct-Input-Packets = 5000000", records[2], StringComparison.Ordinal);
        Assert.Contains("Acct-Terminate-Cause = User-Request", records[2], StringComparison.Ordinal);
        Assert.Contains("Framed-IP-Address = 10.77.0.9", records[2], StringComparison.Ordinal);
        Assert.Contains("Class = 0x74656e616e742d61", records[2], StringComparison.Ordinal);
        Assert.Contains("NAS-Identifier = \"concentrator-test\"", records[2], StringComparison.Ordinal);
    }

    [Fact]
    public void Accounting_Ipv6VipFromTheAcceptsFramedIpv6Prefix_DetailFileHasPrefixAndAddress()
    {
        var client = Client();
        var (challenge, _) = Begin(client, "dave");
        var accept = Exchange(client, 2, "dave", Answer(new EapMd5Client("password"u8.ToArray()), challenge), challenge.State);
        var radius = new EapRadiusSession(9) { UserName = "dave" };
        var success = Assert.IsType<EapStep.Success>(radius.Apply(accept));
        // The pool leased the address the Accept asked for (the first of its prefix), next to an IPv4 one.
        var session = AccountingRecords.Session(radius, 0x6666_0000_0000_0000 | (ulong)Random.Shared.NextInt64(1 << 30), [IPAddress.Parse("10.78.0.4"), .. success.Addresses]);

        client.Tell(new AccountingRequest(1, TestActor, AccountingStatus.Start, session));
        ExpectMsg<AccountingAck>(Wait);
        client.Tell(new AccountingRequest(2, TestActor, AccountingStatus.InterimUpdate, session) { Counters = new AccountingCounters(1, 2, 3, 4, TimeSpan.FromSeconds(5)) });
        ExpectMsg<AccountingAck>(Wait);
        client.Tell(new AccountingRequest(3, TestActor, AccountingStatus.Stop, session) { TerminateCause = TerminateCause.UserRequest });
        ExpectMsg<AccountingAck>(Wait);

        var records = File.ReadAllText(Radius.DetailFile).Split("\n\n", StringSplitOptions.RemoveEmptyEntries)
            .Where(r => r.Contains($"Acct-Session-Id = \"{session.SessionId}\"", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, records.Count);
        Assert.All(records, r =>
        {
            Assert.Contains("Framed-IPv6-Prefix = 2001:db8:78::/64", r, StringComparison.Ordinal);
            Assert.Contains("Framed-IPv6-Address = 2001:db8:78::1", r, StringComparison.Ordinal);
            Assert.Contains("Framed-IP-Address = 10.78.0.4", r, StringComparison.Ordinal);
        });
    }
}
