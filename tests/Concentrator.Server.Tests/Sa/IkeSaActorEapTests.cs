using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit;
using Akka.TestKit.Xunit2;
using Concentrator.Ike;
using Concentrator.Ike.Auth.Eap;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>The asynchronous EAP seam through the actor: a backend that answers "pending" is relayed to the
/// connection's relay actor (here an in-memory backend that answers when the test releases it), the reply resumes IKE_AUTH; a backend
/// that never answers is ended by the EAP timeout with nothing installed and no lease.</summary>
public sealed class IkeSaActorEapTests : TestKit
{
    private static readonly TimeSpan Quiet = TimeSpan.FromMilliseconds(200);
    private static readonly byte[] AlicePassword = "alice-password"u8.ToArray();

    private static byte[]? Users(string identity) => identity == "alice" ? AlicePassword : null;

    /// <summary>What the backend needs carried: the conversation and the peer's response.</summary>
    private sealed record Relay(IEapServer Inner, EapPacket Response);

    /// <summary>Starts locally (the challenge), answers every response "later".</summary>
    private sealed class RelayedServer(IEapServer inner) : IEapServer
    {
        public EapStep Start(string identity, byte identifier) => inner.Start(identity, identifier);

        public EapStep Process(EapPacket response) => new EapStep.Pending(new Relay(inner, response));
    }

    /// <summary>The test's word that a held backend may answer now.</summary>
    private sealed record Release;

    /// <summary>An EAP relay that answers only when the test releases it (or never, silent): the test decides when
    /// the backend's round trip ends, so a retransmission can be sent while it is surely still pending.</summary>
    private sealed class GatedBackend : ReceiveActor
    {
        private readonly Queue<(IActorRef To, EapRelayReply Reply)> _held = new();

        public GatedBackend(bool silent, IActorRef seen)
        {
            Receive<EapRelayRequest>(request =>
            {
                seen.Tell(request);
                if (!silent)
                {
                    var relay = (Relay)request.Request;
                    _held.Enqueue((Sender, new EapRelayReply(relay.Inner.Process(relay.Response))));
                }
            });
            Receive<Release>(_ =>
            {
                var (to, reply) = _held.Dequeue();
                to.Tell(reply, Self);
            });
        }
    }

    private sealed class Setup : IDisposable
    {
        public Setup(TestKitBase kit, bool silentBackend = false, bool noRelay = false)
        {
            Socket = kit.CreateTestProbe();
            Kernel = kit.CreateTestProbe();
            Seen = kit.CreateTestProbe();
            Backend = kit.Sys.ActorOf(Props.Create(() => new GatedBackend(silentBackend, Seen.Ref)));
            var psk = new PskAuthenticator(new PskStore().Add("%any", "gateway-psk").Lookup);
            IkeSaConfig Config(string id) => new()
            {
                IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, ["aes256gcm16-prfsha256-x25519"]),
                EspProposals = ProposalStrings.Parse(ProtocolId.Esp, ["aes256gcm16"]),
                LocalIdentity = IkeIdentity.Parse(id),
                LocalAuthenticator = psk,
                RemoteAuthenticators = [psk],
            };
            IkeSaConfig client = Config("alice") with
            {
                RequestVirtualIp4 = true,
                LocalEap = new EapClientConfig("alice", () => new EapMsChapV2Client("alice", AlicePassword, new SeededRandom(8))),
            };
            IkeSaConfig server = Config("vpn.example.org") with
            {
                RemoteAuthenticators = [],
                LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
                RemoteEap = new EapServerConfig(() => new RelayedServer(new EapMsChapV2Server(Users, new SeededRandom(7)))),
            };
            Initiator = IkeSa.CreateInitiator(client, new IkeSaServices { Random = new SeededRandom(1) }, SaActorHarness.ClientEndpoint, SaActorHarness.ServerEndpoint);
            var environment = new IkeSaEnvironment(new IkeSaServices { AddressAllocator = Allocator }, Kernel.Ref,
                SaActorHarness.FastSettings with { EapTimeout = TimeSpan.FromSeconds(2) })
            {
                EapRelay = noRelay ? null : Backend,
                Connection = "eap",
            };
            Actor = kit.Sys.ActorOf(IkeSaActor.Props(server, SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint, environment));
        }

