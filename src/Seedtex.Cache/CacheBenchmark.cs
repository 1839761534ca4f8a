using System.Diagnostics;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>Medians of the cache's hot paths, for `seedtex bench`. Times in milliseconds unless the name says otherwise.</summary>
/// <param name="TextureBytes">The benchmark texture: 1024x1024 RGBA8 with its full mip chain.</param>
/// <param name="DiskHitNoiseMs">Disk hit for noise-like pixels (stored raw: read + checksum).</param>
/// <param name="DiskHitSmoothMs">Disk hit for smooth pixels (stored LZ4: read + checksum + decode).</param>
/// <param name="DiskHitCpuMs">Process CPU time per raw disk hit (all threads, GC included): what the hit costs on an idle machine.</param>
/// <param name="DiskHitGcPauseMs">GC pause per raw disk hit: each hit allocates a fresh 5.6 MB array on the large object heap.</param>
/// <param name="PackFirstHitMs">The first hit after opening a pack: page faults on the mapped file included.</param>
/// <param name="LoadAverage">The machine's 1-minute load average while measuring (Linux), since wall times stretch under load.</param>
public sealed record CacheBenchResult(
    long TextureBytes, double KeyMicroseconds, double MemoryHitMs, double DiskHitNoiseMs, long DiskEntryNoiseBytes,
    double DiskHitCpuMs, double DiskHitGcPauseMs, double DiskHitSmoothMs, long DiskEntrySmoothBytes,
    double PackHitMs, double PackFirstHitMs, double PackOpenMs, string LoadAverage)
{
    public override string ToString() =>
        $"""
        texture                 1024x1024 RGBA8 + {TextureData.FullMipCount(1024, 1024) - 1} mips, {TextureBytes:N0} bytes
        key computation         {KeyMicroseconds:F2} us
        memory hit              {MemoryHitMs:F5} ms
        disk hit (raw, noise)   {DiskHitNoiseMs:F3} ms  ({DiskEntryNoiseBytes:N0} bytes on disk; CPU {DiskHitCpuMs:F3} ms, GC pause {DiskHitGcPauseMs:F3} ms per hit)
        disk hit (LZ4, smooth)  {DiskHitSmoothMs:F3} ms  ({DiskEntrySmoothBytes:N0} bytes on disk)
        pack hit (span)         {PackHitMs:F4} ms  (first after open {PackFirstHitMs:F3} ms, open {PackOpenMs:F3} ms)
        load average            {LoadAverage}
        """;
}

public static class CacheBenchmark
{
    private const int Size = 1024;

    /// <summary>Builds a disk store and a pack under <paramref name="workDir"/> (deleted afterwards) and times each kind of hit.</summary>
    public static CacheBenchResult Run(string workDir)
    {
        string root = Path.Combine(workDir, $"seedtex-cache-bench-{Environment.ProcessId}");
        try
        {
            return Measure(root);
        }
        finally
        {
            if (Directory.Exists(root))
                Directory.Delete(root, recursive: true);
        }
    }

