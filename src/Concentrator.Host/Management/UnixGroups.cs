using System.Globalization;

namespace Concentrator.Host.Management;

/// <summary>Group look-ups the management socket needs: a group's id from /etc/group, and a process's groups from
/// /proc/PID/status (its effective gid and supplementary groups: what the kernel checks, not what /etc/group says).</summary>
internal static class UnixGroups
{
    /// <summary>The gid of <paramref name="name"/> (or a number given as is), or null when there is no such group.</summary>
    public static int? IdOf(string name, string groupFile = "/etc/group")
    {
        if (int.TryParse(name, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            return number;
        }

        if (!File.Exists(groupFile))
        {
            return null;
        }

        foreach (var line in File.ReadLines(groupFile))
        {
            // name:password:gid:members
            var fields = line.Split(':');
            if (fields.Length >= 3 && fields[0] == name && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                return gid;
            }
        }

        return null;
    }

    /// <summary>The supplementary groups of process <paramref name="pid"/> (the "Groups:" line of its status), empty
    /// when the process is gone.</summary>
    public static IReadOnlyList<int> SupplementaryOf(int pid)
    {
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("Groups:", StringComparison.Ordinal))
                {
                    return [.. line["Groups:".Length..].Split([' ', '\t'], StringSplitOptions.RemoveEmptyEntries)
                        .Select(g => int.Parse(g, NumberStyles.None, CultureInfo.InvariantCulture))];
                }
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The peer exited between connect and request.
        }

        return [];
    }

    /// <summary>The groups /etc/group lists user <paramref name="uid"/> (by its /etc/passwd name) as a member of: what
    /// the peer's groups are when its /proc entry is hidden (systemd's ProtectProc=invisible).</summary>
    public static IReadOnlyList<int> ListedGroupsOf(int uid, string passwdFile = "/etc/passwd", string groupFile = "/etc/group")
    {
        var id = uid.ToString(CultureInfo.InvariantCulture);
        var name = File.Exists(passwdFile)
            ? File.ReadLines(passwdFile).Select(l => l.Split(':')).FirstOrDefault(f => f.Length >= 3 && f[2] == id)?[0]
            : null;
        if (name is null || !File.Exists(groupFile))
        {
            return [];
        }

        var groups = new List<int>();
        foreach (var fields in File.ReadLines(groupFile).Select(l => l.Split(':')))
        {
            if (fields.Length >= 4 && fields[3].Split(',').Contains(name)
                && int.TryParse(fields[2], NumberStyles.None, CultureInfo.InvariantCulture, out var gid))
            {
                groups.Add(gid);
            }
        }

        return groups;
    }

    /// <summary>Makes <paramref name="gid"/> the group of <paramref name="path"/> (chown(2) with the owner kept).</summary>
    public static unsafe void GiveToGroup(string path, int gid)
    {
        var bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes)
        {
            if (Tmds.Linux.LibC.chown(p, unchecked((uint)-1), (uint)gid) != 0)
            {
                throw new IOException($"cannot give {path} to group {gid}: errno {Tmds.Linux.LibC.errno}");
            }
        }
    }
}
