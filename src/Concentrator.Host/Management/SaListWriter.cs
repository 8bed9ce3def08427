using System.IO.Pipelines;
using System.Text.Json;
using Concentrator.Server.Management;

namespace Concentrator.Host.Management;

/// <summary>Writes IKE SAs (of this node, or of every cluster member) as one JSON array, element by element, to a pipe (the HTTP response's): the serializer's
/// own flushes only hand bytes to the pipe (no synchronous I/O, which Kestrel forbids), and the pipe is flushed to
/// the socket every <see cref="SasPerFlush"/> SAs, so a listing of 100,000 SAs is never one buffer.</summary>
internal static class SaListWriter
{
    /// <summary>SAs serialized (some 250 bytes each) before they are written out.</summary>
    public const int SasPerFlush = 256;

    public static async Task WriteAsync(PipeWriter body, IEnumerable<SaSummary> sas, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(sas);
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartArray();
        var written = 0;
        foreach (var sa in sas)
        {
            JsonSerializer.Serialize(writer, sa, ManagementJson.Default.SaSummary);
            if (++written % SasPerFlush == 0)
            {
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static readonly JsonEncodedText SasName = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(nameof(ClusterSaList.Sas)));
    private static readonly JsonEncodedText NodesName = JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(nameof(ClusterSaList.Nodes)));

    /// <summary>A cluster-wide listing as one <see cref="ClusterSaList"/> object, written as the members' parts arrive:
    /// <c>{"sas":[…],"nodes":[…]}</c>, each member's SAs (naming their node) as soon as its part is read, the members'
    /// replies last (in address order), once all are in. Ends when <paramref name="parts"/> does.</summary>
    public static async Task WriteClusterAsync(PipeWriter body, IAsyncEnumerable<ClusterSaPart> parts, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(body);
        ArgumentNullException.ThrowIfNull(parts);
        await using var writer = new Utf8JsonWriter(body);
        writer.WriteStartObject();
        writer.WriteStartArray(SasName);
        var replies = new List<NodeReply>();
        var written = 0;
        await foreach (var part in parts.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            replies.Add(part.Reply);
            foreach (var sa in part.Sas)
            {
                JsonSerializer.Serialize(writer, sa with { Node = part.Reply.Node }, ManagementJson.Default.SaSummary);
                if (++written % SasPerFlush == 0)
                {
                    await body.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }

            await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            await body.FlushAsync(cancellationToken).ConfigureAwait(false);
        }

        writer.WriteEndArray();
        writer.WritePropertyName(NodesName);
        replies.Sort((a, b) => string.CompareOrdinal(a.Node, b.Node));
        JsonSerializer.Serialize(writer, replies, ManagementJson.Default.ListNodeReply);
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }
}
