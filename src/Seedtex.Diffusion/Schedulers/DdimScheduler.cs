namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// DDIM (<c>ddim</c>) with η = 0: matches diffusers' DDIMScheduler (integer timesteps from leading/trailing/linspace
/// spacing, previous timestep = t − N/steps as diffusers computes it for every spacing, set_alpha_to_one,
/// clip_sample; epsilon, v_prediction and sample). Deterministic, never draws from the generator.
/// x₀ = predicted clean latent, ε̂ = predicted noise, x ← √ᾱ_prev·x₀ + √(1 − ᾱ_prev)·ε̂.
/// </summary>
public sealed class DdimScheduler : SchedulerBase
{
    private readonly float _finalAlphaCumprod;
    private int _stride;

    public DdimScheduler(SchedulerConfig config) : base(config, TimestepSpacing.Leading)
    {
        _finalAlphaCumprod = config.SetAlphaToOne ? 1.0f : AlphasCumprod[0];
    }

    public override string Name => "ddim";

    public override float InitNoiseSigma => 1.0f;

    protected override float[] BuildSchedule(int steps)
    {
        var timesteps = TimestepSpacingRule.Descending(Config, steps, roundLinspace: true);
        CheckTimestepsInTable(timesteps);
        _stride = Config.NumTrainTimesteps / steps;
        return [.. timesteps.Select(t => (float)t)];
    }

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random)
    {
        var timestep = (int)Timesteps[stepIndex];
        var previousTimestep = timestep - _stride;
        var alpha = AlphasCumprod[timestep];
        var alphaPrevious = previousTimestep >= 0 ? AlphasCumprod[previousTimestep] : _finalAlphaCumprod;
        var sqrtAlpha = MathF.Sqrt(alpha);
        var sqrtBeta = MathF.Sqrt(1 - alpha);
        var sqrtAlphaPrevious = MathF.Sqrt(alphaPrevious);
        var directionScale = MathF.Sqrt(1 - alphaPrevious);

        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var output = modelOutput[i];
            var original = PredictOriginalFromAlpha(output, x, sqrtAlpha, sqrtBeta);
            var epsilon = Config.PredictionType switch
            {
                PredictionType.Epsilon => output,
                PredictionType.VPrediction => (sqrtAlpha * output) + (sqrtBeta * x),
                // From the unclipped prediction, as diffusers forms ε̂ before clip_sample.
                _ => (x - (sqrtAlpha * output)) / sqrtBeta,
            };
            sample[i] = (sqrtAlphaPrevious * original) + (directionScale * epsilon);
        }
    }

    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination) =>
        AlphaForm.AddNoise(AlphasCumprod[(int)Timesteps[stepIndex]], original, noise, destination);
}
