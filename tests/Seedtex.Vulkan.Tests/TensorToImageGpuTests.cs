using Seedtex.Core;
using Seedtex.Imaging;
using Seedtex.Vulkan;

namespace Seedtex.Vulkan.Tests;

public class TensorToImageGpuTests
{
    [Theory]
    [InlineData(3, 64, 64, TensorElementType.Float32)]
    [InlineData(4, 37, 53, TensorElementType.Float32)]
    [InlineData(3, 45, 30, TensorElementType.Float16)]
    [InlineData(3, 5, 3, TensorElementType.Float16)] // odd element count: the last half sits alone in its word
    public void Rgba8_level0_is_bit_exact_and_mips_are_within_one_step_of_the_cpu_twin(int channels, int width, int height, TensorElementType type)
    {
        using var gpu = new ValidatedGpu();
        var values = TestTensors.Create(channels, width, height, seed: width * height);
        using var tensor = GpuTensorBuffer.Allocate(gpu.Context, new TensorShape(1, channels, height, width), type);
        TextureData expected;
        if (type == TensorElementType.Float16)
        {
            var halves = values.Select(v => (Half)v).ToArray();
            halves.CopyTo(tensor.AsSpan<Half>());
            expected = TensorToImage.ToTexture<Half>(halves, channels, width, height, PixelFormat.Rgba8Srgb, withMips: true);
        }
        else
        {
            values.CopyTo(tensor.AsSpan<float>());
            expected = TensorToImage.ToTexture<float>(values, channels, width, height, PixelFormat.Rgba8Srgb, withMips: true);
        }

        using var texture = new ImageConverter(gpu.Context).TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true);
        Assert.Equal(Silk.NET.Vulkan.ImageLayout.ShaderReadOnlyOptimal, texture.Layout);
        Assert.Equal(Silk.NET.Vulkan.Format.R8G8B8A8Srgb, texture.SampledFormat);
        var actual = TextureUploader.Download(gpu.Context, texture);

        Assert.Equal(expected.MipCount, actual.MipCount);
        Assert.True(expected.LevelPixels(0, 0).Span.SequenceEqual(actual.LevelPixels(0, 0).Span), "level 0 differs from the CPU twin");
        for (int level = 1; level < expected.MipCount; level++)
            PixelAssert.WithinOneStep(expected.LevelPixels(0, level).Span, actual.LevelPixels(0, level).Span, $"mip {level}");
    }

    [Fact]
    public void Rgba16f_is_linearised_like_the_cpu_twin()
    {
        using var gpu = new ValidatedGpu();
        const int width = 40, height = 24;
        var values = TestTensors.Create(3, width, height, seed: 5);
        using var tensor = GpuTensorBuffer.Allocate(gpu.Context, new TensorShape(1, 3, height, width), TensorElementType.Float32);
        values.CopyTo(tensor.AsSpan<float>());
        var expected = TensorToImage.ToTexture<float>(values, 3, width, height, PixelFormat.Rgba16Float, withMips: true);

        using var texture = new ImageConverter(gpu.Context).TensorToTexture(tensor, PixelFormat.Rgba16Float, withMips: true);
        var actual = TextureUploader.Download(gpu.Context, texture);

        for (int level = 0; level < expected.MipCount; level++)
            PixelAssert.HalvesClose(expected.LevelPixels(0, level).Span, actual.LevelPixels(0, level).Span, 2e-3f, $"mip {level}");
    }
}
