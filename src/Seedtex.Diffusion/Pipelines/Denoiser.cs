using Microsoft.ML.OnnxRuntime;
using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Schedulers;

namespace Seedtex.Diffusion.Pipelines;

/// <summary>
/// The denoising loop: at each step predict the noise (with guidance) and let the scheduler step. <see cref="Whole"/>
/// runs the latent as one view; <see cref="Panorama"/> runs wrapping windows and averages them (backdrops).
/// Cancellation is checked between steps; a running step is stopped through <see cref="RunOptions"/>. After each
/// step the caller sees the step index and the latents (for progress and previews).
/// </summary>
public sealed class Denoiser
{
    private readonly ModelSet _model;
    private readonly TextureRequest _request;
    private readonly TextConditioning _text;
    private readonly PipelineTimings _timings;
    private readonly RunOptions _runOptions;
    private readonly TorchCpuRandom _random;
    private readonly CancellationToken _cancellation;
    private readonly Action<int, float[]> _stepDone;

    public Denoiser(ModelSet model, TextureRequest request, TextConditioning text, PipelineTimings timings, RunOptions runOptions,
        TorchCpuRandom random, CancellationToken cancellation, Action<int, float[]> stepDone)
    {
        _model = model;
        _request = request;
        _text = text;
        _timings = timings;
        _runOptions = runOptions;
        _random = random;
        _cancellation = cancellation;
        _stepDone = stepDone;
    }

    /// <summary>Denoises <paramref name="latents"/> in place from step <paramref name="start"/> to the end.</summary>
    public void Whole(float[] latents, long[] latentShape, IScheduler scheduler, int start)
    {
        using var unet = new UnetRunner(_model, _text, _request.Guidance, latentShape);
        var scaled = new float[latents.Length];
        var prediction = new float[latents.Length];
        for (int i = start; i < _request.Steps; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            _timings.BeginStage();
            scheduler.ScaleModelInput(latents, scaled, i);
            unet.Predict(scaled, scheduler.Timesteps[i], prediction, _timings, _runOptions);
            scheduler.Step(prediction, i, latents, _random);
            _timings.EndStage($"unet step {i + 1}");
            _stepDone(i, latents);
        }
    }

    /// <summary>
    /// Denoises a panorama that wraps in x with half-overlapping square windows, each with its own scheduler (so
    /// multistep history and ancestral noise stay per view), averaging the windows after every step.
    /// </summary>
    public void Panorama(float[] latents, long[] latentShape, Func<IScheduler> newScheduler, int start)
    {
        var windows = new PanoramaWindows((int)latentShape[1], (int)latentShape[2], (int)latentShape[3]);
        var schedulers = new IScheduler[windows.Count];
        for (int k = 0; k < schedulers.Length; k++)
            schedulers[k] = newScheduler();
        using var unet = new UnetRunner(_model, _text, _request.Guidance, [1, latentShape[1], windows.Size, windows.Size]);
        var window = new float[windows.WindowLength];
        var scaled = new float[window.Length];
        var prediction = new float[window.Length];
        var sum = new float[latents.Length];
        for (int i = start; i < _request.Steps; i++)
        {
            _cancellation.ThrowIfCancellationRequested();
            _timings.BeginStage();
            Array.Clear(sum);
            for (int k = 0; k < windows.Count; k++)
            {
                windows.Extract(latents, k, window);
                schedulers[k].ScaleModelInput(window, scaled, i);
                unet.Predict(scaled, schedulers[k].Timesteps[i], prediction, _timings, _runOptions);
                schedulers[k].Step(prediction, i, window, _random);
                windows.Accumulate(window, k, sum);
            }
            windows.Average(sum);
            sum.CopyTo(latents, 0);
            _timings.EndStage($"unet step {i + 1} ({windows.Count} windows)");
            _stepDone(i, latents);
        }
    }
}
