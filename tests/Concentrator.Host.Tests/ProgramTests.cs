namespace Concentrator.Host.Tests;

public sealed class ProgramTests
{
    private static (int Code, string Out, string Err) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = Program.Run(args, output, error);
        return (code, output.ToString(), error.ToString());
    }

    [Fact]
    public void CheckConfig_ExampleConfig_PrintsVersionConfigAndValidConnections()
    {
        var (code, output, _) = Run("check-config", "--config", Path.Combine(RepoPaths.Root, "HOCON.conf"));

        Assert.Equal(0, code);
        Assert.StartsWith($"concentrator {Program.Version}", output, StringComparison.Ordinal);
        Assert.Contains("road-warrior.conf: road-warrior, secrets", output, StringComparison.Ordinal);
        Assert.Contains("configuration is valid (1 connection(s): road-warrior)", output, StringComparison.Ordinal);
    }

    [Fact]
    public void CheckConfig_ConnectionFileWithBadProposal_ExitsWithConfigErrorNamingFileAndKey()
    {
        using var dir = new TempDir();
        var conn = dir.Write("conns/bad.conf", "rw { ike-proposals = [ \"aes256gcm16-prfsha256-nosuchgroup\" ] }\nsecrets { \"%any\" = \"x\" }");
        var main = dir.Write("main.conf", "concentrator.config-dir = conns");

        var (code, _, error) = Run("check-config", "--config", main);

        Assert.Equal(78, code);
        Assert.Contains(conn, error, StringComparison.Ordinal);
        Assert.Contains("ike-proposals", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_StopRequested_StartsServesAndStopsCleanly()
    {
        using var dir = new TempDir();
        var (port, natT) = TestPorts.FreePair();
        dir.Write("conns/rw.conf", "rw { pools = [ \"10.231.9.0/30\" ], ipsec-interface = no }\nsecrets { \"%any\" = \"x\" }");
        var main = dir.Write("main.conf", "concentrator { config-dir = conns, dataplane = userspace, leases.path = \"\", ike { listen = [ \"127.0.0.1\" ], port = " + port + ", nat-t-port = " + natT + " } }\nakka.loglevel = WARNING");
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(3));
        using var output = new StringWriter();
        using var error = new StringWriter();

        var code = Program.Run(["run", "--config", main], output, error, stop.Token);

        Assert.True(code == 0, error.ToString());
        Assert.Contains("dataplane: userspace (dataplane = userspace (configured))", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("running: connection 'rw'", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("stopped: actor system terminated", output.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownArgument_ExitsWithUsage()
    {
        var (code, _, error) = Run("--frobnicate");

        Assert.Equal(64, code);
        Assert.Contains("'--frobnicate'", error, StringComparison.Ordinal);
        Assert.Contains("usage: concentrator", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_BadConfig_ExitsWithConfigErrorNamingFile()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "concentrator.config-dir = nowhere");

        var (code, _, error) = Run("check-config", "--config", main);

        Assert.Equal(78, code);
        Assert.Contains(main, error, StringComparison.Ordinal);
        Assert.Contains("concentrator.config-dir", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Version_Verb_PrintsOnlyVersion()
    {
        var (code, output, _) = Run("version");

        Assert.Equal(0, code);
        Assert.Equal($"concentrator {Program.Version}", output.Trim());
        Assert.Matches(@"^\d+\.\d+\.\d+", Program.Version);
    }

    [Fact]
    public void Help_ListsOnlyTheVerbsThatWork()
    {
        var (code, output, _) = Run("--help");

        Assert.Equal(0, code);
        var verbs = output[output.IndexOf("Commands:", StringComparison.Ordinal)..].Split('\n').Skip(1)
            .Where(l => l.StartsWith("  ", StringComparison.Ordinal)).Select(l => l.Trim().Split(' ')[0]).ToList();
        Assert.Equal(["run", "check-config", "version", "list-sas", "show-sa", "terminate", "connections", "pools", "interfaces", "stats", "rekey", "reload", "log-level", "cluster", "drain", "import-libreswan"], verbs);
    }

    [Fact]
    public void Run_Help_ListsConfigAndLogFormat()
    {
        var (code, output, _) = Run("run", "--help");

        Assert.Equal(0, code);
        Assert.Contains("-c, --config <FILE>", output, StringComparison.Ordinal);
        Assert.Contains("--log-format <text|json>", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData]
    [InlineData("run", "--log-format", "xml")]
    [InlineData("check-config", "--log-format", "json")]
    [InlineData("version", "extra")]
    [InlineData("run", "--config")]
    public void Run_BadUsage_Exits64WithUsage(params string[] args)
    {
        var (code, output, error) = Run(args);

        Assert.Equal(64, code);
        Assert.Empty(output);
        Assert.StartsWith("concentrator: ", error, StringComparison.Ordinal);
        Assert.Contains("usage: concentrator run|check-config|version|list-sas", error, StringComparison.Ordinal);
    }
}
