using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Imaging;
using Seedtex.Tests;
using Seedtex.Vulkan;
using Seedtex.Vulkan.Tests;

namespace Seedtex.Runtime.Tests;

/// <summary>What an engine's main thread sees: GPU uploads inside Pump, cubemap backdrops, latent previews.</summary>
public sealed class ServiceDeliveryTests : IDisposable
{
    private readonly ModelSet _model = ModelSet.Load(RepoPaths.InRepo("plugin", "models", "seedtex-tiny"), new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = 2 });
    private readonly string _cacheFolder = Directory.CreateTempSubdirectory("seedtex-delivery").FullName;

    private SeedtexService Create()
    {
        var generator = new DiffusionTextureGenerator(_model);
        return new SeedtexService(generator, LayeredCache.Open(_cacheFolder, [], 64L << 20), TimeSpan.FromMinutes(1), generator);
    }

    private static TextureRequest Moss(long seed) => new() { Prompt = "green moss", Seed = seed, Width = 64, Height = 64, Steps = 2 };

    private static TextureRequest Sky(long seed) => new() { Prompt = "sunset sky", Seed = seed, Width = 128, Height = 64, Steps = 2, Kind = PipelineKind.Backdrop };

    /// <summary>Pumps like a 60 Hz frame loop until <paramref name="done"/>, counting what each Pump delivered.</summary>
    private static List<int> PumpUntil(SeedtexService service, Func<bool> done)
    {
        var perFrame = new List<int>();
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "nothing was delivered within two minutes");
            perFrame.Add(service.Pump(TimeSpan.FromMilliseconds(2)));
            Thread.Sleep(16);
        }
        return perFrame;
    }

    [Fact]
    public void With_a_device_attached_pump_uploads_the_result_and_delivers_it_in_a_later_frame()
    {
        using var gpu = new ValidatedGpu();
        using (var service = Create())
        {
            service.AttachGpu(gpu.Context);
            GenerationResult? result = null;
            Exception? error = null;
            service.Submit(Moss(3), RequestPriority.Runtime, (r, e) => (result, error) = (r, e));
            var frames = PumpUntil(service, () => result is not null || error is not null);
            Assert.Null(error);
            Assert.Equal(1, frames.Sum());

            using var texture = result!.GpuTexture;
            Assert.NotNull(texture);
            Assert.Equal((64, 64, 7, false), (texture.Width, texture.Height, texture.MipLevels, texture.IsCubemap));
            Assert.Equal(Silk.NET.Vulkan.ImageLayout.ShaderReadOnlyOptimal, texture.Layout);
            var back = TextureUploader.Download(gpu.Context, texture);
            Assert.Equal(result.Texture.Pixels.ToArray(), back.Pixels.ToArray());
            Assert.Equal(0, service.UploadsInFlight);
        }
        gpu.AssertClean();
    }

    [Fact]
    public async Task A_device_in_the_options_is_attached_by_create()
    {
        using var gpu = new ValidatedGpu();
        using (var service = await SeedtexService.CreateAsync(new SeedtexOptions
        {
            ModelFolder = RepoPaths.InRepo("plugin", "models", "seedtex-tiny"),
            CacheFolder = _cacheFolder,
            Sessions = new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = 2 },
            Gpu = gpu.Context,
        }))
        {
            Assert.Same(gpu.Context, service.Gpu);
        }
        gpu.AssertClean();
    }

    [Fact]
    public async Task By_default_inference_leaves_the_engine_a_core()
    {
        foreach (var (asked, expected) in new[] { (0, Math.Max(1, Environment.ProcessorCount - 1)), (3, 3) })
        {
            using var service = await SeedtexService.CreateAsync(new SeedtexOptions
            {
                ModelFolder = RepoPaths.InRepo("plugin", "models", "seedtex-tiny"),
                CacheFolder = _cacheFolder,
                Sessions = new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = asked },
            });
            Assert.Equal(expected, service.InferenceThreads);
        }
    }

    [Fact]
    public void A_second_device_attach_is_refused()
    {
        using var gpu = new ValidatedGpu();
        using var service = Create();
        service.AttachGpu(gpu.Context);
        var e = Assert.Throws<SeedtexException>(() => service.AttachGpu(gpu.Context));
        Assert.Contains("already attached", e.Message);
    }

    [Fact]
    public async Task A_cubemap_backdrop_is_derived_from_the_cached_panorama_and_cached_itself()
    {
        using var service = Create();
        var cube = await service.GenerateCubemapAsync(Sky(7), 32);
        Assert.Equal((32, 32, 6, 6), (cube.Texture.Width, cube.Texture.Height, cube.Texture.FaceCount, cube.Texture.MipCount));
        Assert.False(cube.CacheHit);

        var panorama = await service.GenerateAsync(Sky(7));
        Assert.Equal("memory", panorama.CacheTier);
        Assert.Equal(CacheKey.Derive(panorama.Key, "cubemap", $"v{DerivedOutputs.Version};face=32"), cube.Key);
        Assert.Equal(EquirectToCube.Convert(panorama.Texture, 32, withMips: true).Pixels.ToArray(), cube.Texture.Pixels.ToArray());

        var again = await service.GenerateCubemapAsync(Sky(7), 32);
        Assert.Equal("memory", again.CacheTier);
        var bigger = await service.GenerateCubemapAsync(Sky(7), 64);
        Assert.False(bigger.CacheHit);
    }

    [Theory]
    [InlineData(48)]
    [InlineData(8)]
    [InlineData(8192)]
    public async Task A_face_size_that_is_not_a_power_of_two_in_range_is_refused(int face)
    {
        using var service = Create();
        var e = await Assert.ThrowsAsync<SeedtexException>(() => service.GenerateCubemapAsync(Sky(1), face));
        Assert.Contains("power of two", e.Message);
    }

    [Fact]
    public async Task A_texture_request_cannot_become_a_cubemap()
    {
        using var service = Create();
        var e = await Assert.ThrowsAsync<SeedtexException>(() => service.GenerateCubemapAsync(Moss(1), 32));
        Assert.Contains("made from a backdrop", e.Message);
        Assert.Equal(0, service.QueuedGenerations);
    }

    [Fact]
    public async Task A_normal_map_is_derived_from_the_cached_albedo_and_cached_under_its_key()
    {
        var tiled = Moss(3) with { Tiling = TileAxes.XY };
        GenerationResult map, albedo;
        using (var service = Create())
        {
            map = await service.GenerateMapAsync(tiled, MapKind.Normal);
            Assert.False(map.CacheHit);
            albedo = await service.GenerateAsync(tiled);
            Assert.Equal("memory", albedo.CacheTier);
            string settings = DerivedOutputs.Default.Settings(TextureOutputs.Normal, service.Resolve(tiled));
            Assert.Equal(CacheKey.Derive(albedo.Key, "map/normal", settings), map.Key);
            // The maps of a tiling albedo wrap: the same pixels as the CPU maps made with Wrap = XY.
            var expected = SurfaceMaps.Make(MapKind.Normal, albedo.Texture, new SurfaceMapOptions(TileAxes.XY));
            Assert.Equal(expected.Pixels.ToArray(), map.Texture.Pixels.ToArray());
            Assert.NotEqual(SurfaceMaps.Make(MapKind.Normal, albedo.Texture, new SurfaceMapOptions(TileAxes.None)).Pixels.ToArray(), map.Texture.Pixels.ToArray());

            // The request's Outputs field does not change the parent: the albedo entry is shared.
            var listed = await service.GenerateMapAsync(tiled with { Outputs = TextureOutputs.Albedo | TextureOutputs.Normal }, MapKind.Normal);
            Assert.Equal((map.Key, "memory"), (listed.Key, listed.CacheTier));
            var stronger = await service.GenerateMapAsync(tiled, MapKind.Normal, new SurfaceMapOptions(TileAxes.None, NormalStrength: 4));
            Assert.False(stronger.CacheHit);
            Assert.NotEqual(map.Key, stronger.Key);
            var roughness = await service.GenerateMapAsync(tiled, MapKind.Roughness);
            Assert.Equal(CacheKey.Derive(albedo.Key, "map/roughness", DerivedOutputs.Default.Settings(TextureOutputs.Roughness, service.Resolve(tiled))), roughness.Key);
        }

        // A later process finds the map on disk without running the model.
        using var next = Create();
        var reread = await next.GenerateMapAsync(tiled, MapKind.Normal);
        Assert.Equal(("disk", map.Key), (reread.CacheTier, reread.Key));
        Assert.Equal(map.Texture.Pixels.ToArray(), reread.Texture.Pixels.ToArray());
    }

    [Fact]
    public async Task A_bake_that_lists_maps_and_a_cubemap_ships_them_and_the_runtime_finds_them_in_the_pack()
    {
        string pack = Path.Combine(_cacheFolder, "build", "assets.stxpack");
        string manifestPath = Path.Combine(_cacheFolder, "assets.json");
        File.WriteAllText(manifestPath, """
            { "defaults": { "steps": 2 },
              "assets": [
                { "id": "moss", "prompt": "green moss", "seed": 5, "size": 64, "tiling": "xy", "outputs": ["albedo", "normal", "ao"] },
                { "id": "sky", "prompt": "sunset sky", "seed": 6, "size": [128, 64], "kind": "backdrop", "outputs": ["albedo", "cubemap"] } ] }
            """);
        var generator = new DiffusionTextureGenerator(_model);
        var baker = new Baker(generator, generator.KeyContext, new DiskStore(Path.Combine(_cacheFolder, "bake-cache")), DerivedOutputs.Default);
        var result = await baker.RunAsync(BakeManifest.Load(manifestPath), pack, null, default);
        Assert.True(result.Succeeded, string.Join("; ", result.Failures.Select(f => f.Message)));
        Assert.Equal(2, result.Generated);
        Assert.Equal([TextureOutputs.Albedo, TextureOutputs.Albedo, TextureOutputs.Normal, TextureOutputs.AmbientOcclusion, TextureOutputs.Cubemap],
            result.Plan.Select(p => p.Output));

        // A player's machine: an empty disk cache and the pack.
        using var service = new SeedtexService(generator, LayeredCache.Open(Path.Combine(_cacheFolder, "player"), [pack], 64L << 20), TimeSpan.FromMinutes(1));
        var moss = new TextureRequest { Prompt = "green moss", Seed = 5, Width = 64, Height = 64, Steps = 2, Tiling = TileAxes.XY };
        var normal = await service.GenerateMapAsync(moss, MapKind.Normal);
        var ao = await service.GenerateMapAsync(moss, MapKind.AmbientOcclusion);
        var cube = await service.GenerateCubemapAsync(Sky(6), 32);
        Assert.All(new[] { normal, ao, cube }, r => Assert.Equal("pack:assets.stxpack", r.CacheTier));
        Assert.Equal((32, 6), (cube.Texture.Width, cube.Texture.FaceCount));
        var albedo = await service.GenerateAsync(moss);
        Assert.Equal(SurfaceMaps.Make(MapKind.Normal, albedo.Texture, new SurfaceMapOptions(TileAxes.XY)).Pixels.ToArray(), normal.Texture.Pixels.ToArray());
    }

    [Fact]
    public async Task A_caller_that_asks_for_previews_gets_them_through_the_shared_flight()
    {
        using var service = Create();
        var previews = new List<GenerationProgress>();
        var progress = new PreviewSink(2, p => { if (p.Preview is not null) lock (previews) previews.Add(p); });
        await service.GenerateAsync(Moss(11) with { Steps = 4 }, RequestPriority.Interactive, progress);
        Assert.Equal([2, 4], previews.Select(p => p.Step));
        Assert.All(previews, p => Assert.Equal((8, 8), (p.Preview!.Width, p.Preview.Height)));
    }

    private sealed class PreviewSink(int every, Action<GenerationProgress> report) : IPreviewProgress
    {
        public int PreviewEvery => every;

        public void Report(GenerationProgress value) => report(value);
    }

    public void Dispose()
    {
        _model.Dispose();
        Directory.Delete(_cacheFolder, recursive: true);
    }
}
