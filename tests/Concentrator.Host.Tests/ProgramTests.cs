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
    public void Run_ExampleConfig_PrintsVersionConfigAndHonestStatus()
    {
        var (code, output, _) = Run("run", "--config", Path.Combine(RepoPaths.Root, "HOCON.conf"));

        Assert.Equal(0, code);
        Assert.StartsWith($"concentrator {Program.Version}", output, StringComparison.Ordinal);
        Assert.Contains("road-warrior.conf: road-warrior, secrets", output, StringComparison.Ordinal);
        Assert.Contains("does not yet run the IKEv2 responder", output, StringComparison.Ordinal);
    }

    [Fact]
    public void Run_UnknownArgument_ExitsWithUsage()
    {
        var (code, _, error) = Run("--frobnicate");

        Assert.Equal(64, code);
        Assert.Contains("unknown argument '--frobnicate'", error, StringComparison.Ordinal);
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
}
