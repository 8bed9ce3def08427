using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using Concentrator.Ike;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Benchmarks.Server;

/// <summary>
/// The one connection every Server benchmark negotiates, the proposal of issue 6 (AES-GCM-16-256,
/// PRF-HMAC-SHA2-256, X25519, PSK, a virtual IP, one CHILD SA), seen from both sides.
/// </summary>
internal static class ServerBenchSetup
{
    public const string Proposal = "aes256gcm16-prfsha256-x25519";
    public const string EspProposal = "aes256gcm16";

    public static readonly IPEndPoint Client = new(IPAddress.Loopback, 40500);

    /// <summary>The NAT-T endpoint the socket actor answers from (no socket behind it: the bench is the transport).</summary>
    public static readonly IPEndPoint Gateway = new(IPAddress.Loopback, 4500);

    private static readonly PskAuthenticator Psk = new(new PskStore().Add("%any", "bench-secret-0123456789").Lookup);

    public static IkeSaConfig ResponderConfig() => new()
    {
        IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, Proposal),
        EspProposals = ProposalStrings.Parse(ProtocolId.Esp, EspProposal),
        LocalIdentity = IkeIdentity.Parse("gw.bench.test"),
        LocalAuthenticator = Psk,
        RemoteAuthenticators = [Psk],
        LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("198.51.100.0"), 24)],
        DnsServers = [IPAddress.Parse("198.51.100.53")],
    };

    public static IkeSaConfig InitiatorConfig() => new()
    {
        IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, Proposal),
        EspProposals = ProposalStrings.Parse(ProtocolId.Esp, EspProposal),
        LocalIdentity = IkeIdentity.Parse("road@bench.test"),
        LocalAuthenticator = Psk,
        RemoteAuthenticators = [Psk],
        RequestVirtualIp4 = true,
    };
}

/// <summary>A pool of virtual IPs for the benches: hands out 10.64.x.y and takes them back; thread-safe because
/// the actors call it from the dispatcher's threads.</summary>
internal sealed class BenchAddressPool : IAddressAllocator
{
    private readonly ConcurrentQueue<IPAddress> _free = new();

    public BenchAddressPool(int size = 4096)
    {
        for (int i = 1; i <= size; i++)
        {
            _free.Enqueue(new IPAddress(new byte[] { 10, 64, (byte)(i >> 8), (byte)i }));
        }
    }

    public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim) =>
        family == AddressFamily.InterNetwork && _free.TryDequeue(out var address) ? address : null;

    public void Release(IPAddress address, ulong owner) => _free.Enqueue(address);
}

/// <summary>
/// Randomness that costs what the OS CSPRNG costs but repeats itself: every call draws from
/// <see cref="RandomNumberGenerator"/> (the price production pays), then overwrites the octets with a sequence that
/// <see cref="Reset"/> restarts. A responder fed by it answers identically every time, so an initiator's IKE_AUTH
/// request recorded once stays valid and the responder can be measured alone.
/// </summary>
internal sealed class ReplayRandom : IRandomSource
{
    private readonly int _seed;
    private Random _sequence;

    public ReplayRandom(int seed)
    {
        _seed = seed;
        _sequence = new Random(seed);
    }

    public void Reset() => _sequence = new Random(_seed);

    public void Fill(Span<byte> destination)
    {
        RandomNumberGenerator.Fill(destination);
        _sequence.NextBytes(destination);
    }
}

/// <summary>An X25519 key pair whose private value is fixed, made at the production price: 32 octets from the
/// CSPRNG and one base-point multiplication (what <c>MontgomeryGroup.Create</c> does).</summary>
internal static class ReplayKeyExchange
{
    public static Func<KeyExchangeId, IKeyExchange> Factory(byte[] scalar) => _ =>
    {
        Span<byte> drawn = stackalloc byte[32];
        RandomNumberGenerator.Fill(drawn);
        return new MontgomeryOpenSslKeyExchange(MontgomeryGroup.Curve25519, scalar);
    };
}
