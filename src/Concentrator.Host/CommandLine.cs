namespace Concentrator.Host;

internal enum Verb
{
    Run,
    CheckConfig,
    Version,
    Help,
}

internal sealed record CommandLine(Verb Verb, string ConfigFile, string? Error)
{
    public const string Usage =
        "usage: concentrator [run|check-config|version|help] [--config <HOCON file>]  (default config: ./HOCON.conf)";

    public static CommandLine Parse(string[] args)
    {
        var verb = Verb.Run;
        var config = "HOCON.conf";
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "run": verb = Verb.Run; break;
                case "check-config": verb = Verb.CheckConfig; break;
                case "version" or "--version": verb = Verb.Version; break;
                case "help" or "--help" or "-h": verb = Verb.Help; break;
                case "--config" or "-c":
                    if (i + 1 >= args.Length)
                    {
                        return new CommandLine(verb, config, "--config needs a file path");
                    }

                    config = args[++i];
                    break;
                default:
                    return new CommandLine(verb, config, $"unknown argument '{args[i]}'");
            }
        }

        return new CommandLine(verb, config, null);
    }
}
