using System.Reflection;
using Akka.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Configuration;

/// <summary>Loads the operator's HOCON file over the embedded reference configuration, then every connection
/// file of the config folder. Every failure is a <see cref="ConfigException"/> naming the file.</summary>
public static class ConfigLoader
{
    private const string ReferenceResource = "Concentrator.Host.reference.conf";

    public static Config Reference { get; } = ConfigurationFactory.ParseString(ReadReference());

    public static LoadedConfig Load(string mainFile)
    {
        var fullPath = Path.GetFullPath(mainFile);
        var config = ParseFile(fullPath).WithFallback(Reference);
        var settings = HostSettings.From(config, fullPath);

        var baseDir = Path.GetDirectoryName(fullPath) ?? Directory.GetCurrentDirectory();
        var configDir = Path.IsPathRooted(settings.ConfigDir)
            ? settings.ConfigDir
            : Path.GetFullPath(Path.Combine(baseDir, settings.ConfigDir));
        if (!Directory.Exists(configDir))
        {
            throw new ConfigException(fullPath, "concentrator.config-dir", $"expected an existing folder, '{configDir}' does not exist");
        }

        var connections = Directory.GetFiles(configDir, "*.conf")
            .Order(StringComparer.Ordinal)
            .Select(path => new ConnectionSource(path, ParseFile(path)))
            .ToList();
        return new LoadedConfig(fullPath, config, settings with { ConfigDir = configDir }, connections);
    }

    public static Config ParseFile(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ConfigException(path, null, $"cannot be read: {e.Message}");
        }

        if (HoconStructure.FindError(text) is { } structural)
        {
            throw new ConfigException(path, null, $"expected valid HOCON: {structural}");
        }

        try
        {
            return ConfigurationFactory.ParseString(text);
        }
        catch (Exception e) when (e is not ConfigException)
        {
            // Akka's HOCON parser throws several exception types; all mean "not valid HOCON".
            throw new ConfigException(path, null, $"expected valid HOCON: {e.Message}");
        }
    }

    private static string ReadReference()
    {
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream(ReferenceResource)
            ?? throw new InvalidOperationException($"embedded resource {ReferenceResource} is missing from the build");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}

/// <summary>The result of <see cref="ConfigLoader.Load"/>.</summary>
public sealed record LoadedConfig(string MainFile, Config Config, HostSettings Settings, IReadOnlyList<ConnectionSource> Connections)
{
    /// <summary>Reads and checks what the node needs (<see cref="NodeDefinition.Load"/>); every problem is a
    /// <see cref="ConfigException"/>.</summary>
    public NodeDefinition ToNodeDefinition() => NodeDefinition.Load(Config, MainFile, Connections);
}
