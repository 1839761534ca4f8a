using System.Buffers.Binary;
using Seedtex.Cache.Testing;
using Seedtex.Core;

namespace Seedtex.Cache.Tests;

public class DiskStoreTests
{
    [Theory]
    [InlineData(0, 64)]  // smooth pixels: stored LZ4-compressed
    [InlineData(1, 64)]  // noise: stored raw
    [InlineData(2, 1)]
    public void Put_then_get_returns_the_same_pixels_and_metadata(int n, int size)
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        var key = TestEntries.Key(n, size);
        var entry = TestEntries.Entry(n, size);
        Assert.Null(store.TryGet(key));
        store.Put(key, entry);

        var hit = store.TryGet(key);
        Assert.NotNull(hit);
        Assert.Equal("disk", hit.TierName);
        Assert.True(TestEntries.Matches(hit.Entry, n, size));
        Assert.Equal(entry.Metadata.CreatedUtcTicks, hit.Entry.Metadata.CreatedUtcTicks);
        Assert.Equal(DateTimeKind.Utc, hit.Entry.Metadata.CreatedUtc.Kind);
        Assert.Equal(entry.Metadata.Request with { InitImage = null }, hit.Entry.Metadata.Request);
        Assert.Equal(TextureData.FullMipCount(size, size), hit.Entry.Texture.MipCount);
        Assert.True(File.Exists(store.PathFor(key)));
        Assert.Empty(Directory.EnumerateFiles(store.TempFolder));
    }

    [Fact]
    public void Smooth_pixels_are_stored_compressed_and_noise_raw()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        store.Put(TestEntries.Key(0, 128), TestEntries.Entry(0, 128));
        store.Put(TestEntries.Key(1, 128), TestEntries.Entry(1, 128));
        long pixels = TestEntries.Pixels(0, 128).Length;
        Assert.True(new FileInfo(store.PathFor(TestEntries.Key(0, 128))).Length < pixels / 4);
        Assert.True(new FileInfo(store.PathFor(TestEntries.Key(1, 128))).Length > pixels);
    }

    [Fact]
    public void Cubemaps_and_half_float_textures_round_trip()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        int mips = TextureData.FullMipCount(16, 16);
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba16Float, 16, 16, mips, 6)];
        new Random(5).NextBytes(pixels);
        var request = TestEntries.Request(9, 16) with { Kind = PipelineKind.Backdrop, Format = PixelFormat.Rgba16Float, Outputs = TextureOutputs.Cubemap };
        var entry = new CacheEntry(new TextureData(PixelFormat.Rgba16Float, 16, 16, mips, 6, pixels),
            CacheEntryMetadata.Describe(request, "fp", TimeSpan.FromSeconds(2), "sky_01"));
        var key = CacheKey.Derive(TestEntries.Key(9, 16), "cubemap");
        store.Put(key, entry);
        var hit = store.TryGet(key)!;
        Assert.Equal(6, hit.Entry.Texture.FaceCount);
        Assert.Equal(PixelFormat.Rgba16Float, hit.Entry.Texture.Format);
        Assert.Equal(pixels, hit.Entry.Texture.Pixels.ToArray());
        Assert.Equal("sky_01", hit.Entry.Metadata.AssetId);
        Assert.Equal(TimeSpan.FromSeconds(2), hit.Entry.Metadata.GenerationTime);
        Assert.Equal(PipelineKind.Backdrop, hit.Entry.Metadata.Request.Kind);
    }

    [Fact]
    public void A_header_claiming_four_gigabytes_fails_cleanly_without_allocating()
    {
        using var folder = new TempFolder();
        var problems = new List<CacheProblem>();
        var store = new DiskStore(folder.Path, onProblem: problems.Add);
        var key = TestEntries.Key(1, 64);
        store.Put(key, TestEntries.Entry(1, 64));
        string path = store.PathFor(key);
        byte[] bytes = File.ReadAllBytes(path);
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(32), 4L << 30); // stored payload length
        BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(40), 4L << 30); // pixel byte count
        File.WriteAllBytes(path, bytes);

        long before = GC.GetAllocatedBytesForCurrentThread();
        Assert.Null(store.TryGet(key));
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1 << 20);
        var problem = Assert.Single(problems);
        Assert.Contains("4294967296", problem.Reason, StringComparison.Ordinal);
        Assert.Equal(path, problem.Location);
        Assert.False(File.Exists(path)); // moved aside, so the next put can write a good one
        Assert.Single(Directory.EnumerateFiles(store.CorruptFolder));
        store.Put(key, TestEntries.Entry(1, 64));
        Assert.True(TestEntries.Matches(store.TryGet(key)!.Entry, 1, 64));
    }

    [Fact]
    public void An_entry_stored_under_another_key_is_not_served()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        store.Put(TestEntries.Key(1, 32), TestEntries.Entry(1, 32));
        var other = TestEntries.Key(2, 32);
        Directory.CreateDirectory(Path.GetDirectoryName(store.PathFor(other))!);
        File.Copy(store.PathFor(TestEntries.Key(1, 32)), store.PathFor(other));
        Assert.Null(store.TryGet(other));
        Assert.Equal(1, store.Stats().CorruptFiles);
    }

    [Fact]
    public void Failed_writes_at_any_offset_leave_no_entry_and_no_temp_file()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        var random = new Random(77);
        for (int n = 0; n < 120; n++)
        {
            var key = TestEntries.Key(n, 64);
            long full = EntryFile.Write(Stream.Null, key, TestEntries.Entry(n, 64));
            long failAt = random.NextInt64(0, full);
            store.WrapTempStream = inner => new FailingStream(inner, failAt);
            var e = Assert.Throws<SeedtexException>(() => store.Put(key, TestEntries.Entry(n, 64)));
            Assert.Equal(SeedtexErrorKind.Io, e.Kind);
            Assert.Contains("No space left on device", e.Message, StringComparison.Ordinal);
            Assert.False(File.Exists(store.PathFor(key)));
            Assert.Empty(Directory.EnumerateFiles(store.TempFolder));
            Assert.Null(store.TryGet(key));
        }
        store.WrapTempStream = null;
        store.Put(TestEntries.Key(5, 64), TestEntries.Entry(5, 64));
        Assert.True(TestEntries.Matches(store.TryGet(TestEntries.Key(5, 64))!.Entry, 5, 64));
        Assert.Equal(0, store.Stats().CorruptFiles);
    }

    [Fact]
    public void Size_cap_evicts_least_recently_used_first()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        var keys = Enumerable.Range(0, 6).Select(n => TestEntries.Key(n * 2 + 1, 64)).ToList();
        for (int i = 0; i < keys.Count; i++)
        {
            store.Put(keys[i], TestEntries.Entry(i * 2 + 1, 64));
            File.SetLastWriteTimeUtc(store.PathFor(keys[i]), DateTime.UtcNow.AddMinutes(-60 + i));
        }
        Assert.NotNull(store.TryGet(keys[0])); // a hit makes the oldest entry the newest
        long entryBytes = new FileInfo(store.PathFor(keys[0])).Length;

        var report = store.Collect(entryBytes * 3 + 100); // metadata lengths differ by a byte or two
        Assert.Equal(3, report.RemovedEntries);
        Assert.Equal(3, report.RemainingEntries);
        Assert.NotNull(store.TryGet(keys[0]));
        Assert.Null(store.TryGet(keys[1]));
        Assert.Null(store.TryGet(keys[2]));
        Assert.Null(store.TryGet(keys[3]));
        Assert.NotNull(store.TryGet(keys[4]));
        Assert.NotNull(store.TryGet(keys[5]));
    }

    [Fact]
    public void Puts_over_the_cap_collect_automatically()
    {
        using var folder = new TempFolder();
        long entryBytes;
        {
            var probe = new DiskStore(folder.File("probe"));
            probe.Put(TestEntries.Key(1, 64), TestEntries.Entry(1, 64));
            entryBytes = new FileInfo(probe.PathFor(TestEntries.Key(1, 64))).Length;
        }
        var store = new DiskStore(folder.File("store"), maxBytes: entryBytes * 4);
        for (int n = 1; n < 20; n += 2)
            store.Put(TestEntries.Key(n, 64), TestEntries.Entry(n, 64));
        var stats = store.Stats();
        Assert.True(stats.Bytes <= entryBytes * 4, $"{stats.Bytes} bytes over the cap of {entryBytes * 4}");
        Assert.NotNull(store.TryGet(TestEntries.Key(19, 64)));
    }

    [Fact]
    public void Verify_reads_everything_and_moves_damaged_entries_aside()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        for (int n = 0; n < 4; n++)
            store.Put(TestEntries.Key(n, 32), TestEntries.Entry(n, 32));
        string damaged = store.PathFor(TestEntries.Key(2, 32));
        byte[] bytes = File.ReadAllBytes(damaged);
        bytes[^1] ^= 0x10;
        File.WriteAllBytes(damaged, bytes);

        var report = store.Verify();
        Assert.Equal(4, report.Checked);
        var problem = Assert.Single(report.Problems);
        Assert.Equal(damaged, problem.Location);
        Assert.Contains("checksum", problem.Reason, StringComparison.Ordinal);
        Assert.Equal(3, store.Stats().Entries);
        Assert.Equal(1, store.Stats().CorruptFiles);
        Assert.Equal(3, store.List().Count(i => i.Problem == null));
    }

    [Fact]
    public void Listing_shows_what_each_entry_is()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        store.Put(TestEntries.Key(3, 32), TestEntries.Entry(3, 32));
        var info = Assert.Single(store.List());
        Assert.Equal(TestEntries.Key(3, 32), info.Key);
        Assert.Equal("test entry 3", info.Metadata!.Request.Prompt);
        Assert.Equal((32, 32, 6), (info.Width, info.Height, info.MipCount));
    }

    [Fact]
    public void Stale_temp_files_from_dead_writers_are_removed()
    {
        using var folder = new TempFolder();
        var store = new DiskStore(folder.Path);
        string stale = Path.Combine(store.TempFolder, "dead.tmp");
        string fresh = Path.Combine(store.TempFolder, "busy.tmp");
        File.WriteAllBytes(stale, new byte[10]);
        File.WriteAllBytes(fresh, new byte[10]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow - DiskStore.StaleTempAge - TimeSpan.FromMinutes(1));
        Assert.Equal(1, store.Collect(long.MaxValue).RemovedTempFiles);
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(fresh));
    }
}

/// <summary>Passes writes through until <c>failAt</c> bytes, then fails like a full disk (ENOSPC).</summary>
internal sealed class FailingStream(Stream inner, long failAt) : Stream
{
    private long _written;

    public override bool CanRead => false;
    public override bool CanSeek => false;
    public override bool CanWrite => true;
    public override long Length => _written;
    public override long Position { get => _written; set => throw new NotSupportedException(); }

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        if (_written + buffer.Length > failAt)
        {
            int part = (int)(failAt - _written);
            inner.Write(buffer[..part]);
            _written += part;
            throw new IOException("No space left on device");
        }
        inner.Write(buffer);
        _written += buffer.Length;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));
    public override void Flush() => inner.Flush();
    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
}
