using System.Net;
using System.Text.Json;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;
using Concentrator.Ike.Sa;

namespace Concentrator.Ike.Tests.Sa;

/// <summary>
/// Ring a/b bonus: real strongSwan 5.9.8 initiator messages (TestData/strongswan, captured with the secrets in
/// keys.json) fed to our responder. With strongSwan's responder SPI, nonce and KE value injected, our responder
/// must derive strongSwan's keys and accept strongSwan's real PSK AUTH.
/// </summary>
public class StrongSwanReplayTests
{
    private static readonly IPEndPoint Client = new(IPAddress.Parse("192.0.2.20"), 500);
    private static readonly IPEndPoint Server = new(IPAddress.Parse("198.51.100.1"), 500);

    public static TheoryData<string> Scenarios => new(
        Directory.Exists(Dir(""))
            ? Directory.GetDirectories(Dir("")).Select(d => Path.GetFileName(d)!).Order().ToArray()
            : ["aes256gcm16-prfsha256-x25519"]);

    private static string Dir(string scenario) => Path.Combine(AppContext.BaseDirectory, "TestData", "strongswan", scenario);

    private static byte[] Message(string scenario, string prefix) =>
        Convert.FromHexString(File.ReadAllText(Directory.GetFiles(Dir(scenario), prefix + "*.hex").Single()).Trim());

