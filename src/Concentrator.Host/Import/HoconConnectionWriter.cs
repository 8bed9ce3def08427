using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Concentrator.Host.Import.Libreswan;

namespace Concentrator.Host.Import;

/// <summary>Writes imported connections as a connection file of the config folder: connections in order, then the
/// pools they name and the secrets. Strings are written as JSON strings, which HOCON reads as they are.</summary>
internal static class HoconConnectionWriter
{
    public static string Write(ImportResult result, string header)
    {
        var w = new StringBuilder();
        foreach (var line in header.Split('\n'))
        {
            w.Append("# ").AppendLine(line.TrimEnd());
        }

        foreach (var c in result.Connections)
        {
            w.AppendLine();
            if (c.SourceName != c.Name)
            {
                w.AppendLine($"# libreswan conn {c.SourceName}");
            }

            w.AppendLine($"{c.Name} {{");
            End(w, "local", c.Local);
            End(w, "remote", c.Remote);
            List(w, "ike-proposals", c.IkeProposals);
            List(w, "esp-proposals", c.EspProposals);
            List(w, "local-ts", c.LocalTs);
            List(w, "remote-ts", c.RemoteTs);
            if (c.Pool is not null)
            {
                List(w, "pools", [c.Pool]);
            }

            Value(w, "ipsec-interface", c.IpsecInterface);
            Value(w, "interface-ip", c.InterfaceIp);
            Value(w, "unique", c.Unique);
            Value(w, "start-action", c.StartAction);
            if (c.DpdDelay is not null || c.DpdTimeout is not null)
            {
                w.AppendLine("  dpd {");
                Value(w, "delay", c.DpdDelay, "    ");
                Value(w, "timeout", c.DpdTimeout, "    ");
                w.AppendLine("  }");
            }

            if (c.IkeLifetime is not null || c.ChildLifetime is not null)
            {
                w.AppendLine("  lifetimes {");
                Value(w, "ike", c.IkeLifetime, "    ");
                Value(w, "child", c.ChildLifetime, "    ");
                w.AppendLine("  }");
            }

            w.AppendLine("}");
        }

        if (result.Pools.Count > 0)
        {
            w.AppendLine().AppendLine("pools {");
            foreach (var p in result.Pools)
            {
                w.AppendLine($"  {p.Name} {{");
                List(w, "addresses", [.. p.Addresses], "    ");
                if (p.Dns.Count > 0)
                {
                    List(w, "dns", [.. p.Dns], "    ");
                }

                w.AppendLine("  }");
            }

            w.AppendLine("}");
        }

        if (result.Secrets.Count > 0)
        {
            w.AppendLine().AppendLine("secrets {");
            foreach (var (id, secret) in result.Secrets)
            {
                w.AppendLine($"  {Quote(id)} = {Quote(secret)}");
            }

            w.AppendLine("}");
        }

        return w.ToString();
    }

    private static void End(StringBuilder w, string name, ImportedEnd end)
    {
        w.AppendLine($"  {name} {{");
        Value(w, "id", end.Id, "    ");
        Value(w, "auth", end.Auth, "    ");
        if (end.Certs.Count > 0)
        {
            List(w, "certs", end.Certs, "    ");
        }

        Value(w, "key", end.Key, "    ");
        if (end.CaCerts.Count > 0)
        {
            List(w, "cacerts", end.CaCerts, "    ");
        }

        if (end.Addrs.Count > 0)
        {
            List(w, "addrs", end.Addrs, "    ");
        }

        w.AppendLine("  }");
    }

    private static void Value(StringBuilder w, string key, string? value, string indent = "  ")
    {
        if (value is not null)
        {
            w.AppendLine($"{indent}{key} = {Quote(value)}");
        }
    }

    private static void List(StringBuilder w, string key, List<string>? values, string indent = "  ")
    {
        if (values is not null)
        {
            w.AppendLine($"{indent}{key} = [ {string.Join(", ", values.Select(Quote))} ]");
        }
    }

    // Readable output: DNs keep their '+', '<' and non-ASCII characters instead of \uXXXX escapes.
    private static readonly JsonSerializerOptions Relaxed = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private static string Quote(string value) => JsonSerializer.Serialize(value, Relaxed);
}
