using System.Net;
using System.Net.Sockets;
using Akka.Event;
using Concentrator.Ike.Sa;
using Concentrator.Server.Runtime;

namespace Concentrator.Server.Tests.Runtime;

public sealed class PoolAllocatorTests
{
    private static readonly IkeIdentity Alice = IkeIdentity.Parse("alice@example.org");
    private static readonly IkeIdentity Bob = IkeIdentity.Parse("bob@example.org");

    [Fact]
    public void Allocate_TwoPeers_DistinctAddressesFromThePool()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/30")]);

        var a = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false);
        var b = pools.Allocate(Bob, AddressFamily.InterNetwork, null, 2, reclaim: false);

        Assert.NotNull(a);
        Assert.NotNull(b);
        Assert.NotEqual(a, b);
        Assert.True(IPNetwork.Parse("10.99.0.0/30").Contains(a) && IPNetwork.Parse("10.99.0.0/30").Contains(b));
        Assert.Equal(2, pools.Online);
    }

    [Fact]
    public void Release_AfterAllocate_LeaseOfflineAndSamePeerGetsItBack()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")]);
        var first = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false)!;

        pools.Release(first, 1);

        Assert.Equal(0, pools.Online);
        Assert.Equal(first, pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false));
    }

    [Fact]
    public void Allocate_FamilyWithoutPool_ReturnsNull()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")]);

        Assert.Null(pools.Allocate(Alice, AddressFamily.InterNetworkV6, null, 1, reclaim: false));
    }

    [Fact]
    public void Allocate_FamilyWithoutPoolForManyClients_NothingAboveDebug()
    {
        var log = new List<(LogLevel Level, string Line)>();
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")], (level, line) => log.Add((level, line)));

        for (var n = 0; n < 100; n++)
        {
            Assert.Null(pools.Allocate(IkeIdentity.Parse($"c{n}@loadgen"), AddressFamily.InterNetworkV6, null, (ulong)n + 1, reclaim: false));
        }

        // A dual-stack client asking for IPv6 on an IPv4-only connection is no shortage: no Info or Warning line.
        Assert.DoesNotContain(log, e => e.Level >= LogLevel.InfoLevel);
        Assert.Equal(100, log.Count(e => e.Level == LogLevel.DebugLevel && e.Line.Contains("no InterNetworkV6 pool")));
    }

    [Fact]
    public void Allocate_PoolExhaustedForManyClients_OneWarningPerIntervalWithTheCount()
    {
        var log = new List<(LogLevel Level, string Line)>();
        var time = new ManualTime();
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/32")], (level, line) => log.Add((level, line)), time: time);
        var held = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false)!;
        List<string> Warnings() => [.. log.Where(e => e.Level == LogLevel.WarningLevel).Select(e => e.Line)];

        for (var n = 0; n < 100; n++)
        {
            Assert.Null(pools.Allocate(IkeIdentity.Parse($"c{n}@loadgen"), AddressFamily.InterNetwork, null, (ulong)n + 2, reclaim: false));
        }

        Assert.Equal(["no InterNetwork address left for c0@loadgen: 10.99.0.0/32 exhausted"], Warnings());

        time.Advance(PoolAllocator.ExhaustionReportInterval);
        Assert.Null(pools.Allocate(Bob, AddressFamily.InterNetwork, null, 200, reclaim: false));

        Assert.Equal(2, Warnings().Count);
        Assert.Equal("no InterNetwork address left: 10.99.0.0/32 exhausted, 100 request(s) refused in the last 10 s (latest bob@example.org)", Warnings()[1]);

        pools.Release(held, 1);
        Assert.NotNull(pools.Allocate(Bob, AddressFamily.InterNetwork, null, 201, reclaim: false));
        Assert.Contains((LogLevel.InfoLevel, "InterNetwork addresses available again; 101 request(s) refused while the pool was exhausted"), log);
    }

    [Fact]
    public void Allocate_PoolExhausted_ReturnsNull()
    {
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/32")]);
        Assert.NotNull(pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false));

        Assert.Null(pools.Allocate(Bob, AddressFamily.InterNetwork, null, 2, reclaim: false));
    }

    [Fact]
    public void Allocate_InitialContactWhileOldSaHoldsLease_SameAddressAndOldReleaseLeavesItHeld()
    {
        // unique = keep hands INITIAL_CONTACT through (replace always reclaims, never never does).
        var pools = new PoolAllocator([IPNetwork.Parse("10.99.0.0/24")], unique: Concentrator.Server.Config.UniquePolicy.Keep);
        var old = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 1, reclaim: false)!;

        var withoutReclaim = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 2, reclaim: false);
        var reclaimed = pools.Allocate(Alice, AddressFamily.InterNetwork, null, 3, reclaim: true);
        pools.Release(old, 1);

        // A second SA of the identity without INITIAL_CONTACT gets an address of its own; with it, the identity's.
        Assert.NotEqual(old, withoutReclaim);
        Assert.Equal(old, reclaimed);
        // The old SA (owner 1) ending later must not free the address the new SA (owner 3) now holds.
        Assert.Equal(2, pools.Online);
        Assert.NotEqual(old, pools.Allocate(Bob, AddressFamily.InterNetwork, old, 4, reclaim: false));
        pools.Release(old, 3);
        Assert.Equal(2, pools.Online);
    }

    private sealed class ManualTime : TimeProvider
    {
        private DateTimeOffset _now = new(2026, 12, 1, 0, 0, 0, TimeSpan.Zero);

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }
}