    private static JsonElement Keys(string scenario) =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(Dir(scenario), "keys.json"))).RootElement;

    private static byte[] Hex(JsonElement keys, string name) => Convert.FromHexString(keys.GetProperty(name).GetString()!);

    private static IkeSaConfig Config(JsonElement keys)
    {
        var store = new PskStore().Add("%any", keys.GetProperty("pskText").GetString()!);
        var psk = new Concentrator.Ike.Sa.Authenticators.PskAuthenticator(store.Lookup);
        return new IkeSaConfig
        {
            IkeProposals = ProposalStrings.Parse(ProtocolId.Ike, keys.GetProperty("ikeProposal").GetString()!),
            EspProposals = ProposalStrings.Parse(ProtocolId.Esp, keys.GetProperty("espProposal").GetString()!),
            LocalIdentity = IkeIdentity.Parse(keys.GetProperty("idR").GetProperty("value").GetString()!),
            LocalAuthenticator = psk,
            RemoteAuthenticators = [psk],
        };
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void IkeSaInitRequest_FromStrongSwan_WellFormedResponseWithStrongSwansChoice(string scenario)
    {
        JsonElement keys = Keys(scenario);
        using var responder = IkeSa.CreateResponder(Config(keys), new IkeSaServices { Random = new SeededRandom(5) }, Server, Client);

        IkeSaResult result = responder.Process(Message(scenario, "01-"), Client, Server);

        IkeMessage response = IkeMessage.Parse(result.Message!);
        MessageRules.Validate(response);
        Proposal ours = Assert.Single(response.Get<SaPayload>()!.Proposals);
        Proposal strongSwans = Assert.Single(IkeMessage.Parse(Message(scenario, "02-")).Get<SaPayload>()!.Proposals);
        Assert.Equal(strongSwans.Number, ours.Number);
        // RFC 7296 §3.3: the order of transforms carries no meaning; one of each type, the same ones.
        Assert.Equal(strongSwans.Transforms.OrderBy(t => t.Type), ours.Transforms.OrderBy(t => t.Type));
        Assert.Equal((ushort)keys.GetProperty("dhGroup").GetInt32(), response.Get<KePayload>()!.Group);
        Assert.NotNull(response.GetNotify(NotifyType.NatDetectionSourceIp));
        Assert.NotNull(response.GetNotify(NotifyType.Ikev2FragmentationSupported));
        Assert.NotNull(response.GetNotify(NotifyType.SignatureHashAlgorithms));
        Assert.Equal(IkeSaState.Connecting, responder.State);
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void IkeAuthRequest_FromStrongSwan_WithCapturedSecrets_SameKeysAndPskAuthVerifies(string scenario)
    {
        JsonElement keys = Keys(scenario);
        var random = new ScriptedRandom(Hex(keys, "spiR"), Hex(keys, "nonceR"));
        var services = new IkeSaServices
        {
            Random = random,
            KeyExchangeFactory = id => new CapturedKeyExchange(id, Hex(keys, "keR"), Hex(keys, "sharedSecret")),
            AddressAllocator = new ListAllocator("10.99.0.1"),
        };
        using var responder = IkeSa.CreateResponder(Config(keys), services, Server, Client);

        responder.Process(Message(scenario, "01-"), Client, Server);
        IkeKeymat keymat = responder.Keymat!;
        Assert.Equal(Hex(keys, "skD"), keymat.SkD.ToArray());
        Assert.Equal(Hex(keys, "skAi"), keymat.SkAi.ToArray());
        Assert.Equal(Hex(keys, "skEi"), keymat.SkEi.ToArray());
        Assert.Equal(Hex(keys, "skEr"), keymat.SkEr.ToArray());
        Assert.Equal(Hex(keys, "skPi"), keymat.SkPi.ToArray());
        Assert.Equal(Hex(keys, "skPr"), keymat.SkPr.ToArray());

        var natted = new IPEndPoint(Client.Address, 4500);
        IkeSaResult auth = responder.Process(Message(scenario, "03-"), natted, new IPEndPoint(Server.Address, 4500));

        Assert.Equal(IkeSaState.Established, responder.State);
        Assert.Equal("road@cap.test", responder.RemoteIdentity!.ToString());
        // strongSwan's side of the keys opens our IKE_AUTH response.
        IEncryption encryption = keymat.Encryption;
        using ISkCipher strongSwanInbound = encryption.CreateSkCipher(Hex(keys, "skEr"), keymat.Integrity, Hex(keys, "skAr"));
        IkeMessage response = IkeMessage.Parse(auth.Message!);
        Assert.True(response.TryDecrypt(strongSwanInbound));
        Assert.Equal("gw.cap.test", response.GetAll<IdPayload>().Single().ToString());
        Assert.NotNull(response.Get<AuthPayload>());
        ChildSa child = Assert.Single(responder.ChildSas);
        Assert.Equal(child.InboundSpi, System.Buffers.Binary.BinaryPrimitives.ReadUInt32BigEndian(
            response.Get<SaPayload>()!.Proposals[0].Spi.Span));
    }

    [Theory]
    [MemberData(nameof(Scenarios))]
    public void IkeAuthResponse_FromStrongSwan_OurInitiatorVerifiesItAndBuildsTheChildSa(string scenario)
    {
        // Our initiator replays strongSwan's initiator secrets (SPIi, Ni, KE), so strongSwan's responder messages
        // fit it: its AUTH covers the IKE_SA_INIT response, Ni and IDr, none of which depend on our request bytes.
        JsonElement keys = Keys(scenario);
        var services = new IkeSaServices
        {
            Random = new ScriptedRandom(Hex(keys, "spiI"), Hex(keys, "nonceI")),
            KeyExchangeFactory = id => new CapturedKeyExchange(id, Hex(keys, "keI"), Hex(keys, "sharedSecret")),
        };
        IkeSaConfig config = Config(keys) with
        {
            LocalIdentity = IkeIdentity.Parse(keys.GetProperty("idI").GetProperty("value").GetString()!),
            RequestVirtualIp4 = true,
        };
        using var initiator = IkeSa.CreateInitiator(config, services, Client, Server);

        IkeSaResult init = initiator.Initiate();
        IkeSaResult auth = initiator.Process(Message(scenario, "02-"), Server, Client);
        Assert.Equal(ExchangeType.IkeAuth, IkeMessage.Parse(auth.Message!).ExchangeType);
        Assert.Equal(Hex(keys, "skD"), initiator.Keymat!.SkD.ToArray());
        IkeSaResult done = initiator.Process(Message(scenario, "04-"), Server, Client);

        Assert.Equal(DropReason.None, done.Drop);
        Assert.Equal(IkeSaState.Established, initiator.State);
        Assert.Equal("gw.cap.test", initiator.RemoteIdentity!.ToString());
        Assert.NotNull(init.Message);
        Assert.Single(done.NewChildSas);
    }

    /// <summary>Hands out the captured octets first (SPIr, then Nr), then a seeded stream.</summary>
    private sealed class ScriptedRandom(params byte[][] script) : IRandomSource
    {
        private readonly Queue<byte[]> _script = new(script);
        private readonly SeededRandom _rest = new(11);

        public void Fill(Span<byte> destination)
        {
            if (_script.TryPeek(out byte[]? next) && next.Length == destination.Length)
            {
                _script.Dequeue().CopyTo(destination);
                return;
            }

            _rest.Fill(destination);
        }
    }

    /// <summary>strongSwan's responder key pair, replayed: its public value and the shared secret it computed.</summary>
    private sealed class CapturedKeyExchange(KeyExchangeId id, byte[] publicKey, byte[] sharedSecret) : IKeyExchange
    {
        public KeyExchangeId Id => id;

        public ReadOnlySpan<byte> PublicKey => publicKey;

        public byte[] DeriveSharedSecret(ReadOnlySpan<byte> peerPublicKey) => (byte[])sharedSecret.Clone();

        public void Dispose()
        {
        }
    }
}
