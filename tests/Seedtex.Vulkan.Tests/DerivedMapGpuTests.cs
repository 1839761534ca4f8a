using System.Runtime.InteropServices;
using Seedtex.Core;
using Seedtex.Imaging;
using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

/// <summary>Cubemaps, normal maps, mips and uploads on the GPU held against their CPU twins.</summary>
public class DerivedMapGpuTests
{
    private static TextureData Panorama(PixelFormat format, int width, int height)
    {
        var random = new Random(width);
        var pixels = new byte[width * height * format.BytesPerPixel()];
        var halves = MemoryMarshal.Cast<byte, Half>(pixels.AsSpan());
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
                for (int c = 0; c < 4; c++)
                {
                    // Smooth bands plus noise, so bilinear weights matter.
                    float v = c == 3 ? 1f : (0.5f + (0.4f * MathF.Sin((x * (c + 1) * 0.2f) + (y * 0.3f)))) * (0.9f + (0.1f * random.NextSingle()));
                    int i = (((y * width) + x) * 4) + c;
                    if (format == PixelFormat.Rgba8Srgb)
                        pixels[i] = ColorSpace.QuantizeUnorm8(v);
                    else
                        halves[i] = (Half)(v * 3f);
                }
        return new TextureData(format, width, height, 1, 1, pixels);
    }

    [Fact]
    public void Srgb_cubemap_with_mips_is_within_one_step_of_the_cpu_twin()
    {
        using var gpu = new ValidatedGpu();
        var panorama = Panorama(PixelFormat.Rgba8Srgb, 96, 48);
        var expected = EquirectToCube.Convert(panorama, 24, withMips: true);

        using var source = TextureUploader.Upload(gpu.Context, panorama);
        using var cube = new ImageConverter(gpu.Context).EquirectToCube(source, 24, withMips: true);
        Assert.True(cube.IsCubemap);
        var actual = TextureUploader.Download(gpu.Context, cube);

        for (int face = 0; face < 6; face++)
            for (int level = 0; level < expected.MipCount; level++)
                PixelAssert.WithinOneStep(expected.LevelPixels(face, level).Span, actual.LevelPixels(face, level).Span, $"face {face} mip {level}");
    }

    [Fact]
    // The GPU's atan/acos differ from MathF in the last bits; on steep panorama gradients that moves a sample by ~1e-3
    // pixel, a few half-float ulps. 5e-3 relative is the 8-bit "one step" (1/255) in spirit.
    public void Half_float_cubemap_matches_the_cpu_twin()
    {
        using var gpu = new ValidatedGpu();
        var panorama = Panorama(PixelFormat.Rgba16Float, 64, 32);
        var expected = EquirectToCube.Convert(panorama, 16, withMips: true);

        using var source = TextureUploader.Upload(gpu.Context, panorama);
        using var cube = new ImageConverter(gpu.Context).EquirectToCube(source, 16, withMips: true);
        var actual = TextureUploader.Download(gpu.Context, cube);

        for (int face = 0; face < 6; face++)
            for (int level = 0; level < expected.MipCount; level++)
                PixelAssert.HalvesClose(expected.LevelPixels(face, level).Span, actual.LevelPixels(face, level).Span, 5e-3f, $"face {face} mip {level}");
    }

    [Theory]
    [InlineData(true, NormalMapConvention.OpenGl)]
    [InlineData(false, NormalMapConvention.DirectX)]
    public void Normal_map_is_within_one_step_of_the_cpu_twin(bool wrap, NormalMapConvention convention)
    {
        using var gpu = new ValidatedGpu();
        const int width = 40, height = 28;
        var random = new Random(7);
        var heights = Enumerable.Range(0, width * height).Select(i => (MathF.Sin(i % width * 0.4f) * 0.3f) + (random.NextSingle() * 0.2f)).ToArray();
        var options = new NormalMapOptions(Strength: 3f, Wrap: wrap, Convention: convention);
        var expected = NormalFromHeight.Compute(heights, width, height, options, withMips: true);

        using var tensor = GpuTensorBuffer.Allocate(gpu.Context, new TensorShape(1, 1, height, width), TensorElementType.Float32);
        heights.CopyTo(tensor.AsSpan<float>());
        using var map = new ImageConverter(gpu.Context).NormalFromHeight(tensor, options, withMips: true);
        Assert.Equal(Silk.NET.Vulkan.Format.R8G8B8A8Unorm, map.SampledFormat);
        var actual = TextureUploader.Download(gpu.Context, map);

        for (int level = 0; level < expected.MipCount; level++)
            PixelAssert.WithinOneStep(expected.LevelPixels(0, level).Span, actual.LevelPixels(0, level).Span, $"mip {level}");
    }

    [Fact]
    public void Uploaded_cubemap_reads_back_unchanged()
    {
        using var gpu = new ValidatedGpu();
        var random = new Random(11);
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba8Srgb, 16, 16, 5, 6)];
        random.NextBytes(pixels);
        var data = new TextureData(PixelFormat.Rgba8Srgb, 16, 16, 5, 6, pixels);

        using var texture = TextureUploader.Upload(gpu.Context, data);
        var back = TextureUploader.Download(gpu.Context, texture);

        Assert.Equal(pixels, back.Pixels.ToArray());
    }

    [Fact]
    public void Mips_of_an_uploaded_level_match_the_cpu_chain()
    {
        using var gpu = new ValidatedGpu();
        var level0 = Panorama(PixelFormat.Rgba8Srgb, 50, 30);
        var expected = MipChain.WithFullChain(level0);
        var upload = new byte[expected.Pixels.Length];
        level0.Pixels.Span.CopyTo(upload);
        using var texture = TextureUploader.Upload(gpu.Context, new TextureData(PixelFormat.Rgba8Srgb, 50, 30, expected.MipCount, 1, upload));

        new ImageConverter(gpu.Context).GenerateMips(texture);
        var actual = TextureUploader.Download(gpu.Context, texture);

        Assert.True(expected.LevelPixels(0, 0).Span.SequenceEqual(actual.LevelPixels(0, 0).Span));
        for (int level = 1; level < expected.MipCount; level++)
            PixelAssert.WithinOneStep(expected.LevelPixels(0, level).Span, actual.LevelPixels(0, level).Span, $"mip {level}");
    }
}
