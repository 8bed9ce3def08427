using Akka.Configuration;

namespace Concentrator.Host.Configuration;

/// <summary>One parsed connection file from the config folder. The host checks that it is valid HOCON; its keys
/// are read and checked by the server (<c>Concentrator.Server.Config.ConnectionFileSettings</c>).</summary>
public sealed record ConnectionFile(string Path, Config Config)
{
    /// <summary>The top-level keys of the file (one per connection, by convention).</summary>
    public IReadOnlyList<string> TopLevelKeys =>
        Config.Root.IsObject() ? Config.Root.GetObject().Items.Keys.Order(StringComparer.Ordinal).ToList() : [];
}
