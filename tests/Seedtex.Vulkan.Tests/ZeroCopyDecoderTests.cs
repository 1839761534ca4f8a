using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;
using Seedtex.Core;
using Seedtex.Imaging;
using Seedtex.Vulkan;
using OrtElementType = Microsoft.ML.OnnxRuntime.Tensors.TensorElementType;

namespace Seedtex.Vulkan.Tests;

/// <summary>
/// ONNX Runtime writes the decoder's output straight into memory the GPU layer owns, and the compute pass reads the
/// same bytes: no CPU copy between the two. Uses a tiny committed graph with a VAE decoder's output (TestData).
/// </summary>
public sealed unsafe class ZeroCopyDecoderTests
{
    private const int LatentSize = 8;
    private const int ImageSize = LatentSize * 8;
    private static readonly TensorShape OutputShape = new(1, 3, ImageSize, ImageSize);

    [Fact]
    public void Decoder_output_lands_in_the_mapped_vulkan_buffer_and_converts_bit_exactly()
    {
        using var gpu = new ValidatedGpu();
        using var tensor = GpuTensorBuffer.Allocate(gpu.Context, OutputShape, TensorElementType.Float32);
        Assert.Equal(0, tensor.MappedPointer % GpuTensorBuffer.PageAlignment);

        DecodeInto(tensor);

        ConvertAndCompare(gpu, tensor);
    }

    [Fact]
    public void Decoder_output_lands_in_imported_host_memory_and_converts_bit_exactly()
    {
        using var gpu = new ValidatedGpu();
        long alignment = GpuTensorBuffer.HostImportAlignment(gpu.Context);
        long size = GpuTensorBuffer.HostImportSize(gpu.Context, OutputShape, TensorElementType.Float32);
        void* memory = NativeMemory.AlignedAlloc((nuint)size, (nuint)alignment);
        try
        {
            using (var tensor = GpuTensorBuffer.ImportHostMemory(gpu.Context, (nint)memory, size, OutputShape, TensorElementType.Float32))
            {
                Assert.True(tensor.IsImported);
                Assert.Equal((nint)memory, tensor.MappedPointer);
                DecodeInto(tensor);
                ConvertAndCompare(gpu, tensor);
            }
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    [Fact]
    public void Misaligned_host_memory_is_refused_with_the_required_alignment()
    {
        using var gpu = new ValidatedGpu();
        long alignment = GpuTensorBuffer.HostImportAlignment(gpu.Context);
        long size = GpuTensorBuffer.HostImportSize(gpu.Context, OutputShape, TensorElementType.Float32);
        void* memory = NativeMemory.AlignedAlloc((nuint)(size + alignment), (nuint)alignment);
        try
        {
            var error = Assert.Throws<SeedtexException>(() =>
                GpuTensorBuffer.ImportHostMemory(gpu.Context, (nint)memory + 64, size, OutputShape, TensorElementType.Float32));
            Assert.Equal(SeedtexErrorKind.Gpu, error.Kind);
            Assert.Contains($"multiples of {alignment} bytes", error.Message, StringComparison.Ordinal);
        }
        finally
        {
            NativeMemory.AlignedFree(memory);
        }
    }

    private static float[] Latent()
    {
        var random = new Random(42);
        return Enumerable.Range(0, 4 * LatentSize * LatentSize).Select(_ => (random.NextSingle() * 4f) - 2f).ToArray();
    }

    // Runs the decoder twice: once the ordinary way (ORT allocates the output), once bound over the GPU tensor.
    private static void DecodeInto(GpuTensorBuffer tensor)
    {
        using var session = new InferenceSession(Path.Combine(AppContext.BaseDirectory, "TestData", "tiny_vae_decoder.onnx"));
        var latent = Latent();
        using var latentValue = OrtValue.CreateTensorValueFromMemory(latent, [1, 4, LatentSize, LatentSize]);

        using var runOptions = new RunOptions();
        using var reference = session.Run(runOptions, ["latent"], [latentValue], ["sample"]);
        var expected = reference[0].GetTensorDataAsSpan<float>().ToArray();

        using var output = OrtValue.CreateTensorValueWithData(OrtMemoryInfo.DefaultInstance, OrtElementType.Float, OutputShape.ToArray(), tensor.MappedPointer, tensor.ByteCount);
        using var binding = session.CreateIoBinding();
        binding.BindInput("latent", latentValue);
        binding.BindOutput("sample", output);
        session.RunWithBinding(runOptions, binding);
        using var outputs = binding.GetOutputValues();

        // The structure: ORT's output value is our mapped buffer, not a copy of it.
        fixed (float* data = outputs[0].GetTensorDataAsSpan<float>())
            Assert.Equal(tensor.MappedPointer, (nint)data);
        // And it really wrote there: the bytes equal an ordinary run's output.
        Assert.Equal(expected, tensor.AsSpan<float>().ToArray());
        Assert.Contains(expected, v => v is > -1f and < 1f and not 0f);
    }

    private static void ConvertAndCompare(ValidatedGpu gpu, GpuTensorBuffer tensor)
    {
        var expected = TensorToImage.ToTexture<float>(tensor.AsSpan<float>(), 3, ImageSize, ImageSize, PixelFormat.Rgba8Srgb, withMips: true);
        using var texture = new ImageConverter(gpu.Context).TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true);
        Assert.Equal(Silk.NET.Vulkan.ImageLayout.ShaderReadOnlyOptimal, texture.Layout);
        var actual = TextureUploader.Download(gpu.Context, texture);
        Assert.True(expected.LevelPixels(0, 0).Span.SequenceEqual(actual.LevelPixels(0, 0).Span), "GPU pixels differ from the CPU twin");
        for (int level = 1; level < expected.MipCount; level++)
            PixelAssert.WithinOneStep(expected.LevelPixels(0, level).Span, actual.LevelPixels(0, level).Span, $"mip {level}");
    }
}
