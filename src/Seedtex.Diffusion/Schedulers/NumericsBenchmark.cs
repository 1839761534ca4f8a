using System.Diagnostics;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>One measured figure: the mean wall time of one operation on a latent of the given size.</summary>
public sealed record NumericsBenchmarkResult(string Operation, int LatentLength, int Repetitions, double MillisecondsEach);

/// <summary>
/// Times the CPU-side numbers of a denoising loop (noise generation and scheduler steps) so <c>seedtex bench</c> can
/// report them next to the UNet's cost. Synchronous, single-threaded, allocation-free inside the timed loops.
/// </summary>
public static class NumericsBenchmark
{
    /// <summary>An SD 1.x 1024×1024 latent (1×4×128×128).</summary>
    public const int DefaultLatentLength = 4 * 128 * 128;

    /// <summary>Measures torch.randn over the latent, then ScaleModelInput + Step of every scheduler over a 20-step run.</summary>
    public static IReadOnlyList<NumericsBenchmarkResult> Run(int latentLength = DefaultLatentLength, int repetitions = 20, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(latentLength, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(repetitions, 1);
        var results = new List<NumericsBenchmarkResult>();
        var latent = new float[latentLength];
        var input = new float[latentLength];
        var output = new float[latentLength];

        var random = new TorchCpuRandom(0);
        random.NextGaussian(latent);
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < repetitions; i++)
            random.NextGaussian(latent);
        results.Add(new NumericsBenchmarkResult("torch.randn", latentLength, repetitions, watch.Elapsed.TotalMilliseconds / repetitions));

        const int steps = 20;
        foreach (var name in SchedulerFactory.Names)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var scheduler = SchedulerFactory.Create(name, SchedulerConfig.Default);
            scheduler.SetTimesteps(steps);
            random.NextGaussian(latent);
            // A stand-in UNet output that keeps the latent bounded: a fixed fraction of the input.
            var elapsed = TimeSpan.Zero;
            var timedSteps = 0;
            for (var run = 0; run < Math.Max(1, repetitions / 4); run++)
            {
                random.NextGaussian(latent);
                for (var i = 0; i < steps; i++)
                {
                    var start = Stopwatch.GetTimestamp();
                    scheduler.ScaleModelInput(latent, input, i);
                    elapsed += Stopwatch.GetElapsedTime(start);
                    for (var k = 0; k < output.Length; k++)
                        output[k] = 0.1f * input[k];
                    start = Stopwatch.GetTimestamp();
                    scheduler.Step(output, i, latent, random);
                    elapsed += Stopwatch.GetElapsedTime(start);
                    timedSteps++;
                }
            }
            results.Add(new NumericsBenchmarkResult($"{name} step", latentLength, timedSteps, elapsed.TotalMilliseconds / timedSteps));
        }
        return results;
    }
}
