using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Server.Tests.Config;

/// <summary>Secrets are looked up by identity without case (issue 10, defect 6): BOB@EXAMPLE.NET is bob@example.net
/// and needs its secret, not the "%any" one.</summary>
public sealed class SecretsIdentityCaseTests
{
    private static ConnectionFileSettings Parse(string secrets, string file = "s.conf") =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString($"secrets {{ {secrets} }}"), file);

    [Fact]
    public void Lookup_IdentityInOtherCase_ItsOwnSecretNotAny()
    {
        var file = Parse("\"%any\" = \"fallback\", \"bob@example.net\" = \"mine\"");

        Assert.Equal("mine"u8.ToArray(), file.Secrets.Lookup("BOB@Example.NET"));
    }

    [Fact]
    public void From_TwoSpellingsOfOneIdentity_Refused()
    {
        var e = Assert.Throws<ConfigException>(() => Parse("\"bob@example.net\" = \"a\", \"Bob@Example.net\" = \"b\""));

        Assert.Contains("without case", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckAll_SameIdentityOtherCaseOtherSecretInAnotherFile_Refused()
    {
        var a = Parse("\"bob@example.net\" = \"a\"", "a.conf");
        var b = Parse("\"BOB@example.net\" = \"b\"", "b.conf");

        var e = Assert.Throws<ConfigException>(() => ConnectionFileSettings.CheckAll([a, b]));

        Assert.Equal("b.conf", e.File);
    }
}
