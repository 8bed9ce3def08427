using System.Net;
using System.Net.Sockets;
using Akka.Actor;
using Akka.TestKit;
using Concentrator.Ike;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Server.Config;
using Concentrator.Server.Kernel;
using Concentrator.Server.Network;
using Concentrator.Server.Sa;

namespace Concentrator.Server.Tests.Sa;

/// <summary>Deterministic octets for the test initiator.</summary>
internal sealed class SeededRandom(int seed) : IRandomSource
{
    private readonly Random _random = new(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}

/// <summary>A pool of a few addresses; the actor calls it from its own thread.</summary>
internal sealed class ListAllocator(params string[] addresses) : IAddressAllocator
{
    private readonly Queue<IPAddress> _free = new(addresses.Select(IPAddress.Parse));
    private readonly List<IPAddress> _released = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<IPAddress> Released
    {
        get
        {
            lock (_lock)
            {
                return _released.ToList();
            }
        }
    }

    public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
    {
        lock (_lock)
        {
            return _free.Count > 0 && _free.Peek().AddressFamily == family ? _free.Dequeue() : null;
        }
    }

    public void Release(IPAddress address, ulong owner)
    {
        lock (_lock)
        {
            _released.Add(address);
        }
    }
}

/// <summary>
/// One IkeSaActor (the concentrator's responder) with TestProbes as its socket and kernel actors, and our own
/// in-memory initiator IkeSa as the road warrior on the other side.
/// </summary>
internal sealed class SaActorHarness : IDisposable
{
    public static readonly IPEndPoint ClientEndpoint = new(IPAddress.Parse("192.0.2.10"), 500);
    public static readonly IPEndPoint ServerEndpoint = new(IPAddress.Parse("198.51.100.1"), 500);

    /// <summary>Short real timeouts: retransmit every 100 ms, twice; no DPD and a long half-open limit unless a
    /// test asks.</summary>
    public static IkeSaActorSettings FastSettings { get; } = IkeSaActorSettings.Default with
    {
        Retransmit = new RetransmitSettings(TimeSpan.FromMilliseconds(100), 2, 1.0),
        HalfOpenTimeout = TimeSpan.FromSeconds(30),
        DpdDelay = TimeSpan.Zero,
        KernelTimeout = TimeSpan.FromSeconds(5),
        IfId = 7,
    };

    private readonly TestKitBase _kit;

    public SaActorHarness(TestKitBase kit, IkeSaActorSettings? settings = null, IActorRef? identities = null, int clientSeed = 1,
        string clientId = "client@example.org", bool initialContact = true, TestProbe? kernel = null, string esp = "aes256gcm16",
        IActorRef? home = null, Concentrator.Server.Metrics.ConcentratorMetrics? metrics = null, bool answerReads = true)
    {
        _kit = kit;
        Socket = kit.CreateTestProbe();
        Kernel = kernel ?? kit.CreateTestProbe();
        // The SA reads its CHILD SAs' counters before each removal and at its end (show-sa, the deleted line), and a
        // stop waits for those answers: the probe answers them with Counted (nothing, unless a test says), and keeps
        // them out of its queue: the tests here are about installs and removals. answerReads: false leaves both to the test.
        if (answerReads)
        {
            Kernel.SetAutoPilot(new DelegateAutoPilot((sender, message) =>
            {
                if (message is ReadOwnedCounters read)
                {
                    sender.Tell(Counted with { CorrelationId = read.CorrelationId });
                }

                return AutoPilot.KeepRunning;
            }));
            Kernel.IgnoreMessages<ReadOwnedCounters>();
        }
        Allocator = new ListAllocator("10.99.0.1", "10.99.0.2");
        Initiator = IkeSa.CreateInitiator(ClientConfig(clientId, initialContact, esp),
            new IkeSaServices { Random = new SeededRandom(clientSeed) }, ClientEndpoint, ServerEndpoint);
        Environment = new IkeSaEnvironment(new IkeSaServices { AddressAllocator = Allocator, ChildSpiAllocator = ChildSpis.Allocate },
            Kernel.Ref, settings ?? FastSettings)
        {
            Spis = Spis,
            ChildSpis = ChildSpis,
            Identities = identities,
            Home = home,
            Connection = "rw",
            Metrics = metrics,
        };
        Actor = kit.Sys.ActorOf(IkeSaActor.Props(ServerConfig(esp), ServerEndpoint, ClientEndpoint, Environment));
    }

