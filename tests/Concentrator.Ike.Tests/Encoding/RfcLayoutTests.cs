using System.Net;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>Messages written out octet by octet from the RFC 7296 §3 diagrams.</summary>
public sealed class RfcLayoutTests
{
    private static readonly string KeData = string.Concat(Enumerable.Repeat("aa", 32));
    private static readonly string NonceData = string.Concat(Enumerable.Repeat("bb", 16));

    // IKE_SA_INIT request: HDR, SA{1 proposal, 4 transforms}, KE, Ni, N(IKEV2_FRAGMENTATION_SUPPORTED).
    private static readonly string IkeSaInitHex = $"""
        0102030405060708 0000000000000000   # SPIi, SPIr (RFC 7296 §3.1)
        21 20 22 08 00000000 00000090       # NP=SA, 2.0, IKE_SA_INIT, I flag, Message ID 0, Length 144
        22 00 0030                          # SA: NP=KE, length 48 (§3.3)
          00 00 002c 01 01 00 04            #   proposal (last), length 44, #1, IKE, SPI size 0, 4 transforms
            03 00 000c 01 00 0014 800e 0100 #     ENCR AES-GCM-16, TV Key Length 256 (§3.3.5)
            03 00 0008 02 00 0007           #     PRF HMAC-SHA2-512
            03 00 0008 04 00 001f           #     DH Curve25519
            00 00 0008 04 00 0013           #     DH ECP-256 (last)
        28 00 0028 001f 0000 {KeData}       # KE: NP=Nonce, length 40, group 31, RESERVED (§3.4)
        29 00 0014 {NonceData}              # Nonce: NP=Notify, length 20 (§3.9)
        00 00 0008 00 00 402e               # Notify: last, length 8, no SPI, type 16430 (§3.10)
        """;

    [Fact]
    public void Parse_IkeSaInitFromDiagrams_ReadsEveryField()
    {
        byte[] datagram = Hex.Parse(IkeSaInitHex);
        IkeMessage message = IkeMessage.Parse(datagram);

        Assert.Equal(0x0102030405060708UL, message.InitiatorSpi);
        Assert.Equal(0UL, message.ResponderSpi);
        Assert.Equal(ExchangeType.IkeSaInit, message.ExchangeType);
        Assert.True(message.IsFromInitiator);
        Assert.False(message.IsResponse);
        Assert.Equal([PayloadType.SecurityAssociation, PayloadType.KeyExchange, PayloadType.Nonce, PayloadType.Notify],
            message.Payloads.Select(p => p.Type));
        Proposal proposal = Assert.Single(message.Get<SaPayload>()!.Proposals);
        Assert.Equal(
            [new Transform(TransformType.Encryption, 20, 256), new Transform(TransformType.Prf, 7),
             new Transform(TransformType.KeyExchange, 31), new Transform(TransformType.KeyExchange, 19)],
            proposal.Transforms);
        Assert.Equal(31, message.Get<KePayload>()!.Group);
        Assert.Equal(32, message.Get<KePayload>()!.Data.Length);
        Assert.Equal(16, message.Get<NoncePayload>()!.Data.Length);
        Assert.NotNull(message.GetNotify(NotifyType.Ikev2FragmentationSupported));
        MessageRules.Validate(message);
    }

    [Fact]
    public void Encode_IkeSaInitModel_EqualsDiagramOctets()
    {
        var message = new IkeMessage(ExchangeType.IkeSaInit, 0x0102030405060708, 0, 0, IkeHeaderFlags.Initiator);
        message.Payloads.Add(new SaPayload(new Proposal(1, ProtocolId.Ike, default,
            new Transform(TransformType.Encryption, 20, 256), new Transform(TransformType.Prf, 7),
            new Transform(TransformType.KeyExchange, 31), new Transform(TransformType.KeyExchange, 19))));
        message.Payloads.Add(new KePayload(31, Convert.FromHexString(KeData)));
        message.Payloads.Add(new NoncePayload(Convert.FromHexString(NonceData)));
        message.Payloads.Add(new NotifyPayload(NotifyType.Ikev2FragmentationSupported));

        Assert.Equal(Hex.Parse(IkeSaInitHex), message.ToArray());
    }

    // TSi with one IPv4 and one IPv6 range (RFC 7296 §3.13, §3.13.1) inside an unencrypted test frame.
    private const string TrafficSelectorHex = """
        0102030405060708 1112131415161718 2c 20 25 08 00000007 0000005c
        00 00 0040 02 000000                       # TSi: last, length 64, 2 selectors, RESERVED
          07 11 0010 0035 0035 c0000200 c00002ff   #   IPv4 range, UDP, port 53-53, 192.0.2.0-192.0.2.255
          08 00 0028 0000 ffff                     #   IPv6 range, any protocol, ports 0-65535
             20010db8000000000000000000000000      #     2001:db8::
             20010db8000000000000ffffffffffff      #     2001:db8::ffff:ffff:ffff
        """;

