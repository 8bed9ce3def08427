using System.Buffers.Binary;
using System.Net.Sockets;

namespace Concentrator.Host.Management;

/// <summary>
/// Who is at the other end of a Unix socket connection, as the kernel recorded it at connect (SO_PEERCRED: pid, uid,
/// gid; socket(7)), and whether that peer may use the management API: root, or a member of the configured group
/// (its effective gid or one of its supplementary groups).
/// </summary>
internal readonly record struct PeerCredentials(int Pid, int Uid, int Gid)
{
    private const int SolSocket = 1; // SOL_SOCKET, <asm-generic/socket.h>
    private const int SoPeerCred = 17; // SO_PEERCRED

    /// <summary>The peer of <paramref name="socket"/> (a connected AF_UNIX stream socket).</summary>
    public static PeerCredentials Of(Socket socket)
    {
        ArgumentNullException.ThrowIfNull(socket);
        // struct ucred { pid_t pid; uid_t uid; gid_t gid; } in host byte order.
        Span<byte> ucred = stackalloc byte[12];
        var length = socket.GetRawSocketOption(SolSocket, SoPeerCred, ucred);
        if (length != 12)
        {
            throw new SocketException((int)SocketError.ProtocolOption);
        }

        return new PeerCredentials(
            ReadHost(ucred),
            ReadHost(ucred[4..]),
            ReadHost(ucred[8..]));
    }

    /// <summary>Root always; anyone else only as a member of <paramref name="groupId"/> (null: root only).</summary>
    public bool IsAllowed(int? groupId, Func<int, IReadOnlyList<int>>? supplementaryOf = null) =>
        Uid == 0 || (groupId is { } gid && (Gid == gid || (supplementaryOf ?? UnixGroups.SupplementaryOf)(Pid).Contains(gid)));

    private static int ReadHost(ReadOnlySpan<byte> span) =>
        BitConverter.IsLittleEndian ? BinaryPrimitives.ReadInt32LittleEndian(span) : BinaryPrimitives.ReadInt32BigEndian(span);

    public override string ToString() => $"pid {Pid}, uid {Uid}, gid {Gid}";
}
