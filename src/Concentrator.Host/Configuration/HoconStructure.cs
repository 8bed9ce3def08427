namespace Concentrator.Host.Configuration;

/// <summary>
/// Akka's HOCON parser silently accepts unbalanced braces, unterminated lists and keys without values, which
/// would let a truncated file start with half its connections. This check runs first and reports the line of
/// the first structural error: unbalanced <c>{}</c>/<c>[]</c>, an unterminated string, a key with no value.
/// </summary>
internal static class HoconStructure
{
    /// <summary>Returns null when the structure is sound, else a message that names the line.</summary>
    public static string? FindError(string text)
    {
        var open = new Stack<(char Bracket, int Line)>();
        var line = 1;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            switch (c)
            {
                case '\n':
                    line++;
                    break;
                case '#':
                case '/' when i + 1 < text.Length && text[i + 1] == '/':
                    while (i + 1 < text.Length && text[i + 1] != '\n')
                    {
                        i++;
                    }

                    break;
                case '"':
                    var startLine = line;
                    if (!SkipString(text, ref i, ref line))
                    {
                        return $"line {startLine}: unterminated string";
                    }

                    break;
                case '{' or '[':
                    open.Push((c, line));
                    break;
                case '}' or ']':
                    var expected = c == '}' ? '{' : '[';
                    if (open.Count == 0 || open.Peek().Bracket != expected)
                    {
                        return $"line {line}: '{c}' does not close anything";
                    }

                    open.Pop();
                    break;
                case '=' or ':' when NextSignificant(text, i + 1) is '\0' or '}' or ']' or '\n' or ',' or '=' or ':':
                    return $"line {line}: a key has '{c}' but no value";
            }
        }

        return open.Count == 0 ? null : $"line {open.Peek().Line}: '{open.Peek().Bracket}' is never closed";
    }

    private static bool SkipString(string text, ref int i, ref int line)
    {
        var triple = i + 2 < text.Length && text[i + 1] == '"' && text[i + 2] == '"';
        if (triple)
        {
            var end = text.IndexOf("\"\"\"", i + 3, StringComparison.Ordinal);
            if (end < 0)
            {
                return false;
            }

            line += text.AsSpan(i, end - i).Count('\n');
            i = end + 2;
            return true;
        }

        for (i++; i < text.Length; i++)
        {
            switch (text[i])
            {
                case '\\':
                    i++;
                    break;
                case '"':
                    return true;
                case '\n':
                    return false;
            }
        }

        return false;
    }

    private static char NextSignificant(string text, int from)
    {
        for (var i = from; i < text.Length; i++)
        {
            if (text[i] is not (' ' or '\t' or '\r'))
            {
                return text[i];
            }
        }

        return '\0';
    }
}
