namespace Concentrator.Host.Import.Libreswan;

/// <summary>
/// Reads libreswan's ipsec.conf (ipsec.conf(5)): section lines (<c>config setup</c>, <c>conn NAME</c>), <c>include</c>
/// and <c>version</c> start at the first column; parameter lines <c>key=value</c> are indented and belong to the
/// section above them; <c>#</c> starts a comment outside double quotes. Included files (shell globs in the file name)
/// are read in place, relative to the including file's folder when not absolute.
/// </summary>
internal static class IpsecConfParser
{
    private const int MaxIncludeDepth = 10;

    public static IpsecConf Parse(string path)
    {
        var state = new State();
        ReadFile(Path.GetFullPath(path), state, depth: 0);
        return new IpsecConf(state.Setup, state.Conns, state.Warnings);
    }

    /// <summary>Parses text as if it were the file <paramref name="name"/> (includes resolve against the current folder).</summary>
    public static IpsecConf ParseText(string text, string name)
    {
        var state = new State();
        ReadLines(text.Split('\n'), name, Directory.GetCurrentDirectory(), state, depth: 0);
        return new IpsecConf(state.Setup, state.Conns, state.Warnings);
    }

    private sealed class State
    {
        public List<ConfSetting> Setup { get; } = [];
        public List<ConnSection> Conns { get; } = [];
        public List<ImportWarning> Warnings { get; } = [];
        public List<ConfSetting>? Current { get; set; }
        public ConnSection? CurrentConn { get; set; }
    }

    private static void ReadFile(string path, State state, int depth)
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

        ReadLines(lines, path, Path.GetDirectoryName(path) ?? ".", state, depth);
    }

    private static void ReadLines(IReadOnlyList<string> lines, string file, string folder, State state, int depth)
    {
        for (int i = 0; i < lines.Count; i++)
        {
            int number = i + 1;
            string raw = lines[i].TrimEnd('\r');
            string line = ConfText.StripComment(raw);
            if (line.Trim().Length == 0)
            {
                continue;
            }

            bool indented = char.IsWhiteSpace(line[0]);
            string text = line.Trim();
            if (!indented)
            {
                string[] words = text.Split((char[]?)null, 2, StringSplitOptions.RemoveEmptyEntries);
                switch (words[0])
                {
                    case "version":
                        state.Current = null;
                        continue;
                    case "config" when words.Length == 2 && words[1] == "setup":
                        state.Current = state.Setup;
                        state.CurrentConn = null;
                        continue;
                    case "conn" when words.Length == 2:
                        var conn = new ConnSection(words[1].Trim(), file, number);
                        state.Conns.Add(conn);
                        state.Current = conn.Settings;
                        state.CurrentConn = conn;
                        continue;
                    case "include" when words.Length == 2:
                        Include(ConfText.Unquote(words[1].Trim()), file, number, folder, state, depth);
                        continue;
                }

                if (!text.Contains('=', StringComparison.Ordinal))
                {
                    state.Warnings.Add(new ImportWarning(file, number, null, null, $"not a section, include or parameter line, ignored: '{text}'"));
                    state.Current = null;
                    continue;
                }
            }

            int eq = text.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                state.Warnings.Add(new ImportWarning(file, number, state.CurrentConn?.Name, null, $"expected key=value, ignored: '{text}'"));
                continue;
            }

            string key = text[..eq].Trim();
            string value = ConfText.Unquote(text[(eq + 1)..].Trim());
            if (state.Current is null)
            {
                state.Warnings.Add(new ImportWarning(file, number, null, key, "a parameter outside any section, ignored"));
                continue;
            }

            // also= may be written several times (each names more conns to include); any other key only once.
            if (key != "also" && state.Current.FindIndex(s => s.Key == key) is var at and >= 0)
            {
                state.Warnings.Add(new ImportWarning(file, number, state.CurrentConn?.Name, key,
                    $"set twice in one section (line {state.Current[at].Line} too): libreswan refuses that; the later value is taken"));
                state.Current.RemoveAt(at);
            }

            state.Current.Add(new ConfSetting(key, value, file, number));
        }
    }

    private static void Include(string pattern, string file, int line, string folder, State state, int depth)
    {
        if (depth >= MaxIncludeDepth)
        {
            throw new ImportException($"{file}:{line}: include nested deeper than {MaxIncludeDepth} files (a loop?)");
        }

        string[] files = ConfText.Include(pattern, folder);
        if (files.Length == 0)
        {
            // libreswan itself only warns when a glob matches nothing (an empty /etc/ipsec.d is normal).
            state.Warnings.Add(new ImportWarning(file, line, null, "include", $"'{pattern}' matches no file, skipped"));
            return;
        }

        foreach (var path in files)
        {
            ReadFile(path, state, depth + 1);
        }
    }
}
