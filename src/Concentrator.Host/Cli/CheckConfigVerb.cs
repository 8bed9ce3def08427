using System.CommandLine;
using Concentrator.Host.Configuration;
using Concentrator.Server.Config;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator check-config</c>: loads and validates the whole configuration, prints it and exits
/// (0 valid, 78 not).</summary>
internal static class CheckConfigVerb
{
    public static Command Create()
    {
        var config = ConcentratorCli.ConfigOption();
        var command = new Command("check-config", "Validate the configuration, print the effective values and exit.") { config };
        command.SetAction(result =>
        {
            var output = result.InvocationConfiguration.Output;
            output.WriteLine(Program.Banner);
            if (!ConfigFiles.TryLoad(result.GetValue(config)!, result.InvocationConfiguration.Error, out var loaded, out var definition))
            {
                return ExitCodes.Config;
            }

            ConfigPrinter.Print(loaded, output);
            output.WriteLine($"status: configuration is valid ({definition.Connections.Count} connection(s): {string.Join(", ", definition.Connections.Select(c => c.Name))}).");
            return 0;
        });
        return command;
    }
}
