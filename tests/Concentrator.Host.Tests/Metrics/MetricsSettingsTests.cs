using System.Net;
using Akka.Configuration;
using Concentrator.Host.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Tests.Metrics;

public sealed class MetricsSettingsTests
{
    private static MetricsSettings Read(string hocon) =>
        MetricsSettings.From(ConfigurationFactory.ParseString(hocon).WithFallback(ConfigLoader.Reference), "main.conf");

    [Fact]
    public void From_Reference_OffWithTenMinutesOfTenSecondSamples()
    {
        var settings = Read("");

        Assert.Equal(new MetricsSettings(null, TimeSpan.FromSeconds(10), 60, "main.conf"), settings);
        Assert.False(settings.IsEnabled);
    }

    [Theory]
    [InlineData("127.0.0.1:9500", "127.0.0.1", 9500)]
    [InlineData("[::1]:9500", "::1", 9500)]
    [InlineData("0.0.0.0:0", "0.0.0.0", 0)]
    public void From_AddressAndPort_Listens(string listen, string address, int port)
    {
        var settings = Read($"concentrator.metrics {{ listen = \"{listen}\", history-interval = 5s, history-length = 12 }}");

        Assert.Equal(new IPEndPoint(IPAddress.Parse(address), port), settings.Listen);
        Assert.Equal(TimeSpan.FromSeconds(5), settings.HistoryInterval);
        Assert.Equal(12, settings.HistoryLength);
        Assert.True(settings.IsEnabled);
    }

    [Theory]
    [InlineData("concentrator.metrics.listen = \"127.0.0.1\"", "concentrator.metrics.listen", "expected \"ADDRESS:PORT\"")]
    [InlineData("concentrator.metrics.listen = \"localhost:9500\"", "concentrator.metrics.listen", "got 'localhost:9500'")]
    [InlineData("concentrator.metrics.listen = \"127.0.0.1:70000\"", "concentrator.metrics.listen", "a port 0-65535")]
    [InlineData("concentrator.metrics.listen = \"::1:9500\"", "concentrator.metrics.listen", "IPv6 in brackets")]
    [InlineData("concentrator.metrics.listen = yes", "concentrator.metrics.listen", "or off, got 'yes'")]
    [InlineData("concentrator.metrics.history-interval = 100ms", "concentrator.metrics.history-interval", "at least 1s")]
    [InlineData("concentrator.metrics.history-interval = often", "concentrator.metrics.history-interval", "expected a duration")]
    [InlineData("concentrator.metrics.history-length = 0", "concentrator.metrics.history-length", "from 1 to 10000")]
    public void From_Invalid_FailsNamingFileAndKey(string hocon, string key, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Read(hocon));

        Assert.Contains(key, e.Message, StringComparison.Ordinal);
        Assert.Contains("main.conf", e.Message, StringComparison.Ordinal);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
