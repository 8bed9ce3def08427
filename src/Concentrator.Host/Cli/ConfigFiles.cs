using System.Diagnostics.CodeAnalysis;
using Concentrator.Host.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Host.Cli;

/// <summary>Loading the configuration for a verb: a problem is written as one line naming file and key.</summary>
internal static class ConfigFiles
{
    public static bool TryLoad(string mainFile, TextWriter error, [NotNullWhen(true)] out LoadedConfig? loaded, [NotNullWhen(true)] out NodeDefinition? definition)
    {
        try
        {
            loaded = ConfigLoader.Load(mainFile);
            definition = loaded.ToNodeDefinition();
            return true;
        }
        catch (ConfigException e)
        {
            error.WriteLine($"concentrator: configuration error: {e.Message}");
            loaded = null;
            definition = null;
            return false;
        }
    }
}
