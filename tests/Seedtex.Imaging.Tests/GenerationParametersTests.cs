using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class GenerationParametersTests
{
    [Fact]
    public void Writes_automatic1111_layout()
    {
        var request = new TextureRequest
        {
            Prompt = "weathered red bricks",
            NegativePrompt = "blurry",
            Seed = 42,
            Steps = 8,
            Guidance = 5f,
            Scheduler = "euler-a",
            Width = 256,
            Height = 128,
        };
        string text = GenerationParameters.Format(request, "seedtex-tiny", "0123456789abcdef", "seedtex 1.0");
        Assert.Equal(
            "weathered red bricks\nNegative prompt: blurry\nSteps: 8, Sampler: Euler a, CFG scale: 5, Seed: 42, Size: 256x128, Model hash: 0123456789, Model: seedtex-tiny, RNG: CPU, Version: seedtex 1.0",
            text);
    }

    [Fact]
    public void Img2img_adds_denoising_strength_and_omits_empty_negative()
    {
        var request = new TextureRequest { Prompt = "moss", Seed = 1, Steps = 20, Guidance = 7.5f, Scheduler = "dpm++2m-karras", Width = 64, Height = 64, Kind = PipelineKind.ImageToImage, Strength = 0.5f };
        string text = GenerationParameters.Format(request, "m", "abc", "v");
        Assert.DoesNotContain("Negative prompt", text, StringComparison.Ordinal);
        Assert.Contains("Sampler: DPM++ 2M Karras, CFG scale: 7.5", text, StringComparison.Ordinal);
        Assert.Contains("Denoising strength: 0.5", text, StringComparison.Ordinal);
    }
}
