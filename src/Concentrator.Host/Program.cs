using System.CommandLine;
using System.Reflection;
using Concentrator.Host.Cli;

namespace Concentrator.Host;

/// <summary>The headless executable: <c>run</c> serves until SIGTERM/SIGINT; <c>check-config</c> validates and prints
/// the configuration; <c>version</c> (<see cref="ConcentratorCli"/>).</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    /// <summary>Parses and runs one command line; <paramref name="stop"/> stops <c>run</c> as SIGTERM does.</summary>
    public static int Run(string[] args, TextWriter output, TextWriter error, CancellationToken stop = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var result = ConcentratorCli.Create().Parse(args);
        if (result.Errors.Count > 0)
        {
            foreach (var problem in result.Errors)
            {
                error.WriteLine($"concentrator: {problem.Message}");
            }

            error.WriteLine("usage: concentrator run|check-config|version|list-sas|show-sa|terminate|pools|interfaces|stats [options]; concentrator --help lists them");
            return ExitCodes.Usage;
        }

        // The Generic Host handles SIGTERM/SIGINT (ConsoleLifetime, or SystemdLifetime under systemd): System.CommandLine's
        // own handler is off.
        var configuration = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null };
        return result.InvokeAsync(configuration, stop).GetAwaiter().GetResult();
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";

    /// <summary>The first line every verb prints.</summary>
    public static string Banner => $"concentrator {Version}";
}
