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
}
