using System.Net;
using System.Net.Sockets;
using Concentrator.Ike.Encoding;
using Concentrator.Ike.Encoding.Payloads;

namespace Concentrator.Ike.Tests.Encoding;

public sealed class PayloadRoundTripTests
{
    /// <summary>Encodes a message holding <paramref name="payload"/>, parses it, checks the re-encoding is identical
    /// and returns the parsed payload.</summary>
    private static T RoundTrip<T>(T payload) where T : Payload
    {
        var message = new IkeMessage(ExchangeType.Informational, SampleMessages.SpiI, SampleMessages.SpiR, 5, IkeHeaderFlags.Initiator);
        message.Payloads.Add(payload);
        message.Payloads.Add(new VendorIdPayload(new byte[] { 9, 9 }));
        byte[] encoded = message.ToArray();
        IkeMessage parsed = IkeMessage.Parse(encoded);
        Assert.Equal(encoded, parsed.ToArray());
        Assert.Equal(2, parsed.Payloads.Count);
        Assert.IsType<VendorIdPayload>(parsed.Payloads[1]);
        return Assert.IsType<T>(parsed.Payloads[0]);
    }

    [Fact]
    public void SaPayload_ProposalsTransformsKeyLength_RoundTrips()
    {
        SaPayload parsed = RoundTrip(SampleMessages.IkeProposals());
        Assert.Equal(3, parsed.Proposals.Count);
        Assert.Equal([1, 2, 3], parsed.Proposals.Select(p => (int)p.Number));
        Assert.Equal(new Transform(TransformType.Encryption, 20, 256), parsed.Proposals[0].Transforms[0]);
        Assert.Equal(128, parsed.Proposals[0].Transforms[1].KeyLength);
        Assert.Equal(0, parsed.Proposals[0].Transforms[2].KeyLength);
        Assert.False(parsed.Proposals[0].Transforms[0].HasUnknownAttributes);
        Assert.Equal(6, parsed.Proposals[0].Transforms.Count);
    }

    [Fact]
    public void SaPayload_EspWithSpi_RoundTrips()
    {
        SaPayload parsed = RoundTrip(SampleMessages.EspProposal(4));
        Proposal proposal = Assert.Single(parsed.Proposals);
        Assert.Equal(ProtocolId.Esp, proposal.Protocol);
        Assert.Equal(4, proposal.Number);
        Assert.Equal(new byte[] { 0xc1, 0xc2, 0xc3, 0xc4 }, proposal.Spi.ToArray());
        Assert.Equal(TransformType.ExtendedSequenceNumbers, proposal.Transforms[1].Type);
    }

    [Fact]
    public void KePayload_GroupAndData_RoundTrips()
    {
        KePayload parsed = RoundTrip(new KePayload(31, SampleMessages.Bytes(32, 1)));
        Assert.Equal(31, parsed.Group);
        Assert.Equal(SampleMessages.Bytes(32, 1), parsed.Data.ToArray());
    }

    public static TheoryData<IdType, byte[]> Identities => new()
    {
        { IdType.Ipv4Address, new byte[] { 192, 0, 2, 7 } },
        { IdType.Fqdn, "vpn.example.org"u8.ToArray() },
        { IdType.Rfc822Address, "carol@example.org"u8.ToArray() },
        { IdType.Ipv6Address, IPAddress.Parse("2001:db8::7").GetAddressBytes() },
        { IdType.DerAsn1Dn, SampleMessages.Bytes(45, 3) },
        { IdType.DerAsn1Gn, SampleMessages.Bytes(12, 4) },
        { IdType.KeyId, SampleMessages.Bytes(20, 5) },
    };

    [Theory]
    [MemberData(nameof(Identities))]
    public void IdPayload_EveryIdType_RoundTrips(IdType type, byte[] data)
    {
        IdPayload initiator = RoundTrip(new IdPayload(true, type, data));
        IdPayload responder = RoundTrip(new IdPayload(false, type, data));
        Assert.Equal(PayloadType.IdInitiator, initiator.Type);
        Assert.Equal(PayloadType.IdResponder, responder.Type);
        Assert.Equal(type, initiator.IdType);
        Assert.Equal(data, initiator.Data.ToArray());
    }

