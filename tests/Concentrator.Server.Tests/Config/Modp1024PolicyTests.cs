using Akka.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Config;

/// <summary>MODP-1024 (RFC 8247 §2.4: SHOULD NOT) only when the operator opts in.</summary>
public sealed class Modp1024PolicyTests
{
    private const string Windows = """
        windows {
          local { id = "gw.example.net", auth = psk }
          remote { id = "%any", auth = psk }
          ike-proposals = [ "aes256-sha256-modp2048", "aes256-sha1-modp1024" ]
          esp-proposals = [ "aes256-sha1" ]
          pools = [ "10.99.0.0/24" ]
        }
        secrets { "%any" = "secret" }
        """;

    private static NodeDefinition Load(string main, string connections = Windows) =>
        NodeDefinition.Load(ConfigurationFactory.ParseString(main), "HOCON.conf",
            [new ConnectionSource("windows.conf", ConfigurationFactory.ParseString(connections))]);

    [Fact]
    public void Load_Modp1024WithoutOptIn_NamesTheProposalAndTheSwitch()
    {
        var e = Assert.Throws<ConfigException>(() => Load(""));

        Assert.Equal(("windows.conf", "windows.ike-proposals[1]"), (e.File, e.Key));
        Assert.Contains("RFC 8247", e.Message, StringComparison.Ordinal);
        Assert.Contains("concentrator.ike.allow-modp1024 = on", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_Modp1024AsEspPfsGroupWithoutOptIn_Refused()
    {
        var e = Assert.Throws<ConfigException>(() => Load("", Windows.Replace("\"aes256-sha1\"", "\"aes256-sha1-modp1024\"", StringComparison.Ordinal)
            .Replace(", \"aes256-sha1-modp1024\" ]", " ]", StringComparison.Ordinal)));

        Assert.Equal("windows.esp-proposals[0]", e.Key);
    }

    [Fact]
    public void Load_Modp1024WithOptIn_Served()
    {
        var definition = Load("concentrator.ike.allow-modp1024 = on");

        Assert.True(definition.Server.AllowModp1024);
        Assert.Equal(["ike-proposals[1]"], Modp1024Policy.ProposalsUsingIt(definition.Connections[0]));
    }

    [Fact]
    public void Load_NoModp1024_NeedsNoOptIn()
    {
        var definition = Load("", Windows.Replace(", \"aes256-sha1-modp1024\"", "", StringComparison.Ordinal));

        Assert.False(definition.Server.AllowModp1024);
        Assert.Empty(Modp1024Policy.ProposalsUsingIt(definition.Connections[0]));
    }

    [Fact]
    public void From_AllowModp1024NotASwitch_NamesKey()
    {
        var e = Assert.Throws<ConfigException>(() => ServerSettings.From(ConfigurationFactory.ParseString("concentrator.ike.allow-modp1024 = maybe"), "HOCON.conf"));

        Assert.Equal("concentrator.ike.allow-modp1024", e.Key);
        Assert.Contains("expected on or off, got 'maybe'", e.Message, StringComparison.Ordinal);
    }
}