    [Fact]
    public void Parse_TrafficSelectorsFromDiagram_ReadsRanges()
    {
        byte[] datagram = Hex.Parse(TrafficSelectorHex);
        IkeMessage message = IkeMessage.Parse(datagram);
        TrafficSelectorPayload ts = message.Get<TrafficSelectorPayload>()!;
        Assert.True(ts.IsInitiator);
        Assert.Equal("192.0.2.0-192.0.2.255 proto 17 ports 53-53", ts.Selectors[0].ToString());
        Assert.Equal(IPAddress.Parse("2001:db8::ffff:ffff:ffff"), ts.Selectors[1].GetEndAddress());
        Assert.Equal(datagram, message.ToArray());
    }

    // CFG_REPLY with INTERNAL_IP4_ADDRESS, INTERNAL_IP4_DNS, INTERNAL_IP6_ADDRESS and an empty INTERNAL_IP4_NETMASK
    // (RFC 7296 §3.15, §3.15.1).
    private const string ConfigurationHex = """
        0102030405060708 1112131415161718 2f 20 25 28 00000001 0000004d
        00 00 0031 02 000000                 # CP: last, length 49, CFG_REPLY
          0001 0004 0a030001                 #   INTERNAL_IP4_ADDRESS 10.3.0.1
          0003 0004 0a000035                 #   INTERNAL_IP4_DNS 10.0.0.53
          0008 0011 fd000000000000000000000000000001 40  # INTERNAL_IP6_ADDRESS fd00::1/64
          0002 0000                          #   INTERNAL_IP4_NETMASK (empty)
        """;

    [Fact]
    public void Parse_ConfigurationFromDiagram_ReadsAttributeLayouts()
    {
        byte[] datagram = Hex.Parse(ConfigurationHex);
        IkeMessage message = IkeMessage.Parse(datagram);
        ConfigurationPayload cp = message.Get<ConfigurationPayload>()!;
        Assert.Equal(ConfigType.Reply, cp.ConfigType);
        Assert.Equal([ConfigAttributeType.InternalIp4Address, ConfigAttributeType.InternalIp4Dns,
            ConfigAttributeType.InternalIp6Address, ConfigAttributeType.InternalIp4Netmask], cp.Attributes.Select(a => a.Type));
        Assert.Equal("InternalIp4Address=10.3.0.1", cp.Attributes[0].ToString());
        Assert.Equal(64, cp.Attributes[2].PrefixLength);
        Assert.True(cp.Attributes[3].IsEmpty);
        Assert.Equal(datagram, message.ToArray());
    }

    // Delete of two ESP SAs, a Notify with an ESP SPI, an EAP Success and a transform with a TLV attribute.
    private const string MiscHex = """
        0102030405060708 1112131415161718 2a 20 25 00 00000002 00000058
        29 00 0010 03 04 0002 c1c2c3c4 d1d2d3d4   # Delete: ESP, SPI size 4, 2 SPIs (§3.11)
        30 00 000c 03 04 4009 c1c2c3c4            # Notify REKEY_SA for ESP SPI c1c2c3c4 (§3.10)
        21 00 0008 03 07 0004                     # EAP Success, identifier 7, length 4 (§3.16)
        00 00 0018                                # SA
          00 00 0014 01 03 00 01                  #   proposal #1 ESP, no SPI, 1 transform
            00 00 000c 01 00 000c 0011 0000       #     ENCR AES-CBC with a TLV attribute type 17, empty (§3.3.5)
        """;

    [Fact]
    public void Parse_DeleteNotifyEapTlv_ReadsFieldsAndKeepsTlvAttribute()
    {
        byte[] datagram = Hex.Parse(MiscHex);
        IkeMessage message = IkeMessage.Parse(datagram);
        DeletePayload delete = message.Get<DeletePayload>()!;
        Assert.Equal((ProtocolId.Esp, 2, 0xd1d2d3d4u), (delete.Protocol, (int)delete.SpiCount, delete.GetSpi32(1)));
        NotifyPayload rekey = message.GetNotify(NotifyType.RekeySa)!;
        Assert.Equal(new byte[] { 0xc1, 0xc2, 0xc3, 0xc4 }, rekey.Spi.ToArray());
        Assert.Equal(EapCode.Success, message.Get<EapPayload>()!.Code);
        Transform transform = message.Get<SaPayload>()!.Proposals[0].Transforms[0];
        Assert.True(transform.HasUnknownAttributes);
        Assert.Equal(0, transform.KeyLength);
        Assert.Equal(datagram, message.ToArray());
    }
}
