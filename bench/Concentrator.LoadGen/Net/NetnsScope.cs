using System.ComponentModel;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Concentrator.LoadGen.Net;

/// <summary>
/// Moves the calling OS thread into a named network namespace (/var/run/netns/NAME, as `ip netns add` makes
/// it) until disposed. Sockets created meanwhile stay in that namespace for their whole life, which is how the
/// load generator runs in-process against a responder in a namespace. Keep the scope synchronous: an await
/// could resume on another thread.
/// </summary>
public sealed partial class NetnsScope : IDisposable
{
    private const int CloneNewNet = 0x40000000;
    private readonly SafeFileHandle _original;

    private NetnsScope(SafeFileHandle original) => _original = original;

    public static NetnsScope Enter(string name)
    {
        // The thread's own namespace, to return to. (nsfs files cannot seek, so no FileStream here.)
        SafeFileHandle original = File.OpenHandle("/proc/thread-self/ns/net");
        using SafeFileHandle target = File.OpenHandle(Path.Combine("/var/run/netns", name));
        if (SetNs((int)target.DangerousGetHandle(), CloneNewNet) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            original.Dispose();
            throw new Win32Exception(errno, $"setns({name}) failed");
        }

        return new NetnsScope(original);
    }

    public void Dispose()
    {
        int rc = SetNs((int)_original.DangerousGetHandle(), CloneNewNet);
        _original.Dispose();
        if (rc != 0)
        {
            // A thread-pool thread left in a foreign namespace would leak it into unrelated code: fail loudly.
            throw new Win32Exception(Marshal.GetLastPInvokeError(), "setns back to the original namespace failed");
        }
    }

    [DllImport("libc", EntryPoint = "setns", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int SetNs(int fd, int nstype);
}
