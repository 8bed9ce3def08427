using Concentrator.Host.Configuration;

namespace Concentrator.Host;

internal static class ConfigPrinter
{
    public static void Print(LoadedConfig loaded, TextWriter output)
    {
        output.WriteLine($"config file: {loaded.MainFile}");
        output.WriteLine($"config dir:  {loaded.Settings.ConfigDir}");
        output.WriteLine($"connection files: {loaded.Connections.Count}");
        foreach (var file in loaded.Connections)
        {
            output.WriteLine($"  {Path.GetFileName(file.Path)}: {string.Join(", ", file.TopLevelKeys)}");
        }

        output.WriteLine("effective concentrator section:");
        foreach (var (key, value) in loaded.Config.GetConfig("concentrator").AsEnumerable().OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            output.WriteLine($"  concentrator.{key} = \"{value}\"");
        }
    }
}
