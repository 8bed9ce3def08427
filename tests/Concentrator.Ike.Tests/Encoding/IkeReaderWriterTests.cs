using Concentrator.Ike.Encoding;

namespace Concentrator.Ike.Tests.Encoding;

public sealed class IkeReaderWriterTests
{
    [Fact]
    public void Reader_BigEndianFields_ReadInOrder()
    {
        var reader = new IkeReader(Hex.Parse("01 0203 04050607 08090a0b0c0d0e0f aabb"));
        Assert.Equal(0x01, reader.ReadByte());
        Assert.Equal(0x0203, reader.ReadUInt16());
        Assert.Equal(0x04050607u, reader.ReadUInt32());
        Assert.Equal(0x08090a0b0c0d0e0fUL, reader.ReadUInt64());
        Assert.Equal(new byte[] { 0xaa, 0xbb }, reader.ReadMemory(2).ToArray());
        reader.ReadEnd();
        Assert.Equal(17, reader.Position);
    }

    [Fact]
    public void Reader_ReadPastEnd_InvalidSyntax()
    {
        var error = Assert.Throws<IkeProtocolException>(() =>
        {
            var reader = new IkeReader(new byte[3]);
            reader.ReadUInt32();
        });
        Assert.Equal(NotifyType.InvalidSyntax, error.Notify);
    }

    [Fact]
    public void Reader_NegativeLength_InvalidSyntax()
    {
        var error = Assert.Throws<IkeProtocolException>(() =>
        {
            var reader = new IkeReader(new byte[3]);
            reader.ReadMemory(-1);
        });
        Assert.Equal(NotifyType.InvalidSyntax, error.Notify);
    }

    [Fact]
    public void Reader_ReadEndWithOctetsLeft_InvalidSyntax()
    {
        var error = Assert.Throws<IkeProtocolException>(() =>
        {
            var reader = new IkeReader(new byte[3]);
            reader.ReadByte();
            reader.ReadEnd();
        });
        Assert.Equal(NotifyType.InvalidSyntax, error.Notify);
    }

    [Fact]
    public void Writer_LengthScopes_PatchNestedLengths()
    {
        var buffer = new byte[32];
        var writer = new IkeWriter(buffer);
        writer.WriteByte(0xee);
        using (writer.BeginLength32(0))
        {
            int inner = writer.Position;
            writer.WriteByte(0x11);
            using (writer.BeginLength16(inner))
            {
                writer.WriteBytes(new byte[] { 1, 2, 3 });
            }

            writer.WriteZeros(2);
        }

        Assert.Equal(Hex.Parse("ee 0000000d 11 0006 010203 0000"), writer.Written.ToArray());
    }

    [Fact]
    public void Writer_LengthOver65535_Throws()
    {
        var buffer = new byte[70000];
        Assert.Throws<InvalidOperationException>(() =>
        {
            var writer = new IkeWriter(buffer);
            using (writer.BeginLength16(0))
            {
                writer.Advance(65534);
            }
        });
    }

    [Fact]
    public void Writer_DestinationTooSmall_ThrowsArgumentException()
    {
        Assert.Throws<ArgumentException>(() =>
        {
            var writer = new IkeWriter(new byte[3]);
            writer.WriteUInt32(1);
        });
    }

    [Fact]
    public void CreateResponse_FromInitiatorRequest_CopiesHeaderAndSetsFlags()
    {
        IkeMessage request = SampleMessages.IkeSaInitRequest();
        request.MessageId = 7;
        IkeMessage response = request.CreateResponse(senderIsOriginalInitiator: false);
        Assert.Equal((request.InitiatorSpi, request.ResponderSpi, request.ExchangeType, 7u),
            (response.InitiatorSpi, response.ResponderSpi, response.ExchangeType, response.MessageId));
        Assert.Equal(IkeHeaderFlags.Response, response.Flags);
        Assert.Equal(IkeHeaderFlags.Response | IkeHeaderFlags.Initiator, request.CreateResponse(true).Flags);
    }

    [Fact]
    public void IkeHeader_Read_ReadsFieldsWithoutPayloads()
    {
        byte[] datagram = SampleMessages.IkeSaInitResponse().ToArray();
        IkeHeader header = IkeHeader.Read(datagram);
        Assert.Equal(SampleMessages.SpiR, header.ResponderSpi);
        Assert.Equal(PayloadType.SecurityAssociation, header.NextPayload);
        Assert.True(header.IsResponse);
        Assert.False(header.IsFromInitiator);
        Assert.Equal((uint)datagram.Length, header.Length);
    }

    [Fact]
    public void IkeHeader_TryRead_SameFieldsAsReadAndTrailingOctetsLeftToCaller()
    {
        byte[] message = SampleMessages.IkeSaInitResponse().ToArray();
        byte[] datagram = [.. message, 0xEE, 0xEE];

        Assert.True(IkeHeader.TryRead(datagram, out IkeHeader header));
        Assert.Equal(IkeHeader.Read(message), header);
        Assert.Equal(SampleMessages.SpiI, header.ReceiverSpi);
    }

    [Fact]
    public void IkeHeader_TryRead_ShortWrongVersionOrLengthBeyondData_FalseAndDefault()
    {
        byte[] message = SampleMessages.IkeSaInitResponse().ToArray();
        byte[] wrongVersion = [.. message];
        wrongVersion[17] = 0x10;
        byte[] lengthBelowHeader = [.. message];
        lengthBelowHeader.AsSpan(24, 4).Clear();

        Assert.False(IkeHeader.TryRead(message.AsSpan(0, 27), out IkeHeader header));
        Assert.Equal(default, header);
        Assert.False(IkeHeader.TryRead(message.AsSpan(0, message.Length - 1), out _));
        Assert.False(IkeHeader.TryRead(wrongVersion, out _));
        Assert.False(IkeHeader.TryRead(lengthBelowHeader, out _));
    }
}
