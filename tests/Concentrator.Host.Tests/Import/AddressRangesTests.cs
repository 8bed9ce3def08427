using System.Net;
using Concentrator.Host.Import.Libreswan;

namespace Concentrator.Host.Tests.Import;

public sealed class AddressRangesTests
{
    [Theory]
    [InlineData("100.64.13.2-100.64.13.254", "100.64.13.2", "100.64.13.254")]
    [InlineData("10.0.10.1-10.0.10.200", "10.0.10.1", "10.0.10.200")]
    [InlineData("192.0.2.101-192.0.2.101", "192.0.2.101", "192.0.2.101")]
    [InlineData("2001:db8::5-2001:db8::1:3", "2001:db8::5", "2001:db8::1:3")]
    public void ToPrefixes_Range_CoversExactlyTheRangeWithPoolsThatHaveRoom(string range, string first, string last)
    {
        var prefixes = AddressRanges.ToPrefixes(range)!.Select(IPNetwork.Parse).ToList();

        var covered = prefixes.SelectMany(Addresses).ToList();
        var expected = Enumerable.Range(0, (int)(Number(IPAddress.Parse(last)) - Number(IPAddress.Parse(first)) + 1))
            .Select(i => Number(IPAddress.Parse(first)) + (UInt128)i).ToList();
        Assert.Equal(expected, covered.Order());
        // Pools are /30 or shorter, or single addresses (two-address prefixes have no room for clients).
        Assert.All(prefixes, p => Assert.True(p.PrefixLength == (p.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128)
            || p.PrefixLength <= (p.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 30 : 126), p.ToString()));
    }

    [Theory]
    [InlineData("192.3.1.0/24", "192.3.1.0/24")]
    [InlineData("2001:db8:0:3:1::/97", "2001:db8:0:3:1::/97")]
    public void ToPrefixes_Prefix_Kept(string entry, string expected) => Assert.Equal([expected], AddressRanges.ToPrefixes(entry));

    [Theory]
    [InlineData("10.0.0.9-10.0.0.1")]
    [InlineData("10.0.0.1-2001:db8::1")]
    [InlineData("pool.example")]
    public void ToPrefixes_NotARange_Null(string entry) => Assert.Null(AddressRanges.ToPrefixes(entry));

    private static IEnumerable<UInt128> Addresses(IPNetwork network)
    {
        int bits = network.BaseAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetwork ? 32 : 128;
        UInt128 start = Number(network.BaseAddress);
        for (UInt128 i = 0; i < (UInt128.One << (bits - network.PrefixLength)); i++)
        {
            yield return start + i;
        }
    }

    private static UInt128 Number(IPAddress address) =>
        address.GetAddressBytes().Aggregate(UInt128.Zero, (n, b) => (n << 8) | b);
}