    public TestProbe Socket { get; }

    public TestProbe Kernel { get; }

    /// <summary>What the kernel probe answers to each counter read (see the constructor's answerReads).</summary>
    public OwnedCounters Counted { get; set; } = new(0, 0, 0, 0, 0);

    public ListAllocator Allocator { get; }

    public IkeSa Initiator { get; }

    public IActorRef Actor { get; }

    public SpiTable Spis { get; } = new();

    public ChildSpiRegistry ChildSpis { get; } = new();

    public IkeSaEnvironment Environment { get; }

    /// <summary>The message as the socket hands it on: with its header read (default when it has none).</summary>
    public static IkeDatagram Datagram(byte[] message, IActorRef socket)
    {
        IkeHeader.TryRead(message, out IkeHeader header);
        return new(ServerEndpoint, ClientEndpoint, false, header, message, socket);
    }

    public void Deliver(byte[] datagram) => Actor.Tell(Datagram(datagram, Socket.Ref));

    public byte[] NextSent()
    {
        SendIke sent = Socket.ExpectMsg<SendIke>();
        Assert.Equal(ClientEndpoint, sent.Remote);
        Assert.Equal(ServerEndpoint, sent.Local);
        return sent.Message.ToArray();
    }

    /// <summary>IKE_SA_INIT both ways; returns the IKE_AUTH request the initiator sends next.</summary>
    public byte[] RunInit()
    {
        Deliver(Initiator.Initiate().Message!);
        IkeSaResult auth = Initiator.Process(NextSent(), ServerEndpoint, ClientEndpoint);
        Assert.Equal(DropReason.None, auth.Drop);
        return auth.Message!;
    }

    /// <summary>The whole setup with the kernel probe acknowledging the install; returns that install.</summary>
    public InstallChild Establish()
    {
        Deliver(RunInit());
        InstallChild install = Kernel.ExpectMsg<InstallChild>();
        Kernel.Reply(new KernelDone(install.CorrelationId));
        IkeSaResult done = Initiator.Process(NextSent(), ServerEndpoint, ClientEndpoint);
        Assert.Equal(DropReason.None, done.Drop);
        Assert.Equal(IkeSaState.Established, Initiator.State);
        return install;
    }

    /// <summary>Asserts that <paramref name="remove"/> names the CHILD SA of <paramref name="install"/> (the kernel
    /// actor, which recorded the install, knows its states and policies: KernelActorTests).</summary>
    public static void AssertNames(RemoveChildSa remove, InstallChild install) =>
        Assert.Equal((install.Reqid, install.Sas[0].Request.Id.Spi, install.Sas[1].Request.Id.Spi), (remove.Reqid, remove.InboundSpi, remove.OutboundSpi));

    /// <summary>Asserts that the kernel probe is told to remove everything this SA's actor installed.</summary>
    public void ExpectAllRemoved() => Assert.Equal(Actor, Kernel.ExpectMsg<RemoveOwnedBy>().Owner);

    public IkeSaStatus Status() => Actor.Ask<IkeSaStatus>(GetIkeSaStatus.Instance, TimeSpan.FromSeconds(3)).GetAwaiter().GetResult();

    public void Dispose() => Initiator.Dispose();

    private static IkeSaConfig Config(string localId, string[] ike, string[] esp)
    {
        var authenticator = new PskAuthenticator(new PskStore().Add("%any", "secret").Lookup);
        return new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, ike),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, esp),
            LocalIdentity = IkeIdentity.Parse(localId),
            LocalAuthenticator = authenticator,
            RemoteAuthenticators = [authenticator],
        };
    }

    internal static IkeSaConfig ClientConfig(string id, bool initialContact, string esp) =>
        Config(id, ["aes256gcm16-prfsha256-x25519"], [esp]) with
        {
            RequestVirtualIp4 = true,
            SendInitialContact = initialContact,
        };

    public static IkeSaConfig ServerConfig(string esp = "aes256gcm16") =>
        Config("vpn.example.org", ["aes256gcm16-prfsha256-x25519"], [esp]) with
        {
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
        };
}
