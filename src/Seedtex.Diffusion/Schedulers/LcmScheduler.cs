using Seedtex.Core;

namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// Latent Consistency Model sampler (<c>lcm</c>): matches diffusers' LCMScheduler. Timesteps are taken evenly (by
/// index) from the distillation schedule k·i − 1 (k = N / original_inference_steps, i = 1..original_inference_steps),
/// ignoring timestep_spacing and steps_offset as diffusers does; 4 steps of a 50-step distillation give
/// 999, 759, 499, 259. Each step forms the consistency estimate c_skip·x + c_out·x₀ with
/// c_skip = σ_d²/((10t)² + σ_d²), c_out = 10t/√((10t)² + σ_d²), σ_d = 0.5 (10 = timestep_scaling), then, except on
/// the last step, re-noises it to the next timestep with one <see cref="TorchCpuRandom.NextGaussian"/> over the latent:
/// x ← √ᾱ_next·denoised + √(1 − ᾱ_next)·ε. After the last step the latent is diffusers' "denoised" output.
/// At most original_inference_steps steps.
/// </summary>
public sealed class LcmScheduler : SchedulerBase
{
    private const double SigmaData = 0.5;
    private float[]? _noise;

    public LcmScheduler(SchedulerConfig config) : base(config, TimestepSpacing.Leading)
    {
        if (config.OriginalInferenceSteps > config.NumTrainTimesteps)
            throw SeedtexException.Argument($"lcm: original_inference_steps {config.OriginalInferenceSteps} exceeds num_train_timesteps {config.NumTrainTimesteps}; the distillation schedule must fit in the training one.");
    }

    public override string Name => "lcm";

    public override float InitNoiseSigma => 1.0f;

    protected override int MaxStepsForConfig => Config.OriginalInferenceSteps;

    protected override string StepLimitReason => $" (LCM takes its steps from the {Config.OriginalInferenceSteps}-step distillation schedule)";

    protected override float[] BuildSchedule(int steps)
    {
        var original = Config.OriginalInferenceSteps;
        var stride = Config.NumTrainTimesteps / original;
        var timesteps = new float[steps];
        for (var i = 0; i < steps; i++)
        {
            // Descending distillation schedule indexed at floor(linspace(0, original, steps, endpoint=False)).
            var index = (int)Math.Floor(i * ((double)original / steps));
            timesteps[i] = ((original - index) * stride) - 1;
        }
        return timesteps;
    }

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random)
    {
        var timestep = (int)Timesteps[stepIndex];
        var isLast = stepIndex == StepCount - 1;
        var nextTimestep = isLast ? timestep : (int)Timesteps[stepIndex + 1];
        var alpha = AlphasCumprod[timestep];
        var alphaNext = AlphasCumprod[nextTimestep];
        var sqrtAlpha = MathF.Sqrt(alpha);
        var sqrtBeta = MathF.Sqrt(1 - alpha);

        var scaledTimestep = timestep * Config.TimestepScaling;
        var denominator = (scaledTimestep * scaledTimestep) + (SigmaData * SigmaData);
        var skipScale = (float)(SigmaData * SigmaData / denominator);
        var outputScale = (float)(scaledTimestep / Math.Sqrt(denominator));

        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var original = PredictOriginalFromAlpha(modelOutput[i], x, sqrtAlpha, sqrtBeta);
            sample[i] = (outputScale * original) + (skipScale * x);
        }
        if (isLast)
            return;

        var noise = Reuse(ref _noise, sample.Length);
        random.NextGaussian(noise);
        AlphaForm.AddNoise(alphaNext, sample, noise, sample);
    }

    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination) =>
        AlphaForm.AddNoise(AlphasCumprod[(int)Timesteps[stepIndex]], original, noise, destination);
}
