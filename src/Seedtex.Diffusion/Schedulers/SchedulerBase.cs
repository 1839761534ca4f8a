using Seedtex.Core;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// What every scheduler shares: the training ᾱ table, step-count and argument checks, and reusable per-latent
/// buffers so the denoising loop does not allocate.
/// </summary>
public abstract class SchedulerBase : IScheduler
{
    /// <summary>The most inference steps any scheduler accepts.</summary>
    public const int MaxSteps = 1000;

    private float[] _timesteps = [];

    protected SchedulerBase(SchedulerConfig config, TimestepSpacing defaultSpacing)
    {
        ArgumentNullException.ThrowIfNull(config);
        config.Validate();
        Config = config.TimestepSpacing is null ? config with { TimestepSpacing = defaultSpacing } : config;
        AlphasCumprod = TrainingNoiseSchedule.AlphasCumprod(config);
    }

    public abstract string Name { get; }

    public SchedulerConfig Config { get; }

    public IReadOnlyList<float> Timesteps => _timesteps;

    public int StepCount => _timesteps.Length;

    public abstract float InitNoiseSigma { get; }

    /// <summary>ᾱ[t], the fraction of signal variance left at training timestep t.</summary>
    protected float[] AlphasCumprod { get; }

    public void SetTimesteps(int steps)
    {
        var limit = Math.Min(Math.Min(MaxSteps, Config.NumTrainTimesteps), MaxStepsForConfig);
        if (steps < 1 || steps > limit)
            throw SeedtexException.Argument($"{Name}: {steps} steps is out of range; use 1 to {limit} steps{StepLimitReason}.");
        _timesteps = BuildSchedule(steps);
    }

    public virtual void ScaleModelInput(ReadOnlySpan<float> sample, Span<float> destination, int stepIndex)
    {
        CheckStepIndex(stepIndex);
        CheckSameLength(sample.Length, destination.Length, "destination");
        sample.CopyTo(destination);
    }

    public void Step(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random)
    {
        ArgumentNullException.ThrowIfNull(random);
        CheckStepIndex(stepIndex);
        CheckSameLength(sample.Length, modelOutput.Length, "model output");
        StepCore(modelOutput, stepIndex, sample, random);
    }

    public void AddNoise(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        CheckStepIndex(stepIndex);
        CheckSameLength(original.Length, noise.Length, "noise");
        CheckSameLength(original.Length, destination.Length, "destination");
        AddNoiseCore(original, noise, stepIndex, destination);
    }

    /// <summary>An extra cap on the step count a scheduler allows (LCM: its distillation schedule).</summary>
    protected virtual int MaxStepsForConfig => int.MaxValue;

    /// <summary>Words appended to the out-of-range message explaining <see cref="MaxStepsForConfig"/>.</summary>
    protected virtual string StepLimitReason => "";

    /// <summary>Computes the schedule (and any per-run tables) for <paramref name="steps"/>; returns the UNet timesteps.</summary>
    protected abstract float[] BuildSchedule(int steps);

    protected abstract void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random);

    protected abstract void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination);

    /// <summary>Throws unless every timestep indexes the training table (leading spacing + steps_offset can run past it).</summary>
    protected void CheckTimestepsInTable(ReadOnlySpan<double> timesteps)
    {
        foreach (var t in timesteps)
        {
            if (t < 0 || t > Config.NumTrainTimesteps - 1)
                throw SeedtexException.Argument($"{Name}: this step count puts a timestep at {t}, outside 0..{Config.NumTrainTimesteps - 1} " +
                                                 $"(steps_offset {Config.StepsOffset}, spacing {Config.TimestepSpacing}); use fewer steps or another spacing.");
        }
    }

    /// <summary>Returns <paramref name="buffer"/>, reallocated only when the latent size changes.</summary>
    protected static float[] Reuse(ref float[]? buffer, int length)
    {
        if (buffer is null || buffer.Length != length)
            buffer = new float[length];
        return buffer;
    }

    /// <summary>The clean-latent estimate from a UNet output in ᾱ form (DDIM, LCM), with optional clip_sample.</summary>
    protected float PredictOriginalFromAlpha(float modelOutput, float sample, float sqrtAlpha, float sqrtBeta)
    {
        var original = Config.PredictionType switch
        {
            PredictionType.Epsilon => (sample - (sqrtBeta * modelOutput)) / sqrtAlpha,
            PredictionType.VPrediction => (sqrtAlpha * sample) - (sqrtBeta * modelOutput),
            _ => modelOutput,
        };
        if (Config.ClipSample)
            original = Math.Clamp(original, -(float)Config.ClipSampleRange, (float)Config.ClipSampleRange);
        return original;
    }

    private void CheckStepIndex(int stepIndex)
    {
        if (StepCount == 0)
            throw new InvalidOperationException($"{Name}: call SetTimesteps before stepping.");
        if ((uint)stepIndex >= (uint)StepCount)
            throw SeedtexException.Argument($"{Name}: step index {stepIndex} is outside 0..{StepCount - 1} for the {StepCount}-step schedule.");
    }

    private void CheckSameLength(int expected, int actual, string what)
    {
        if (expected != actual)
            throw SeedtexException.Argument($"{Name}: the {what} has {actual} values but the latent has {expected}; pass buffers of the latent's size.");
    }
}
