using System.Text.Encodings.Web;
using System.Text.Json;
using Concentrator.Host.Configuration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;

namespace Concentrator.Host.Hosting;

/// <summary>
/// Microsoft.Extensions.Logging as the process's one sink, on the console: <c>text</c> is the simple formatter on
/// one line per event (timestamp, level, category, event id, the actor path scope, the message), or under systemd
/// its formatter (the journald priority prefix, journald keeps the time); <c>json</c> is the JSON console formatter.
/// The per-category levels are the <c>Logging:LogLevel</c> configuration section, which the logger filter options
/// are bound from and re-bound when the configuration reloads (set the key, Reload()): the hook for changing a level
/// at run time.
/// </summary>
internal static class ConsoleLogging
{
    public const string TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";

    public static void Configure(ILoggingBuilder logging, IConfigurationManager configuration, LoggingSettings settings, LogFormat format)
    {
        configuration.AddInMemoryCollection(settings.AsConfiguration());
        logging.ClearProviders();
        logging.AddConfiguration(configuration.GetSection("Logging"));
        logging.AddConsole();
        logging.Services.Configure<ConsoleFormatterOptions>(o => o.IncludeScopes = true);
        if (format == LogFormat.Json)
        {
            logging.AddJsonConsole(o =>
            {
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = "O";
                // Identities and paths as written ('+', '\'' and non-ASCII unescaped); still valid JSON.
                o.JsonWriterOptions = new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
            });
        }
        else if (!Microsoft.Extensions.Hosting.Systemd.SystemdHelpers.IsSystemdService())
        {
            logging.AddSimpleConsole(o =>
            {
                o.SingleLine = true;
                o.IncludeScopes = true;
                o.UseUtcTimestamp = true;
                o.TimestampFormat = TimestampFormat;
            });
        }
    }
}
