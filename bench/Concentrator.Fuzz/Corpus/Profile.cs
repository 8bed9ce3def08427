using System.Net;
using System.Net.Sockets;
using Concentrator.Ike;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;
using Concentrator.Ike.Sa.Authenticators;

namespace Concentrator.Fuzz.Corpus;

/// <summary>
/// One deterministic responder setup (proposal, NAT or not, fragment size of the initiator): every responder it makes
/// draws the same SPI, nonce and key pair, so the captured IKE_SA_INIT and IKE_AUTH requests rebuild the same half-open
/// or established SA on demand.
/// </summary>
internal sealed class Profile
{
    private const string Psk = "fuzz-secret-0123456789";
    private const int ResponderSeed = 7296;
    private readonly ReusedKeyExchange _keyExchange = new();

    public Profile(string name, string ike, string esp, bool behindNat, int fragmentSize)
    {
        Name = name;
        BehindNat = behindNat;
        var store = new PskStore().Add("%any", Psk);
        var psk = new PskAuthenticator(store.Lookup);
        ResponderConfig = new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, [ike]),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, [esp]),
            LocalIdentity = IkeIdentity.Parse("gw.fuzz.test"),
            LocalAuthenticator = psk,
            RemoteAuthenticators = [psk],
            LocalTrafficSelectors = [TrafficSelectors.Subnet(IPAddress.Parse("198.51.100.0"), 24)],
        };
        InitiatorConfig = ResponderConfig with
        {
            LocalIdentity = IkeIdentity.Parse("road@fuzz.test"),
            RequestVirtualIp4 = true,
            LocalTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
            RemoteTrafficSelectors = [TrafficSelector.Any(AddressFamily.InterNetwork)],
            FragmentSize = fragmentSize,
        };
        // Behind a NAT the client thinks it is 10.1.2.3 and we see 203.0.113.7; IKE floats to 4500 after IKE_SA_INIT.
        ClientOwn = new IPEndPoint(IPAddress.Parse(behindNat ? "10.1.2.3" : "192.0.2.10"), 500);
        ClientSeenInit = new IPEndPoint(IPAddress.Parse(behindNat ? "203.0.113.7" : "192.0.2.10"), 500);
        ClientSeen = new IPEndPoint(ClientSeenInit.Address, behindNat ? 4500 : 500);
        ServerInit = new IPEndPoint(IPAddress.Parse("198.51.100.1"), 500);
        Server = new IPEndPoint(ServerInit.Address, behindNat ? 4500 : 500);
    }

    public string Name { get; }

    /// <summary>Requests after IKE_SA_INIT arrive on port 4500 with the non-ESP marker (RFC 3948 §2.2).</summary>
    public bool BehindNat { get; }

    public IkeSaConfig ResponderConfig { get; }

    public IkeSaConfig InitiatorConfig { get; }

    public IPEndPoint ClientOwn { get; }

    public IPEndPoint ClientSeenInit { get; }

    public IPEndPoint ClientSeen { get; }

    public IPEndPoint ServerInit { get; }

    public IPEndPoint Server { get; }

    public IkeSa NewResponder() => IkeSa.CreateResponder(ResponderConfig, new IkeSaServices
    {
        Time = FrozenTime.Instance,
        Random = new FixedRandom(ResponderSeed),
        KeyExchangeFactory = _keyExchange.Get,
        AddressAllocator = new SingleAddress(),
    }, ServerInit, ClientSeenInit);

    public static IReadOnlyList<Profile> All { get; } =
    [
        new("gcm", "aes256gcm16-prfsha256-x25519", "aes256gcm16", behindNat: false, fragmentSize: 1280),
        new("cbc-nat-frag", "aes128-sha256-x25519", "aes128-sha256", behindNat: true, fragmentSize: 160),
    ];

    /// <summary>Each responder gets its own pool of one address, so a rebuilt SA gets the same lease.</summary>
    private sealed class SingleAddress : IAddressAllocator
    {
        private bool _taken;

        public IPAddress? Allocate(IkeIdentity peer, AddressFamily family, IPAddress? requested, ulong owner, bool reclaim)
        {
            if (_taken || family != AddressFamily.InterNetwork)
            {
                return null;
            }

            _taken = true;
            return IPAddress.Parse("10.99.0.1");
        }

        public void Release(IPAddress address, ulong owner) => _taken = false;
    }
}
