using Seedtex.Core;
using Seedtex.Diffusion.Onnx;
using Seedtex.Runtime;
using Seedtex.Tests;

namespace Seedtex.Runtime.Tests;

public sealed class SeamBenchmarkTests : IDisposable
{
    private readonly string _cacheRoot = Directory.CreateTempSubdirectory("seedtex-seam-bench-").FullName;

    public void Dispose() => Directory.Delete(_cacheRoot, recursive: true);

    [Fact]
    public async Task Measures_untiled_and_tiled_generations_and_the_tiled_seam_is_smaller()
    {
        var seen = new List<(string Prompt, long Seed, TileAxes Tiling, int Width)>();
        var results = await SeamBenchmark.RunAsync(RepoPaths.InRepo("tests", "models", "sd15"),
            new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = 2 }, seeds: 2, size: 64, _cacheRoot,
            prompts: ["red brick wall", "green grass lawn"], everyImage: (p, s, t, rgba, w, h) => seen.Add((p, s, t, w)));

        Assert.Equal([TileAxes.None, TileAxes.XY], results.Select(r => r.Tiling));
        Assert.All(results, r => Assert.Equal(4, r.Images));
        Assert.Equal(8, seen.Count);
        Assert.All(seen, s => Assert.Equal(64, s.Width));
        var (plain, tiled) = (results[0], results[1]);
        Assert.True(tiled.MeanX < plain.MeanX && tiled.MeanY < plain.MeanY, $"{plain} vs {tiled}");
        Assert.True(tiled.WorstX >= tiled.MeanX && tiled.WorstY >= tiled.MeanY);
    }

    [Fact]
    public void Tile2x2_repeats_the_picture_in_both_directions()
    {
        // 2x1 image: red, green.
        byte[] rgba = [255, 0, 0, 255, 0, 255, 0, 255];
        var tiled = SeamBenchmark.Tile2x2(rgba, 2, 1);
        Assert.Equal(4 * 2 * 4, tiled.Length);
        byte[] row = [.. rgba, .. rgba];
        Assert.Equal(row, tiled[..16]);
        Assert.Equal(row, tiled[16..]);
        Assert.Throws<SeedtexException>(() => SeamBenchmark.Tile2x2(rgba, 3, 1));
    }
}
