using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;
using Xunit.Abstractions;

namespace Seedtex.Diffusion.Tests.Tiling;

/// <summary>Whole generations with a model loaded for tiling: the picture's edges meet.</summary>
public sealed class TilingPipelineTests(ITestOutputHelper output) : IDisposable
{
    private readonly string _cacheRoot = Directory.CreateTempSubdirectory("seedtex-tiling-pipeline-").FullName;

    public void Dispose() => Directory.Delete(_cacheRoot, recursive: true);

    [Fact]
    public async Task Tiled_generations_have_a_smaller_seam_than_untiled_ones()
    {
        string folder = TestModels.Folder("sd15");
        using var plain = ModelSet.Load(folder, TestModels.Cpu);
        using var tiled = ModelSet.Load(folder, TestModels.Cpu, TileAxes.XY, _cacheRoot);
        Assert.Equal(plain.Fingerprint, tiled.Fingerprint);
        Assert.StartsWith(Path.Combine(_cacheRoot, "variants"), tiled.GraphFolder, StringComparison.Ordinal);

        var (plainX, plainY) = await MeanSeamRatios(plain, TileAxes.None);
        var (tiledX, tiledY) = await MeanSeamRatios(tiled, TileAxes.XY);
        output.WriteLine($"seam ratio x/y: untiled {plainX:0.000}/{plainY:0.000}, tiled {tiledX:0.000}/{tiledY:0.000}");

        Assert.True(tiledX < plainX && tiledY < plainY);
        Assert.InRange(tiledX, 0.5, 1.25);
        Assert.InRange(tiledY, 0.5, 1.25);
    }

    [Fact]
    public void Request_tiling_must_match_how_the_model_was_loaded()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        var e = Assert.Throws<SeedtexException>(() => pipeline.Resolve(new TextureRequest { Prompt = "bricks", Width = 64, Height = 64, Tiling = TileAxes.XY }));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, e.Kind);
        Assert.Contains("loaded with tiling 'none' but the request asks for 'xy'", e.Message, StringComparison.Ordinal);
    }

    private static async Task<(double X, double Y)> MeanSeamRatios(ModelSet model, TileAxes tiling)
    {
        using var pipeline = new StableDiffusionPipeline(model);
        string[] prompts = ["mossy stone brick wall", "rusty metal plate", "weathered oak planks", "green grass lawn"];
        double x = 0, y = 0;
        int count = 0;
        foreach (string prompt in prompts)
        {
            for (int seed = 1; seed <= 2; seed++)
            {
                var request = new TextureRequest { Prompt = prompt, Seed = seed, Width = 96, Height = 96, Steps = 4, Guidance = 5, Tiling = tiling };
                using var image = await pipeline.GenerateAsync(request);
                var rgba = Rgba(image);
                x += SeamMetric.Ratio(rgba, image.Width, image.Height, TileAxes.X);
                y += SeamMetric.Ratio(rgba, image.Width, image.Height, TileAxes.Y);
                count++;
            }
        }
        return (x / count, y / count);
    }

    private static byte[] Rgba(GeneratedImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        if (image.Pixels.Type == TensorElementType.Float16)
            TensorToImage.ToRgba8<Half>(image.Pixels.AsSpan<Half>(), 3, image.Width, image.Height, rgba);
        else
            TensorToImage.ToRgba8<float>(image.Pixels.AsSpan<float>(), 3, image.Width, image.Height, rgba);
        return rgba;
    }
}
