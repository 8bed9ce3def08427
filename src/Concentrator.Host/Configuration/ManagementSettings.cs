using Akka.Configuration;
using Concentrator.Host.Management;
using Concentrator.Server.Config;

namespace Concentrator.Host.Configuration;

/// <summary>The typed <c>concentrator.management { … }</c> section: where the management API listens (empty: it
/// does not) and the group allowed to use it besides root (empty: root only).</summary>
public sealed record ManagementSettings(string Socket, string Group)
{
    public const string SocketKey = "concentrator.management.socket";
    public const string GroupKey = "concentrator.management.group";

    /// <summary>The socket <c>run</c> listens on, and the verbs' default.</summary>
    public const string DefaultSocket = "/run/concentrator/concentrator.sock";

    public bool IsEnabled => Socket.Length > 0;

    /// <summary>Reads the section from a configuration already merged with the reference configuration.</summary>
    public static ManagementSettings From(Config config, string file)
    {
        ArgumentNullException.ThrowIfNull(config);
        var socket = config.GetString(SocketKey, "") ?? "";
        if (socket.Length > 0 && !Path.IsPathRooted(socket))
        {
            throw new ConfigException(file, SocketKey, $"expected an absolute path (or \"\" for no management socket), got '{socket}'");
        }

        // sockaddr_un.sun_path: 108 bytes including the terminating NUL.
        if (System.Text.Encoding.UTF8.GetByteCount(socket) > 107)
        {
            throw new ConfigException(file, SocketKey, $"expected a path of at most 107 bytes (the limit of a Unix socket address), got '{socket}'");
        }

        var group = config.GetString(GroupKey, "") ?? "";
        if (group.Length > 0 && UnixGroups.IdOf(group) is null)
        {
            throw new ConfigException(file, GroupKey, $"expected a group of /etc/group (or \"\" for root only), there is no group '{group}'");
        }

        return new ManagementSettings(socket, group);
    }
}
