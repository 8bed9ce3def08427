using Akka.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Tests.Import;

/// <summary><c>auto=</c> and <c>right=</c> of libreswan conns become the initiator keys (<c>start-action</c>,
/// <c>remote.addrs</c>) of the written connection, read back by the connection-file loader.</summary>
public sealed class ImportLibreswanInitiatorTests
{
    private static readonly string Data = Path.Combine(AppContext.BaseDirectory, "TestData", "libreswan");

    [Fact]
    public void Import_AutoStartSiteToSite_StartActionAndPeerAddressWithoutWarnings()
    {
        using var dir = new TempDir();
        var output = Path.Combine(dir.Path, "imported.conf");
        var (code, _, error) = Run("import-libreswan", Path.Combine(Data, "crossing-streams-22-ikev2-ipsec-interface", "east.conf"),
            "--local-address", "192.1.2.23", "-o", output);

        Assert.True(code == 0, error);
        var c = Assert.Single(Read(output).Connections);
        Assert.Equal(StartAction.Start, c.Initiator.StartAction);
        Assert.Equal(["192.1.3.209"], c.Initiator.RemoteAddrs);
        Assert.DoesNotContain("conn static: auto", error, StringComparison.Ordinal);
        Assert.DoesNotContain("conn static: right:", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("add", "192.0.2.2", StartAction.None, "")]
    [InlineData("start", "%any", StartAction.None, "auto=start without a peer address")]
    [InlineData("route", "192.0.2.2", StartAction.Trap, "")]
    [InlineData("ondemand", "gw.example.net", StartAction.Trap, "")]
    [InlineData("ondemand", "%any", StartAction.None, "auto=ondemand without a peer address")]
    [InlineData("start", "gw.example.net", StartAction.Start, "")]
    public void Import_Auto_MapsToStartActionOrSaysWhyNot(string auto, string right, StartAction expected, string warning)
    {
        using var dir = new TempDir();
        var conf = dir.Write("ipsec.conf",
            $"conn peers\n\tleft=192.0.2.1\n\tleftid=@a\n\tright={right}\n\trightid=@b\n\tauthby=secret\n\tleftsubnet=10.1.0.0/24\n\trightsubnet=10.2.0.0/24\n\tauto={auto}\n");
        var output = Path.Combine(dir.Path, "imported.conf");

        var (code, _, error) = Run("import-libreswan", conf, "--local", "left", "-o", output);

        Assert.True(code == 0, error);
        var c = Assert.Single(Read(output).Connections);
        Assert.Equal(expected, c.Initiator.StartAction);
        Assert.Equal(right.StartsWith('%') ? [] : [right], c.Initiator.RemoteAddrs);
        if (warning.Length > 0)
        {
            Assert.Contains(warning, error, StringComparison.Ordinal);
        }
        else
        {
            Assert.DoesNotContain("conn peers: auto", error, StringComparison.Ordinal);
        }
    }

    private static ConnectionFileSettings Read(string output) =>
        ConnectionFileSettings.From(ConfigurationFactory.ParseString(File.ReadAllText(output)), output);

    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }
}
