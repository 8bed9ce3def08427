using Concentrator.Host.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Tests.Configuration;

public sealed class ConfigLoaderTests
{
    [Fact]
    public void Reference_Defaults_ArePinned()
    {
        var settings = HostSettings.From(ConfigLoader.Reference, "reference.conf");

        Assert.Equal("config", settings.ConfigDir);
        Assert.Equal(new ManagementSettings("/run/concentrator/concentrator.sock", ""), settings.Management);
    }

    [Fact]
    public void Load_RepositoryExample_FindsRoadWarriorConnection()
    {
        var loaded = ConfigLoader.Load(Path.Combine(RepoPaths.Root, "HOCON.conf"));

        Assert.Equal(Path.Combine(RepoPaths.Root, "config"), loaded.Settings.ConfigDir);
        var file = Assert.Single(loaded.Connections, c => Path.GetFileName(c.Path) == "road-warrior.conf");
        Assert.Contains("road-warrior", file.TopLevelKeys);
        Assert.Equal(1, file.Config.GetInt("road-warrior.ipsec-interface"));
    }

    [Fact]
    public void Load_OverrideConfigDir_ResolvesRelativeToMainFile()
    {
        using var dir = new TempDir();
        Directory.CreateDirectory(Path.Combine(dir.Path, "conns"));
        var main = dir.Write("main.conf", "concentrator.config-dir = conns");

        var loaded = ConfigLoader.Load(main);

        Assert.Equal(Path.Combine(dir.Path, "conns"), loaded.Settings.ConfigDir);
        Assert.Empty(loaded.Connections);
    }

    [Fact]
    public void Load_MissingFile_NamesFile()
    {
        using var dir = new TempDir();
        var missing = Path.Combine(dir.Path, "absent.conf");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(missing));

        Assert.Equal(missing, e.File);
        Assert.Contains("cannot be read", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ListWhereStringExpected_NamesKeyAndExpectation()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "concentrator { config-dir = [ a, b ] }");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(main));

        Assert.Equal(main, e.File);
        Assert.Equal("concentrator.config-dir", e.Key);
        Assert.Contains("expected a string", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ConfigDirAbsent_NamesKeyAndFolder()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "concentrator.config-dir = no-such-folder");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(main));

        Assert.Equal("concentrator.config-dir", e.Key);
        Assert.Contains(Path.Combine(dir.Path, "no-such-folder"), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_BrokenConnectionFile_NamesThatFile()
    {
        using var dir = new TempDir();
        var main = dir.Write("main.conf", "concentrator.config-dir = conns");
        var broken = dir.Write("conns/broken.conf", "rw { local { id = \"a\" ");

        var e = Assert.Throws<ConfigException>(() => ConfigLoader.Load(main));

        Assert.Equal(broken, e.File);
        Assert.Contains("expected valid HOCON", e.Message, StringComparison.Ordinal);
    }
}
