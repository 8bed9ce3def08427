using Akka.Configuration;
using Concentrator.Host.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Tests.Management;

public sealed class ManagementSettingsTests
{
    private static ManagementSettings Read(string hocon) =>
        ManagementSettings.From(ConfigurationFactory.ParseString(hocon).WithFallback(ConfigLoader.Reference), "main.conf");

    [Fact]
    public void From_GroupByName_Kept()
    {
        var settings = Read("concentrator.management { socket = \"/tmp/x.sock\", group = nogroup }");

        Assert.Equal(new ManagementSettings("/tmp/x.sock", "nogroup"), settings);
        Assert.True(settings.IsEnabled);
    }

    [Fact]
    public void From_EmptySocket_Disabled() => Assert.False(Read("concentrator.management.socket = \"\"").IsEnabled);

    [Theory]
    [InlineData("concentrator.management.socket = relative.sock", "expected an absolute path")]
    [InlineData("concentrator.management.group = no-such-group-here", "there is no group 'no-such-group-here'")]
    public void From_Invalid_FailsNamingTheKey(string hocon, string message)
    {
        var e = Assert.Throws<ConfigException>(() => Read(hocon));

        Assert.Contains(message, e.Message, StringComparison.Ordinal);
        Assert.Contains("concentrator.management.", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void From_SocketPathOverTheUnixLimit_Fails()
    {
        var e = Assert.Throws<ConfigException>(() => Read($"concentrator.management.socket = \"/{new string('s', 120)}\""));

        Assert.Contains("at most 107 bytes", e.Message, StringComparison.Ordinal);
    }
}
