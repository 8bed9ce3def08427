using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

/// <summary>The keys of the datagram path before an IKE SA exists: bind mode, half-open admission, INVALID_IKE_SPI.</summary>
public sealed class AdmissionSettingsTests
{
    private static ServerSettings Parse(string hocon) => ServerSettings.From(ConfigurationFactory.ParseString(hocon), "HOCON.conf");

    [Fact]
    public void Reference_NoOverrides_PinsAdmissionDefaults()
    {
        var s = Parse("");

        Assert.Equal(BindMode.Strict, s.Bind);
        Assert.Equal(new HalfOpenSettings(1000, 5, 10000, TimeSpan.FromMinutes(1)), s.HalfOpen);
        Assert.Equal(1000, s.HalfOpenCookieThreshold);
        Assert.Equal(new InvalidSpiNotifySettings(100, 100), s.InvalidSpiNotify);
    }

    [Fact]
    public void From_Overrides_TakesThem()
    {
        var s = Parse("""
            concentrator.ike {
              bind = best-effort
              half-open-cookie-threshold = 10
              half-open-per-source-cookie-threshold = 0
              half-open-limit = 10
              cookie-secret-lifetime = 5m
              invalid-spi-notify { rate = 0, burst = 3 }
            }
            """);

        Assert.Equal(BindMode.BestEffort, s.Bind);
        Assert.Equal(new HalfOpenSettings(10, 0, 10, TimeSpan.FromMinutes(5)), s.HalfOpen);
        Assert.Equal(new InvalidSpiNotifySettings(0, 3), s.InvalidSpiNotify);
    }

    [Theory]
    [InlineData("concentrator.ike.bind = loose", "concentrator.ike.bind", "expected strict or best-effort, got 'loose'")]
    [InlineData("concentrator.ike.half-open-limit = 0", "concentrator.ike.half-open-limit", "expected a whole number 1..")]
    [InlineData("concentrator.ike { half-open-limit = 10, half-open-cookie-threshold = 11 }", "concentrator.ike.half-open-limit", "expected at least half-open-cookie-threshold (11)")]
    [InlineData("concentrator.ike.half-open-per-source-cookie-threshold = -1", "concentrator.ike.half-open-per-source-cookie-threshold", "expected a whole number 0..")]
    [InlineData("concentrator.ike.cookie-secret-lifetime = 0s", "concentrator.ike.cookie-secret-lifetime", "greater than zero")]
    [InlineData("concentrator.ike.invalid-spi-notify.burst = 0", "concentrator.ike.invalid-spi-notify.burst", "expected a whole number 1..")]
    public void From_WrongValue_NamesFileKeyAndExpectation(string hocon, string key, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Parse(hocon));

        Assert.Equal("HOCON.conf", e.File);
        Assert.Equal(key, e.Key);
        Assert.Contains(expected, e.Problem, StringComparison.Ordinal);
    }
}