        public TestProbe Socket { get; }

        public TestProbe Kernel { get; }

        public TestProbe Seen { get; }

        public IActorRef Backend { get; }

        public ListAllocator Allocator { get; } = new("10.99.0.1");

        public IkeSa Initiator { get; }

        public IActorRef Actor { get; }

        public void Deliver(byte[] datagram) => Actor.Tell(SaActorHarness.Datagram(datagram, Socket.Ref));

        /// <summary>The client processes the actor's next datagram and returns its own answer (null when it has none).</summary>
        public byte[]? Exchange()
        {
            IkeSaResult result = Initiator.Process(Socket.ExpectMsg<SendIke>().Message.ToArray(), SaActorHarness.ServerEndpoint, SaActorHarness.ClientEndpoint);
            Assert.Equal(DropReason.None, result.Drop);
            return result.Message;
        }

        public void Dispose() => Initiator.Dispose();
    }

    [Fact]
    public async Task PendingBackend_RepliesLater_AnswerWaitsThenSetupCompletes()
    {
        using var s = new Setup(this);
        s.Deliver(s.Initiator.Initiate().Message!);
        s.Deliver(s.Exchange()!);                      // IKE_AUTH 1: IDi, CP, SA, TS
        byte[] eapResponse = s.Exchange()!;            // IDr, AUTH, EAP-MSCHAPv2 Challenge → Response

        s.Deliver(eapResponse);
        s.Seen.ExpectMsg<EapRelayRequest>();
        s.Socket.ExpectNoMsg(Quiet);                   // held while the backend works
        s.Deliver(eapResponse);                        // a retransmission meanwhile is dropped, not relayed again
        s.Seen.ExpectNoMsg(Quiet);
        s.Backend.Tell(new Release());                 // the backend's answer: the held response leaves now
        byte[] ack = s.Exchange()!;                    // Success-Request → Success Response
        s.Deliver(ack);
        s.Seen.ExpectMsg<EapRelayRequest>();
        s.Backend.Tell(new Release());
        byte[] auth = s.Exchange()!;                   // EAP-Success → AUTH from the MSK
        s.Deliver(auth);
        InstallChild install = s.Kernel.ExpectMsg<InstallChild>();
        s.Kernel.Reply(new KernelDone(install.CorrelationId));
        Assert.Null(s.Exchange());

        Assert.Equal(IkeSaState.Established, s.Initiator.State);
        Assert.Equal([IPAddress.Parse("10.99.0.1")], s.Initiator.VirtualIps);
        IkeSaStatus status = await s.Actor.Ask<IkeSaStatus>(GetIkeSaStatus.Instance, TimeSpan.FromSeconds(3));
        Assert.Equal(IkeSaState.Established, status.State);
        Assert.Equal(1, status.Drops[DropReason.EapPending]);
    }

    [Fact]
    public void SilentBackend_EapTimeout_SaStopsNothingInstalledNoLease()
    {
        using var s = new Setup(this, silentBackend: true);
        Watch(s.Actor);
        s.Deliver(s.Initiator.Initiate().Message!);
        s.Deliver(s.Exchange()!);
        s.Deliver(s.Exchange()!);
        s.Seen.ExpectMsg<EapRelayRequest>();

        ExpectTerminated(s.Actor, TimeSpan.FromSeconds(5));
        s.Kernel.ExpectNoMsg(Quiet);
        Assert.Empty(s.Allocator.Released);
    }

    [Fact]
    public void PendingBackendWithoutRelay_EapFailureAnsweredAndStopped()
    {
        using var s = new Setup(this, noRelay: true);
        Watch(s.Actor);
        s.Deliver(s.Initiator.Initiate().Message!);
        s.Deliver(s.Exchange()!);
        s.Deliver(s.Exchange()!);

        s.Exchange();
        ExpectTerminated(s.Actor, TimeSpan.FromSeconds(3));
        Assert.Equal(NotifyType.AuthenticationFailed, s.Initiator.FailureNotify);
        // The answer was EAP-Failure (RFC 3748 §4.2), which our initiator takes as EAP having failed.
        Assert.Equal(AuthFailure.EapFailed, s.Initiator.AuthFailure);
        Assert.Contains("EAP-Failure", s.Initiator.FailureReason, StringComparison.Ordinal);
    }
}
