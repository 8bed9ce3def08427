using System.Buffers.Binary;
using Concentrator.Ike.Encoding;

namespace Concentrator.Ike.Tests.Encoding;

/// <summary>Every malformation fails with <see cref="IkeProtocolException"/> and the Notify type RFC 7296 names.</summary>
public sealed class MalformedMessageTests
{
    /// <summary>An IKE header (INFORMATIONAL, first payload <paramref name="firstPayload"/>) with a correct Length
    /// followed by <paramref name="payloadsHex"/>.</summary>
    private static byte[] Frame(byte firstPayload, string payloadsHex)
    {
        byte[] payloads = Hex.Parse(payloadsHex);
        var datagram = new byte[28 + payloads.Length];
        BinaryPrimitives.WriteUInt64BigEndian(datagram, SampleMessages.SpiI);
        BinaryPrimitives.WriteUInt64BigEndian(datagram.AsSpan(8), SampleMessages.SpiR);
        datagram[16] = firstPayload;
        datagram[17] = 0x20;
        datagram[18] = (byte)ExchangeType.Informational;
        datagram[19] = 0x08;
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(24), (uint)datagram.Length);
        payloads.CopyTo(datagram, 28);
        return datagram;
    }

    private static IkeProtocolException Fails(byte[] datagram, NotifyType expected)
    {
        var error = Assert.Throws<IkeProtocolException>(() => IkeMessage.Parse(datagram));
        Assert.Equal(expected, error.Notify);
        return error;
    }

    private const string Nonce16 = "00000000000000000000000000000000";

    [Fact]
    public void Frame_WellFormed_Parses()
    {
        // The helper itself produces parsable messages, so the failures below come from the one defect each.
        IkeMessage message = IkeMessage.Parse(Frame(0x28, "00 00 0014" + Nonce16));
        Assert.Single(message.Payloads);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(27)]
    public void Parse_TruncatedHeader_InvalidSyntax(int length) =>
        Fails(Frame(0, "").AsSpan(0, length).ToArray(), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData(0x10)]
    [InlineData(0x30)]
    [InlineData(0x00)]
    public void Parse_MajorVersionNot2_InvalidMajorVersion(byte version)
    {
        byte[] datagram = Frame(0, "");
        datagram[17] = version;
        Fails(datagram, NotifyType.InvalidMajorVersion);
    }

    [Fact]
    public void Parse_HigherMinorVersion_Accepted()
    {
        // RFC 7296 §3.1: the minor version MUST be ignored by IKEv2 implementations.
        byte[] datagram = Frame(0, "");
        datagram[17] = 0x21;
        Assert.Equal(0x21, IkeMessage.Parse(datagram).Version);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1)]
    [InlineData(1000)]
    public void Parse_HeaderLengthNotDatagramLength_InvalidSyntax(int delta)
    {
        byte[] datagram = Frame(0x28, "00 00 0014" + Nonce16);
        BinaryPrimitives.WriteUInt32BigEndian(datagram.AsSpan(24), (uint)(datagram.Length + delta));
        Fails(datagram, NotifyType.InvalidSyntax);
    }

    [Fact]
    public void Parse_TrailingOctetsAfterDatagramLength_InvalidSyntax()
    {
        byte[] datagram = Frame(0x28, "00 00 0014" + Nonce16);
        Fails([.. datagram, 0], NotifyType.InvalidSyntax);
    }

    [Theory]
    [InlineData("00 00 0000")]
    [InlineData("00 00 0003 00")]
    public void Parse_PayloadLengthBelowHeader_InvalidSyntax(string hex) => Fails(Frame(0x2b, hex), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_PayloadLengthPastEnd_InvalidSyntax() => Fails(Frame(0x2b, "00 00 0009 0102"), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_PayloadLengthShortOfEnd_InvalidSyntax() => Fails(Frame(0x2b, "00 00 0005 0102"), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_ChainNamesPayloadAfterLast_InvalidSyntax() => Fails(Frame(0x2b, "2b 00 0006 0102"), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_HeaderNamesPayloadButNoneFollows_InvalidSyntax() => Fails(Frame(0x28, ""), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_UnknownCriticalPayload_UnsupportedCriticalPayloadWithType()
    {
        IkeProtocolException error = Fails(Frame(0x2b, "c8 00 0004  00 80 0006 abcd"), NotifyType.UnsupportedCriticalPayload);
        // RFC 7296 §2.5: the Notification Data is the one-octet payload type.
        Assert.Equal(new byte[] { 0xc8 }, error.NotifyData.ToArray());
    }

    [Fact]
    public void Parse_UnknownNonCriticalPayload_SkippedAndKept()
    {
        byte[] datagram = Frame(0x2b, "c8 00 0004  00 00 0006 abcd");
        IkeMessage message = IkeMessage.Parse(datagram);
        Assert.Equal((PayloadType)0xc8, message.Payloads[1].Type);
        Assert.Equal(datagram, message.ToArray());
    }

    [Fact]
    public void Parse_MorePayloadsThanLimit_InvalidSyntax()
    {
        string vid = "2b 00 0004 ";
        Assert.Equal(CodecLimits.MaxPayloads,
            IkeMessage.Parse(Frame(0x2b, string.Concat(Enumerable.Repeat(vid, CodecLimits.MaxPayloads - 1)) + "00 00 0004")).Payloads.Count);
        Fails(Frame(0x2b, string.Concat(Enumerable.Repeat(vid, CodecLimits.MaxPayloads)) + "00 00 0004"), NotifyType.InvalidSyntax);
    }

    private static string Sa(string proposals) => $"00 00 {4 + (Hex.Parse(proposals).Length):x4} {proposals}";

    private static string Proposal(byte last, int count, string transforms) =>
        $"{last:x2} 00 {8 + Hex.Parse(transforms).Length:x4} 01 01 00 {count:x2} {transforms}";

    private const string LastTransform = "00 00 0008 01 00 000c";
    private const string MoreTransform = "03 00 0008 01 00 000c";

    [Fact]
    public void Parse_SaWellFormed_Parses() =>
        Assert.Single(IkeMessage.Parse(Frame(0x21, Sa(Proposal(0, 2, MoreTransform + LastTransform)))).Payloads);

    [Fact]
    public void Parse_MoreProposalsThanLimit_InvalidSyntax()
    {
        string more = Proposal(2, 1, LastTransform);
        string last = Proposal(0, 1, LastTransform);
        Fails(Frame(0x21, Sa(string.Concat(Enumerable.Repeat(more, CodecLimits.MaxProposals)) + last)), NotifyType.InvalidSyntax);
    }

    [Fact]
    public void Parse_MoreTransformsThanLimit_InvalidSyntax()
    {
        int count = CodecLimits.MaxTransformsPerProposal + 1;
        string transforms = string.Concat(Enumerable.Repeat(MoreTransform, count - 1)) + LastTransform;
        Fails(Frame(0x21, Sa(Proposal(0, count, transforms))), NotifyType.InvalidSyntax);
    }

    [Theory]
    [InlineData(0, 1, MoreTransform + LastTransform)]     // Num Transforms smaller than present
    [InlineData(0, 3, MoreTransform + LastTransform)]     // larger than present
    [InlineData(3, 1, LastTransform)]                     // proposal Last Substruc 3
    [InlineData(2, 1, LastTransform)]                     // says another proposal follows, none does
    [InlineData(0, 2, LastTransform + LastTransform)]     // transform Last Substruc 0 before the end
    [InlineData(0, 1, "02 00 0008 01 00 000c")]           // transform Last Substruc 2
    [InlineData(0, 1, "00 00 0007 01 00 000c")]           // transform length below 8
    [InlineData(0, 1, "00 00 000c 01 00 000c 000e 0010")] // TLV attribute length past the transform
    public void Parse_MalformedProposal_InvalidSyntax(byte last, int count, string transforms) =>
        Fails(Frame(0x21, Sa(Proposal(last, count, transforms))), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData(15)]
    [InlineData(257)]
    public void Parse_NonceOutsideLimits_InvalidSyntax(int length) =>
        Fails(Frame(0x28, $"00 00 {4 + length:x4}" + new string('a', length * 2)), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("01 000000 c0000201 00")]                          // ID_IPV4_ADDR of 5 octets
    [InlineData("05 000000 c0000201")]                             // ID_IPV6_ADDR of 4 octets
    public void Parse_IdAddressWrongLength_InvalidSyntax(string body) =>
        Fails(Frame(0x23, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("01 000000 07 00 0014 0000ffff 00000000 ffffffff 00000000")] // IPv4 selector length 20
    [InlineData("02 000000 07 00 0010 0000ffff 00000000 ffffffff")]          // Number of TSs 2, one present
    [InlineData("01 000000 07 00 0010 0000ffff 00000000 ffffffff 00")]       // octet after the selectors
    [InlineData("01 000000 08 00 0010 0000ffff 00000000 ffffffff")]          // IPv6 selector of length 16
    [InlineData("01 000000 09 00 0003")]                                     // selector length below its header
    public void Parse_MalformedTrafficSelector_InvalidSyntax(string body) =>
        Fails(Frame(0x2c, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("02 000000 0001 0003 0a0000")]       // INTERNAL_IP4_ADDRESS of 3 octets
    [InlineData("02 000000 0008 0010 " + Nonce16)]   // INTERNAL_IP6_ADDRESS of 16 octets
    [InlineData("02 000000 000d 0004 0a000000")]     // INTERNAL_IP4_SUBNET of 4 octets
    [InlineData("02 000000 000e 0003 000100")]       // SUPPORTED_ATTRIBUTES of odd length
    [InlineData("02 000000 0001 0004 0a00")]         // value past the payload
    public void Parse_MalformedConfigAttribute_InvalidSyntax(string body) =>
        Fails(Frame(0x2f, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("01 07 0007 01 01")]  // EAP Length 7 in a 6-octet message
    [InlineData("03 07 0005 00")]     // Success longer than 4
    [InlineData("09 07 0004")]        // no such EAP code
    [InlineData("01 07 0004")]        // request without Type
    [InlineData("01 07")]             // truncated EAP header
    public void Parse_MalformedEap_InvalidSyntax(string body) =>
        Fails(Frame(0x30, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("03 08 0001 0102030405060708")]   // ESP SPI size 8
    [InlineData("01 04 0001 01020304")]           // IKE with an SPI
    [InlineData("03 04 0002 01020304")]           // two SPIs announced, one present
    [InlineData("03 04 0001 01020304 05")]        // octet after the SPIs
    public void Parse_MalformedDelete_InvalidSyntax(string body) =>
        Fails(Frame(0x2a, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("03 08 4009 010203")]   // SPI size past the payload
    [InlineData("03")]                  // truncated Notify header
    public void Parse_MalformedNotify_InvalidSyntax(string body) =>
        Fails(Frame(0x29, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_EncryptedPayloadNotLast_InvalidSyntax() =>
        Fails(Frame(0x2e, "29 00 0008 01020304  00 00 0008 00 00 4000"), NotifyType.InvalidSyntax);

    [Theory]
    [InlineData("0000 0002 aabbccdd")]   // fragment 0
    [InlineData("0003 0002 aabbccdd")]   // fragment 3 of 2
    [InlineData("0001 0000 aabbccdd")]   // of zero fragments
    [InlineData("0001")]                 // truncated SKF header
    public void Parse_MalformedFragmentNumbers_InvalidSyntax(string body) =>
        Fails(Frame(0x35, $"00 00 {4 + Hex.Parse(body).Length:x4} {body}"), NotifyType.InvalidSyntax);

    [Fact]
    public void Parse_KeTruncated_InvalidSyntax() => Fails(Frame(0x22, "00 00 0007 001f 00"), NotifyType.InvalidSyntax);
}
