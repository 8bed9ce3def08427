using System.CommandLine;

namespace Concentrator.Host.Cli;

/// <summary>
/// The command line, on System.CommandLine: one verb per operation, each in its own file. The management verbs
/// (list-sas, show-sa, terminate, pools, interfaces, stats, rekey, reload, log-level) talk to a running concentrator over its management
/// socket (<see cref="ManagementVerb"/>).
/// </summary>
internal static class ConcentratorCli
{
    public static RootCommand Create()
    {
        var root = new RootCommand("Concentrator: a route-based IKEv2 VPN concentrator.")
        {
            RunVerb.Create(),
            CheckConfigVerb.Create(),
            VersionVerb.Create(),
            ListSasVerb.Create(),
            ShowSaVerb.Create(),
            TerminateVerb.Create(),
            ConnectionsVerb.Create(),
            PoolsVerb.Create(),
            InterfacesVerb.Create(),
            StatsVerb.Create(),
            RekeyVerb.Create(),
            ReloadVerb.Create(),
            LogLevelVerb.Create(),
            ClusterVerb.Create(),
            ClusterVerb.CreateDrain(),
            ImportLibreswanVerb.Create(),
        };
        // `version` is the verb; the built-in --version would print the raw informational version.
        root.Options.Remove(root.Options.OfType<VersionOption>().Single());
        return root;
    }

    /// <summary>--config: the main HOCON file (the connection files are found through its
    /// <c>concentrator.config-dir</c>).</summary>
    public static Option<string> ConfigOption() => new("--config", "-c")
    {
        Description = "The main HOCON configuration file.",
        HelpName = "FILE",
        DefaultValueFactory = _ => "HOCON.conf",
    };
}
