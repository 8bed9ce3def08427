using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

public sealed class LeaseStoreSettingsTests
{
    [Fact]
    public void Leases_NotSet_DefaultUnderVarLibConcentrator()
    {
        var settings = ServerSettings.From(ConfigurationFactory.Empty, "main.conf");

        Assert.Equal("/var/lib/concentrator/leases.jsonl", settings.Leases.Path);
        Assert.True(settings.Leases.IsEnabled);
        Assert.Equal("main.conf", settings.Leases.File);
    }

    [Fact]
    public void Leases_EmptyPath_Disabled()
    {
        var settings = ServerSettings.From(ConfigurationFactory.ParseString("concentrator.leases.path = \"\""), "main.conf");

        Assert.False(settings.Leases.IsEnabled);
    }

    [Fact]
    public void Leases_RelativePath_NamesKeyAndExpectation()
    {
        var e = Assert.Throws<ConfigException>(() => ServerSettings.From(ConfigurationFactory.ParseString("concentrator.leases.path = leases.jsonl"), "main.conf"));

        Assert.Equal("concentrator.leases.path", e.Key);
        Assert.Contains("expected an absolute path", e.Message, StringComparison.Ordinal);
    }
}
