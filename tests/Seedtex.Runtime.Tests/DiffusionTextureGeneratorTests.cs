using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Runtime;
using Seedtex.Tests;

namespace Seedtex.Runtime.Tests;

public class DiffusionTextureGeneratorTests
{
    private static ModelSet Sd15() => ModelSet.Load(RepoPaths.InRepo("tests", "models", "sd15"), new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = 2 });

    [Fact]
    public async Task Makes_a_full_mip_chain_in_the_requested_format_and_counts_generations()
    {
        using var model = Sd15();
        using var generator = new DiffusionTextureGenerator(model);
        var request = new TextureRequest { Prompt = "red bricks", Seed = 3, Width = 64, Height = 64, Steps = 2, Guidance = 5, Scheduler = "euler" };

        var srgb = await generator.GenerateAsync(request, null, CancellationToken.None);
        Assert.Equal(PixelFormat.Rgba8Srgb, srgb.Format);
        Assert.Equal(7, srgb.MipCount);
        var last = srgb.LevelPixels(0, 6).Span;
        Assert.Equal(4, last.Length);
        Assert.Equal(255, last[3]);

        var hdr = await generator.GenerateAsync(request with { Format = PixelFormat.Rgba16Float }, null, CancellationToken.None);
        Assert.Equal(PixelFormat.Rgba16Float, hdr.Format);
        Assert.Equal(2, generator.GenerationCount);
        Assert.Equal(model.Fingerprint, generator.ModelFingerprint);

        Assert.Equal(SeedtexErrorKind.InvalidArgument,
            Assert.Throws<SeedtexException>(() => generator.Resolve(request with { Format = PixelFormat.Rgba8Unorm })).Kind);
    }
}
