using System.Buffers.Binary;
using Concentrator.Kernel.Netlink.Interop;

namespace Concentrator.Kernel.Tests.Golden;

/// <summary>
/// Our encoders against the bytes iproute2 sent for the same request (scripts/capture-golden.sh). The seq
/// number is taken from the capture, pid is 0 on both sides, so nothing is masked except the documented
/// deliberate differences listed per case in <see cref="GoldenCase"/> (an added NLM_F_ACK, an omitted attribute).
/// </summary>
public class EncoderGoldenTests
{
    public static TheoryData<string> Captures => new(GoldenCases.All.Keys.Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(Captures))]
    public void Encoder_SameRequestAsIproute2_BytesEqual(string capture)
    {
        var golden = GoldenFile.Load(capture);
        var c = GoldenCases.All[capture];
        var expected = golden.Request(c.Type);
        if (c.WeAddAck)
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(expected.AsSpan(6));
            Assert.Equal(0, flags & NetlinkConstants.NLM_F_ACK);
            BinaryPrimitives.WriteUInt16LittleEndian(expected.AsSpan(6), (ushort)(flags | NetlinkConstants.NLM_F_ACK));
        }

        if (c.WeOmitAttribute is { } omit)
        {
            expected = GoldenFile.WithoutAttribute(expected, omit.FixedSize, omit.Type);
        }

        var buffer = new byte[4096];
        buffer.AsSpan().Fill(0xA5); // garbage from a previous batch must not leak into padding
        var length = c.Encode(buffer, GoldenFile.Seq(expected));

        golden.AssertEqual(expected, buffer.AsSpan(0, length));
    }

    [Fact]
    public void GoldenCases_EveryCaptureOfARequest_HasAnEncoder()
    {
        var dir = Path.Combine(AppContext.BaseDirectory, "TestData", "golden");
        var requests = Directory.GetFiles(dir, "*.txt")
            .Select(Path.GetFileNameWithoutExtension)
            .Where(n => !n!.StartsWith("reply-", StringComparison.Ordinal) && !n.StartsWith("event-", StringComparison.Ordinal))
            .ToHashSet();

        Assert.Empty(requests.Except(GoldenCases.All.Keys));
        Assert.Empty(GoldenCases.All.Keys.Except(requests!));
    }
}
