using System.CommandLine;

namespace Concentrator.Host.Cli;

/// <summary><c>concentrator version</c>: prints the version and exits.</summary>
internal static class VersionVerb
{
    public static Command Create()
    {
        var command = new Command("version", "Print the version and exit.");
        command.SetAction(result =>
        {
            result.InvocationConfiguration.Output.WriteLine(Program.Banner);
            return 0;
        });
        return command;
    }
}
