using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

public sealed class UniquePolicySettingsTests
{
    private static ConnectionSettings Read(string body) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString("rw { " + body + " }"), "rw.conf").Connections[0];

    [Fact]
    public void Unique_NotSet_DefaultsToReplace()
    {
        Assert.Equal(UniquePolicy.Replace, Read("pools = [ \"10.99.0.0/24\" ]").Unique);
    }

    [Theory]
    [InlineData("replace", UniquePolicy.Replace)]
    [InlineData("keep", UniquePolicy.Keep)]
    [InlineData("Never", UniquePolicy.Never)]
    public void Unique_Set_Read(string text, UniquePolicy expected)
    {
        Assert.Equal(expected, Read("unique = " + text).Unique);
    }

    [Fact]
    public void Unique_UnknownValue_NamesFileKeyAndChoices()
    {
        var e = Assert.Throws<ConfigException>(() => Read("unique = yes"));

        Assert.Equal("rw.conf", e.File);
        Assert.Equal("rw.unique", e.Key);
        Assert.Contains("expected replace, keep or never, got 'yes'", e.Message, StringComparison.Ordinal);
    }
}
