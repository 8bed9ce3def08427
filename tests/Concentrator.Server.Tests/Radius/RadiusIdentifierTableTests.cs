using Concentrator.Server.Radius;

namespace Concentrator.Server.Tests.Radius;

public sealed class RadiusIdentifierTableTests
{
    [Fact]
    public void TryAdd_256Values_EachGetsItsOwnIdentifierThenTheTableIsFull()
    {
        var table = new RadiusIdentifierTable<object>();
        var ids = new HashSet<byte>();

        for (var i = 0; i < 256; i++)
        {
            Assert.True(table.TryAdd(new object(), out var id));
            ids.Add(id);
        }

        Assert.Equal(256, ids.Count);
        Assert.True(table.IsFull);
        Assert.False(table.TryAdd(new object(), out _));
    }

    [Fact]
    public void TryAdd_AfterARemove_ReusesTheFreedIdentifierOnlyWhenNothingNewerIsFree()
    {
        var table = new RadiusIdentifierTable<object>();
        var first = new object();
        Assert.True(table.TryAdd(first, out var firstId));
        Assert.True(table.Remove(firstId, first));

        Assert.True(table.TryAdd(new object(), out var next));

        // Round-robin: a late reply to the freed Identifier does not meet the next request.
        Assert.NotEqual(firstId, next);
    }

    [Fact]
    public void Remove_AnotherValueUnderTheIdentifier_LeavesTheEntry()
    {
        var table = new RadiusIdentifierTable<object>();
        var held = new object();
        Assert.True(table.TryAdd(held, out var id));

        Assert.False(table.Remove(id, new object()));
        Assert.Same(held, table.Get(id));
        Assert.Equal(1, table.Count);
    }
}
