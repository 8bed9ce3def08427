using Concentrator.Host.Configuration;
using Concentrator.Server.Config;
using Microsoft.Extensions.Logging;

namespace Concentrator.Host.Tests.Logging;

public sealed class LoggingSettingsTests
{
    [Fact]
    public void Reference_Defaults_TextInformationAndQuietHostLifetime()
    {
        var settings = LoggingSettings.From(ConfigLoader.Reference, "reference.conf");

        Assert.Equal(LogFormat.Text, settings.Format);
        Assert.Equal(new Dictionary<string, LogLevel>
        {
            ["Default"] = LogLevel.Information,
            ["Microsoft.AspNetCore"] = LogLevel.Warning,
            ["Microsoft.Hosting"] = LogLevel.Warning,
        }, settings.Levels);
    }

    [Fact]
    public void From_QuotedCategoryAndJson_ReadAsMicrosoftLoggingConfiguration()
    {
        var settings = Load("concentrator.logging { format = json, levels { \"Concentrator.Server.Sa\" = Debug } }");

        Assert.Equal(LogFormat.Json, settings.Format);
        Assert.Contains(new KeyValuePair<string, string?>("Logging:LogLevel:Concentrator.Server.Sa", "Debug"), settings.AsConfiguration());
        Assert.Contains(new KeyValuePair<string, string?>("Logging:LogLevel:Default", "Information"), settings.AsConfiguration());
    }

    [Theory]
    [InlineData("concentrator.logging.format = xml", "key 'concentrator.logging.format': expected text or json, got 'xml'")]
    [InlineData("concentrator.logging.levels { \"Concentrator.Server.Sa\" = Verbose }", "key 'concentrator.logging.levels.\"Concentrator.Server.Sa\"': expected one of Trace, Debug, Information, Warning, Error, Critical, None, got 'Verbose'")]
    [InlineData("concentrator.logging.levels { Default = 2 }", "key 'concentrator.logging.levels.\"Default\"': expected one of Trace")]
    [InlineData("concentrator.logging.levels { Concentrator.Server.Sa = Debug }", "quote a category with dots")]
    public void From_BadValue_FailsNamingFileKeyAndExpected(string hocon, string expected)
    {
        var e = Assert.Throws<ConfigException>(() => Load(hocon));

        Assert.StartsWith("main.conf: ", e.Message, StringComparison.Ordinal);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_BadLogLevel_ExitsWithConfigError()
    {
        using var dir = new TempDir();
        dir.Write("conns/rw.conf", "rw { pools = [ \"10.231.9.0/30\" ], ipsec-interface = no }\nsecrets { \"%any\" = \"x\" }");
        var main = dir.Write("main.conf", "concentrator { config-dir = conns, logging.levels { Default = Loud } }");
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = Program.Run(["check-config", "--config", main], output, error);

        Assert.Equal(78, code);
        Assert.Contains($"{main}: key 'concentrator.logging.levels.\"Default\"'", error.ToString(), StringComparison.Ordinal);
    }

    private static LoggingSettings Load(string hocon) =>
        LoggingSettings.From(Akka.Configuration.ConfigurationFactory.ParseString(hocon).WithFallback(ConfigLoader.Reference), "main.conf");
}