    private static CacheBenchResult Measure(string root)
    {
        var context = new CacheKeyContext(new string('a', 64));
        var request = new TextureRequest
        {
            Prompt = "weathered red brick wall with moss in the mortar, seamless, photographic, soft daylight",
            NegativePrompt = "blurry, text, watermark",
            Seed = 123456789,
            Width = Size,
            Height = Size,
            Steps = 20,
            Guidance = 7.5f,
            Scheduler = "euler_a",
            Tiling = TileAxes.XY,
        };
        var noiseKey = CacheKey.Compute(request, context);
        var smoothKey = CacheKey.Compute(request with { Seed = 1 }, context);
        var noise = MakeEntry(request, context, smooth: false);
        var smooth = MakeEntry(request with { Seed = 1 }, context, smooth: true);

        double keyUs = Median(20000, () => CacheKey.Compute(request, context)) * 1000;

        var memory = new MemoryTier(64L << 20);
        memory.Put(noiseKey, noise);
        double memoryMs = Median(20000, () => memory.TryGet(noiseKey));

        var disk = new DiskStore(Path.Combine(root, "store"));
        disk.Put(noiseKey, noise);
        disk.Put(smoothKey, smooth);
        double diskNoiseMs = Median(60, () => disk.TryGet(noiseKey));
        double diskSmoothMs = Median(60, () => disk.TryGet(smoothKey));
        var (diskCpuMs, diskGcMs) = CostPerCall(60, () => disk.TryGet(noiseKey));

        string packPath = Path.Combine(root, "bench.stxpack");
        using (var writer = PackWriter.Create(packPath, 2))
        {
            foreach (var (key, entry) in new[] { (noiseKey, noise), (smoothKey, smooth) }.OrderBy(e => e.Item1))
                writer.Add(key, entry);
            writer.Commit();
        }
        var clock = Stopwatch.StartNew();
        using var pack = PackReader.Open(packPath);
        double openMs = clock.Elapsed.TotalMilliseconds;
        clock.Restart();
        Touch(pack.TryGet(noiseKey));
        double firstMs = clock.Elapsed.TotalMilliseconds;
        double packMs = Median(500, () => Touch(pack.TryGet(noiseKey)));

        return new CacheBenchResult(noise.Texture.Pixels.Length, keyUs, memoryMs,
            diskNoiseMs, new FileInfo(disk.PathFor(noiseKey)).Length, diskCpuMs, diskGcMs, diskSmoothMs, new FileInfo(disk.PathFor(smoothKey)).Length,
            packMs, firstMs, openMs, File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "n/a");
    }

    /// <summary>Reads the first and last byte, so "readable span" is what is timed, not just a handle.</summary>
    private static int Touch(CacheHit? hit)
    {
        var span = hit!.Entry.Texture.Pixels.Span;
        return span[0] + span[^1];
    }

    private static CacheEntry MakeEntry(TextureRequest request, CacheKeyContext context, bool smooth)
    {
        int mips = TextureData.FullMipCount(Size, Size);
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba8Srgb, Size, Size, mips, 1)];
        if (smooth)
        {
            for (int i = 0; i < pixels.Length; i++)
                pixels[i] = (byte)((i >> 2) % 4096 / 16 + (i & 3) * 40);
        }
        else
            new Random(request.Seed.GetHashCode()).NextBytes(pixels);
        var texture = new TextureData(PixelFormat.Rgba8Srgb, Size, Size, mips, 1, pixels);
        return new CacheEntry(texture, CacheEntryMetadata.Describe(request, context.ModelFingerprint, TimeSpan.FromSeconds(1)));
    }

    /// <summary>Process CPU time and GC pause per call, in milliseconds.</summary>
    private static (double CpuMs, double GcPauseMs) CostPerCall<T>(int iterations, Func<T> action)
    {
        using var process = Process.GetCurrentProcess();
        var cpu = process.TotalProcessorTime;
        var pause = GC.GetTotalPauseDuration();
        for (int i = 0; i < iterations; i++)
            action();
        process.Refresh();
        return ((process.TotalProcessorTime - cpu).TotalMilliseconds / iterations, (GC.GetTotalPauseDuration() - pause).TotalMilliseconds / iterations);
    }

    /// <summary>Median wall time of one call in milliseconds, after a warm-up so JIT and page cache are settled.</summary>
    private static double Median<T>(int iterations, Func<T> action)
    {
        for (int i = 0; i < Math.Min(iterations, 20); i++)
            action();
        var times = new double[iterations];
        for (int i = 0; i < iterations; i++)
        {
            long start = Stopwatch.GetTimestamp();
            action();
            times[i] = Stopwatch.GetElapsedTime(start).TotalMilliseconds;
        }
        Array.Sort(times);
        return times[iterations / 2];
    }
}
