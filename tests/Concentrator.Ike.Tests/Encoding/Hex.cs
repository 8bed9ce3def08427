using System.Text;

namespace Concentrator.Ike.Tests.Encoding;

internal static class Hex
{
    /// <summary>Hex digits with any whitespace, '|' separators and '#' comments to end of line.</summary>
    public static byte[] Parse(string text)
    {
        var digits = new StringBuilder(text.Length);
        foreach (string line in text.Split('\n'))
        {
            int comment = line.IndexOf('#', StringComparison.Ordinal);
            string content = (comment >= 0 ? line[..comment] : line).Replace("0x", "", StringComparison.OrdinalIgnoreCase);
            foreach (char c in content)
            {
                if (Uri.IsHexDigit(c))
                {
                    digits.Append(c);
                }
            }
        }

        return Convert.FromHexString(digits.ToString());
    }
}
