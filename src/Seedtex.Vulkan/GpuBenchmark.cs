using System.Diagnostics;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Vulkan;

/// <summary>
/// Figures from one <see cref="GpuBenchmark.Run"/>: medians in milliseconds over <see cref="Runs"/> timed runs after
/// warm-up. <see cref="GpuMedianMs"/>: tensor already in GPU-visible memory (where ONNX Runtime writes it) to a new
/// sampled RGBA8 image with every mip, ready in SHADER_READ_ONLY_OPTIMAL, fence waited.
/// <see cref="GpuReuseMedianMs"/>: the same into an existing image. <see cref="CpuMedianMs"/>: the CPU twin
/// (Seedtex.Imaging) producing the same texture. <see cref="GpuProcessCpuMs"/>: CPU time the process spent per GPU
/// run (on lavapipe that is the "GPU" work itself, spread over its threads), which a busy machine distorts less
/// than wall time. <see cref="Level0Identical"/>: the two results' level 0 compared.
/// </summary>
public sealed record GpuBenchResult(string Device, int Width, int Height, int MipLevels, int Runs,
    double FirstRunMs, double GpuMedianMs, double GpuReuseMedianMs, double GpuProcessCpuMs, double CpuMedianMs, bool Level0Identical)
{
    public override string ToString() =>
        $"{Device}: {Width}x{Height} tensor -> RGBA8 + {MipLevels} mips: GPU {GpuMedianMs:F1} ms (into an existing image {GpuReuseMedianMs:F1} ms, " +
        $"process CPU time {GpuProcessCpuMs:F1} ms/run, first run {FirstRunMs:F0} ms), CPU twin {CpuMedianMs:F1} ms; median of {Runs}; " +
        $"level 0 {(Level0Identical ? "identical" : "DIFFERENT")}";
}

/// <summary>Times the GPU conversion path against its CPU twin in the same process (for <c>seedtex bench</c>).</summary>
public static class GpuBenchmark
{
    public static GpuBenchResult Run() => Run(1024, 9);

    public static GpuBenchResult Run(int size, int runs, GpuContext? context = null)
    {
        if (size < 1 || runs < 1)
            throw SeedtexException.Argument($"benchmark size {size} and runs {runs} must be positive");
        var owned = context == null ? GpuContext.CreateHeadless() : null;
        var gpu = context ?? owned!;
        try
        {
            var random = new Random(1);
            var values = new float[3 * size * size];
            for (int i = 0; i < values.Length; i++)
                values[i] = (random.NextSingle() * 2.2f) - 1.1f;
            using var tensor = GpuTensorBuffer.Allocate(gpu, new TensorShape(1, 3, size, size), TensorElementType.Float32);
            values.CopyTo(tensor.AsSpan<float>());
            var converter = new ImageConverter(gpu);

            // The first submit compiles the shaders (lavapipe: LLVM); timed separately, then one more warm-up.
            var clock = Stopwatch.StartNew();
            converter.TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true).Dispose();
            double first = clock.Elapsed.TotalMilliseconds;
            converter.TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true).Dispose();

            var processCpu = Process.GetCurrentProcess().TotalProcessorTime;
            var fresh = Time(runs, () => converter.TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true).Dispose());
            double gpuProcessCpu = (Process.GetCurrentProcess().TotalProcessorTime - processCpu).TotalMilliseconds / runs;
            using var reused = GpuTexture.Create(gpu, new GpuTextureDescription(PixelFormat.Rgba8Srgb, size, size, TextureData.FullMipCount(size, size)));
            var reuse = Time(runs, () =>
            {
                using var submission = converter.SubmitTensorToTexture(tensor, reused);
                submission.Wait();
            });

            TextureData? cpu = null;
            var cpuTime = Time(Math.Max(1, runs / 3), () => cpu = TensorToImage.ToTexture<float>(values, 3, size, size, PixelFormat.Rgba8Srgb, withMips: true));
            var fromGpu = TextureUploader.Download(gpu, reused);
            bool identical = cpu!.LevelPixels(0, 0).Span.SequenceEqual(fromGpu.LevelPixels(0, 0).Span);

            return new GpuBenchResult(gpu.DeviceName, size, size, TextureData.FullMipCount(size, size), runs, first, fresh, reuse, gpuProcessCpu, cpuTime, identical);
        }
        finally
        {
            owned?.Dispose();
        }
    }

    private static double Time(int runs, Action action)
    {
        var times = new double[runs];
        for (int i = 0; i < runs; i++)
        {
            var clock = Stopwatch.StartNew();
            action();
            times[i] = clock.Elapsed.TotalMilliseconds;
        }
        Array.Sort(times);
        return times[runs / 2];
    }
}
