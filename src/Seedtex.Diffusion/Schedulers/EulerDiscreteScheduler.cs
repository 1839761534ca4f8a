namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// Euler sampler (<c>euler</c>): matches diffusers' EulerDiscreteScheduler with its defaults s_churn = 0,
/// interpolation_type "linear", final_sigmas_type "zero" and no Karras/exponential/beta sigmas; epsilon,
/// v_prediction and sample prediction. Deterministic: it never draws from the generator (with s_churn = 0 diffusers
/// doesn't either).
/// x₀ = predicted clean latent, d = (x − x₀)/σᵢ, x ← x + d·(σᵢ₊₁ − σᵢ).
/// </summary>
public sealed class EulerDiscreteScheduler : EulerSchedulerBase
{
    public EulerDiscreteScheduler(SchedulerConfig config) : base(config)
    {
    }

    public override string Name => "euler";

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random)
    {
        var sigma = SigmaAt(stepIndex);
        var dt = SigmaAt(stepIndex + 1) - sigma;
        var (vOutputScale, vSampleDivisor) = VPredictionTerms(sigma);
        for (var i = 0; i < sample.Length; i++)
        {
            var x = sample[i];
            var original = PredictOriginal(modelOutput[i], x, sigma, vOutputScale, vSampleDivisor);
            var derivative = (x - original) / sigma;
            sample[i] = x + (derivative * dt);
        }
    }
}
