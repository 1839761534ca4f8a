using System.Buffers;
using System.Runtime.InteropServices;
using Seedtex.Cache.Testing;
using Seedtex.Core;

namespace Seedtex.Cache.Tests;

public class PackTests
{
    internal static string WritePack(string path, params int[] numbers) => WritePack(path, 64, numbers);

    internal static string WritePack(string path, int size, int[] numbers)
    {
        var entries = numbers.Select(n => (Key: TestEntries.Key(n, size), N: n)).OrderBy(e => e.Key).ToList();
        using var writer = PackWriter.Create(path, entries.Count);
        foreach (var (key, n) in entries)
            writer.Add(key, TestEntries.Entry(n, size));
        writer.Commit();
        return path;
    }

    [Fact]
    public void Hits_are_views_of_the_mapped_file_with_the_stored_pixels()
    {
        using var folder = new TempFolder();
        using var pack = PackReader.Open(WritePack(folder.File("a.stxpack"), 1, 2, 3, 4, 5));
        Assert.Equal(5, pack.Count);
        Assert.Equal("pack:a.stxpack", pack.Name);
        for (int n = 1; n <= 5; n++)
        {
            var hit = pack.TryGet(TestEntries.Key(n, 64));
            Assert.NotNull(hit);
            Assert.True(hit.PixelsBorrowed);
            Assert.True(TestEntries.Matches(hit.Entry, n, 64));
            var pixels = hit.Entry.Texture.Pixels;
            Assert.False(MemoryMarshal.TryGetArray(pixels, out _)); // not a copy on the managed heap
            Assert.True(MemoryMarshal.TryGetMemoryManager<byte, MemoryManager<byte>>(pixels, out _));
        }
        Assert.Null(pack.TryGet(TestEntries.Key(6, 64)));
    }

    [Fact]
    public unsafe void Payloads_start_on_4_KiB_boundaries()
    {
        using var folder = new TempFolder();
        string path = WritePack(folder.File("a.stxpack"), 1, 2, 3);
        using var pack = PackReader.Open(path);
        using var file = File.OpenRead(path);
        foreach (var key in pack.Keys)
        {
            var pixels = pack.TryGet(key)!.Entry.Texture.Pixels;
            using var pin = pixels.Pin();
            Assert.Equal(0, (long)pin.Pointer % 4096); // the mapping starts page-aligned, so file offsets are too
        }
        Assert.Equal(0, file.Length % 4096);
    }

    [Fact]
    public void An_empty_pack_opens_and_misses()
    {
        using var folder = new TempFolder();
        using var pack = PackReader.Open(WritePack(folder.File("empty.stxpack")));
        Assert.Equal(0, pack.Count);
        Assert.Null(pack.TryGet(TestEntries.Key(1, 64)));
    }

    [Fact]
    public void Truncated_pack_fails_at_open_naming_the_file()
    {
        using var folder = new TempFolder();
        string path = WritePack(folder.File("game.stxpack"), 1, 2);
        byte[] bytes = File.ReadAllBytes(path);
        File.WriteAllBytes(path, bytes[..(bytes.Length - 4096)]);
        var e = Assert.Throws<SeedtexException>(() => PackReader.Open(path));
        Assert.Equal(SeedtexErrorKind.Corrupt, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains("truncated", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tampered_pixels_fail_at_read_naming_the_pack_and_entry()
    {
        using var folder = new TempFolder();
        string path = WritePack(folder.File("game.stxpack"), 1, 2);
        byte[] bytes = File.ReadAllBytes(path);
        bytes[^5000] ^= 1; // inside the last slot
        File.WriteAllBytes(path, bytes);
        using var pack = PackReader.Open(path);
        var failures = pack.Keys.Select(k => Record.Exception(() => pack.TryGet(k))).OfType<SeedtexException>().ToList();
        var e = Assert.Single(failures);
        Assert.Equal(SeedtexErrorKind.Corrupt, e.Kind);
        Assert.Contains(path, e.Message, StringComparison.Ordinal);
        Assert.Contains(pack.Keys[^1].ToString(), e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Writer_refuses_unsorted_keys_and_leaves_no_file_when_not_committed()
    {
        using var folder = new TempFolder();
        string path = folder.File("x.stxpack");
        var keys = new[] { 1, 2 }.Select(n => (Key: TestEntries.Key(n, 32), N: n)).OrderByDescending(e => e.Key).ToList();
        using (var writer = PackWriter.Create(path, 2))
        {
            writer.Add(keys[0].Key, TestEntries.Entry(keys[0].N, 32));
            Assert.Throws<InvalidOperationException>(() => writer.Add(keys[1].Key, TestEntries.Entry(keys[1].N, 32)));
        }
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }

    [Fact]
    public void Commit_replaces_an_existing_pack_in_one_step()
    {
        using var folder = new TempFolder();
        string path = WritePack(folder.File("a.stxpack"), 1);
        WritePack(path, 2, 3);
        using var pack = PackReader.Open(path);
        Assert.Equal(2, pack.Count);
        Assert.Null(pack.TryGet(TestEntries.Key(1, 64)));
        Assert.Single(Directory.EnumerateFileSystemEntries(folder.Path));
    }
}
