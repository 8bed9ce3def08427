using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Crypto;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>Messages of every exchange, built the way a strongSwan road warrior and our responder would send
/// them; the corpus of the round-trip and mutation tests.</summary>
internal static class SampleMessages
{
    public const ulong SpiI = 0x0102030405060708;
    public const ulong SpiR = 0x1112131415161718;

    public static byte[] Bytes(int length, byte seed)
    {
        var data = new byte[length];
        for (int i = 0; i < data.Length; i++)
        {
            data[i] = (byte)(seed + (i * 7));
        }

        return data;
    }

    public static SaPayload IkeProposals() => new(
        new Proposal(1, ProtocolId.Ike, default,
            new Transform(TransformType.Encryption, 20, 256),   // AES-GCM-16
            new Transform(TransformType.Encryption, 20, 128),
            new Transform(TransformType.Prf, 7),                // PRF_HMAC_SHA2_512
            new Transform(TransformType.Prf, 5),
            new Transform(TransformType.KeyExchange, 31),       // Curve25519
            new Transform(TransformType.KeyExchange, 19)),
        new Proposal(2, ProtocolId.Ike, default,
            new Transform(TransformType.Encryption, 12, 256),   // AES-CBC
            new Transform(TransformType.Integrity, 12),         // HMAC-SHA2-256-128
            new Transform(TransformType.Prf, 7),
            new Transform(TransformType.KeyExchange, 31)),
        new Proposal(3, ProtocolId.Ike, default,
            new Transform(TransformType.Encryption, 28),        // ChaCha20-Poly1305
            new Transform(TransformType.Prf, 7),
            new Transform(TransformType.KeyExchange, 31)));

    public static SaPayload EspProposal(byte number = 1) => new(
        new Proposal(number, ProtocolId.Esp, new byte[] { 0xc1, 0xc2, 0xc3, 0xc4 },
            new Transform(TransformType.Encryption, 20, 256),
            new Transform(TransformType.ExtendedSequenceNumbers, 0)));

    public static IkeMessage IkeSaInitRequest()
    {
        var message = new IkeMessage(ExchangeType.IkeSaInit, SpiI, 0, 0, IkeHeaderFlags.Initiator);
        message.Payloads.Add(IkeProposals());
        message.Payloads.Add(new KePayload(31, Bytes(32, 0x10)));
        message.Payloads.Add(new NoncePayload(Bytes(32, 0x20)));
        message.Payloads.Add(new NotifyPayload(NotifyType.NatDetectionSourceIp, Bytes(20, 0x30)));
        message.Payloads.Add(new NotifyPayload(NotifyType.NatDetectionDestinationIp, Bytes(20, 0x40)));
        message.Payloads.Add(new NotifyPayload(NotifyType.Ikev2FragmentationSupported));
        message.Payloads.Add(new NotifyPayload(NotifyType.SignatureHashAlgorithms, new byte[] { 0, 2, 0, 3, 0, 4 }));
        message.Payloads.Add(new VendorIdPayload(Bytes(16, 0x50)));
        return message;
    }

    public static IkeMessage IkeSaInitResponse()
    {
        var message = new IkeMessage(ExchangeType.IkeSaInit, SpiI, SpiR, 0, IkeHeaderFlags.Response);
        message.Payloads.Add(new SaPayload(new Proposal(1, ProtocolId.Ike, default,
            new Transform(TransformType.Encryption, 20, 256),
            new Transform(TransformType.Prf, 7),
            new Transform(TransformType.KeyExchange, 31))));
        message.Payloads.Add(new KePayload(31, Bytes(32, 0x11)));
        message.Payloads.Add(new NoncePayload(Bytes(32, 0x21)));
        message.Payloads.Add(new NotifyPayload(NotifyType.NatDetectionSourceIp, Bytes(20, 0x31)));
        message.Payloads.Add(new NotifyPayload(NotifyType.NatDetectionDestinationIp, Bytes(20, 0x41)));
        message.Payloads.Add(new CertReqPayload(CertificateEncoding.X509Signature, Bytes(40, 0x61)));
        message.Payloads.Add(new NotifyPayload(NotifyType.Ikev2FragmentationSupported));
        return message;
    }

    public static List<Payload> IkeAuthRequestContent() =>
    [
        IdPayload.Rfc822(true, "carol@strongswan.org"),
        new NotifyPayload(NotifyType.InitialContact),
        IdPayload.Address(false, IPAddress.Parse("192.0.2.1")),
        new AuthPayload(AuthMethod.SharedKeyMic, Bytes(32, 0x70)),
        new ConfigurationPayload(ConfigType.Request,
            new ConfigAttribute(ConfigAttributeType.InternalIp4Address),
            new ConfigAttribute(ConfigAttributeType.InternalIp4Dns),
            new ConfigAttribute(ConfigAttributeType.InternalIp6Address),
            new ConfigAttribute(ConfigAttributeType.InternalIp6Dns)),
        EspProposal(),
        new TrafficSelectorPayload(true, TrafficSelector.Any(AddressFamily.InterNetwork), TrafficSelector.Any(AddressFamily.InterNetworkV6)),
        new TrafficSelectorPayload(false, TrafficSelector.Any(AddressFamily.InterNetwork), TrafficSelector.Any(AddressFamily.InterNetworkV6)),
        new NotifyPayload(NotifyType.MobikeSupported),
        new NotifyPayload(NotifyType.EspTfcPaddingNotSupported),
    ];

