using Concentrator.Ike;
using Concentrator.Ike.Encoding;
using Concentrator.Server.Network;

namespace Concentrator.Server.Tests.Network;

public sealed class DatagramClassifierTests
{
    [Fact]
    public void Classify_IkeSaInitOnPort500_ReadsHeader()
    {
        var m = IkeBytes.Message(0x1122334455667788, 0, messageId: 0, bodyLength: 10);

        var kind = DatagramClassifier.Classify(m, natT: false, out var header, out var range);

        Assert.Equal(DatagramKind.Ike, kind);
        Assert.Equal((0x1122334455667788UL, 0UL, ExchangeType.IkeSaInit, IkeHeaderFlags.Initiator, 0U, 38U), (header.InitiatorSpi, header.ResponderSpi, header.ExchangeType, header.Flags, header.MessageId, header.Length));
        Assert.Equal(0UL, header.ReceiverSpi);
        Assert.Equal((0, 38), (range.Start.Value, range.End.Value));
    }

    [Fact]
    public void Classify_NatTWithMarker_MessageStartsAfterMarker()
    {
        var m = IkeBytes.WithMarker(IkeBytes.Message(1, 0xAABB, exchange: 35, messageId: 1));

        Assert.Equal(DatagramKind.Ike, DatagramClassifier.Classify(m, natT: true, out var header, out var range));
        Assert.Equal(0xAABBUL, header.ReceiverSpi);
        Assert.Equal((4, 32), (range.Start.Value, range.End.Value));
    }

    [Fact]
    public void Classify_ResponseToOurRequest_ReceiverSpiIsInitiatorSpi()
    {
        // We initiated (I flag clear in the peer's response): our SPI is the initiator SPI.
        var m = IkeBytes.Message(0x77, 0x99, exchange: 37, flags: 0x20);

        DatagramClassifier.Classify(m, natT: false, out var header, out _);

        Assert.True(header.IsResponse);
        Assert.Equal(0x77UL, header.ReceiverSpi);
    }

    [Fact]
    public void Classify_TrailingBytesAfterLength_RangeCoversLengthOnly()
    {
        byte[] m = [.. IkeBytes.Message(1, 0), 0xEE, 0xEE];

        DatagramClassifier.Classify(m, natT: false, out _, out var range);

        Assert.Equal(28, range.End.Value);
    }

    [Theory]
    [InlineData(new byte[] { 0xFF }, DatagramKind.Keepalive)]
    [InlineData(new byte[] { 0x00, 0x00, 0x10, 0x01, 0, 0, 0, 1, 0xAA }, DatagramKind.Esp)]
    [InlineData(new byte[] { 0x00, 0x00 }, DatagramKind.Malformed)]
    [InlineData(new byte[] { 0x00, 0x00, 0x00, 0x00, 0x01 }, DatagramKind.Malformed)]
    public void Classify_NatTSpecials_Sorted(byte[] datagram, DatagramKind expected)
    {
        Assert.Equal(expected, DatagramClassifier.Classify(datagram, natT: true, out _, out _));
    }

    [Fact]
    public void Classify_KeepaliveByteOnPort500_Malformed()
    {
        Assert.Equal(DatagramKind.Malformed, DatagramClassifier.Classify(new byte[] { 0xFF }, natT: false, out _, out _));
    }

    [Fact]
    public void Classify_BadHeaders_Malformed()
    {
        var tooLong = IkeBytes.Message(1, 0);
        tooLong[27] = 29; // length one more than what arrived

        Assert.Equal(DatagramKind.Malformed, DatagramClassifier.Classify(IkeBytes.Message(1, 0, version: 0x10), false, out _, out _));
        Assert.Equal(DatagramKind.Malformed, DatagramClassifier.Classify(IkeBytes.Message(0, 0), false, out _, out _));
        Assert.Equal(DatagramKind.Malformed, DatagramClassifier.Classify(tooLong, false, out _, out _));
        Assert.Equal(DatagramKind.Malformed, DatagramClassifier.Classify(IkeBytes.Message(1, 0).AsSpan(0, 27), false, out _, out _));
    }
}
