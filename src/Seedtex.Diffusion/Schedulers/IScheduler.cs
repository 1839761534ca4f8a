namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// A denoising scheduler in diffusers' shape. Latents are flat float spans (NCHW order, any batch); one scheduler
/// instance serves one generation at a time. Typical loop:
/// <code>
/// scheduler.SetTimesteps(steps);
/// random.NextGaussian(latent); scale latent by InitNoiseSigma;
/// for i in 0..StepCount-1:
///     ScaleModelInput(latent, input, i); unet(input, Timesteps[i]) → output (after guidance);
///     Step(output, i, latent, random);
/// </code>
/// Step and ScaleModelInput do not allocate once the first step for a latent size has run.
/// </summary>
public interface IScheduler
{
    /// <summary>The factory name of this scheduler (<see cref="SchedulerFactory.Names"/>).</summary>
    string Name { get; }

    /// <summary>The settings the scheduler was made with.</summary>
    SchedulerConfig Config { get; }

    /// <summary>Chooses the timesteps for a run of <paramref name="steps"/> steps; resets multistep history.</summary>
    /// <exception cref="Core.SeedtexException">steps is below 1, above 1000, above num_train_timesteps, or above what the scheduler allows.</exception>
    void SetTimesteps(int steps);

    /// <summary>Number of denoising steps after <see cref="SetTimesteps"/> (0 before).</summary>
    int StepCount { get; }

    /// <summary>The timestep to feed the UNet at each step index (cast to int64 if the model's input is integer).</summary>
    IReadOnlyList<float> Timesteps { get; }

    /// <summary>Multiply unit Gaussian noise by this to get the starting latent of a text-to-image run.</summary>
    float InitNoiseSigma { get; }

    /// <summary>Writes the UNet input for step <paramref name="stepIndex"/> (may be a plain copy). The spans may be the same memory.</summary>
    void ScaleModelInput(ReadOnlySpan<float> sample, Span<float> destination, int stepIndex);

    /// <summary>
    /// Advances <paramref name="sample"/> in place from step <paramref name="stepIndex"/> to the next noise level,
    /// given the model output (after classifier-free guidance). Stochastic schedulers draw their per-step noise from
    /// <paramref name="random"/> with one <see cref="TorchCpuRandom.NextGaussian"/> call over the whole latent, as
    /// diffusers does with the generator passed to its pipeline.
    /// </summary>
    void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random);

    /// <summary>Noises a clean latent to the level of step <paramref name="stepIndex"/> (image-to-image start; see
    /// <see cref="ImageToImageSchedule.StartStepIndex"/>). The spans may overlap only if destination is original.</summary>
    void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination);
}
