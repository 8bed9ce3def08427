namespace Concentrator.Interop.Tests.Lab;

// What the gateway's kernel routes through a device: the routes the interface actors installed.
internal sealed partial class RoadWarriorLab
{
    /// <summary>The destinations (IPv4 and IPv6) the gateway routes through <paramref name="device"/>, one entry per
    /// route, as <c>ip route show dev</c> prints them (kernel-made link-local routes left out).</summary>
    public IReadOnlyList<string> GatewayRoutesVia(string device) =>
        new[] { "-4", "-6" }
            .SelectMany(family => Shell.Run("ip", "-n", _gw, family, "route", "show", "dev", device).Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            .Select(line => line.Split(' ')[0])
            .Where(destination => !destination.StartsWith("fe80:", StringComparison.Ordinal))
            .ToList();
}
