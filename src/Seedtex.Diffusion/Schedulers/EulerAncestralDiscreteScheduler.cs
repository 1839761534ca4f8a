namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// Euler ancestral sampler (<c>euler-a</c>): matches diffusers' EulerAncestralDiscreteScheduler. Each step goes
/// deterministically down to σ_down and adds fresh noise of size σ_up, where
/// σ_up = √(σᵢ₊₁²(σᵢ² − σᵢ₊₁²)/σᵢ²) and σ_down = √(σᵢ₊₁² − σ_up²).
/// The noise is one <see cref="TorchCpuRandom.NextGaussian"/> over the whole latent on every step, the last one
/// included (where σ_up = 0), exactly as diffusers draws it from the pipeline's generator; pass the generator that
/// made the initial latent to reproduce diffusers with a CPU generator. ComfyUI's k-diffusion sampler builds its own
/// sigma list and noise stream (and skips the draw when σᵢ₊₁ = 0), so its latents are not expected to match.
/// "sample" prediction (x₀ = model output) is supported here although diffusers raises for it.
/// SD-Turbo: trailing spacing, 1 step, timestep 999, InitNoiseSigma = σ_max; the single step returns x₀.
/// </summary>
public sealed class EulerAncestralDiscreteScheduler : EulerSchedulerBase
{
    private float[]? _noise;

    public EulerAncestralDiscreteScheduler(SchedulerConfig config) : base(config)
    {
    }

    public override string Name => "euler-a";

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random)
    {
        var sigmaFrom = SigmaAt(stepIndex);
        var sigmaTo = SigmaAt(stepIndex + 1);
        var sigmaUp = MathF.Sqrt(sigmaTo * sigmaTo * ((sigmaFrom * sigmaFrom) - (sigmaTo * sigmaTo)) / (sigmaFrom * sigmaFrom));
        var sigmaDown = MathF.Sqrt((sigmaTo * sigmaTo) - (sigmaUp * sigmaUp));
        var dt = sigmaDown - sigmaFrom;
        var (vOutputScale, vSampleDivisor) = VPredictionTerms(sigmaFrom);

        var noise = Reuse(ref _noise, sample.Length);
        random.NextGaussian(noise);
        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var original = PredictOriginal(modelOutput[i], x, sigmaFrom, vOutputScale, vSampleDivisor);
            var derivative = (x - original) / sigmaFrom;
            var deterministic = x + (derivative * dt);
            sample[i] = deterministic + (noise[i] * sigmaUp);
        }
    }
}
