using System.Net;
using Concentrator.Server.Pools;

namespace Concentrator.Server.Tests.Pools;

public sealed class LeaseJournalTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "concentrator-leases-" + Guid.NewGuid().ToString("N"));

    private string FilePath => Path.Combine(_dir, "sub", "leases.jsonl");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void Open_AfterRecords_RemembersLastAddressPerIdentityAndConnection()
    {
        using (var journal = LeaseJournal.Open(FilePath))
        {
            journal.Record("rw", "alice", IPAddress.Parse("10.99.0.1"));
            journal.Record("rw", "bob", IPAddress.Parse("10.99.0.2"));
            journal.Record("rw", "alice", IPAddress.Parse("10.99.0.3"));
            journal.Record("rw", "bob", null);
            journal.Record("other", "alice", IPAddress.Parse("10.98.0.1"));
        }

        using var reopened = LeaseJournal.Open(FilePath);

        Assert.Equal(new Dictionary<string, IPAddress> { ["alice"] = IPAddress.Parse("10.99.0.3") }, reopened.Remembered("rw"));
        Assert.Equal(IPAddress.Parse("10.98.0.1"), reopened.Remembered("other")["alice"]);
        // Compacted at open: one line per remembered identity.
        Assert.Equal(2, File.ReadAllLines(FilePath).Length);
    }

    [Fact]
    public void Open_TornLastLine_SkippedAndDroppedByCompaction()
    {
        using (var journal = LeaseJournal.Open(FilePath))
        {
            journal.Record("rw", "alice", IPAddress.Parse("10.99.0.7"));
        }

        File.AppendAllText(FilePath, "{\"c\":\"rw\",\"id\":\"bob\",\"ip\":\"10.9");

        using var reopened = LeaseJournal.Open(FilePath);

        Assert.Equal(1, reopened.SkippedLines);
        Assert.Equal(IPAddress.Parse("10.99.0.7"), Assert.Single(reopened.Remembered("rw")).Value);
        Assert.EndsWith("\n", File.ReadAllText(FilePath), StringComparison.Ordinal);
        reopened.Record("rw", "carol", IPAddress.Parse("10.99.0.8"));
        Assert.Equal(2, File.ReadAllLines(FilePath).Length);
    }

    [Fact]
    public void Open_DirectoryNotWritable_Throws()
    {
        Directory.CreateDirectory(_dir);
        var blocker = Path.Combine(_dir, "file");
        File.WriteAllText(blocker, "");

        // A path below a regular file can never be created, even by root.
        Assert.ThrowsAny<IOException>(() => LeaseJournal.Open(Path.Combine(blocker, "leases.jsonl")));
    }
}
