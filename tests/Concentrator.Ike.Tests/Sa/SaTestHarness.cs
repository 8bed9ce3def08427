using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;
using Concentrator.Ike.Sa.Connections;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>Deterministic octets: a seeded generator, so every run draws the same SPIs, nonces and IVs.</summary>
internal sealed class SeededRandom : IRandomSource
{
    private readonly Random _random;

    public SeededRandom(int seed) => _random = new Random(seed);

    public void Fill(Span<byte> destination) => _random.NextBytes(destination);
}

/// <summary>A clock that moves only when told.</summary>
internal sealed class ManualTime : TimeProvider
{
    private DateTimeOffset _now = new(2026, 11, 27, 12, 0, 0, TimeSpan.Zero);

    public override DateTimeOffset GetUtcNow() => _now;

    // Elapsed times (DPD idleness) follow the same clock.
    public override long GetTimestamp() => _now.UtcTicks;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public void Advance(TimeSpan by) => _now += by;
}

/// <summary>A pool of a few addresses that remembers what it handed out.</summary>
internal sealed class ListAllocator : IAddressAllocator
{
    private readonly Queue<IPAddress> _free;

    public ListAllocator(params string[] addresses) => _free = new Queue<IPAddress>(addresses.Select(IPAddress.Parse));

    public List<IPAddress> Released { get; } = [];

    /// <summary>Every allocation's owner and reclaim flag, in order.</summary>
    public List<(ulong Owner, bool Reclaim)> Allocations { get; } = [];

    public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
    {
        Allocations.Add((owner, reclaim));
        return _free.Count > 0 && _free.Peek().AddressFamily == family ? _free.Dequeue() : null;
    }

    public void Release(IPAddress address, ulong owner) => Released.Add(address);
}

/// <summary>Two peers in memory: our initiator tasks against our responder tasks.</summary>
internal sealed class SaPair : IDisposable
{
    public static readonly IPEndPoint ClientEndpoint = new(IPAddress.Parse("192.0.2.10"), 500);
    public static readonly IPEndPoint ServerEndpoint = new(IPAddress.Parse("198.51.100.1"), 500);

    public SaPair(IkeSaConfig initiatorConfig, IkeSaConfig responderConfig, IAddressAllocator? allocator = null,
        IReadOnlyList<ConnectionCandidate>? connections = null, IPAddress? redirectInAuth = null,
        Concentrator.Ike.Auth.Certificates.RevocationCache? revocation = null, Concentrator.Ike.Auth.Certificates.ValidatedChainCache? chains = null)
    {
        Time = new ManualTime();
        InitiatorServices = new IkeSaServices
        {
            Time = Time,
            Random = new SeededRandom(1),
            InstallChildSa = c => InitiatorInstalled.Add(c),
        };
        ResponderServices = new IkeSaServices
        {
            Time = Time,
            Random = new SeededRandom(2),
            AddressAllocator = allocator,
            Connections = connections ?? [],
            RedirectInAuth = redirectInAuth,
            InstallChildSa = c => ResponderInstalled.Add(c),
            UninstallChildSa = c => ResponderUninstalled.Add(c),
            Revocation = revocation,
            ValidatedChains = chains,
        };
        Initiator = IkeSa.CreateInitiator(initiatorConfig, InitiatorServices, ClientEndpoint, ServerEndpoint);
        Responder = IkeSa.CreateResponder(responderConfig, ResponderServices, ServerEndpoint, ClientEndpoint);
    }

    public ManualTime Time { get; }

    public IkeSaServices InitiatorServices { get; }

    public IkeSaServices ResponderServices { get; }

    public IkeSa Initiator { get; }

    /// <summary>The current responder SA: replaced when an IKE_SA_INIT error answer (COOKIE, INVALID_KE_PAYLOAD)
    /// ended the previous one, as the socket layer does for a repeated IKE_SA_INIT.</summary>
    public IkeSa Responder { get; private set; }

    /// <summary>Responder SAs that ended in an IKE_SA_INIT error answer.</summary>
    public List<IkeSa> DiscardedResponders { get; } = [];

    public List<ChildSa> InitiatorInstalled { get; } = [];

    public List<ChildSa> ResponderInstalled { get; } = [];

    public List<ChildSa> ResponderUninstalled { get; } = [];

    /// <summary>Every datagram in the order it was sent, with its direction.</summary>
    public List<(bool FromInitiator, byte[] Datagram)> Wire { get; } = [];

    /// <summary>Starts the initiator and relays until nobody has anything more to send.</summary>
    public void Run(IkeSaResult? start = null)
    {
        IkeSaResult step = start ?? Initiator.Initiate();
        for (int round = 0; round < 20 && step.Outbound.Count > 0; round++)
        {
            IkeSaResult answer = IkeSaResult.Nothing;
            foreach (byte[] request in step.Outbound)
            {
                Wire.Add((true, request));
                if (Responder.State == IkeSaState.Failed && IkeHeader.Read(request).ResponderSpi == 0)
                {
                    DiscardedResponders.Add(Responder);
                    Responder = IkeSa.CreateResponder(Responder.Config, ResponderServices, ServerEndpoint, ClientEndpoint);
                }

                answer = Responder.Process(request, ClientEndpoint, ServerEndpoint);
            }

            if (answer.Outbound.Count == 0)
            {
                return;
            }

            foreach (byte[] response in answer.Outbound)
            {
                Wire.Add((false, response));
                step = Initiator.Process(response, ServerEndpoint, ClientEndpoint);
            }
        }
    }

    public void Dispose()
    {
        Initiator.Dispose();
        Responder.Dispose();
        DiscardedResponders.ForEach(r => r.Dispose());
    }

    public static IkeSaConfig Config(string localId, string psk, string[] ike, string[] esp,
        Func<IkeSaConfig, IkeSaConfig>? tweak = null)
    {
        var store = new PskStore().Add("%any", psk);
        var authenticator = new PskAuthenticator(store.Lookup);
        var config = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, ike),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, esp),
            LocalIdentity = IkeIdentity.Parse(localId),
            LocalAuthenticator = authenticator,
            RemoteAuthenticators = [authenticator],
        };
        return tweak is null ? config : tweak(config);
    }

    /// <summary>A road warrior asking for a virtual IP and a concentrator protecting 10.0.0.0/8.</summary>
    public static SaPair RoadWarrior(string ike, string esp = "aes256gcm16", string clientPsk = "secret",
        string serverIke = "", string serverEsp = "", IAddressAllocator? allocator = null, bool clientFollowsRedirects = false,
        IPAddress? redirectInAuth = null)
    {
        IkeSaConfig client = Config("client@example.org", clientPsk, [ike], [esp], c => c with
        {
            RequestVirtualIp4 = true,
            AnnounceRedirectSupport = clientFollowsRedirects,
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
        });
        IkeSaConfig server = Config("vpn.example.org", "secret", [serverIke.Length > 0 ? serverIke : ike],
            [serverEsp.Length > 0 ? serverEsp : esp], c => c with
            {
                LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("10.0.0.0"), 8)],
                DnsServers = [IPAddress.Parse("10.0.0.53")],
            });
        return new SaPair(client, server, allocator ?? new ListAllocator("10.99.0.1", "10.99.0.2"), redirectInAuth: redirectInAuth);
    }
}