    [Fact]
    public void IdPayload_ToString_ShowsAddressAndName()
    {
        Assert.Equal("192.0.2.7", RoundTrip(IdPayload.Address(true, IPAddress.Parse("192.0.2.7"))).ToString());
        Assert.Equal("2001:db8::7", RoundTrip(IdPayload.Address(true, IPAddress.Parse("2001:db8::7"))).ToString());
        Assert.Equal("vpn.example.org", RoundTrip(IdPayload.Fqdn(false, "vpn.example.org")).ToString());
    }

    [Fact]
    public void CertAndCertReq_RoundTrip()
    {
        CertPayload cert = RoundTrip(new CertPayload(CertificateEncoding.X509Signature, SampleMessages.Bytes(500, 6)));
        Assert.Equal(CertificateEncoding.X509Signature, cert.Encoding);
        Assert.Equal(500, cert.Data.Length);
        CertReqPayload request = RoundTrip(new CertReqPayload(CertificateEncoding.X509Signature, SampleMessages.Bytes(60, 7)));
        Assert.Equal(3, request.CaHashCount);
        Assert.Equal(SampleMessages.Bytes(60, 7).AsSpan(20, 20).ToArray(), request.CaHash(1).ToArray());
    }

    [Fact]
    public void AuthPayload_MethodAndData_RoundTrips()
    {
        AuthPayload parsed = RoundTrip(new AuthPayload(AuthMethod.DigitalSignature, SampleMessages.Bytes(80, 8)));
        Assert.Equal(AuthMethod.DigitalSignature, parsed.Method);
        Assert.Equal(80, parsed.Data.Length);
    }

    [Fact]
    public void NoncePayload_RoundTrips()
    {
        NoncePayload parsed = RoundTrip(new NoncePayload(SampleMessages.Bytes(16, 9)));
        Assert.Equal(SampleMessages.Bytes(16, 9), parsed.Data.ToArray());
    }

    [Theory]
    [MemberData(nameof(AllNotifyTypes))]
    public void NotifyPayload_EveryRegisteredType_RoundTrips(NotifyType type)
    {
        NotifyPayload parsed = RoundTrip(new NotifyPayload(type, ProtocolId.Esp, new byte[] { 1, 2, 3, 4 }, new byte[] { 5, 6 }));
        Assert.Equal(type, parsed.NotifyType);
        Assert.Equal(ProtocolId.Esp, parsed.Protocol);
        Assert.Equal(new byte[] { 1, 2, 3, 4 }, parsed.Spi.ToArray());
        Assert.Equal(new byte[] { 5, 6 }, parsed.Data.ToArray());
        Assert.Equal((ushort)type < 16384, parsed.IsError);
    }

    public static TheoryData<NotifyType> AllNotifyTypes()
    {
        var data = new TheoryData<NotifyType>();
        foreach (NotifyType type in Enum.GetValues<NotifyType>())
        {
            data.Add(type);
        }

        return data;
    }

    [Fact]
    public void DeletePayload_ChildAndIke_RoundTrip()
    {
        DeletePayload child = RoundTrip(DeletePayload.ForChildSas(ProtocolId.Esp, 0xc1c2c3c4, 0x01020304));
        Assert.Equal(2, child.SpiCount);
        Assert.Equal(0x01020304u, child.GetSpi32(1));
        DeletePayload ike = RoundTrip(DeletePayload.ForIkeSa());
        Assert.Equal(ProtocolId.Ike, ike.Protocol);
        Assert.Equal(0, ike.SpiCount);
    }

