namespace Concentrator.Host.Import.Libreswan;

/// <summary>One entry of ipsec.secrets: the identities it is for (none = any), its kind (PSK, RSA, ECDSA, XAUTH,
/// …) and its value as written (a PSK without its quotes).</summary>
internal sealed record SecretEntry(IReadOnlyList<string> Selectors, string Kind, string Value, string File, int Line);

/// <summary>
/// Reads libreswan's ipsec.secrets (ipsec.secrets(5)): <c>[selectors] : KIND value</c>, where a PSK is a quoted
/// string, <c>0x</c> hex or <c>0s</c> base64; an entry may continue on indented lines (RSA key blocks in braces);
/// <c>include</c> lines read more files; <c>#</c> starts a comment.
/// </summary>
internal static class IpsecSecretsParser
{
    public static List<SecretEntry> Parse(string path, List<ImportWarning> warnings)
    {
        var entries = new List<SecretEntry>();
        Read(Path.GetFullPath(path), entries, warnings, 0);
        return entries;
    }

    private static void Read(string path, List<SecretEntry> entries, List<ImportWarning> warnings, int depth)
    {
        string[] lines;
        try
        {
            lines = File.ReadAllLines(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ImportException($"{path}: cannot be read: {e.Message}");
        }

        // Entries are joined across indented continuation lines first.
        var logical = new List<(int Line, string Text)>();
        for (int i = 0; i < lines.Length; i++)
        {
            string line = ConfText.StripComment(lines[i].TrimEnd('\r'));
            if (line.Trim().Length == 0)
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]) && logical.Count > 0)
            {
                logical[^1] = (logical[^1].Line, logical[^1].Text + " " + line.Trim());
            }
            else
            {
                logical.Add((i + 1, line.Trim()));
            }
        }

        foreach (var (number, text) in logical)
        {
            if (text.StartsWith("include ", StringComparison.Ordinal))
            {
                if (depth >= 10)
                {
                    throw new ImportException($"{path}:{number}: include nested deeper than 10 files (a loop?)");
                }

                string pattern = ConfText.Unquote(text["include ".Length..].Trim());
                var files = ConfText.Include(pattern, Path.GetDirectoryName(path) ?? ".");
                if (files.Length == 0)
                {
                    warnings.Add(new ImportWarning(path, number, null, "include", $"'{pattern}' matches no file, skipped"));
                }

                foreach (var f in files)
                {
                    Read(f, entries, warnings, depth + 1);
                }

                continue;
            }

            int colon = FindSeparator(text);
            if (colon < 0)
            {
                warnings.Add(new ImportWarning(path, number, null, null, "expected 'selectors : KIND value', ignored"));
                continue;
            }

            var selectors = text[..colon].Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
                .Select(ConfText.Unquote).ToList();
            string rest = text[(colon + 1)..].Trim();
            int space = rest.IndexOfAny([' ', '\t']);
            string kind = (space < 0 ? rest : rest[..space]).ToUpperInvariant();
            string value = space < 0 ? "" : ConfText.Unquote(rest[(space + 1)..].Trim());
            entries.Add(new SecretEntry(selectors, kind, value, path, number));
        }
    }

    /// <summary>The ':' that separates selectors from the secret: the first one followed by a space or the end and
    /// outside quotes (IPv6 selectors contain colons of their own).</summary>
    private static int FindSeparator(string text)
    {
        bool quoted = false;
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '"')
            {
                quoted = !quoted;
            }
            else if (text[i] == ':' && !quoted && (i + 1 == text.Length || char.IsWhiteSpace(text[i + 1])))
            {
                return i;
            }
        }

        return -1;
    }

}
