using System.Reflection;
using Concentrator.Host.Configuration;

namespace Concentrator.Host;

/// <summary>The headless executable. At this stage it loads and validates the configuration and prints it;
/// the IKEv2 responder, the actors and the dataplane are not wired in yet, and the output says so.</summary>
public static class Program
{
    public static int Main(string[] args) => Run(args, Console.Out, Console.Error);

    public static int Run(string[] args, TextWriter output, TextWriter error)
    {
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
        try
        {
            loaded = ConfigLoader.Load(options.ConfigFile);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"concentrator: configuration error: {e.Message}");
            return 78; // EX_CONFIG
        }

        ConfigPrinter.Print(loaded, output);
        output.WriteLine("status: configuration is valid. This build does not yet run the IKEv2 responder or program the kernel;");
        output.WriteLine("        it provides the IKEv2 codec, the crypto suite and the kernel layer, tested by the test command.");
        return 0;
    }

    public static string Version =>
        typeof(Program).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0]
        ?? "0.0.0";
}
