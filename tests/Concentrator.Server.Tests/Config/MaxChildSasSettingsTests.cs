using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

/// <summary><c>max-child-sas</c>: the per-IKE-SA cap on CHILD SAs, read into the connection and its IkeSaConfig.</summary>
public sealed class MaxChildSasSettingsTests
{
    private static ConnectionSettings Read(string body) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString("rw { " + body + " }"), "rw.conf").Connections[0];

    [Fact]
    public void MaxChildSas_NotSet_DefaultsToFour()
    {
        Assert.Equal(4, Read("pools = [ \"10.99.0.0/24\" ]").MaxChildSas);
    }

    [Fact]
    public void MaxChildSas_Set_Read()
    {
        Assert.Equal(1, Read("max-child-sas = 1").MaxChildSas);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("many")]
    public void MaxChildSas_Invalid_NamesFileAndKey(string text)
    {
        var e = Assert.Throws<ConfigException>(() => Read("max-child-sas = " + text));

        Assert.Equal("rw.conf", e.File);
        Assert.Equal("rw.max-child-sas", e.Key);
    }
}
