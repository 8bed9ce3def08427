namespace Concentrator.Server.Metrics;

/// <summary>The kernel's own counters of a network device (<c>/sys/class/net/NAME/statistics</c>, what
/// <c>ip -s link show NAME</c> prints): for an XFRM interface and for the userspace dataplane's TUN device alike,
/// "receive" is what came out of the tunnel towards the LAN (decrypted) and "transmit" what was routed into it.</summary>
public sealed record InterfaceCounters(long ReceiveBytes, long ReceivePackets, long ReceiveDrops, long TransmitBytes, long TransmitPackets, long TransmitDrops)
{
    /// <summary>The counters of <paramref name="device"/>, or null when this network namespace has no such device (not
    /// created yet, or gone) or sysfs is not readable.</summary>
    public static InterfaceCounters? Read(string device, string sysfs = "/sys/class/net")
    {
        var folder = Path.Combine(sysfs, device, "statistics");
        try
        {
            return new InterfaceCounters(
                Value(folder, "rx_bytes"), Value(folder, "rx_packets"), Value(folder, "rx_dropped"),
                Value(folder, "tx_bytes"), Value(folder, "tx_packets"), Value(folder, "tx_dropped"));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or FormatException)
        {
            return null;
        }
    }

    private static long Value(string folder, string name) =>
        long.Parse(File.ReadAllText(Path.Combine(folder, name)).AsSpan().Trim(), System.Globalization.CultureInfo.InvariantCulture);
}
