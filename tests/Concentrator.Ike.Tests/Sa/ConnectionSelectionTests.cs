using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Sa.Connections;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Choosing the peer's connection where IKE_AUTH learns who it is (DESIGN.md rule 16, strongSwan ike_auth.c
/// process_r): by IDi against remote.id (exact, *@domain, %any, most specific first), by IDr, by AUTH method and
/// credential, keeping the IKE proposal IKE_SA_INIT chose; switching the provisional choice of IKE_SA_INIT.</summary>
public class ConnectionSelectionTests
{
    private const string Ike = "aes256gcm16-prfsha256-x25519";
    private const string Psk = "shared-secret-0123";

    private static ConnectionCandidate Candidate(string name, string remoteId, string localId = "vpn.example.org",
        string ike = Ike, IAddressAllocator? pool = null) =>
        new(name, SaPair.Config(localId, Psk, [ike], ["aes256gcm16"], c => c with
        {
            RemoteIdentity = IkeIdentity.Parse(remoteId),
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
        }))
        {
            AddressAllocator = pool,
            Tag = name,
        };

    private static SaPair Client(string id, IReadOnlyList<ConnectionCandidate> connections, string? idr = null, string ike = Ike)
    {
        IkeSaConfig client = SaPair.Config(id, Psk, [ike], ["aes256gcm16"], c => c with
        {
            RequestVirtualIp4 = true,
            RemoteIdentity = idr is null ? IkeIdentity.Any : IkeIdentity.Parse(idr),
        });
        // The responder's own config is only where the SA starts; the candidates replace it.
        return new SaPair(client, connections[0].Config, connections: connections);
    }

    private static AuthFailure? Select(IReadOnlyList<ConnectionCandidate> candidates, string peer, out ConnectionCandidate? chosen, string? idr = null)
    {
        chosen = ConnectionSelection.ForIkeAuth(candidates, IkeIdentity.Parse(peer), idr is null ? null : IkeIdentity.Parse(idr),
            AuthMethod.SharedKeyMic, null, out AuthFailure? failure);
        return failure;
    }

    [Fact]
    public void ForIkeAuth_ExactBeatsDomainPatternBeatsAny_WhateverTheOrder()
    {
        ConnectionCandidate any = Candidate("any", "%any");
        ConnectionCandidate domain = Candidate("domain", "*@sales.test");
        ConnectionCandidate exact = Candidate("exact", "alice@sales.test");
        ConnectionCandidate[] all = [any, domain, exact];

        Select(all, "alice@sales.test", out ConnectionCandidate? forAlice);
        Select(all, "bob@sales.test", out ConnectionCandidate? forBob);
        Select(all, "carol@eng.test", out ConnectionCandidate? forCarol);

        Assert.Same(exact, forAlice);
        Assert.Same(domain, forBob);
        Assert.Same(any, forCarol);
    }

    [Fact]
    public void ForIkeAuth_EqualMatches_FirstInOperatorsOrder()
    {
        ConnectionCandidate first = Candidate("first", "*@sales.test");
        ConnectionCandidate second = Candidate("second", "*@sales.test");

        Select([first, second], "alice@sales.test", out ConnectionCandidate? chosen);

        Assert.Same(first, chosen);
    }

    [Fact]
    public void ForIkeAuth_IdrSent_PicksTheConnectionWithThatLocalId()
    {
        ConnectionCandidate a = Candidate("a", "%any", localId: "a.vpn.example.org");
        ConnectionCandidate b = Candidate("b", "%any", localId: "b.vpn.example.org");

        Select([a, b], "alice@sales.test", out ConnectionCandidate? asked, idr: "B.vpn.example.org");
        Select([a, b], "alice@sales.test", out ConnectionCandidate? unasked);
        AuthFailure? failure = Select([a, b], "alice@sales.test", out ConnectionCandidate? none, idr: "c.vpn.example.org");

        Assert.Same(b, asked);
        Assert.Same(a, unasked);
        Assert.Null(none);
        Assert.Equal(AuthFailure.ResponderIdentityMismatch, failure);
    }

