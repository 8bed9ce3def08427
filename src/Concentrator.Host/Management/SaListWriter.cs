using System.IO.Pipelines;
using System.Text.Json;
using Concentrator.Server.Management;

namespace Concentrator.Host.Management;

/// <summary>Writes IKE SAs (of this node, or of every cluster member) as one JSON array, element by element, to a pipe (the HTTP response's): the serializer's
/// own flushes only hand bytes to the pipe (no synchronous I/O, which Kestrel forbids), and the pipe is flushed to
/// the socket every <see cref="SasPerFlush"/> SAs, so a listing of 100,000 SAs is never one buffer. Each SA is written
/// by <see cref="WriteSa"/> with property names encoded once (what the source-generated serializer writes for a
/// <see cref="SaSummary"/>, byte for byte, without its per-call set-up and flush).</summary>
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
            WriteSa(writer, sa, node: null);
            if (++written % SasPerFlush == 0)
            {
                writer.Flush();   // hands what it wrote to the pipe (Advance); no I/O
                await body.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
        await body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static JsonEncodedText Name(string property) => JsonEncodedText.Encode(JsonNamingPolicy.CamelCase.ConvertName(property));

    private static readonly JsonEncodedText IdName = Name(nameof(SaSummary.Id));
    private static readonly JsonEncodedText ConnectionName = Name(nameof(SaSummary.Connection));
    private static readonly JsonEncodedText InterfaceName = Name(nameof(SaSummary.Interface));
    private static readonly JsonEncodedText IdentityName = Name(nameof(SaSummary.Identity));
    private static readonly JsonEncodedText RemoteName = Name(nameof(SaSummary.Remote));
    private static readonly JsonEncodedText LocalName = Name(nameof(SaSummary.Local));
    private static readonly JsonEncodedText VirtualIpsName = Name(nameof(SaSummary.VirtualIps));
    private static readonly JsonEncodedText EstablishedAtName = Name(nameof(SaSummary.EstablishedAt));
    private static readonly JsonEncodedText TrafficName = Name(nameof(SaSummary.Traffic));
    private static readonly JsonEncodedText NodeName = Name(nameof(SaSummary.Node));
    private static readonly JsonEncodedText BytesInName = Name(nameof(SaTraffic.BytesIn));
    private static readonly JsonEncodedText PacketsInName = Name(nameof(SaTraffic.PacketsIn));
    private static readonly JsonEncodedText BytesOutName = Name(nameof(SaTraffic.BytesOut));
    private static readonly JsonEncodedText PacketsOutName = Name(nameof(SaTraffic.PacketsOut));

    /// <summary>One <see cref="SaSummary"/> as <c>ManagementJson.Default.SaSummary</c> writes it (same properties, order,
    /// nulls and formats; <paramref name="node"/>, when given, in place of the SA's own <see cref="SaSummary.Node"/>).
    /// SaListWriterTests pins the equality.</summary>
    public static void WriteSa(Utf8JsonWriter writer, SaSummary sa, string? node)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(sa);
        writer.WriteStartObject();
        writer.WriteString(IdName, sa.Id);
        writer.WriteString(ConnectionName, sa.Connection);
        writer.WriteString(InterfaceName, sa.Interface);
        writer.WriteString(IdentityName, sa.Identity);
        writer.WriteString(RemoteName, sa.Remote);
        writer.WriteString(LocalName, sa.Local);
        if (sa.VirtualIps is null)
        {
            writer.WriteNull(VirtualIpsName);
        }
        else
        {
            writer.WriteStartArray(VirtualIpsName);
            foreach (var vip in sa.VirtualIps)
            {
                writer.WriteStringValue(vip);
            }

            writer.WriteEndArray();
        }

        writer.WriteString(EstablishedAtName, sa.EstablishedAt);
        if (sa.Traffic is { } t)
        {
            writer.WriteStartObject(TrafficName);
            writer.WriteNumber(BytesInName, t.BytesIn);
            writer.WriteNumber(PacketsInName, t.PacketsIn);
            writer.WriteNumber(BytesOutName, t.BytesOut);
            writer.WriteNumber(PacketsOutName, t.PacketsOut);
            writer.WriteEndObject();
        }
        else
        {
            writer.WriteNull(TrafficName);
        }

        if ((node ?? sa.Node) is { } n)
        {
            writer.WriteString(NodeName, n);
        }

        writer.WriteEndObject();
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
                WriteSa(writer, sa, part.Reply.Node);
                if (++written % SasPerFlush == 0)
                {
                    writer.Flush();
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
