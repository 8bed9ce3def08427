using System.IO.Pipelines;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using Concentrator.Host.Management;
using Concentrator.Server.Management;

namespace Concentrator.Host.Tests.Management;

/// <summary>Issue 15: <c>GET /cluster/sas</c> is written as the members' answers arrive, not built whole.</summary>
public sealed class SaListWriterTests
{
    private static SaSummary Sa(string id, string identity) =>
        new(id, "rw", "ipsec1", identity, "192.0.2.21:500", "192.0.2.11:500", ["10.99.0.2"], DateTimeOffset.UnixEpoch);

    [Fact]
    public async Task WriteClusterAsync_FirstMemberAnswered_ItsSasWrittenBeforeTheNextArrives()
    {
        var pipe = new Pipe();
        var parts = Channel.CreateUnbounded<ClusterSaPart>();
        var writing = SaListWriter.WriteClusterAsync(pipe.Writer, parts.Reader.ReadAllAsync(), CancellationToken.None);
        var text = new StringBuilder();

        await parts.Writer.WriteAsync(new ClusterSaPart(new NodeReply("akka.tcp://c@192.0.2.12:4053", true, "") { Sas = 2 },
            [Sa("a1", "one@loadgen"), Sa("a2", "two@loadgen")]));
        // The second member has not answered yet: the first one's SAs are on their way regardless.
        while (!text.ToString().Contains("two@loadgen", StringComparison.Ordinal))
        {
            var read = await pipe.Reader.ReadAsync();
            text.Append(Encoding.UTF8.GetString(read.Buffer));
            pipe.Reader.AdvanceTo(read.Buffer.End);
        }

        Assert.False(writing.IsCompleted);
        await parts.Writer.WriteAsync(new ClusterSaPart(new NodeReply("akka.tcp://c@192.0.2.13:4053", false, "unreachable"), []));
        await parts.Writer.WriteAsync(new ClusterSaPart(new NodeReply("akka.tcp://c@192.0.2.11:4053", true, "") { Sas = 1 }, [Sa("b1", "three@loadgen")]));
        parts.Writer.Complete();
        await writing;
        await pipe.Writer.CompleteAsync();
        while (true)
        {
            var read = await pipe.Reader.ReadAsync();
            text.Append(Encoding.UTF8.GetString(read.Buffer));
            pipe.Reader.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }

        var list = JsonSerializer.Deserialize(text.ToString(), ManagementJson.Default.ClusterSaList)!;
        Assert.Equal(["a1", "a2", "b1"], list.Sas.Select(s => s.Id));
        Assert.Equal(["akka.tcp://c@192.0.2.12:4053", "akka.tcp://c@192.0.2.12:4053", "akka.tcp://c@192.0.2.11:4053"], list.Sas.Select(s => s.Node));
        // The members in address order, each with its answer or why there is none.
        Assert.Equal(["akka.tcp://c@192.0.2.11:4053", "akka.tcp://c@192.0.2.12:4053", "akka.tcp://c@192.0.2.13:4053"], list.Nodes.Select(n => n.Node));
        Assert.Equal([1, 2, 0], list.Nodes.Select(n => n.Sas));
        Assert.Equal("unreachable", list.Nodes[2].Problem);
        Assert.False(list.Nodes[2].Answered);
    }

    [Fact]
    public async Task WriteClusterAsync_NoMemberHasSas_EmptyArrayAndEveryReply()
    {
        var stream = new MemoryStream();
        var writer = PipeWriter.Create(stream);
        var parts = Channel.CreateUnbounded<ClusterSaPart>();
        await parts.Writer.WriteAsync(new ClusterSaPart(new NodeReply("n1", true, ""), []));
        parts.Writer.Complete();

        await SaListWriter.WriteClusterAsync(writer, parts.Reader.ReadAllAsync(), CancellationToken.None);

        Assert.Equal("""{"sas":[],"nodes":[{"node":"n1","answered":true,"problem":"","sas":0,"ids":[]}]}""", Encoding.UTF8.GetString(stream.ToArray()));
    }

    /// <summary>Issue 14: the hand-written SA writer must write what the source-generated serializer writes, byte for
    /// byte (the CLI and scripts read it with that serializer).</summary>
    public static TheoryData<SaSummary> Summaries() =>
    [
        Sa("ike-1", "one@loadgen"),
        Sa("ike-2", "one@loadgen") with { Traffic = new SaTraffic(1, 2, ulong.MaxValue, 4) },
        new SaSummary("ike-3", "rw", "policy", null, "[2001:db8::2]:4500", "[2001:db8::1]:4500", [], new DateTimeOffset(2026, 12, 6, 23, 40, 1, 123, TimeSpan.FromHours(2)))
        {
            Traffic = SaTraffic.Zero,
            Node = "akka.tcp://c@192.0.2.12:4053",
        },
        new SaSummary("ike-4", "c\"q", "ipsec1", "CN=Ünïcode <x>&'y'", "192.0.2.2:1", "192.0.2.1:500", ["10.0.0.1", "2001:db8::1"], DateTimeOffset.UnixEpoch),
    ];

    [Theory]
    [MemberData(nameof(Summaries))]
    public void WriteSa_AnySummary_SameBytesAsTheSerializer(SaSummary sa)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            SaListWriter.WriteSa(writer, sa, node: null);
        }

        Assert.Equal(JsonSerializer.Serialize(sa, ManagementJson.Default.SaSummary), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public void WriteSa_NodeGiven_WrittenAsTheSerializerWritesTheSaOfThatNode()
    {
        var sa = Sa("ike-5", "five@loadgen") with { Traffic = new SaTraffic(5, 6, 7, 8) };
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            SaListWriter.WriteSa(writer, sa, "n2");
        }

        Assert.Equal(JsonSerializer.Serialize(sa with { Node = "n2" }, ManagementJson.Default.SaSummary), Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Fact]
    public async Task WriteAsync_MoreSasThanOneFlush_TheSerializersArray()
    {
        var sas = Enumerable.Range(1, (2 * SaListWriter.SasPerFlush) + 7)
            .Select(i => Sa($"ike-{i}", $"hold-{i}@loadgen") with { Traffic = new SaTraffic((ulong)i, 1, 2, 3) }).ToList();
        var stream = new MemoryStream();
        var writer = PipeWriter.Create(stream);

        await SaListWriter.WriteAsync(writer, sas, CancellationToken.None);
        await writer.CompleteAsync();

        Assert.Equal(JsonSerializer.Serialize(sas, ManagementJson.Default.ListSaSummary), Encoding.UTF8.GetString(stream.ToArray()));
    }
}