    [Fact]
    public void ForIkeAuth_NoCandidateAcceptsTheIdentity_IdentityNotAllowed()
    {
        AuthFailure? failure = Select([Candidate("sales", "*@sales.test"), Candidate("eng", "*@eng.test")], "mallory@evil.test",
            out ConnectionCandidate? chosen);

        Assert.Null(chosen);
        Assert.Equal(AuthFailure.IdentityNotAllowed, failure);
    }

    [Fact]
    public void ForIkeAuth_BestMatchWithoutCredentialForThePeer_NextOneTaken()
    {
        var onlyBob = new PskAuthenticator(new PskStore().Add("bob@sales.test", Psk).Lookup);
        ConnectionCandidate exact = Candidate("exact", "alice@sales.test") is var c
            ? c with { Config = c.Config with { RemoteAuthenticators = [onlyBob] } } : null!;
        ConnectionCandidate any = Candidate("any", "%any");

        Select([exact, any], "alice@sales.test", out ConnectionCandidate? chosen);

        Assert.Same(any, chosen);
    }

    [Fact]
    public void Handshake_TwoDomains_EachClientGetsItsConnectionsPool()
    {
        var salesPool = new ListAllocator("10.1.0.1");
        var engPool = new ListAllocator("10.2.0.1");
        ConnectionCandidate[] connections = [Candidate("sales", "*@sales.test", pool: salesPool), Candidate("eng", "*@eng.test", pool: engPool)];

        using SaPair sales = Client("alice@sales.test", connections);
        sales.Run();
        using SaPair eng = Client("bob@eng.test", connections);
        eng.Run();

        Assert.Equal(IkeSaState.Established, sales.Responder.State);
        Assert.Equal("sales", sales.Responder.Connection!.Tag);
        Assert.Equal([IPAddress.Parse("10.1.0.1")], sales.Initiator.VirtualIps);
        Assert.Equal(IkeSaState.Established, eng.Responder.State);
        // IKE_SA_INIT chose "sales" (first whose proposals match); IKE_AUTH switched to "eng".
        Assert.Equal("eng", eng.Responder.Connection!.Tag);
        Assert.Equal([IPAddress.Parse("10.2.0.1")], eng.Initiator.VirtualIps);
    }

    [Fact]
    public void Handshake_UnknownDomain_AuthenticationFailedWithReason()
    {
        using SaPair pair = Client("mallory@evil.test", [Candidate("sales", "*@sales.test"), Candidate("eng", "*@eng.test")]);

        pair.Run();

        Assert.Equal(IkeSaState.Failed, pair.Responder.State);
        Assert.Equal(NotifyType.AuthenticationFailed, pair.Initiator.FailureNotify);
        Assert.Equal(AuthFailure.IdentityNotAllowed, pair.Responder.AuthFailure);
        Assert.Contains("mallory@evil.test", pair.Responder.FailureReason, StringComparison.Ordinal);
    }

    [Fact]
    public void Handshake_IkeSaInitPicksByProposal_ThenIkeAuthKeepsOnlyConnectionsAcceptingIt()
    {
        // "cbc" is the only connection accepting the client's proposal at IKE_SA_INIT; at IKE_AUTH "gcm" would match the
        // identity better but cannot take over keys made with a proposal it does not accept.
        ConnectionCandidate gcm = Candidate("gcm", "alice@sales.test");
        ConnectionCandidate cbc = Candidate("cbc", "*@sales.test", ike: "aes128-sha256-modp2048");

        using SaPair pair = Client("alice@sales.test", [gcm, cbc], ike: "aes128-sha256-modp2048");
        pair.Run();

        Assert.Equal(IkeSaState.Established, pair.Responder.State);
        Assert.Equal("cbc", pair.Responder.Connection!.Tag);
    }
}
