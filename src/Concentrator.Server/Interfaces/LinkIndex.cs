using System.Globalization;

namespace Concentrator.Server.Interfaces;

/// <summary>Resolves <c>concentrator.interfaces.link</c> (a device name) to the ifindex an xfrm interface is
/// attached to, as `ip link add … dev NAME` does.</summary>
public static class LinkIndex
{
    /// <summary>0 for an empty name (no underlying device); throws when the device does not exist.</summary>
    public static int Resolve(string name)
    {
        if (name.Length == 0)
        {
            return 0;
        }

        var path = Path.Combine("/sys/class/net", name, "ifindex");
        if (name.Contains('/', StringComparison.Ordinal) || !File.Exists(path))
        {
            throw new InvalidOperationException($"concentrator.interfaces.link = '{name}': no such network device");
        }

        return int.Parse(File.ReadAllText(path).Trim(), CultureInfo.InvariantCulture);
    }
}
