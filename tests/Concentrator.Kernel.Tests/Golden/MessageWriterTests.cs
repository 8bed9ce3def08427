using System.Buffers.Binary;
using Concentrator.Kernel.Netlink;

namespace Concentrator.Kernel.Tests.Golden;

/// <summary>The netlink writer's alignment and length rules (libnetlink's NLMSG_ALIGN/RTA_ALIGN behaviour).</summary>
public class MessageWriterTests
{
    [Fact]
    public void Attr_OddLength_PaddedToFourAndZeroed()
    {
        var buffer = new byte[64];
        buffer.AsSpan().Fill(0xEE);
        var w = new NetlinkMessageWriter(buffer, 0x10, 1, 5);
        w.Struct((byte)0x7F);                 // 17 bytes: the next attribute starts at 20
        w.AttrString(3, "abcde", nulTerminated: true);
        var length = w.Finish();

        Assert.Equal(32, length);              // 20 + align(4 + 6)
        Assert.Equal(0, buffer[17]);           // padding after the fixed part is zero, not 0xEE
        Assert.Equal(10, BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(20)));
        Assert.Equal(new byte[] { (byte)'a', (byte)'b', (byte)'c', (byte)'d', (byte)'e', 0, 0, 0 }, buffer[24..32]);
        Assert.Equal(32u, BinaryPrimitives.ReadUInt32LittleEndian(buffer));
    }

    [Fact]
    public void Nested_TwoLevels_LengthsCoverChildren()
    {
        var buffer = new byte[64];
        var w = new NetlinkMessageWriter(buffer, 0x10, 1, 5);
        var outer = w.BeginNested(18);
        w.AttrString(1, "xfrm", nulTerminated: false);
        var inner = w.BeginNested(2);
        w.AttrU32(2, 42);
        w.EndNested(inner);
        w.EndNested(outer);
        var length = w.Finish();

        Assert.Equal(16 + 4 + 8 + 4 + 8, length);
        Assert.Equal(24, BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(16)));
        Assert.Equal(12, BinaryPrimitives.ReadUInt16LittleEndian(buffer.AsSpan(28)));
    }

    [Fact]
    public void Writer_BufferTooSmall_ThrowsInsteadOfTruncating()
    {
        var buffer = new byte[20];

        Assert.Throws<ArgumentException>(() =>
        {
            var w = new NetlinkMessageWriter(buffer, 0x10, 1, 5);
            w.AttrU64(1, 1);
        });
    }

    [Theory]
    [MemberData(nameof(EncoderGoldenTests.Captures), MemberType = typeof(EncoderGoldenTests))]
    public void MaxLength_EveryGoldenRequest_EncoderStaysWithinItsBound(string capture)
    {
        var bound = capture switch
        {
            "newsa-aead-encap" or "updsa-aead" => XfrmMessages.MaxNewSaLength(GoldenCases.AeadEncapSa),
            _ when capture.StartsWith("newsa", StringComparison.Ordinal) => 1024,
            "delsa" or "delsa-mark" or "getsa" => XfrmMessages.MaxSaIdLength,
            "allocspi" => XfrmMessages.AllocSpiLength,
            "flushsa" or "flushsa-esp" or "flushpolicy" => XfrmMessages.FlushLength,
            "getsa-dump" or "getpolicy-dump" => XfrmMessages.DumpLength,
            "setspdinfo-hthresh" => XfrmMessages.SetSpdInfoLength,
            _ when capture.Contains("policy", StringComparison.Ordinal) && capture.StartsWith("del", StringComparison.Ordinal) => XfrmMessages.MaxPolicyIdLength,
            _ when capture.Contains("policy", StringComparison.Ordinal) => 16 + 168 + 4 + 64 + 12 + 8,
            _ when capture.Contains("link", StringComparison.Ordinal) => LinkMessages.MaxLength,
            _ when capture.Contains("addr", StringComparison.Ordinal) => AddressMessages.MaxLength,
            _ when capture.Contains("route", StringComparison.Ordinal) => RouteMessages.MaxLength,
            _ when capture.Contains("rule", StringComparison.Ordinal) => RuleMessages.MaxLength,
            _ => throw new InvalidOperationException(capture),
        };

        var length = GoldenCases.All[capture].Encode(new byte[bound], 1);

        Assert.InRange(length, 16, bound);
    }
}
