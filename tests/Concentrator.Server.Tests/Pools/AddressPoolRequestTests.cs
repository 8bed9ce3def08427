using System.Net;
using Concentrator.Server.Pools;

namespace Concentrator.Server.Tests.Pools;

/// <summary>An address the client asks for (RFC 7296 §3.15.1) and leases restored from the lease store.</summary>
public sealed class AddressPoolRequestTests
{
    private static AddressPool Pool() => new(IPNetwork.Parse("10.99.0.0/24"));

    private static IPAddress Ip(string s) => IPAddress.Parse(s);

    [Fact]
    public void Acquire_RequestedFreeAddress_Honoured()
    {
        var pool = Pool();

        Assert.Equal(Ip("10.99.0.77"), pool.Acquire("alice", 1, requested: Ip("10.99.0.77")));
        Assert.Equal(Ip("10.99.0.77"), pool.LeaseOf("alice"));
    }

    [Fact]
    public void Acquire_RequestedAddressHeldByAnotherIdentity_Refused()
    {
        var pool = Pool();
        var bobs = pool.Acquire("bob", 1)!;

        var alices = pool.Acquire("alice", 2, requested: bobs);

        Assert.NotNull(alices);
        Assert.NotEqual(bobs, alices);
    }

    [Fact]
    public void Acquire_RequestedAddressRememberedForAnotherIdentity_Refused()
    {
        var pool = Pool();
        var bobs = pool.Acquire("bob", 1)!;
        pool.Release(bobs, 1);

        Assert.NotEqual(bobs, pool.Acquire("alice", 2, requested: bobs));
        Assert.Equal(bobs, pool.Acquire("bob", 3));
    }

    [Fact]
    public void Acquire_RequestedOutsidePool_GetsPoolAddress()
    {
        var pool = Pool();

        Assert.Equal(Ip("10.99.0.1"), pool.Acquire("alice", 1, requested: Ip("192.0.2.1")));
    }

    [Fact]
    public void Acquire_AfterRequestTookAnAddressOutOfOrder_CursorSkipsIt()
    {
        var pool = Pool();
        pool.Acquire("alice", 1, requested: Ip("10.99.0.1"));

        Assert.Equal(Ip("10.99.0.2"), pool.Acquire("bob", 2));
    }

    [Fact]
    public void Acquire_OfflineIdentityRequestsAnotherFreeAddress_ClaimMovesAndOldAddressFreed()
    {
        var pool = Pool();
        var first = pool.Acquire("alice", 1)!;
        pool.Release(first, 1);
        var changes = new List<(string, IPAddress?)>();
        pool.ClaimChanged = (id, a) => changes.Add((id, a));

        Assert.Equal(Ip("10.99.0.50"), pool.Acquire("alice", 2, requested: Ip("10.99.0.50")));

        Assert.Equal([("alice", Ip("10.99.0.50"))], changes);
        Assert.Equal(first, pool.Acquire("bob", 3, requested: first));
    }

    [Fact]
    public void Restore_RememberedLease_OfflineAndGivenBackToItsIdentityOnly()
    {
        var pool = Pool();
        Assert.True(pool.Restore("alice", Ip("10.99.0.9")));
        Assert.False(pool.Restore("bob", Ip("10.99.0.9")));
        Assert.False(pool.Restore("carol", Ip("192.0.2.9")));

        Assert.NotEqual(Ip("10.99.0.9"), pool.Acquire("bob", 1, requested: Ip("10.99.0.9")));
        Assert.Equal(Ip("10.99.0.9"), pool.Acquire("alice", 2));
        Assert.Equal(0, pool.Used - 2); // bob's and alice's
    }
}