    [Fact]
    public void TrafficSelectorPayload_Ipv4Ipv6ProtocolPorts_RoundTrips()
    {
        TrafficSelectorPayload parsed = RoundTrip(new TrafficSelectorPayload(false,
            new TrafficSelector(17, 53, 53, IPAddress.Parse("10.0.0.0"), IPAddress.Parse("10.255.255.255")),
            new TrafficSelector(6, 0, 65535, IPAddress.Parse("2001:db8::"), IPAddress.Parse("2001:db8::ffff")),
            TrafficSelector.Other((TrafficSelectorType)10, 0, new byte[] { 1, 2, 3 })));
        Assert.Equal(PayloadType.TrafficSelectorResponder, parsed.Type);
        Assert.Equal(3, parsed.Selectors.Count);
        TrafficSelector v4 = parsed.Selectors[0];
        Assert.Equal((TrafficSelectorType.Ipv4AddressRange, 17, 53, 53), (v4.Type, (int)v4.IpProtocol, (int)v4.StartPort, (int)v4.EndPort));
        Assert.Equal(IPAddress.Parse("10.255.255.255"), v4.GetEndAddress());
        Assert.Equal(IPAddress.Parse("2001:db8::ffff"), parsed.Selectors[1].GetEndAddress());
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Selectors[2].Data.ToArray());
        Assert.Equal(AddressFamily.InterNetworkV6, parsed.Selectors[1].GetStartAddress().AddressFamily);
    }

    [Theory]
    [InlineData(ConfigType.Request)]
    [InlineData(ConfigType.Reply)]
    [InlineData(ConfigType.Set)]
    [InlineData(ConfigType.Ack)]
    public void ConfigurationPayload_EveryCfgType_RoundTrips(ConfigType type)
    {
        ConfigurationPayload parsed = RoundTrip(new ConfigurationPayload(type,
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Address, IPAddress.Parse("10.3.0.9")),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Netmask, IPAddress.Parse("255.255.255.0")),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Dns, IPAddress.Parse("10.0.0.53")),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp4Nbns, IPAddress.Parse("10.0.0.54")),
            ConfigAttribute.Ip4Subnet(IPAddress.Parse("10.0.0.0"), IPAddress.Parse("255.255.0.0")),
            ConfigAttribute.Ip6Prefix(ConfigAttributeType.InternalIp6Address, IPAddress.Parse("fd00::9"), 64),
            ConfigAttribute.Ip6Prefix(ConfigAttributeType.InternalIp6Subnet, IPAddress.Parse("fd00::"), 48),
            ConfigAttribute.Address(ConfigAttributeType.InternalIp6Dns, IPAddress.Parse("fd00::53")),
            new ConfigAttribute(ConfigAttributeType.ApplicationVersion, "strongSwan 5.9.8"u8.ToArray()),
            new ConfigAttribute(ConfigAttributeType.SupportedAttributes, new byte[] { 0, 1, 0, 3 }),
            new ConfigAttribute(ConfigAttributeType.InternalIp4Dhcp)));
        Assert.Equal(type, parsed.ConfigType);
        Assert.Equal(11, parsed.Attributes.Count);
        Assert.True(parsed.Attributes[0].TryGetAddress(out IPAddress? address));
        Assert.Equal(IPAddress.Parse("10.3.0.9"), address);
        Assert.Equal(16, parsed.Attributes[4].PrefixLength);
        Assert.True(parsed.Attributes[5].TryGetAddress(out IPAddress? v6));
        Assert.Equal(IPAddress.Parse("fd00::9"), v6);
        Assert.Equal(64, parsed.Attributes[5].PrefixLength);
        Assert.True(parsed.Attributes[10].IsEmpty);
    }

    [Fact]
    public void EapPayload_RequestAndSuccess_RoundTrip()
    {
        EapPayload request = RoundTrip(EapPayload.Create(EapCode.Request, 3, 26, new byte[] { 1, 2, 3 }));
        Assert.Equal((EapCode.Request, 3, 26), (request.Code, (int)request.Identifier, (int)request.EapType));
        Assert.Equal(new byte[] { 1, 2, 3 }, request.TypeData.ToArray());
        EapPayload success = RoundTrip(EapPayload.Create(EapCode.Success, 4));
        Assert.Equal(EapCode.Success, success.Code);
        Assert.Equal(4, success.Message.Length);
    }

    [Fact]
    public void VendorIdPayload_RoundTrips()
    {
        VendorIdPayload parsed = RoundTrip(new VendorIdPayload(SampleMessages.Bytes(16, 11)));
        Assert.Equal(SampleMessages.Bytes(16, 11), parsed.Data.ToArray());
    }

    [Fact]
    public void UnknownPayload_NonCritical_IsKeptAndReserialised()
    {
        UnknownPayload parsed = RoundTrip(new UnknownPayload((PayloadType)200, new byte[] { 1, 2, 3 }) { HeaderReserved = 0x15 });
        Assert.Equal((PayloadType)200, parsed.Type);
        Assert.Equal(0x15, parsed.HeaderReserved);
        Assert.Equal(new byte[] { 1, 2, 3 }, parsed.Body.ToArray());
    }

    [Fact]
    public void KnownPayload_CriticalBitSet_IsKeptAndReserialised()
    {
        // RFC 7296 §3.2: the critical bit MUST be ignored for understood types; kept for byte identity.
        NoncePayload parsed = RoundTrip(new NoncePayload(SampleMessages.Bytes(16, 1)) { Critical = true });
        Assert.True(parsed.Critical);
    }
}
