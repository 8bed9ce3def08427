namespace Concentrator.Server.Network;

/// <summary>Why a datagram on an IKE port ended before any IKE SA took it.</summary>
public enum DatagramDrop
{
    /// <summary>Not an IKE message, or a first message that is not a well-formed IKE_SA_INIT request.</summary>
    Malformed,

    /// <summary>An IKE_SA_INIT answered with N(COOKIE) instead of state (RFC 7296 §2.6).</summary>
    NoCookie,

    /// <summary>An IKE_SA_INIT dropped at the hard cap on half-open SAs (<c>concentrator.ike.half-open-limit</c>).</summary>
    OverLimit,

    /// <summary>An IKE_SA_INIT dropped because the dispatcher had too many unprocessed ones queued.</summary>
    Backlog,

    /// <summary>A message for an IKE SA we do not know (answered with INVALID_IKE_SPI within the rate, or not).</summary>
    UnknownSpi,
}

/// <summary>What <see cref="DatagramDrops"/> counted since start, by reason; <paramref name="InvalidSpiAnswers"/>
/// is how many of the unknown-SPI requests got an INVALID_IKE_SPI answer.</summary>
public sealed record DatagramDropCounts(long Malformed, long NoCookie, long OverLimit, long Backlog, long UnknownSpi, long InvalidSpiAnswers)
{
    public long Total => Malformed + NoCookie + OverLimit + Backlog + UnknownSpi;

    public DatagramDropCounts Minus(DatagramDropCounts earlier) => new(
        Malformed - earlier.Malformed, NoCookie - earlier.NoCookie, OverLimit - earlier.OverLimit, Backlog - earlier.Backlog,
        UnknownSpi - earlier.UnknownSpi, InvalidSpiAnswers - earlier.InvalidSpiAnswers);

    /// <summary>The summary line of a period: one line however many datagrams were dropped.</summary>
    public string Summary(TimeSpan period) =>
        $"dropped {Total} datagram(s) in the last {period.TotalSeconds:0} s: malformed {Malformed}, no cookie {NoCookie}, "
        + $"over half-open limit {OverLimit}, backlog {Backlog}, unknown SPI {UnknownSpi} ({InvalidSpiAnswers} answered INVALID_IKE_SPI)";
}

/// <summary>
/// Node-wide counters of datagrams that ended before an IKE SA existed, by <see cref="DatagramDrop"/>. Shared by the
/// socket receive loops and the dispatcher (atomics), read by the node (tests, metrics) and summarised in one
/// log line per period instead of a line per datagram: junk with fresh SPIs would otherwise flood the log.
/// </summary>
public sealed class DatagramDrops
{
    private readonly long[] _counts = new long[Enum.GetValues<DatagramDrop>().Length];
    private long _invalidSpiAnswers;
    private long _pendingNewSa;

    public void Count(DatagramDrop reason) => Interlocked.Increment(ref _counts[(int)reason]);

    public void CountInvalidSpiAnswer() => Interlocked.Increment(ref _invalidSpiAnswers);

    /// <summary>IKE_SA_INIT requests handed to the dispatcher and not yet taken out of its mailbox.</summary>
    public long PendingNewSa => Interlocked.Read(ref _pendingNewSa);

    /// <summary>Reserves a place in the dispatcher's queue; false (and nothing reserved) when
    /// <paramref name="bound"/> are already waiting.</summary>
    public bool TryEnqueueNewSa(long bound)
    {
        if (Interlocked.Increment(ref _pendingNewSa) <= bound)
        {
            return true;
        }

        Interlocked.Decrement(ref _pendingNewSa);
        return false;
    }

    public void DequeuedNewSa() => Interlocked.Decrement(ref _pendingNewSa);

    public DatagramDropCounts Snapshot() => new(
        Read(DatagramDrop.Malformed), Read(DatagramDrop.NoCookie), Read(DatagramDrop.OverLimit), Read(DatagramDrop.Backlog),
        Read(DatagramDrop.UnknownSpi), Interlocked.Read(ref _invalidSpiAnswers));

    private long Read(DatagramDrop reason) => Interlocked.Read(ref _counts[(int)reason]);
}
