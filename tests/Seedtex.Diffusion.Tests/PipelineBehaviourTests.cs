using Seedtex.Core;
using Seedtex.Diffusion.Pipelines;

namespace Seedtex.Diffusion.Tests;

public class PipelineBehaviourTests
{
    private static TextureRequest Bricks(long seed = 42) => new()
    {
        Prompt = "weathered red bricks",
        Seed = seed,
        Width = 64,
        Height = 64,
        Steps = 3,
        Guidance = 5f,
        Scheduler = "euler-a",
    };

    public static TheoryData<string> Models() => [.. TestModels.All];

    [Theory]
    [MemberData(nameof(Models))]
    public async Task Same_request_twice_is_bit_identical_and_another_seed_differs(string model)
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get(model));
        using var a = await pipeline.GenerateAsync(Bricks());
        using var b = await pipeline.GenerateAsync(Bricks());
        using var c = await pipeline.GenerateAsync(Bricks(seed: 43));
        byte[] pa = TestModels.Rgb(a), pb = TestModels.Rgb(b), pc = TestModels.Rgb(c);
        Assert.Equal(pa, pb);
        Assert.True(a.Pixels.AsSpan<byte>().SequenceEqual(b.Pixels.AsSpan<byte>()), "decoder output bytes differ between identical requests");
        int differing = pa.Zip(pc).Count(p => p.First != p.Second);
        Assert.True(differing > pa.Length / 4, $"seed 43 changed only {differing} of {pa.Length} channels");
    }

    [Fact]
    public async Task Guidance_at_or_below_one_skips_the_unconditional_pass()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        // With guidance 1 the negative prompt is never encoded, so it cannot change the picture.
        using var a = await pipeline.GenerateAsync(Bricks() with { Guidance = 1f, NegativePrompt = "" });
        using var b = await pipeline.GenerateAsync(Bricks() with { Guidance = 1f, NegativePrompt = "blurry, low quality" });
        Assert.Equal(TestModels.Rgb(a), TestModels.Rgb(b));
        using var c = await pipeline.GenerateAsync(Bricks() with { Guidance = 5f, NegativePrompt = "blurry, low quality" });
        Assert.NotEqual(TestModels.Rgb(a), TestModels.Rgb(c));
    }

    [Fact]
    public async Task Rectangular_sizes_give_rectangular_images()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd-turbo"));
        using var image = await pipeline.GenerateAsync(Bricks() with { Width = 128, Height = 64, Steps = 1, Guidance = 0f });
        Assert.Equal((128, 64), (image.Width, image.Height));
        Assert.Equal(new long[] { 1, 3, 64, 128 }, image.Pixels.Shape);
    }

    [Fact]
    public async Task Timings_cover_every_stage_and_onnx_time_is_inside_the_total()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        using var image = await pipeline.GenerateAsync(Bricks());
        var names = image.Timings.Stages.Select(s => s.Stage).ToArray();
        Assert.Equal(["tokenize", "text encoder", "unet step 1", "unet step 2", "unet step 3", "vae decoder"], names);
        Assert.True(image.Timings.InsideOnnx > TimeSpan.Zero && image.Timings.InsideOnnx <= image.Timings.Total);
    }

    [Fact]
    public async Task Progress_reports_every_step_in_order()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        var steps = new List<int>();
        var progress = new Inline(p => { if (p.Stage == GenerationStage.Denoising) steps.Add(p.Step); });
        using var _ = await pipeline.GenerateAsync(Bricks() with { Steps = 4 }, progress);
        Assert.Equal([1, 2, 3, 4], steps);
    }

    [Fact]
    public async Task Cancelling_between_steps_stops_with_no_result()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        using var cts = new CancellationTokenSource();
        int lastStep = 0;
        var progress = new Inline(p =>
        {
            lastStep = p.Step;
            if (p.Stage == GenerationStage.Denoising && p.Step == 2)
                cts.Cancel();
        });
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pipeline.GenerateAsync(Bricks() with { Steps = 50 }, progress, cts.Token));
        Assert.Equal(2, lastStep);
        // The pipeline is usable afterwards.
        using var image = await pipeline.GenerateAsync(Bricks());
        Assert.Equal(64, image.Width);
    }

    [Theory]
    [InlineData(100, 64, 3, 5f, "euler", "width 100 is not a multiple of 8; use 96 or 104")]
    [InlineData(32, 64, 3, 5f, "euler", "width 32 is out of range; use 64 to 4096")]
    [InlineData(64, 4104, 3, 5f, "euler", "height 4104 is out of range")]
    [InlineData(64, 64, 1001, 5f, "euler", "steps 1001 is out of range; use 1 to 1000")]
    [InlineData(64, 64, -1, 5f, "euler", "steps -1 is out of range")]
    [InlineData(64, 64, 3, float.PositiveInfinity, "euler", "is invalid; use a finite number >= 0")]
    [InlineData(64, 64, 3, -1f, "euler", "guidance -1 is invalid")]
    [InlineData(64, 64, 3, 5f, "heun", "unknown scheduler 'heun'; use one of: ")]
    public void Bad_requests_are_rejected_with_the_fix(int width, int height, int steps, float guidance, string scheduler, string message)
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        var e = Assert.Throws<SeedtexException>(() => pipeline.Resolve(Bricks() with { Width = width, Height = height, Steps = steps, Guidance = guidance, Scheduler = scheduler }));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Nan_guidance_means_the_model_default_and_img2img_strength_is_checked()
    {
        var model = TestModels.Get("sd15");
        using var pipeline = new StableDiffusionPipeline(model);
        var resolved = pipeline.Resolve(new TextureRequest { Prompt = "x" });
        Assert.Equal(model.Defaults.Guidance, resolved.Guidance);
        Assert.Equal(model.Defaults.Steps, resolved.Steps);
        Assert.Equal(model.Defaults.Scheduler, resolved.Scheduler);

        var img2img = Bricks() with { Kind = PipelineKind.ImageToImage, InitImage = new byte[64 * 64 * 4] };
        foreach (float strength in new[] { 0f, -0.5f, 1.5f, float.NaN })
            Assert.Contains("strength", Assert.Throws<SeedtexException>(() => pipeline.Resolve(img2img with { Strength = strength })).Message, StringComparison.Ordinal);
        Assert.Contains("runs no denoising step", Assert.Throws<SeedtexException>(() => pipeline.Resolve(img2img with { Strength = 0.2f })).Message, StringComparison.Ordinal);
        Assert.Contains("init image", Assert.Throws<SeedtexException>(() => pipeline.Resolve(Bricks() with { Kind = PipelineKind.ImageToImage })).Message, StringComparison.Ordinal);
    }

    private sealed class Inline(Action<GenerationProgress> report) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value) => report(value);
    }
}
