namespace Concentrator.Ike.Tests.Crypto;

/// <summary>Reads the known-answer files under TestData/vectors: "# comment" lines, "[name]" starts a block,
/// "key = hex-or-number" lines fill it.</summary>
internal static class VectorFile
{
    public sealed record Block(string Name, IReadOnlyDictionary<string, string> Fields)
    {
        public byte[] Hex(string key) => Convert.FromHexString(Fields[key].Replace(" ", "", StringComparison.Ordinal));

        public bool Has(string key) => Fields.ContainsKey(key);

        public int Int(string key) => int.Parse(Fields[key], System.Globalization.CultureInfo.InvariantCulture);
    }

    public static IReadOnlyList<Block> Read(string fileName)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "TestData", "vectors", fileName);
        var blocks = new List<Block>();
        string? name = null;
        Dictionary<string, string>? fields = null;
        foreach (string raw in File.ReadLines(path))
        {
            string line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
                continue;
            if (line.StartsWith('['))
            {
                if (name is not null)
                    blocks.Add(new Block(name, fields!));
                name = line.Trim('[', ']');
                fields = new Dictionary<string, string>(StringComparer.Ordinal);
                continue;
            }
            int eq = line.IndexOf(" = ", StringComparison.Ordinal);
            fields![line[..eq].Trim()] = line[(eq + 3)..].Trim();
        }
        if (name is not null)
            blocks.Add(new Block(name, fields!));
        return blocks;
    }

    public static IEnumerable<object[]> Names(string fileName, string prefix) =>
        Read(fileName).Select((b, i) => (b, i)).Where(x => x.b.Name.StartsWith(prefix, StringComparison.Ordinal))
            .Select(x => new object[] { x.b.Name, x.i });
}

/// <summary>An IV source that hands out fixed octets, then repeats its last fill pattern.</summary>
internal sealed class FixedRandom(params byte[][] fills) : Concentrator.Ike.Crypto.IRandomSource
{
    private int _next;

    public int Calls => _next;

    public void Fill(Span<byte> destination)
    {
        byte[] source = fills[Math.Min(_next, fills.Length - 1)];
        _next++;
        source.AsSpan(0, destination.Length).CopyTo(destination);
    }
}
