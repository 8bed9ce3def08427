using System.CommandLine;
using Concentrator.Host.Configuration;
using Concentrator.Host.Management;

namespace Concentrator.Host.Cli;

/// <summary>What every management verb shares: <c>--socket</c> and <c>--json</c>, one <see cref="ManagementClient"/>,
/// and the exit codes of failures (69: no concentrator running, 77: refused, 66: no such SA, 64: a bad filter, 78: a reload refused).</summary>
internal static class ManagementVerb
{
    public static Option<string> SocketOption() => new("--socket", "-s")
    {
        Description = "The management socket of the running concentrator.",
        HelpName = "PATH",
        DefaultValueFactory = _ => ManagementSettings.DefaultSocket,
    };

    public static Option<bool> JsonOption() => new("--json")
    {
        Description = "Print the API's JSON answer instead of a table.",
    };

    /// <summary>A verb with <c>--socket</c> and <c>--json</c> whose action is <paramref name="run"/>.</summary>
    public static Command Create(string name, string description, IEnumerable<Symbol> more,
        Func<ParseResult, ManagementClient, bool, TextWriter, CancellationToken, Task> run)
    {
        var socket = SocketOption();
        var json = JsonOption();
        var command = new Command(name, description) { socket, json };
        foreach (var symbol in more)
        {
            switch (symbol)
            {
                case Option option:
                    command.Options.Add(option);
                    break;
                case Argument argument:
                    command.Arguments.Add(argument);
                    break;
            }
        }

        command.SetAction(async (result, stop) =>
        {
            var (output, error) = (result.InvocationConfiguration.Output, result.InvocationConfiguration.Error);
            using var client = new ManagementClient(result.GetValue(socket)!);
            try
            {
                await run(result, client, result.GetValue(json), output, stop).ConfigureAwait(false);
                return ExitCodes.Ok;
            }
            catch (ManagementException e)
            {
                await error.WriteLineAsync($"concentrator {name}: {e.Message}").ConfigureAwait(false);
                return e.Failure switch
                {
                    ManagementFailure.NoDaemon => ExitCodes.Unavailable,
                    ManagementFailure.Refused => ExitCodes.NoPermission,
                    ManagementFailure.NotFound => ExitCodes.NotFound,
                    ManagementFailure.Config => ExitCodes.Config,
                    _ => ExitCodes.Usage,
                };
            }
        });
        return command;
    }
}
