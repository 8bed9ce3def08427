using System.Net;
using System.Net.Sockets;

namespace Concentrator.Host.Import.Libreswan;

/// <summary>libreswan writes address pools as a prefix (<c>10.0.0.0/24</c>) or an inclusive range
/// (<c>100.64.13.2-100.64.13.254</c>); this project's pools are prefixes, so a range becomes the fewest prefixes
/// that cover exactly it.</summary>
internal static class AddressRanges
{
    /// <summary>The prefixes of one pool entry; null when it is neither a prefix nor a range of one family.</summary>
    public static List<string>? ToPrefixes(string entry)
    {
        entry = entry.Trim();
        int dash = entry.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return IPNetwork.TryParse(entry, out var network) ? [network.ToString()] : null;
        }

        if (!IPAddress.TryParse(entry[..dash].Trim(), out var first) || !IPAddress.TryParse(entry[(dash + 1)..].Trim(), out var last)
            || first.AddressFamily != last.AddressFamily)
        {
            return null;
        }

        int bits = first.AddressFamily == AddressFamily.InterNetwork ? 32 : 128;
        UInt128 start = ToNumber(first), end = ToNumber(last);
        if (start > end)
        {
            return null;
        }

        var prefixes = new List<string>();
        while (true)
        {
            // The largest block that starts at `start` (aligned) and ends no later than `end`.
            int size = 0;
            while (size < bits)
            {
                UInt128 block = UInt128.One << (size + 1);
                if ((start & (block - 1)) != 0 || start + block - 1 > end)
                {
                    break;
                }

                size++;
            }

            if (size == 1)
            {
                // A pool of two addresses (/31, /127) has no room for clients here; two single addresses have.
                prefixes.Add($"{FromNumber(start, first.AddressFamily)}/{bits}");
                prefixes.Add($"{FromNumber(start + 1, first.AddressFamily)}/{bits}");
            }
            else
            {
                prefixes.Add($"{FromNumber(start, first.AddressFamily)}/{bits - size}");
            }

            UInt128 next = start + (UInt128.One << size);
            if (size == bits || next - 1 >= end)
            {
                return prefixes;
            }

            start = next;
        }
    }

    private static UInt128 ToNumber(IPAddress address)
    {
        UInt128 value = 0;
        foreach (byte b in address.GetAddressBytes())
        {
            value = (value << 8) | b;
        }

        return value;
    }

    private static IPAddress FromNumber(UInt128 value, AddressFamily family)
    {
        var bytes = new byte[family == AddressFamily.InterNetwork ? 4 : 16];
        for (int i = bytes.Length - 1; i >= 0; i--)
        {
            bytes[i] = (byte)(value & 0xff);
            value >>= 8;
        }

        return new IPAddress(bytes);
    }
}
