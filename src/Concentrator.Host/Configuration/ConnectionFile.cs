using Akka.Configuration;

namespace Concentrator.Host.Configuration;

/// <summary>One parsed connection file from the config folder. Its keys are interpreted by the responder;
/// at this stage the host checks only that the file is valid HOCON.</summary>
public sealed record ConnectionFile(string Path, Config Config)
{
    /// <summary>The top-level keys of the file (one per connection, by convention).</summary>
    public IReadOnlyList<string> TopLevelKeys =>
        Config.Root.IsObject() ? Config.Root.GetObject().Items.Keys.Order(StringComparer.Ordinal).ToList() : [];
}
