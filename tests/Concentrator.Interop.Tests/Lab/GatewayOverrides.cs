using Concentrator.Host.Configuration;

namespace Concentrator.Interop.Tests.Lab;

/// <summary>
/// HOCON merged over the repository's configuration for one lab: <see cref="Server"/> is appended to the main
/// file (e.g. <c>concentrator.ike.retransmit { timeout = 1s }</c>), <see cref="Connection"/> is merged into
/// every connection of the connection files (e.g. <c>dpd { delay = 2s, timeout = 6s }</c>). The repository's
/// files stay untouched: the gateway starts from copies, so what it runs is the example plus exactly these keys
/// (and its lease journal in the copy's folder).
/// </summary>
internal sealed record GatewayOverrides(string Server = "", string Connection = "")
{
    /// <summary>More connection files (file name → HOCON) written next to the copies, served with them.</summary>
    public IReadOnlyDictionary<string, string> ExtraFiles { get; init; } = new Dictionary<string, string>();

    /// <summary>Writes the copies under <paramref name="targetDir"/>; returns the copied main file.</summary>
    public string WriteCopy(string repoMain, string targetDir)
    {
        var loaded = ConfigLoader.Load(repoMain);
        var node = loaded.ToNodeDefinition();
        var configDir = Path.Combine(targetDir, "config");
        Directory.CreateDirectory(configDir);
        foreach (var file in loaded.Connections)
        {
            // HOCON merges a repeated object key into the earlier one (later keys win), so appending
            // `"name" { … }` changes only the keys given here.
            var text = File.ReadAllText(file.Path);
            foreach (var connection in node.Files.SelectMany(f => f.Connections).Where(c => c.File == file.Path))
            {
                text += $"\n\"{connection.Name}\" {{\n{Connection}\n}}\n";
            }

            File.WriteAllText(Path.Combine(configDir, Path.GetFileName(file.Path)), text);
        }

        foreach (var (name, text) in ExtraFiles)
        {
            File.WriteAllText(Path.Combine(configDir, name), text);
        }

        var main = Path.Combine(targetDir, Path.GetFileName(repoMain));
        var leases = Path.Combine(targetDir, "leases.jsonl");
        File.WriteAllText(main, File.ReadAllText(repoMain) + $"\nconcentrator.config-dir = \"{configDir}\"\nconcentrator.leases.path = \"{leases}\"\n{Server}\n");
        return main;
    }
}
