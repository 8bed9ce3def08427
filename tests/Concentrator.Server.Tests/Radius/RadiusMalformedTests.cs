using System.Buffers.Binary;
using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

public sealed class RadiusMalformedTests
{
    private static readonly byte[] Secret = "s3cret-for-tests"u8.ToArray();

    private static byte[] ValidReply() => RadiusEncoder.Reply(RadiusCode.AccessChallenge, 1, new byte[16],
        [new RadiusAttribute(RadiusAttributeType.State, new byte[] { 9, 9 }), RadiusAttribute.Text(RadiusAttributeType.ReplyMessage, "hi")],
        new byte[] { 1, 2, 0, 6, 4, 16 }, Secret, messageAuthenticator: true);

    private static RadiusRefusal Refusal(byte[] datagram)
    {
        Assert.False(RadiusPacket.TryParse(datagram, out var packet, out var refusal));
        Assert.Null(packet);
        return refusal;
    }

    [Fact]
    public void Parse_FewerThan20Octets_IsBadLength() => Assert.Equal(RadiusRefusal.BadLength, Refusal(ValidReply()[..19]));

    [Fact]
    public void Parse_LengthFieldBeyondDatagram_IsBadLength()
    {
        var reply = ValidReply();
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), (ushort)(reply.Length + 1));

        Assert.Equal(RadiusRefusal.BadLength, Refusal(reply));
    }

    [Fact]
    public void Parse_LengthFieldBelow20_IsBadLength()
    {
        var reply = ValidReply();
        BinaryPrimitives.WriteUInt16BigEndian(reply.AsSpan(2), 19);

        Assert.Equal(RadiusRefusal.BadLength, Refusal(reply));
    }

    [Fact]
    public void Parse_LengthFieldAbove4096_IsBadLength()
    {
        var datagram = new byte[5000];
        ValidReply().CopyTo(datagram, 0);
        BinaryPrimitives.WriteUInt16BigEndian(datagram.AsSpan(2), 4097);

        Assert.Equal(RadiusRefusal.BadLength, Refusal(datagram));
    }

    [Fact]
    public void Parse_OctetsBeyondLength_AreIgnoredAsPadding()
    {
        var reply = ValidReply();

        Assert.True(RadiusPacket.TryParse([.. reply, 0xff, 0xff, 0xff], out var packet, out _));
        Assert.Equal(reply, packet!.Bytes);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(200)]
    public void Parse_FirstAttributeLength_OverrunsOrTooShort_IsAttributeOverrun(byte length)
    {
        var reply = ValidReply();
        reply[21] = length;

        Assert.Equal(RadiusRefusal.AttributeOverrun, Refusal(reply));
    }

    [Fact]
    public void Parse_TrailingSingleOctet_IsAttributeOverrun()
    {
        var reply = ValidReply();
        var longer = new byte[reply.Length + 1];
        reply.CopyTo(longer, 0);
        longer[^1] = (byte)RadiusAttributeType.ReplyMessage;
        BinaryPrimitives.WriteUInt16BigEndian(longer.AsSpan(2), (ushort)longer.Length);

        Assert.Equal(RadiusRefusal.AttributeOverrun, Refusal(longer));
    }

    [Fact]
    public void Parse_FramedIpAddressOfThreeOctets_IsBadAttributeLength()
    {
        var reply = RadiusEncoder.Reply(RadiusCode.AccessAccept, 1, new byte[16],
            [new RadiusAttribute(RadiusAttributeType.FramedIpAddress, new byte[] { 10, 0, 0 })], default, Secret, messageAuthenticator: false);

        Assert.Equal(RadiusRefusal.BadAttributeLength, Refusal(reply));
    }

    [Fact]
    public void Parse_TwoMessageAuthenticators_IsBadAttributeLength()
    {
        var reply = RadiusEncoder.Reply(RadiusCode.AccessAccept, 1, new byte[16],
            [new RadiusAttribute(RadiusAttributeType.MessageAuthenticator, new byte[16])], default, Secret, messageAuthenticator: true);

        Assert.Equal(RadiusRefusal.BadAttributeLength, Refusal(reply));
    }

    [Fact]
    public void ParseAndVerify_TenThousandMutatedReplies_NeverThrowAndNeverPassWithAChangedOctet()
    {
        var ra = new byte[16];
        var valid = ValidReply();
        var random = new Random(12);
        var passed = 0;
        for (var i = 0; i < 10_000; i++)
        {
            var mutated = (byte[])valid.Clone();
            var flips = random.Next(1, 4);
            for (var f = 0; f < flips; f++)
            {
                mutated[random.Next(mutated.Length)] ^= (byte)random.Next(1, 256);
            }

            var truncated = random.Next(4) == 0 ? mutated[..random.Next(mutated.Length)] : mutated;
            if (RadiusPacket.TryParse(truncated, out var packet, out _)
                && RadiusAuthenticator.VerifyReply(packet!, ra, Secret, packet!.Find(RadiusAttributeType.EapMessage) is not null) == RadiusRefusal.None
                && !packet.Bytes.AsSpan().SequenceEqual(valid))
            {
                passed++;
            }
        }

        Assert.Equal(0, passed);
    }
}
