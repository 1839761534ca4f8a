using Seedtex.Cache.Testing;

namespace Seedtex.Cache.Tests;

public class MemoryTierTests
{
    private static readonly long EntryBytes = TestEntries.Pixels(1, 64).Length + 1024;

    [Fact]
    public void Bounded_by_bytes_least_recently_used_leaves_first()
    {
        var tier = new MemoryTier(EntryBytes * 3);
        tier.Put(TestEntries.Key(1, 64), TestEntries.Entry(1, 64));
        tier.Put(TestEntries.Key(2, 64), TestEntries.Entry(2, 64));
        tier.Put(TestEntries.Key(3, 64), TestEntries.Entry(3, 64));
        Assert.NotNull(tier.TryGet(TestEntries.Key(1, 64))); // 2 is now the least recently used
        tier.Put(TestEntries.Key(4, 64), TestEntries.Entry(4, 64));

        Assert.Equal(3, tier.Count);
        Assert.Equal(EntryBytes * 3, tier.UsedBytes);
        Assert.Null(tier.TryGet(TestEntries.Key(2, 64)));
        foreach (int n in new[] { 1, 3, 4 })
            Assert.True(TestEntries.Matches(tier.TryGet(TestEntries.Key(n, 64))!.Entry, n, 64));
    }

    [Fact]
    public void One_big_texture_displaces_many_small_ones_and_oversized_ones_are_not_kept()
    {
        long big = TestEntries.Pixels(1, 256).Length + 1024;
        var tier = new MemoryTier(big + EntryBytes);
        for (int n = 0; n < 6; n++)
            tier.Put(TestEntries.Key(n, 64), TestEntries.Entry(n, 64));
        Assert.Equal(6, tier.Count); // a count bound would have said nothing about their weight
        tier.Put(TestEntries.Key(7, 256), TestEntries.Entry(7, 256));
        Assert.Equal(2, tier.Count);
        Assert.True(tier.UsedBytes <= tier.CapacityBytes);

        var small = new MemoryTier(EntryBytes);
        small.Put(TestEntries.Key(7, 256), TestEntries.Entry(7, 256));
        Assert.Equal(0, small.Count);
    }

    [Fact]
    public void Putting_a_key_again_replaces_without_double_counting()
    {
        var tier = new MemoryTier(EntryBytes * 10);
        tier.Put(TestEntries.Key(1, 64), TestEntries.Entry(1, 64));
        tier.Put(TestEntries.Key(1, 64), TestEntries.Entry(1, 64));
        Assert.Equal(1, tier.Count);
        Assert.Equal(EntryBytes, tier.UsedBytes);
    }
}
