namespace Concentrator.Host.Import.Libreswan;

/// <summary>What ipsec.conf and ipsec.secrets share: '#' comments outside double quotes, quoted values.</summary>
internal static class ConfText
{
    public static string StripComment(string line)
    {
        bool quoted = false;
        for (int i = 0; i < line.Length; i++)
        {
            if (line[i] == '"')
            {
                quoted = !quoted;
            }
            else if (line[i] == '#' && !quoted)
            {
                return line[..i];
            }
        }

        return line;
    }

    public static string Unquote(string value) =>
        value.Length >= 2 && value[0] == '"' && value[^1] == '"' ? value[1..^1] : value;

    /// <summary>The files an <c>include</c> names: a shell glob in the file name, relative to <paramref name="folder"/>
    /// unless absolute, in name order; none when nothing matches (libreswan only warns then).</summary>
    public static string[] Include(string pattern, string folder)
    {
        string full = Path.IsPathRooted(pattern) ? pattern : Path.Combine(folder, pattern);
        string dir = Path.GetDirectoryName(full) ?? ".";
        return Directory.Exists(dir) ? Directory.GetFiles(dir, Path.GetFileName(full)).Order(StringComparer.Ordinal).ToArray() : [];
    }
}
