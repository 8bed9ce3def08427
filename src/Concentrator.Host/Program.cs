using System.Reflection;
using System.Runtime.InteropServices;
using Concentrator.Host.Configuration;
using Concentrator.Server.Config;
using Concentrator.Server.Runtime;

namespace Concentrator.Host;

/// <summary>The headless executable: <c>run</c> starts the IKEv2 responder and serves until SIGTERM/SIGINT;
/// <c>check-config</c> validates and prints the configuration and exits.</summary>
public static class Program
{
    public static int Main(string[] args)
    {
        using var stop = new CancellationTokenSource();
        void OnSignal(PosixSignalContext context)
        {
            // Keep the runtime from exiting at once: the node shuts down cleanly and Main returns.
            context.Cancel = true;
            stop.Cancel();
        }

        using var sigterm = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        return Run(args, Console.Out, Console.Error, stop.Token);
    }

    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var options = CommandLine.Parse(args);
        if (options.Error is not null)
        {
            error.WriteLine($"concentrator: {options.Error}");
            error.WriteLine(CommandLine.Usage);
            return 64; // EX_USAGE
        }

        if (options.Verb == Verb.Help)
        {
            output.WriteLine(CommandLine.Usage);
            return 0;
        }

        output.WriteLine($"concentrator {Version}");
        if (options.Verb == Verb.Version)
        {
            return 0;
        }

        LoadedConfig loaded;
        NodeDefinition definition;
        try
        {
            loaded = ConfigLoader.Load(options.ConfigFile);
            definition = loaded.ToNodeDefinition();
        }
        catch (ConfigException e)
        {
            error.WriteLine($"concentrator: configuration error: {e.Message}");
            return 78; // EX_CONFIG
        }

        if (options.Verb == Verb.CheckConfig)
        {
            ConfigPrinter.Print(loaded, output);
            output.WriteLine($"status: configuration is valid ({definition.Connections.Count} connection(s): {string.Join(", ", definition.Connections.Select(c => c.Name))}).");
            return 0;
        }

        return Serve(definition, output, error, stop).GetAwaiter().GetResult();
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    private static async Task<int> Serve(NodeDefinition definition, TextWriter output, TextWriter error, CancellationToken stop)
    {
        ConcentratorNode node;
        try
        {
            node = await ConcentratorNode.StartAsync(definition, stop).ConfigureAwait(false);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"concentrator: configuration error: {e.Message}");
            return 78;
        }
        catch (OperationCanceledException)
        {
            return 0;
        }
        catch (Exception e)
        {
            error.WriteLine($"concentrator: cannot start: {e.Message}");
            return 69; // EX_UNAVAILABLE
        }

        output.WriteLine($"dataplane: {node.Dataplane.Mode.ToString().ToLowerInvariant()} ({node.Dataplane.Reason})");
        output.WriteLine($"running: {string.Join(", ", node.Served.Select(c => $"connection '{c.Settings.Name}'"))}, IKE on port {definition.Server.Port}/{definition.Server.NatTPort}; SIGTERM or Ctrl-C stops");
        output.Flush();
        try
        {
            await Task.WhenAny(node.WhenTerminated, Task.Delay(Timeout.Infinite, stop)).ConfigureAwait(false);
        }
        finally
        {
            await node.StopAsync().ConfigureAwait(false);
        }

        output.WriteLine("stopped: actor system terminated, owned kernel state removed");
        return 0;
    }
}
