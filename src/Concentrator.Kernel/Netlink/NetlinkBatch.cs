namespace Concentrator.Kernel.Netlink;

/// <summary>What a message in flight is: the request itself, a probe of its outcome, or a resend of it.</summary>
internal enum PendingKind
{
    Original,
    Probe,
    Resend,
}

/// <summary>
/// One message of a batch in flight: which request it serves, how it was encoded, which sequence number it
/// carries, and what came back for it.
/// </summary>
internal sealed class Pending
{
    public Pending(NetlinkRequest request, PendingKind kind, NetlinkEncoder encoder, bool isDump, int attempt)
    {
        Request = request;
        Kind = kind;
        Encoder = encoder;
        IsDump = isDump;
        Attempt = attempt;
    }

    public NetlinkRequest Request { get; }
    public PendingKind Kind { get; }
    public NetlinkEncoder Encoder { get; }
    public bool IsDump { get; }

    /// <summary>0 for the first send; recovery steps count up to <see cref="WriterOptions.MaxRecoveryAttempts"/>.</summary>
    public int Attempt { get; }

    public uint Sequence { get; set; }

    /// <summary>Encoded and handed to sendmsg (false: cancelled or failed to encode, already settled).</summary>
    public bool Sent { get; set; }

    public bool Answered { get; set; }

    /// <summary>Part of the answer was lost in a truncated read: the answer is incomplete, treat as lost.</summary>
    public bool Damaged { get; set; }

    public KernelResult Result { get; set; }

    public List<byte[]>? Data { get; set; }

    public IReadOnlyList<byte[]> Messages => Data is null ? [] : Data;
}
