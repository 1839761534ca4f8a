using Seedtex.Core;
using Seedtex.Diffusion.Pipelines;

namespace Seedtex.Diffusion.Tests;

public class BackdropTests
{
    private static TextureRequest Sky(PipelineKind kind) => new()
    {
        Prompt = "sunset over snowy mountains",
        Seed = 7,
        Width = 256,
        Height = 128,
        Steps = 3,
        Guidance = 5f,
        Scheduler = "euler",
        Kind = kind,
    };

    /// <summary>mean |I[:,0] - I[:,W-1]| / mean |I[:,j] - I[:,j+1]| over interior j, on RGB bytes.</summary>
    private static double XSeamRatio(byte[] rgb, int width, int height)
    {
        double seam = 0, interior = 0;
        for (int y = 0; y < height; y++)
        {
            for (int c = 0; c < 3; c++)
            {
                int Row(int x) => rgb[(y * width + x) * 3 + c];
                seam += Math.Abs(Row(0) - Row(width - 1));
                for (int x = 0; x < width - 1; x++)
                    interior += Math.Abs(Row(x) - Row(x + 1));
            }
        }
        return (seam / height) / (interior / (height * (width - 1)));
    }

    [Fact]
    public async Task Backdrop_closes_its_seam_where_a_plain_image_does_not()
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        using var backdrop = await pipeline.GenerateAsync(Sky(PipelineKind.Backdrop));
        using var plain = await pipeline.GenerateAsync(Sky(PipelineKind.TextToImage));
        Assert.Equal((256, 128), (backdrop.Width, backdrop.Height));
        Assert.Equal(TileAxes.X, backdrop.Request.Tiling);

        double backdropRatio = XSeamRatio(TestModels.Rgb(backdrop), 256, 128);
        double plainRatio = XSeamRatio(TestModels.Rgb(plain), 256, 128);
        Assert.True(backdropRatio <= 1.15, $"backdrop seam ratio {backdropRatio:0.000} (plain {plainRatio:0.000})");
        Assert.True(plainRatio > backdropRatio, $"plain {plainRatio:0.000} should have a worse seam than the backdrop {backdropRatio:0.000}");
        Assert.Contains(backdrop.Timings.Stages, s => s.Stage == "unet step 1 (4 windows)");
    }

    [Fact]
    public void Panorama_windows_cover_every_column_twice_and_wrap()
    {
        var windows = new PanoramaWindows(1, 4, 8);
        Assert.Equal((4, 2, 4), (windows.Size, windows.Stride, windows.Count));
        float[] panorama = [.. Enumerable.Range(0, 32).Select(i => (float)i)];
        var window = new float[windows.WindowLength];
        windows.Extract(panorama, 3, window);
        Assert.Equal([6f, 7f, 0f, 1f], window[..4]);
        var sum = new float[32];
        for (int k = 0; k < windows.Count; k++)
        {
            windows.Extract(panorama, k, window);
            windows.Accumulate(window, k, sum);
        }
        windows.Average(sum);
        for (int i = 0; i < panorama.Length; i++)
            Assert.Equal(panorama[i], sum[i], 4);
    }

    [Theory]
    [InlineData(256, 256, "not 2:1")]
    [InlineData(200, 100, "multiple of 8")]
    [InlineData(208, 104, "must be a multiple of 16")]
    public void Backdrop_sizes_must_be_two_to_one(int width, int height, string message)
    {
        using var pipeline = new StableDiffusionPipeline(TestModels.Get("sd15"));
        var e = Assert.Throws<SeedtexException>(() => pipeline.Resolve(Sky(PipelineKind.Backdrop) with { Width = width, Height = height }));
        Assert.Contains(message, e.Message, StringComparison.Ordinal);
    }
}