    public static List<Payload> IkeAuthResponseContent() =>
    [
        IdPayload.Address(false, IPAddress.Parse("192.0.2.1")),
        new AuthPayload(AuthMethod.SharedKeyMic, Bytes(32, 0x71)),
        new ConfigurationPayload(ConfigType.Reply,
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Address, IPAddress.Parse("10.3.0.1")),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Dns, IPAddress.Parse("10.0.0.53")),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Netmask, IPAddress.Parse("255.255.255.255")),
            ConfigAttribute.Ip4Subnet(IPAddress.Parse("10.0.0.0"), IPAddress.Parse("255.0.0.0")),
            ConfigAttribute.Ip6Prefix(ConfigAttributeType.InternalIp6Address, IPAddress.Parse("fd00::1"), 128),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp6Dns, IPAddress.Parse("fd00::53"))),
        EspProposal(),
        new TrafficSelectorPayload(true, new TrafficSelector(0, 0, 65535, IPAddress.Parse("10.3.0.1"), IPAddress.Parse("10.3.0.1"))),
        new TrafficSelectorPayload(false, TrafficSelector.Any(AddressFamily.InterNetwork)),
        new NotifyPayload(NotifyType.AuthLifetime, new byte[] { 0, 0, 0x0e, 0x10 }),
        new NotifyPayload(NotifyType.MobikeSupported),
    ];

    public static IkeMessage Encrypted(ExchangeType exchange, bool response, uint messageId, IEnumerable<Payload> content)
    {
        var flags = response ? IkeHeaderFlags.Response : IkeHeaderFlags.Initiator;
        var message = new IkeMessage(exchange, SpiI, SpiR, messageId, flags);
        message.Payloads.Add(new EncryptedPayload(content));
        return message;
    }

    public static List<Payload> CreateChildSaRequestContent() =>
    [
        new NotifyPayload(NotifyType.RekeySa, ProtocolId.Esp, new byte[] { 0xc1, 0xc2, 0xc3, 0xc4 }),
        EspProposal(),
        new NoncePayload(Bytes(32, 0x22)),
        new KePayload(31, Bytes(32, 0x12)),
        new TrafficSelectorPayload(true, TrafficSelector.Any(AddressFamily.InterNetwork)),
        new TrafficSelectorPayload(false, new TrafficSelector(6, 443, 443, IPAddress.Parse("198.51.100.0"), IPAddress.Parse("198.51.100.255"))),
    ];

    public static List<Payload> InformationalDeleteContent() =>
    [
        DeletePayload.ForChildSas(ProtocolId.Esp, 0xc1c2c3c4, 0xd1d2d3d4),
        DeletePayload.ForIkeSa(),
    ];

    public static List<Payload> EapRoundContent() =>
    [
        EapPayload.Create(EapCode.Request, 7, 26, Bytes(20, 0x80)),   // EAP-MSCHAPv2 challenge
        new CertPayload(CertificateEncoding.X509Signature, Bytes(300, 0x90)),
        IdPayload.DerAsn1Dn(false, Bytes(40, 0xa0)),
        new AuthPayload(AuthMethod.DigitalSignature, Bytes(64, 0xb0)),
    ];

    /// <summary>Every corpus message as datagrams, sealed with <paramref name="cipher"/> where the exchange is encrypted.</summary>
    public static List<byte[]> Corpus(ISkCipher cipher)
    {
        var corpus = new List<byte[]>
        {
            IkeSaInitRequest().ToArray(),
            IkeSaInitResponse().ToArray(),
            Encrypted(ExchangeType.IkeAuth, false, 1, IkeAuthRequestContent()).ToEncryptedArray(cipher),
            Encrypted(ExchangeType.IkeAuth, true, 1, IkeAuthResponseContent()).ToEncryptedArray(cipher),
            Encrypted(ExchangeType.IkeAuth, true, 1, EapRoundContent()).ToEncryptedArray(cipher),
            Encrypted(ExchangeType.CreateChildSa, false, 2, CreateChildSaRequestContent()).ToEncryptedArray(cipher),
            Encrypted(ExchangeType.Informational, false, 3, InformationalDeleteContent()).ToEncryptedArray(cipher),
            Encrypted(ExchangeType.Informational, true, 3, []).ToEncryptedArray(cipher),
        };
        corpus.AddRange(Encrypted(ExchangeType.IkeAuth, false, 1, IkeAuthRequestContent()).EncodeFragments(cipher, 200));
        var cookie = new IkeMessage(ExchangeType.IkeSaInit, SpiI, 0, 0, IkeHeaderFlags.Response);
        cookie.Payloads.Add(new NotifyPayload(NotifyType.Cookie, Bytes(24, 0xc0)));
        corpus.Add(cookie.ToArray());
        return corpus;
    }

    /// <summary>Every <c>*.hex</c> capture under TestData/strongswan (whitespace and <c>#</c> comments ignored).</summary>
    public static List<(string Name, byte[] Data)> StrongSwanCaptures()
    {
        string root = Path.Combine(AppContext.BaseDirectory, "TestData", "strongswan");
        var captures = new List<(string, byte[])>();
        if (!Directory.Exists(root))
        {
            return captures;
        }

        foreach (string file in Directory.EnumerateFiles(root, "*.hex", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            captures.Add((Path.GetRelativePath(root, file), Hex.Parse(File.ReadAllText(file))));
        }

        return captures;
    }
}
