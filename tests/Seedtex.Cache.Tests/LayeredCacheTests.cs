using Seedtex.Core;
using Seedtex.Cache.Testing;

namespace Seedtex.Cache.Tests;

public class LayeredCacheTests
{
    [Fact]
    public async Task Looks_in_memory_then_packs_then_disk_and_promotes_disk_hits()
    {
        using var folder = new TempFolder();
        string pack = PackTests.WritePack(folder.File("game.stxpack"), 1);
        var disk = new DiskStore(folder.File("store"));
        disk.Put(TestEntries.Key(2, 64), TestEntries.Entry(2, 64));
        using var cache = LayeredCache.Open(disk.Root, [pack], memoryBytes: 64 << 20);
        Assert.Equal(["memory", "pack:game.stxpack", "disk"], cache.Tiers.Select(t => t.Name));

        var fromPack = await cache.TryGetAsync(TestEntries.Key(1, 64), default);
        Assert.Equal("pack:game.stxpack", fromPack!.TierName);
        Assert.Equal("pack:game.stxpack", (await cache.TryGetAsync(TestEntries.Key(1, 64), default))!.TierName); // mapped: not copied up

        var fromDisk = await cache.TryGetAsync(TestEntries.Key(2, 64), default);
        Assert.Equal("disk", fromDisk!.TierName);
        var again = await cache.TryGetAsync(TestEntries.Key(2, 64), default);
        Assert.Equal("memory", again!.TierName);
        Assert.True(TestEntries.Matches(again.Entry, 2, 64));

        Assert.Null(await cache.TryGetAsync(TestEntries.Key(3, 64), default));
    }

    [Fact]
    public async Task Put_reaches_memory_and_disk_so_another_process_hits()
    {
        using var folder = new TempFolder();
        using (var cache = LayeredCache.Open(folder.Path, [], memoryBytes: 64 << 20))
            await cache.PutAsync(TestEntries.Key(5, 64), TestEntries.Entry(5, 64), default);
        using var later = LayeredCache.Open(folder.Path, [], memoryBytes: 64 << 20);
        var hit = await later.TryGetAsync(TestEntries.Key(5, 64), default);
        Assert.Equal("disk", hit!.TierName);
        Assert.True(TestEntries.Matches(hit.Entry, 5, 64));
    }

    [Fact]
    public async Task A_damaged_pack_entry_is_reported_and_the_next_tier_answers()
    {
        using var folder = new TempFolder();
        string pack = PackTests.WritePack(folder.File("game.stxpack"), 1);
        byte[] bytes = File.ReadAllBytes(pack);
        bytes[^100] ^= 0x80;
        File.WriteAllBytes(pack, bytes);
        new DiskStore(folder.File("store")).Put(TestEntries.Key(1, 64), TestEntries.Entry(1, 64));

        var problems = new List<CacheProblem>();
        using var cache = LayeredCache.Open(folder.File("store"), [pack], 64 << 20, onProblem: problems.Add);
        var hit = await cache.TryGetAsync(TestEntries.Key(1, 64), default);
        Assert.Equal("disk", hit!.TierName);
        Assert.True(TestEntries.Matches(hit.Entry, 1, 64));
        var problem = Assert.Single(problems);
        Assert.Equal("pack:game.stxpack", problem.TierName);
        Assert.Contains(pack, problem.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_derived_texture_is_made_once_then_served_from_the_cache_under_the_derived_key()
    {
        using var folder = new TempFolder();
        var parent = TestEntries.Key(7, 64);
        var metadata = TestEntries.Entry(7, 64).Metadata;
        int derivations = 0;
        TextureData Derive()
        {
            Interlocked.Increment(ref derivations);
            return TestEntries.Entry(8, 64).Texture;
        }

        using (var cache = LayeredCache.Open(folder.Path, [], memoryBytes: 64 << 20))
        {
            var first = await cache.GetOrDeriveAsync(parent, "normal", "strength=2", metadata, Derive, default);
            Assert.False(first.CacheHit);
            Assert.Equal(CacheKey.Derive(parent, "normal", "strength=2"), first.Key);
            var second = await cache.GetOrDeriveAsync(parent, "normal", "strength=2", metadata, Derive, default);
            Assert.Equal("memory", second.CacheTier);
            var other = await cache.GetOrDeriveAsync(parent, "normal", "strength=3", metadata, Derive, default);
            Assert.False(other.CacheHit);
        }
        using var later = LayeredCache.Open(folder.Path, [], memoryBytes: 64 << 20);
        var fromDisk = await later.GetOrDeriveAsync(parent, "normal", "strength=2", metadata, Derive, default);
        Assert.Equal("disk", fromDisk.CacheTier);
        Assert.True(fromDisk.Texture.Pixels.Span.SequenceEqual(TestEntries.Entry(8, 64).Texture.Pixels.Span));
        Assert.Equal(2, derivations);
    }

    [Fact]
    public async Task A_cancelled_derivation_stores_nothing()
    {
        using var folder = new TempFolder();
        using var cache = LayeredCache.Open(folder.Path, [], memoryBytes: 64 << 20);
        using var cts = new CancellationTokenSource();
        var parent = TestEntries.Key(9, 64);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await cache.GetOrDeriveAsync(parent, "ao", "", TestEntries.Entry(9, 64).Metadata, () =>
        {
            cts.Cancel();
            return TestEntries.Entry(9, 64).Texture;
        }, cts.Token));
        Assert.Null(await cache.TryGetAsync(CacheKey.Derive(parent, "ao"), default));
    }
}
