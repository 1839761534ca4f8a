using System.Diagnostics;
using Seedtex.Cache;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Onnx;
using Seedtex.Vulkan;

namespace Seedtex.Runtime;

/// <summary>What <see cref="ServiceBenchmark.RunAsync"/> measured.</summary>
public sealed record ServiceBenchResult(
    int Requests, int DistinctKeys, int Generations,
    double StepMilliseconds, double CancelMilliseconds, double StopMilliseconds,
    int Frames, double FrameBudgetMilliseconds, double WorstFrameMilliseconds, double P99FrameMilliseconds,
    FrameTimes? WithGpuUploads)
{
    public double StopInSteps => StopMilliseconds / StepMilliseconds;
}

/// <summary>Main-thread time per frame while requests complete through Pump.</summary>
public sealed record FrameTimes(int Requests, int Size, int Frames, double WorstMilliseconds, double P99Milliseconds, string Device);

/// <summary>
/// The service's behaviour as figures for `seedtex bench service`: single flight (requests vs generations),
/// cancellation latency in UNet steps, and the main thread's time per frame while requests complete through Pump,
/// without and (when a Vulkan device opens) with a device attached, so Pump also records and submits the uploads.
/// </summary>
public static class ServiceBenchmark
{
    public static async Task<ServiceBenchResult> RunAsync(string modelFolder, int size = 64, CancellationToken cancellationToken = default)
    {
        string cacheFolder = Directory.CreateTempSubdirectory("seedtex-bench-service").FullName;
        try
        {
            using var model = ModelSet.Load(modelFolder, new SessionSettings { Providers = [ExecutionProvider.Cpu], Threads = SeedtexOptions.DefaultInferenceThreads });
            var generator = new DiffusionTextureGenerator(model);
            using var service = new SeedtexService(generator, LayeredCache.Open(cacheFolder, [], 256L << 20), TimeSpan.FromSeconds(10), generator);
            TextureRequest Request(long seed, int steps) => new() { Prompt = "mossy stone", Seed = seed, Width = size, Height = size, Steps = steps, Guidance = 1f, Scheduler = "euler" };

            // Single flight: 1,000 requests over 50 keys.
            await Task.WhenAll(Enumerable.Range(0, 1000).Select(i => Task.Run(() => service.GenerateAsync(Request(i % 50, 2), RequestPriority.Runtime), cancellationToken))).ConfigureAwait(false);
            int generations = generator.GenerationCount;

            // Cancellation: time from cancel to the task ending, against the mean step time of the same run.
            var stepTimes = new List<long>();
            using var cancel = new CancellationTokenSource();
            var firstSteps = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var progress = new StepClock(stepTimes, firstSteps);
            var running = service.GenerateAsync(Request(12345, 1000), RequestPriority.Interactive, progress, cancel.Token);
            await firstSteps.Task.WaitAsync(cancellationToken).ConfigureAwait(false);
            long cancelledAt = Stopwatch.GetTimestamp();
            await cancel.CancelAsync().ConfigureAwait(false);
            try
            {
                await running.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                // expected
            }
            double cancelMs = Stopwatch.GetElapsedTime(cancelledAt).TotalMilliseconds;
            // The caller is released at once; the generation itself stops at its next check (between steps or in one).
            while (service.Flights > 0)
                await Task.Delay(1, cancellationToken).ConfigureAwait(false);
            double stopMs = Stopwatch.GetElapsedTime(cancelledAt).TotalMilliseconds;
            double stepMs;
            lock (stepTimes)
                stepMs = Stopwatch.GetElapsedTime(stepTimes[0], stepTimes[^1]).TotalMilliseconds / (stepTimes.Count - 1);

            // Frame budget: 100 requests complete while the "main thread" pumps once per 16 ms frame.
            var budget = TimeSpan.FromMilliseconds(2);
            var cpu = await PumpFramesAsync(service, i => Request(1000 + (i % 40), 2), size, budget, "none", cancellationToken).ConfigureAwait(false);

            // The same with a device attached: 256 px textures with mips, uploaded from inside Pump.
            FrameTimes? gpu = null;
            GpuContext? context = null;
            try
            {
                context = GpuContext.CreateHeadless();
            }
            catch (SeedtexException e) when (e.Kind == SeedtexErrorKind.Gpu)
            {
                // No Vulkan here: the figure is left out, not faked.
            }
            if (context is not null)
            {
                using (context)
                {
                    service.AttachGpu(context);
                    gpu = await PumpFramesAsync(service, i => Request(2000 + (i % 40), 2) with { Width = 256, Height = 256 }, 256, budget, context.DeviceName, cancellationToken).ConfigureAwait(false);
                    service.Dispose();
                }
            }
            return new ServiceBenchResult(1000, 50, generations, stepMs, cancelMs, stopMs, cpu.Frames, budget.TotalMilliseconds, cpu.WorstMilliseconds, cpu.P99Milliseconds, gpu);
        }
        finally
        {
            Directory.Delete(cacheFolder, recursive: true);
        }
    }

    private static async Task<FrameTimes> PumpFramesAsync(SeedtexService service, Func<int, TextureRequest> request, int size, TimeSpan budget, string device, CancellationToken cancellationToken)
    {
        int delivered = 0;
        for (int i = 0; i < 100; i++)
        {
            service.Submit(request(i), RequestPriority.Runtime, (result, _) =>
            {
                result?.GpuTexture?.Dispose();
                delivered++;
            }, null, cancellationToken);
        }
        var frames = new List<double>();
        while (delivered < 100)
        {
            long frameStart = Stopwatch.GetTimestamp();
            service.Pump(budget);
            frames.Add(Stopwatch.GetElapsedTime(frameStart).TotalMilliseconds);
            await Task.Delay(16, cancellationToken).ConfigureAwait(false);
        }
        frames.Sort();
        return new FrameTimes(100, size, frames.Count, frames[^1], frames[(int)(frames.Count * 0.99)], device);
    }

    /// <summary>Records when each denoising step ended; signals after a few steps.</summary>
    private sealed class StepClock(List<long> times, TaskCompletionSource ready) : IProgress<GenerationProgress>
    {
        public void Report(GenerationProgress value)
        {
            if (value.Stage != GenerationStage.Denoising)
                return;
            lock (times)
            {
                times.Add(Stopwatch.GetTimestamp());
                if (times.Count >= 5)
                    ready.TrySetResult();
            }
        }
    }
}
