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
}
