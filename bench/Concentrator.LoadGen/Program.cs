using System.CommandLine;
using System.CommandLine.Help;
using Concentrator.LoadGen.Cli;
using Concentrator.LoadGen.Engine;
using Concentrator.LoadGen.Reporting;

ParseResult parsed = OptionsParser.Command().Parse(args);
if (parsed.Action is HelpAction)
{
    return parsed.Invoke();
}

LoadGenOptions options;
try
{
    options = OptionsParser.From(parsed);
}
catch (FormatException ex)
{
    await Console.Error.WriteLineAsync($"concentrator-loadgen: {ex.Message}\nconcentrator-loadgen --help lists the options").ConfigureAwait(false);
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

LoadSwarm swarm;
try
{
    swarm = new LoadSwarm(options, Console.Out);
}
catch (FormatException ex)
{
    await Console.Error.WriteLineAsync($"concentrator-loadgen: {ex.Message}").ConfigureAwait(false);
    return 2;
}

using var owned = swarm;
LoadReport report = await swarm.RunAsync(cancel.Token).ConfigureAwait(false);
Console.Write(report.ToText());
if (options.JsonPath is { } path)
{
    await File.WriteAllTextAsync(path, report.ToJson()).ConfigureAwait(false);
}

// Exit status 1 tells scripts that some setups failed; the report says which and why.
return report.Failed == 0 ? 0 : 1;
