using Seedtex.Cache.Testing;
using Xunit.Abstractions;

namespace Seedtex.Cache.Tests;

/// <summary>The disk store shared by real processes: writers killed with SIGKILL, and concurrent readers and writers.</summary>
public class MultiProcessTests(ITestOutputHelper log)
{
    [Fact]
    public async Task Writers_killed_at_random_points_never_leave_a_served_corrupt_entry()
    {
        using var folder = new TempFolder();
        const int Size = 256; // ~350 KB per entry: a write (with fsync) is long enough to be killed inside
        var random = new Random(9001);
        var firstNumbers = new List<int>();
        for (int kill = 0; kill < 100; kill++)
        {
            int first = kill * 1000 + 1; // odd: noise pixels, stored raw, the largest files
            firstNumbers.Add(first);
            using var worker = WorkerProcess.Start("write-forever", folder.Path, first.ToString(), Size.ToString());
            Assert.Equal("ready", await worker.StandardOutput.ReadLineAsync());
            await Task.Delay(random.Next(0, 60));
            worker.Kill(); // SIGKILL on Linux: no finally blocks, no flush
            await worker.WaitForExitAsync();
        }

        var store = new DiskStore(folder.Path);
        int served = 0;
        foreach (int first in firstNumbers)
        {
            for (int n = first; ; n++)
            {
                var hit = store.TryGet(TestEntries.Key(n, Size));
                if (hit is null)
                    break; // a writer writes its numbers in order: the first miss is where it was killed
                Assert.True(TestEntries.Matches(hit.Entry, n, Size), $"entry {n} served with wrong content");
                served++;
            }
        }
        var stats = store.Stats();
        Assert.Equal(served, stats.Entries);          // every entry on disk is one that reads back correctly
        Assert.Equal(0, stats.CorruptFiles);
        Assert.Empty(store.Verify().Problems);
        Assert.True(stats.TempFiles > 0, "no writer was killed mid-write; the test did not exercise the crash");
        log.WriteLine($"100 kills: {served} complete entries served correctly, {stats.TempFiles} writes cut off mid-way (temp files), 0 corrupt");

        Assert.Equal(stats.TempFiles, store.RemoveTempFiles(TimeSpan.Zero)); // leftovers of dead writers are collectable
        store.Put(TestEntries.Key(3, 64), TestEntries.Entry(3, 64));
        Assert.True(TestEntries.Matches(store.TryGet(TestEntries.Key(3, 64))!.Entry, 3, 64));
    }

    [Fact]
    public async Task Four_processes_with_mixed_gets_and_puts_on_overlapping_keys_lose_nothing()
    {
        using var folder = new TempFolder();
        const int Workers = 4, Ops = 500, Keys = 40, Size = 64;
        var processes = Enumerable.Range(1, Workers)
            .Select(w => WorkerProcess.Start("mixed", folder.Path, w.ToString(), Ops.ToString(), Keys.ToString(), Size.ToString()))
            .ToList();
        var putByAnyone = new HashSet<int>();
        int hits = 0;
        foreach (var process in processes)
        {
            using (process)
            {
                string output = await process.StandardOutput.ReadToEndAsync();
                string errors = await process.StandardError.ReadToEndAsync();
                await process.WaitForExitAsync();
                Assert.True(process.ExitCode == 0, $"worker exit {process.ExitCode}: {output} {errors}");
                var fields = output.Trim().Split(' ').Select(f => f.Split('=')).ToDictionary(f => f[0], f => f[1]);
                putByAnyone.UnionWith(fields["puts"].Split(',', StringSplitOptions.RemoveEmptyEntries).Select(int.Parse));
                hits += int.Parse(fields["hits"]);
            }
        }
        Assert.True(hits > 0);
        log.WriteLine($"{Workers} processes x {Ops} ops: {putByAnyone.Count} distinct keys put, {hits} verified hits");
        var store = new DiskStore(folder.Path);
        foreach (int n in putByAnyone)
        {
            var hit = store.TryGet(TestEntries.Key(n, Size));
            Assert.True(hit != null, $"entry {n} was put but is missing");
            Assert.True(TestEntries.Matches(hit.Entry, n, Size));
        }
        var stats = store.Stats();
        Assert.Equal(putByAnyone.Count, stats.Entries);
        Assert.Equal(0, stats.CorruptFiles);
        Assert.Equal(0, stats.TempFiles);
    }
}
