using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Concentrator.Server.Pools;

namespace Concentrator.Server.Tests.Pools;

public sealed class AddressPoolTests
{
    private static AddressPool Pool(string prefix) => new(IPNetwork.Parse(prefix));

    [Fact]
    public void Acquire_Ipv4Slash30_SkipsNetworkAndBroadcast()
    {
        var pool = Pool("10.99.0.0/30");

        var a = pool.Acquire("a", 1);
        var b = pool.Acquire("b", 2);
        var c = pool.Acquire("c", 3);

        Assert.Equal(IPAddress.Parse("10.99.0.1"), a);
        Assert.Equal(IPAddress.Parse("10.99.0.2"), b);
        Assert.Null(c);
        Assert.Equal(2UL, pool.Size);
    }

    [Fact]
    public void Acquire_Ipv6_SkipsSubnetRouterAnycast()
    {
        var pool = Pool("2001:db8:99::/64");

        Assert.Equal(IPAddress.Parse("2001:db8:99::1"), pool.Acquire("a", 1));
        Assert.Equal(IPAddress.Parse("2001:db8:99::2"), pool.Acquire("b", 2));
        Assert.Equal(AddressFamily.InterNetworkV6, pool.Family);
    }

    [Fact]
    public void Acquire_SingleAddressSlash32_HandsItOut()
    {
        var pool = Pool("10.99.0.7/32");

        Assert.Equal(IPAddress.Parse("10.99.0.7"), pool.Acquire("a", 1));
        Assert.Null(pool.Acquire("b", 2));
    }

    [Fact]
    public void Acquire_SameIdentityAfterRelease_GetsSameAddressBack()
    {
        var pool = Pool("10.99.0.0/24");
        var first = pool.Acquire("alice", 1)!;
        pool.Acquire("bob", 2);

        Assert.True(pool.Release(first, 1));
        pool.Acquire("carol", 3);
        var again = pool.Acquire("alice", 4);

        Assert.Equal(first, again);
    }

    [Fact]
    public void Acquire_SameIdentityOldSaStillHoldsAndReclaim_TakesItOver()
    {
        var pool = Pool("10.99.0.0/24");
        var first = pool.Acquire("alice", 1)!;

        var second = pool.Acquire("alice", 2, reclaim: true);

        Assert.Equal(first, second);
        Assert.False(pool.Release(first, 1)); // the old SA's late delete must not free the new SA's address
        Assert.Equal(1, pool.Online);
    }

    [Fact]
    public void Acquire_SameIdentityOldSaHoldsAndClientRequestsItWithoutReclaim_GetsAnotherAddress()
    {
        // Without reclaim (unique = never) a live SA's address is never taken, even by its own identity.
        var pool = Pool("10.99.0.0/24");
        var first = pool.Acquire("alice", 1)!;

        var second = pool.Acquire("alice", 2, requested: first);

        Assert.NotNull(second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void Acquire_SameIdentityTwoLiveDevices_SecondGetsAddressOfItsOwn()
    {
        var pool = Pool("10.99.0.0/24");
        var first = pool.Acquire("shared", 1)!;

        var second = pool.Acquire("shared", 2)!;
        Assert.NotEqual(first, second);

        // The second device's address is not remembered for the identity: the first one is.
        Assert.True(pool.Release(second, 2));
        Assert.True(pool.Release(first, 1));
        Assert.Equal(first, pool.Acquire("shared", 3));
    }

    [Fact]
    public void Acquire_Exhausted_ReturnsNullUntilRelease()
    {
        var pool = Pool("10.99.0.0/30");
        var a = pool.Acquire("a", 1)!;
        pool.Acquire("b", 2);

        Assert.Null(pool.Acquire("c", 3));
        pool.Release(a, 1);

        // c takes a's offline lease (nothing never-used is left); a loses its claim.
        Assert.Equal(a, pool.Acquire("c", 3));
        Assert.Null(pool.LeaseOf("a"));
    }

    [Fact]
    public void Acquire_FullPoolSecondDeviceOfIdentity_Exhausted()
    {
        var pool = Pool("10.99.0.0/29"); // 6 addresses
        var held = Enumerable.Range(1, 6).Select(i => pool.Acquire("id" + i, (ulong)i)!).ToList();

        Assert.Null(pool.Acquire("id1", 100));
        pool.Release(held[0], 1);
        Assert.Equal(held[0], pool.Acquire("id1", 7));
    }

    [Fact]
    public void Acquire_FullPool_PrefersFreedAddressOverOthersOfflineLease()
    {
        var pool = Pool("10.99.0.0/30"); // 2 addresses
        var primary = pool.Acquire("shared", 1)!;
        var second = pool.Acquire("shared", 2)!;

        pool.Release(primary, 1); // remembered for "shared"
        pool.Release(second, 2);  // remembered for nobody

        Assert.Equal(second, pool.Acquire("newcomer", 3));
        Assert.Equal(primary, pool.Acquire("shared", 4));
    }

    [Fact]
    public void Release_WrongSaOrForeignAddress_ReturnsFalse()
    {
        var pool = Pool("10.99.0.0/24");
        var a = pool.Acquire("a", 1)!;

        Assert.False(pool.Release(a, 2));
        Assert.False(pool.Release(IPAddress.Parse("10.98.0.1"), 1));
        Assert.False(pool.Release(IPAddress.Parse("10.99.0.0"), 1));
        Assert.True(pool.Release(a, 1));
        Assert.False(pool.Release(a, 1));
    }

    [Fact]
    public void Acquire_65kPool_FillsAndRecyclesInLinearTime()
    {
        var pool = Pool("10.64.0.0/16");
        var sw = Stopwatch.StartNew();
        var addresses = new IPAddress[65534];
        for (var i = 0; i < addresses.Length; i++)
        {
            addresses[i] = pool.Acquire("client" + i, (ulong)i)!;
        }

        Assert.Null(pool.Acquire("late", 1_000_000));
        Assert.Equal(65534, addresses.Distinct().Count());
        Assert.Equal(IPAddress.Parse("10.64.255.254"), addresses[^1]);
        for (var i = 0; i < addresses.Length; i++)
        {
            pool.Release(addresses[i], (ulong)i);
        }

        // Every new identity now takes the oldest offline lease: still one step each.
        for (var i = 0; i < addresses.Length; i++)
        {
            Assert.Equal(addresses[i], pool.Acquire("new" + i, (ulong)(100_000 + i)));
        }

        // Not a timing claim, a guard against a quadratic scan (65k² steps would take minutes).
        Assert.True(sw.Elapsed < TimeSpan.FromSeconds(20), $"took {sw.Elapsed}");
    }
}
