using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Runtime;
using Seedtex.Tests;

namespace Seedtex.Runtime.Tests;

/// <summary>A generator over an untiled model serves tiled requests from the model's seamless variant.</summary>
public sealed class TiledGenerationTests : IDisposable
{
    private static readonly SessionSettings Cpu = new() { Providers = [ExecutionProvider.Cpu], Threads = 2 };
    private readonly string _cacheRoot = Directory.CreateTempSubdirectory("seedtex-tiled-generation-").FullName;

    public void Dispose() => Directory.Delete(_cacheRoot, recursive: true);

    [Fact]
    public async Task Tiled_request_gives_the_seamless_models_pixels_and_untiled_stays_untiled()
    {
        string folder = RepoPaths.InRepo("tests", "models", "sd15");
        using var model = ModelSet.Load(folder, Cpu, TileAxes.None, _cacheRoot);
        using var generator = new DiffusionTextureGenerator(model);
        var request = new TextureRequest { Prompt = "red bricks", Seed = 3, Width = 64, Height = 64, Steps = 2, Guidance = 5, Scheduler = "euler" };

        var tiled = await generator.GenerateAsync(request with { Tiling = TileAxes.XY }, null, CancellationToken.None);
        var plain = await generator.GenerateAsync(request, null, CancellationToken.None);
        Assert.Equal(TileAxes.XY, generator.Resolve(request with { Tiling = TileAxes.XY }).Tiling);

        using var seamless = ModelSet.Load(folder, Cpu, TileAxes.XY, _cacheRoot);
        using var pipeline = new StableDiffusionPipeline(seamless);
        using var expected = await pipeline.GenerateAsync(request with { Tiling = TileAxes.XY });
        Assert.Equal(expected.ToRgba8(), tiled.LevelPixels(0, 0).ToArray());
        Assert.NotEqual(tiled.LevelPixels(0, 0).ToArray(), plain.LevelPixels(0, 0).ToArray());
        Assert.Single(Directory.GetDirectories(Path.Combine(_cacheRoot, "variants")));
    }
}
