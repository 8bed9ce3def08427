namespace Concentrator.Kernel;

/// <summary>
/// Outcome of one netlink request: the errno of the kernel's NLMSG_ERROR ack (0 = success, stored positive)
/// and the extended-ack text (NLMSGERR_ATTR_MSG) if the kernel gave one.
/// </summary>
public readonly record struct KernelResult(int Errno, string? ExtAck = null)
{
    public static KernelResult Success => default;

    public bool IsSuccess => Errno == 0;

    /// <summary>Builds from the nlmsgerr.error field, which the kernel sends negated.</summary>
    public static KernelResult FromNlmsgerr(int error, string? extAck) => new(error < 0 ? -error : error, extAck);

    public void ThrowIfFailed(string operation)
    {
        if (Errno != 0)
        {
            throw new KernelException(Errno, ExtAck, operation);
        }
    }

    public override string ToString() => IsSuccess ? "ok" : KernelException.Describe(Errno, ExtAck);
}

/// <summary>A kernel request failed. <see cref="Errno"/> is positive (e.g. 17 EEXIST, 3 ESRCH, 2 ENOENT).</summary>
public sealed class KernelException : Exception
{
    public KernelException(int errno, string? extAck, string operation)
        : base($"{operation}: {Describe(errno, extAck)}")
    {
        Errno = errno;
        ExtAck = extAck;
        Operation = operation;
    }

    public KernelException()
        : this(0, null, "kernel request")
    {
    }

    public KernelException(string message)
        : base(message)
    {
        Operation = "kernel request";
    }

    public KernelException(string message, Exception innerException)
        : base(message, innerException)
    {
        Operation = "kernel request";
    }

    public int Errno { get; }
    public string? ExtAck { get; }
    public string Operation { get; }

    public static string Describe(int errno, string? extAck)
    {
        var name = Errnos.Name(errno);
        return extAck is null ? $"errno {errno} ({name})" : $"errno {errno} ({name}): {extAck}";
    }
}

/// <summary>The few errno values callers branch on.</summary>
public static class Errnos
{
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EINTR = 4;
    public const int ENOBUFS = 105;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int EINVAL = 22;
    public const int ENOSYS = 38;
    public const int EOPNOTSUPP = 95;
    public const int EPROTONOSUPPORT = 93;
    public const int EAFNOSUPPORT = 97;
    public const int EADDRNOTAVAIL = 99;
    public const int EBUSY = 16;
    public const int EPERM = 1;

    public static string Name(int errno) => errno switch
    {
        0 => "OK",
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        ESRCH => "ESRCH",
        EINTR => "EINTR",
        EBUSY => "EBUSY",
        EEXIST => "EEXIST",
        ENODEV => "ENODEV",
        EINVAL => "EINVAL",
        ENOSYS => "ENOSYS",
        EPROTONOSUPPORT => "EPROTONOSUPPORT",
        EOPNOTSUPP => "EOPNOTSUPP",
        EAFNOSUPPORT => "EAFNOSUPPORT",
        ENOBUFS => "ENOBUFS",
        _ => "errno",
    };
}
