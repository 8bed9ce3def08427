using System.Text;
using static Tmds.Linux.LibC;

namespace Concentrator.Kernel.Netlink;

/// <summary>
/// Runs code inside a network namespace named by a path such as <c>/var/run/netns/NAME</c> (what
/// <c>ip netns add</c> creates). setns(CLONE_NEWNET) changes only the calling thread, so the code runs on a
/// dedicated thread that enters the namespace and leaves again; sockets it creates keep that namespace for
/// life, and /proc/sys/net files it opens are that namespace's.
/// </summary>
public static unsafe class NetworkNamespace
{
    public static T Run<T>(string path, Func<T> action)
    {
        T result = default!;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                result = RunOnThisThread(path, action);
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        {
            IsBackground = true,
            Name = "netns " + path,
        };
        thread.Start();
        thread.Join();
        return error is null ? result : throw new IOException($"in network namespace {path}: {error.Message}", error);
    }

    public static void Run(string path, Action action) => Run(path, () =>
    {
        action();
        return 0;
    });

    /// <summary>Writes a sysctl such as <c>net/ipv4/conf/ipsec1/rp_filter</c> in the namespace (null = this one).</summary>
    public static void WriteSysctl(string? namespacePath, string key, string value)
    {
        var file = SysctlPath(key);
        if (namespacePath is null)
        {
            File.WriteAllText(file, value);
        }
        else
        {
            Run(namespacePath, () => File.WriteAllText(file, value));
        }
    }

    public static string ReadSysctl(string? namespacePath, string key)
    {
        var file = SysctlPath(key);
        return (namespacePath is null ? File.ReadAllText(file) : Run(namespacePath, () => File.ReadAllText(file))).Trim();
    }

    // "net.ipv4.ip_forward" or "net/ipv4/conf/eth0.100/rp_filter": with a slash, dots belong to names.
    private static string SysctlPath(string key) => "/proc/sys/" + (key.Contains('/', StringComparison.Ordinal) ? key : key.Replace('.', '/'));

    private static T RunOnThisThread<T>(string path, Func<T> action)
    {
        int own = OpenNs("/proc/thread-self/ns/net");
        try
        {
            int target = OpenNs(path);
            try
            {
                Enter(target, path);
            }
            finally
            {
                _ = close(target);
            }

            try
            {
                return action();
            }
            finally
            {
                Enter(own, "own namespace");
            }
        }
        finally
        {
            _ = close(own);
        }
    }

    private static int OpenNs(string path)
    {
        var bytes = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            int fd = open(p, O_RDONLY | O_CLOEXEC, 0);
            return fd >= 0 ? fd : throw new IOException($"open {path}: errno {errno}");
        }
    }

    private static void Enter(int fd, string what)
    {
        if (setns(fd, CLONE_NEWNET) != 0)
        {
            throw new IOException($"setns({what}, CLONE_NEWNET): errno {errno}");
        }
    }
}
