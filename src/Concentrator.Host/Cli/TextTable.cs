using System.Text;

namespace Concentrator.Host.Cli;

/// <summary>A plain text table as the management verbs print it: a header row, columns left-aligned and padded to
/// their widest cell, two spaces between columns, no trailing blanks (so it greps and diffs well).</summary>
internal static class TextTable
{
    public static string Render(IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string>> rows)
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rows);
        var all = new List<IReadOnlyList<string>> { headers };
        all.AddRange(rows);
        var widths = new int[headers.Count];
        foreach (var row in all)
        {
            if (row.Count != headers.Count)
            {
                throw new ArgumentException($"expected {headers.Count} cells, got {row.Count}", nameof(rows));
            }

            for (var i = 0; i < row.Count; i++)
            {
                widths[i] = Math.Max(widths[i], row[i].Length);
            }
        }

        // One builder for the whole table (a 100,000-row listing is some 10 MB of text): each cell appended, then its
        // padding; the trailing blanks of a line (empty last cells) cut off before the newline.
        var text = new StringBuilder(all.Count * (widths.Sum() + 2 * widths.Length + 1));
        foreach (var row in all)
        {
            for (var i = 0; i < row.Count; i++)
            {
                text.Append(row[i]);
                if (i < row.Count - 1)
                {
                    text.Append(' ', widths[i] + 2 - row[i].Length);
                }
            }

            var end = text.Length;
            while (end > 0 && text[end - 1] == ' ')
            {
                end--;
            }

            text.Length = end;
            text.Append('\n');
        }

        return text.ToString();
    }
}
