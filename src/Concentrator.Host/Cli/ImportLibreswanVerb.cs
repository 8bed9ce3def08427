using System.CommandLine;
using System.Net;
using System.Net.NetworkInformation;
using Akka.Configuration;
using Concentrator.Host.Import;
using Concentrator.Host.Import.Libreswan;
using Concentrator.Server.Config;

namespace Concentrator.Host.Cli;

/// <summary>
/// <c>concentrator import-libreswan ipsec.conf [ipsec.secrets]</c>: writes a connection file for the config folder
/// from libreswan's conns (and PSKs), a warning per key left behind, a refusal per conn that cannot be served (IKEv1,
/// transport mode, …). The file it writes is read back through the connection-file loader before it is written, so
/// what it writes is what <c>check-config</c> reads. Exits 0 when at least one conn was imported, 65 when none could be.
/// </summary>
internal static class ImportLibreswanVerb
{
    public static Command Create()
    {
        var conf = new Argument<FileInfo>("ipsec.conf") { Description = "libreswan's ipsec.conf (its include lines are followed)." };
        var secrets = new Argument<FileInfo?>("ipsec.secrets") { Description = "libreswan's ipsec.secrets, for the pre-shared keys.", Arity = ArgumentArity.ZeroOrOne };
        var output = new Option<FileInfo?>("--output", "-o") { Description = "Write the connection file here (default: standard output).", HelpName = "FILE" };
        var local = new Option<string?>("--local") { Description = "Which end of every conn is this gateway (default: decided per conn).", HelpName = "left|right" };
        local.AcceptOnlyFromAmong("left", "right");
        var addresses = new Option<string[]>("--local-address") { Description = "An address of the gateway, to tell its end by left=/right= (default: this machine's addresses).", HelpName = "IP", AllowMultipleArgumentsPerToken = true };
        var conns = new Option<string[]>("--conn") { Description = "Import only these conns (default: all but %default).", HelpName = "NAME", AllowMultipleArgumentsPerToken = true };
        var command = new Command("import-libreswan", "Convert libreswan conns (ipsec.conf, ipsec.secrets) into a Concentrator connection file.")
        {
            conf, secrets, output, local, addresses, conns,
        };
        command.SetAction(result =>
        {
            var error = result.InvocationConfiguration.Error;
            var parsedAddresses = new List<IPAddress>();
            foreach (var text in result.GetValue(addresses) ?? [])
            {
                if (!IPAddress.TryParse(text, out var address))
                {
                    error.WriteLine($"concentrator: --local-address: expected an IP address, got '{text}'");
                    return ExitCodes.Usage;
                }

                parsedAddresses.Add(address);
            }

            var options = new ImportOptions(result.GetValue(local), parsedAddresses.Count > 0 ? parsedAddresses : MachineAddresses(), result.GetValue(conns) ?? []);
            return Run(result.GetValue(conf)!, result.GetValue(secrets), result.GetValue(output), options, result.InvocationConfiguration);
        });
        return command;
    }

    private static int Run(FileInfo conf, FileInfo? secrets, FileInfo? output, ImportOptions options, InvocationConfiguration console)
    {
        var error = console.Error;
        ImportResult result;
        try
        {
            var parsed = IpsecConfParser.Parse(conf.FullName);
            var secretWarnings = new List<ImportWarning>();
            var entries = secrets is null ? [] : IpsecSecretsParser.Parse(secrets.FullName, secretWarnings);
            result = LibreswanImporter.Import(parsed with { Warnings = [.. parsed.Warnings, .. secretWarnings] }, entries, options);
        }
        catch (ImportException e)
        {
            error.WriteLine($"concentrator: {e.Message}");
            return ExitCodes.NotFound;
        }

        foreach (var w in result.Warnings)
        {
            error.WriteLine($"warning: {w}");
        }

        foreach (var r in result.Refused)
        {
            error.WriteLine($"refused: {r}");
        }

        if (result.Connections.Count == 0)
        {
            error.WriteLine($"concentrator: nothing imported from {conf.FullName} ({result.Refused.Count} conn(s) refused)");
            return ExitCodes.DataError;
        }

        string fileName = output?.FullName ?? "(standard output)";
        string text = HoconConnectionWriter.Write(result, $"Imported from libreswan's {conf.Name} by `concentrator import-libreswan`.\n"
            + "Keys libreswan left at its defaults take Concentrator's (reference.conf); listen addresses are node-wide (HOCON.conf).");
        try
        {
            ConnectionFileSettings.From(ConfigurationFactory.ParseString(text), fileName);
        }
        catch (ConfigException e)
        {
            error.WriteLine($"concentrator: the imported connections do not load ({e.Message}); please report this with the input");
            return ExitCodes.Software;
        }

        if (output is null)
        {
            console.Output.Write(text);
        }
        else
        {
            File.WriteAllText(output.FullName, text);
        }

        error.WriteLine($"imported {result.Connections.Count} conn(s) into {fileName}: {string.Join(", ", result.Connections.Select(c => c.Name))}; "
            + $"{result.Refused.Count} refused, {result.Warnings.Count} warning(s)");
        return ExitCodes.Ok;
    }

    private static List<IPAddress> MachineAddresses() =>
        NetworkInterface.GetAllNetworkInterfaces().SelectMany(i => i.GetIPProperties().UnicastAddresses).Select(a => a.Address).ToList();
}
