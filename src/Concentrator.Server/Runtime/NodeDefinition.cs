using Concentrator.Server.Cluster;
using Concentrator.Server.Config;
using Concentrator.Server.Radius;
using HoconConfig = Akka.Configuration.Config;

namespace Concentrator.Server.Runtime;

/// <summary>One connection file of the config folder as the host parsed it: its path and its HOCON. The host only
/// checks that it is valid HOCON; its keys are read and checked by <see cref="ConnectionFileSettings"/>.</summary>
public sealed record ConnectionSource(string Path, HoconConfig Config)
{
    /// <summary>The top-level keys of the file (one per connection, by convention), for <c>check-config</c>.</summary>
    public IReadOnlyList<string> TopLevelKeys =>
        Config.Root.IsObject() ? Config.Root.GetObject().Items.Keys.Order(StringComparer.Ordinal).ToList() : [];
}

/// <summary>
/// Everything the node reads from configuration, checked together: the server section, every connection file
/// and the merged secrets. Building it is the whole of <c>check-config</c>; starting a node begins with it.
/// </summary>
public sealed record NodeDefinition(
    HoconConfig Config,
    ServerSettings Server,
    IReadOnlyList<ConnectionFileSettings> Files,
    Secrets Secrets)
{
    /// <summary><c>concentrator.radius</c>: the RADIUS client's servers (none: no client runs).</summary>
    public RadiusSettings Radius { get; init; } = RadiusSettings.None;

    /// <summary><c>concentrator.cluster</c>: off, or this node's place in a cluster (its akka.* keys are already in
    /// <see cref="Config"/>).</summary>
    public ClusterSettings Cluster { get; init; } = ClusterSettings.Off;

    /// <summary>All connections of all files, in file order.</summary>
    public IReadOnlyList<ConnectionSettings> Connections => Files.SelectMany(f => f.Connections).ToList();

    /// <summary>The EAP users of every file's <c>eap-secrets</c>, merged.</summary>
    public Secrets EapSecrets { get; init; } = Secrets.Empty;

    /// <summary>Reads and checks the configuration; every problem is a <see cref="ConfigException"/> naming
    /// file, key and expectation.</summary>
    public static NodeDefinition Load(HoconConfig main, string mainFile, IReadOnlyList<ConnectionSource> connectionFiles)
    {
        ArgumentNullException.ThrowIfNull(main);
        ArgumentNullException.ThrowIfNull(connectionFiles);
        var server = ServerSettings.From(main, mainFile);
        // Named pools may be declared in any file: connections are bound to them once every file is read.
        var files = PoolCatalog.Resolve(connectionFiles.Select(f => ConnectionFileSettings.From(f.Config, f.Path, main)).ToList());
        var secrets = ConnectionFileSettings.CheckAll(files);
        var eapSecrets = EapSettings.CheckAll(files);
        var radius = RadiusSettings.From(main, mainFile);
        EapSettings.CheckRadius(files, radius);
        foreach (var connection in files.SelectMany(f => f.Connections))
        {
            // What the node builds at start, built (and so checked) here: check-config and run share this path.
            _ = ResponderConfig.For(connection, secrets, server, eapSecrets);
            Modp1024Policy.Check(connection, server);
        }

        // The cluster's akka.* keys over the operator's: the ActorSystem (the host's or the node's own) runs on them.
        var cluster = ClusterSettings.From(main, mainFile);
        return new NodeDefinition(cluster.Enabled ? cluster.AkkaConfig().WithFallback(main) : main, server, files, secrets)
        {
            EapSecrets = eapSecrets,
            Radius = radius,
            Cluster = cluster,
        };
    }
}
