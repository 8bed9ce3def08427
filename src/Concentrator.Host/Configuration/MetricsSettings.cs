using System.Net;
using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Configuration;

/// <summary>The typed <c>concentrator.metrics { … }</c> section: where the Prometheus metrics and the status page
/// listen (null: off), and the status page's setup-rate history (a sample every <paramref name="HistoryInterval"/>,
/// the last <paramref name="HistoryLength"/> kept). <paramref name="File"/> is the main file, for errors at start.</summary>
public sealed record MetricsSettings(IPEndPoint? Listen, TimeSpan HistoryInterval, int HistoryLength, string File)
{
    public const string ListenKey = "concentrator.metrics.listen";
    public const string HistoryIntervalKey = "concentrator.metrics.history-interval";
    public const string HistoryLengthKey = "concentrator.metrics.history-length";

    public bool IsEnabled => Listen is not null;

    /// <summary>Reads the section from a configuration already merged with the reference configuration.</summary>
    public static MetricsSettings From(Config config, string file)
    {
        ArgumentNullException.ThrowIfNull(config);
        var listen = config.GetString(ListenKey, "off") ?? "off";
        IPEndPoint? endpoint = null;
        if (!string.Equals(listen, "off", StringComparison.OrdinalIgnoreCase))
        {
            // IPEndPoint.TryParse takes "127.0.0.1:9500" and "[::1]:9500"; a bare address or a host name has no port
            // (or is not an address) and is refused here rather than guessed at.
            if (!IPEndPoint.TryParse(listen, out endpoint) || !listen.Contains(':', StringComparison.Ordinal)
                || (endpoint.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 && !listen.StartsWith('[')))
            {
                throw new ConfigException(file, ListenKey,
                    $"expected \"ADDRESS:PORT\" (an IP address, IPv6 in brackets, and a port 0-65535) or off, got '{listen}'");
            }
        }

        TimeSpan interval;
        try
        {
            interval = config.GetTimeSpan(HistoryIntervalKey, null, allowInfinite: false);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            throw new ConfigException(file, HistoryIntervalKey, $"expected a duration such as 10s, got '{config.GetString(HistoryIntervalKey)}'");
        }

        if (interval < TimeSpan.FromSeconds(1))
        {
            throw new ConfigException(file, HistoryIntervalKey, $"expected a duration of at least 1s, got {interval}");
        }

        var length = config.GetInt(HistoryLengthKey, 0);
        if (length is < 1 or > 10_000)
        {
            throw new ConfigException(file, HistoryLengthKey, $"expected a number of samples from 1 to 10000, got {config.GetString(HistoryLengthKey)}");
        }

        return new MetricsSettings(endpoint, interval, length, file);
    }
}
