using Xunit.Abstractions;

namespace Seedtex.Cache.Tests;

/// <summary>The benchmark `seedtex bench` prints must run and measure the texture it claims; its times are reported, not asserted.</summary>
public class CacheBenchmarkTests(ITestOutputHelper log)
{
    [Fact]
    public void Runs_on_a_1024_texture_with_full_mips_and_cleans_up()
    {
        using var folder = new TempFolder();
        var result = CacheBenchmark.Run(folder.Path);
        log.WriteLine(result.ToString());
        Assert.Equal(5_592_404, result.TextureBytes); // 1024x1024 RGBA8 plus 10 mip levels
        Assert.True(result.DiskEntryNoiseBytes > result.TextureBytes);     // noise is stored raw
        Assert.True(result.DiskEntrySmoothBytes < result.TextureBytes / 10); // smooth pixels LZ4-compress
        Assert.All(new[] { result.KeyMicroseconds, result.MemoryHitMs, result.DiskHitNoiseMs, result.DiskHitSmoothMs, result.PackHitMs },
            t => Assert.True(t > 0 && double.IsFinite(t)));
        Assert.Empty(Directory.EnumerateFileSystemEntries(folder.Path));
    }
}
