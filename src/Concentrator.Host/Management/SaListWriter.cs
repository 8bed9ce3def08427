using System.IO.Pipelines;
using System.Text.Json;
using Concentrator.Server.Management;

namespace Concentrator.Host.Management;

/// <summary>Writes IKE SAs as one JSON array, element by element, to a pipe (the HTTP response's): the serializer's
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
}
