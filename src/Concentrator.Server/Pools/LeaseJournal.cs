using System.Net;
using System.Text;
using System.Text.Json;

namespace Concentrator.Server.Pools;

/// <summary>
/// The durable identity → virtual IP memory (<c>concentrator.leases.path</c>), so a client gets its address back
/// after a restart and operators can key firewall rules on virtual IPs.
/// <para>
/// Why an append-only journal of JSON lines rather than SQLite: the only write is "identity X now remembers address
/// A" (or forgets it), it happens only when that mapping changes (a reconnect with the same address writes nothing),
/// and it must cost one small append, never a rewrite of the file, with 100k SAs. A journal needs no native
/// dependency and is readable with <c>tail</c>. At start-up it is read (the last line for an identity wins), then
/// compacted: the live mappings are written to a temporary file, fsynced and renamed over the journal, so it never
/// grows beyond one line per identity plus what changed since the last start.
/// </para>
/// <para>
/// Crash safety: each append is handed to the kernel at once (a kill -9 loses nothing the kernel has), and fsynced
/// within <see cref="SyncInterval"/> (power loss loses at most that much). A torn or unreadable line, such as the
/// last one after a crash, is skipped when reading and dropped by the compaction.
/// </para>
/// </summary>
public sealed class LeaseJournal : IDisposable
{
    /// <summary>How long an appended line may stay un-fsynced.</summary>
    public static readonly TimeSpan SyncInterval = TimeSpan.FromSeconds(1);

    private readonly Lock _lock = new();
    private readonly FileStream _stream;
    private readonly Timer _sync;
    private readonly Dictionary<(string Connection, string Identity), IPAddress> _loaded;
    private bool _dirty;
    private bool _disposed;

    private LeaseJournal(string path, FileStream stream, Dictionary<(string, string), IPAddress> loaded)
    {
        Path = path;
        _stream = stream;
        _loaded = loaded;
        _sync = new Timer(_ => Sync(), null, SyncInterval, SyncInterval);
    }

    public string Path { get; }

    /// <summary>Lines skipped as unreadable when the journal was opened (a torn last line after a crash).</summary>
    public int SkippedLines { get; private init; }

    /// <summary>Opens (creating the directory and file if needed) and compacts the journal. Throws
    /// <see cref="IOException"/> or <see cref="UnauthorizedAccessException"/> when it is not writable.</summary>
    public static LeaseJournal Open(string path)
    {
        var full = System.IO.Path.GetFullPath(path);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        var (loaded, skipped) = Read(full);
        var temp = full + ".compact-" + Environment.ProcessId;
        using (var compact = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            foreach (var ((connection, identity), address) in loaded)
            {
                compact.Write(Line(connection, identity, address));
            }

            compact.Flush(flushToDisk: true);
        }

        File.Move(temp, full, overwrite: true);
        var stream = new FileStream(full, FileMode.Append, FileAccess.Write, FileShare.ReadWrite);
        return new LeaseJournal(full, stream, loaded) { SkippedLines = skipped };
    }

    /// <summary>The addresses remembered for the identities of <paramref name="connection"/> when the journal was opened.</summary>
    public IReadOnlyDictionary<string, IPAddress> Remembered(string connection) =>
        _loaded.Where(kv => kv.Key.Connection == connection).ToDictionary(kv => kv.Key.Identity, kv => kv.Value, StringComparer.Ordinal);

    /// <summary>Appends "<paramref name="identity"/> of <paramref name="connection"/> remembers <paramref name="address"/>"
    /// (null: remembers nothing any more).</summary>
    public void Record(string connection, string identity, IPAddress? address)
    {
        var line = Line(connection, identity, address);
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            // One write of a whole line, flushed to the kernel at once: it survives the process being killed.
            _stream.Write(line);
            _stream.Flush(flushToDisk: false);
            _dirty = true;
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _sync.Dispose();
            _stream.Flush(flushToDisk: true);
            _stream.Dispose();
        }
    }

    private void Sync()
    {
        lock (_lock)
        {
            if (_dirty && !_disposed)
            {
                _stream.Flush(flushToDisk: true);
                _dirty = false;
            }
        }
    }

    private static (Dictionary<(string, string), IPAddress> Loaded, int Skipped) Read(string path)
    {
        var loaded = new Dictionary<(string, string), IPAddress>();
        var skipped = 0;
        if (!File.Exists(path))
        {
            return (loaded, skipped);
        }

        foreach (var line in File.ReadLines(path))
        {
            if (line.Length == 0)
            {
                continue;
            }

            try
            {
                var entry = JsonSerializer.Deserialize(line, LeaseJournalJson.Default.LeaseEntry);
                if (entry?.C is null || entry.Id is null)
                {
                    skipped++;
                }
                else if (entry.Ip is null)
                {
                    loaded.Remove((entry.C, entry.Id));
                }
                else if (IPAddress.TryParse(entry.Ip, out var address))
                {
                    loaded[(entry.C, entry.Id)] = address;
                }
                else
                {
                    skipped++;
                }
            }
            catch (JsonException)
            {
                skipped++;
            }
        }

        return (loaded, skipped);
    }

    private static byte[] Line(string connection, string identity, IPAddress? address) =>
        Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new LeaseEntry(connection, identity, address?.ToString()), LeaseJournalJson.Default.LeaseEntry) + "\n");
}

/// <summary>One journal line: connection, identity, address (null = forgotten).</summary>
public sealed record LeaseEntry(string C, string Id, string? Ip);

[System.Text.Json.Serialization.JsonSerializable(typeof(LeaseEntry))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(PropertyNamingPolicy = System.Text.Json.Serialization.JsonKnownNamingPolicy.CamelCase)]
internal sealed partial class LeaseJournalJson : System.Text.Json.Serialization.JsonSerializerContext;
