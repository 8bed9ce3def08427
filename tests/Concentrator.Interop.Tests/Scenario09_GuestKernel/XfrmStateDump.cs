using System.Globalization;
using System.Text.RegularExpressions;

namespace Concentrator.Interop.Tests.Scenario09_GuestKernel;

/// <summary>One XFRM state as <c>ip -s xfrm state</c> prints it (iproute2's text: there is no JSON for xfrm).</summary>
internal sealed record XfrmStateEntry(string Source, string Destination, uint Spi, string Text)
{
    public bool HasIfId(uint ifId) => Text.Contains($"if_id 0x{ifId:x}", StringComparison.Ordinal);

    public bool HasOutputMark(uint mark) => Text.Contains($"output-mark 0x{mark:x}", StringComparison.Ordinal);

    public bool IsUdpEncapsulated => Text.Contains("encap type espinudp", StringComparison.Ordinal);

    /// <summary>lifetime current: bytes and packets the state has processed.</summary>
    public (long Bytes, long Packets) Counters
    {
        get
        {
            var m = XfrmStateDump.CountersPattern().Match(Text);
            return m.Success
                ? (long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), long.Parse(m.Groups[2].Value, CultureInfo.InvariantCulture))
                : throw new FormatException("no 'lifetime current' counters (was -s given?) in:\n" + Text);
        }
    }
}

internal static partial class XfrmStateDump
{
    /// <summary>The states of <c>ip [-s] xfrm state</c> output, one per "src A dst B" block.</summary>
    public static IReadOnlyList<XfrmStateEntry> Parse(string output)
    {
        var entries = new List<XfrmStateEntry>();
        foreach (var block in BlockStart().Split(output).Where(b => b.Trim().Length > 0))
        {
            var head = HeadPattern().Match(block);
            var spi = SpiPattern().Match(block);
            if (!head.Success || !spi.Success)
            {
                throw new FormatException("not an XFRM state:\n" + block);
            }

            entries.Add(new XfrmStateEntry(head.Groups[1].Value, head.Groups[2].Value,
                uint.Parse(spi.Groups[1].Value, NumberStyles.HexNumber, CultureInfo.InvariantCulture), block));
        }

        return entries;
    }

    [GeneratedRegex(@"(?m)^(?=src )")]
    private static partial Regex BlockStart();

    [GeneratedRegex(@"^src (\S+) dst (\S+)")]
    private static partial Regex HeadPattern();

    [GeneratedRegex(@"proto esp spi 0x([0-9a-f]+)")]
    private static partial Regex SpiPattern();

    [GeneratedRegex(@"(\d+)\(bytes\), (\d+)\(packets\)")]
    internal static partial Regex CountersPattern();
}
