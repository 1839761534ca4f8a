using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;

namespace Seedtex.Runtime;

/// <summary>Seam ratios (see <see cref="SeamMetric"/>) over a batch of generations with one tiling setting.</summary>
/// <param name="MeanX">Mean left/right seam ratio over all images.</param>
/// <param name="WorstX">Largest left/right seam ratio of any image.</param>
/// <param name="BlockEdgesX">Mean left/right seam against the decoder's 8-pixel block edges only (<see cref="SeamMetric.RatioAgainstBlockEdges"/>).</param>
public sealed record SeamBenchmarkResult(TileAxes Tiling, int Images, double MeanX, double MeanY, double WorstX, double WorstY, double BlockEdgesX, double BlockEdgesY);

/// <summary>
/// The tiling figure for <c>seedtex bench</c>: generate every prompt with every seed, once with the model as exported
/// and once with its seamless (xy) variant, and measure how visible the wrap-around seam is in each picture.
/// </summary>
public static class SeamBenchmark
{
    /// <summary>24 texture prompts of the kinds a game asks for.</summary>
    public static IReadOnlyList<string> Prompts { get; } =
    [
        "red brick wall", "mossy stone bricks", "cobblestone road", "weathered oak planks", "rusty metal plate",
        "green grass lawn", "sand dunes", "cracked dry mud", "white marble with grey veins", "dark granite",
        "ceramic floor tiles", "wooden parquet floor", "tree bark", "gravel path", "snow with footprints",
        "lava rock", "blue fabric weave", "leather surface", "concrete wall with stains", "roof shingles",
        "forest floor with leaves", "ice surface", "painted steel with scratches", "desert rock",
    ];

    /// <param name="seeds">Seeds 1..seeds per prompt.</param>
    /// <param name="prompts">Prompts to generate; null means <see cref="Prompts"/>.</param>
    /// <param name="size">Image size; 0 means the model's default.</param>
    /// <param name="everyImage">Receives each picture (RGBA8) with its prompt, seed and tiling, e.g. to write 2x2 previews.</param>
    public static async Task<IReadOnlyList<SeamBenchmarkResult>> RunAsync(string modelFolder, SessionSettings settings, int seeds = 4, int size = 0,
        string? cacheRoot = null, IReadOnlyList<string>? prompts = null, Action<string, long, TileAxes, byte[], int, int>? everyImage = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(seeds, 1);
        var results = new List<SeamBenchmarkResult>();
        foreach (var tiling in new[] { TileAxes.None, TileAxes.XY })
        {
            using var model = await Task.Run(() => ModelSet.Load(modelFolder, settings, tiling, cacheRoot), cancellationToken).ConfigureAwait(false);
            using var pipeline = new StableDiffusionPipeline(model);
            var x = new List<double>();
            var y = new List<double>();
            var blockX = new List<double>();
            var blockY = new List<double>();
            foreach (string prompt in prompts ?? Prompts)
            {
                for (long seed = 1; seed <= seeds; seed++)
                {
                    int side = size > 0 ? size : model.Defaults.Size;
                    var request = new TextureRequest { Prompt = prompt, Seed = seed, Width = side, Height = side, Tiling = tiling };
                    using var image = await pipeline.GenerateAsync(request, null, cancellationToken).ConfigureAwait(false);
                    byte[] rgba = image.ToRgba8();
                    x.Add(SeamMetric.Ratio(rgba, image.Width, image.Height, TileAxes.X));
                    y.Add(SeamMetric.Ratio(rgba, image.Width, image.Height, TileAxes.Y));
                    blockX.Add(SeamMetric.RatioAgainstBlockEdges(rgba, image.Width, image.Height, TileAxes.X));
                    blockY.Add(SeamMetric.RatioAgainstBlockEdges(rgba, image.Width, image.Height, TileAxes.Y));
                    everyImage?.Invoke(prompt, seed, tiling, rgba, image.Width, image.Height);
                }
            }
            results.Add(new SeamBenchmarkResult(tiling, x.Count, x.Average(), y.Average(), x.Max(), y.Max(), blockX.Average(), blockY.Average()));
        }
        return results;
    }

    /// <summary>The picture repeated 2x2, as a game would tile it: the seams run through the middle, where an eye finds them.</summary>
    public static byte[] Tile2x2(ReadOnlySpan<byte> rgba, int width, int height)
    {
        if (rgba.Length != width * height * 4)
            throw SeedtexException.Argument($"RGBA8 image holds {rgba.Length} bytes; {width}x{height} needs {width * height * 4}");
        var tiled = new byte[rgba.Length * 4];
        int row = width * 4;
        for (int y = 0; y < 2 * height; y++)
        {
            var source = rgba.Slice((y % height) * row, row);
            source.CopyTo(tiled.AsSpan(y * 2 * row, row));
            source.CopyTo(tiled.AsSpan((y * 2 * row) + row, row));
        }
        return tiled;
    }
}
