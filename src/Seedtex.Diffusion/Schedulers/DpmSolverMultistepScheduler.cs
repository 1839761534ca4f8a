namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// DPM-Solver++(2M) with Karras sigmas (<c>dpm++2m-karras</c>): matches diffusers' DPMSolverMultistepScheduler with
/// algorithm_type "dpmsolver++", solver_order 2, solver_type "midpoint", use_karras_sigmas, lower_order_final and
/// final_sigmas_type "zero" (its current defaults besides the Karras switch). Sigmas follow Karras et al. (ρ = 7)
/// between the training σ_min and σ_max, so timestep_spacing and steps_offset don't matter; each UNet timestep is
/// round(t(σ)) by diffusers' log-σ interpolation. The first step after SetTimesteps (or after any index that does not
/// follow the previous step) and the last step are first order; the others use the previous step's x₀ estimate.
/// Works in VP form: InitNoiseSigma = 1, the UNet input is not scaled. Deterministic.
/// </summary>
public sealed class DpmSolverMultistepScheduler : SchedulerBase
{
    private const double Rho = 7.0;
    private readonly float[] _trainingSigmas;
    private readonly float[] _trainingLogSigmas;
    private float[] _sigmas = [];
    private float[]? _currentDenoised;
    private float[]? _previousDenoised;
    private int _previousStepIndex = -1;

    public DpmSolverMultistepScheduler(SchedulerConfig config) : base(config, TimestepSpacing.Linspace)
    {
        _trainingSigmas = TrainingNoiseSchedule.Sigmas(AlphasCumprod);
        _trainingLogSigmas = [.. _trainingSigmas.Select(s => MathF.Log(s))];
    }

    public override string Name => "dpm++2m-karras";

    public override float InitNoiseSigma => 1.0f;

    /// <summary>Karras σ per step index, plus the final 0: <see cref="SchedulerBase.StepCount"/> + 1 values.</summary>
    public IReadOnlyList<float> Sigmas => _sigmas;

    protected override float[] BuildSchedule(int steps)
    {
        double sigmaMin = _trainingSigmas[0];
        double sigmaMax = _trainingSigmas[^1];
        var minInverseRho = Math.Pow(sigmaMin, 1 / Rho);
        var maxInverseRho = Math.Pow(sigmaMax, 1 / Rho);

        _sigmas = new float[steps + 1];
        var timesteps = new float[steps];
        for (var i = 0; i < steps; i++)
        {
            var ramp = steps > 1 ? (i == steps - 1 ? 1.0 : i * (1.0 / (steps - 1))) : 0.0;
            var sigma = Math.Pow(maxInverseRho + (ramp * (minInverseRho - maxInverseRho)), Rho);
            _sigmas[i] = (float)sigma;
            timesteps[i] = (float)Math.Round(TimestepForSigma(sigma), MidpointRounding.ToEven);
        }
        _previousStepIndex = -1;
        return timesteps;
    }

    protected override void StepCore(ReadOnlySpan<float> modelOutput, int stepIndex, Span<float> sample, TorchCpuRandom random)
    {
        var denoised = Reuse(ref _currentDenoised, sample.Length);
        var previous = Reuse(ref _previousDenoised, sample.Length);

        var (alphaS0, sigmaS0) = AlphaSigma(_sigmas[stepIndex]);
        for (var i = 0; i < sample.Length; i++)
        {
            denoised[i] = Config.PredictionType switch
            {
                PredictionType.Epsilon => (sample[i] - (sigmaS0 * modelOutput[i])) / alphaS0,
                PredictionType.VPrediction => (alphaS0 * sample[i]) - (sigmaS0 * modelOutput[i]),
                _ => modelOutput[i],
            };
        }

        var (alphaT, sigmaT) = AlphaSigma(_sigmas[stepIndex + 1]);
        var lambdaT = Lambda(alphaT, sigmaT);
        var lambdaS0 = Lambda(alphaS0, sigmaS0);
        var h = lambdaT - lambdaS0;
        var sampleScale = sigmaT / sigmaS0;
        var denoisedScale = alphaT * (MathF.Exp(-h) - 1.0f);

        var hasHistory = _previousStepIndex == stepIndex - 1 && stepIndex > 0;
        var lastStep = stepIndex == StepCount - 1;
        if (!hasHistory || lastStep)
        {
            for (var i = 0; i < sample.Length; i++)
                sample[i] = (sampleScale * sample[i]) - (denoisedScale * denoised[i]);
        }
        else
        {
            var (alphaS1, sigmaS1) = AlphaSigma(_sigmas[stepIndex - 1]);
            var ratio = (lambdaS0 - Lambda(alphaS1, sigmaS1)) / h;
            var differenceScale = 1.0f / ratio;
            var halfDenoisedScale = 0.5f * denoisedScale;
            for (var i = 0; i < sample.Length; i++)
            {
                var difference = differenceScale * (denoised[i] - previous[i]);
                sample[i] = (sampleScale * sample[i]) - (denoisedScale * denoised[i]) - (halfDenoisedScale * difference);
            }
        }

        // This step's estimate becomes the next step's history.
        (_currentDenoised, _previousDenoised) = (previous, denoised);
        _previousStepIndex = stepIndex;
    }

    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        var (alpha, sigma) = AlphaSigma(_sigmas[stepIndex]);
        for (var i = 0; i < destination.Length; i++)
            destination[i] = (alpha * original[i]) + (sigma * noise[i]);
    }

    /// <summary>VP-form α_t = 1/√(σ²+1) and σ_t = σ·α_t for a k-diffusion σ.</summary>
    private static (float Alpha, float Sigma) AlphaSigma(float sigma)
    {
        var alpha = 1.0f / MathF.Sqrt((sigma * sigma) + 1.0f);
        return (alpha, sigma * alpha);
    }

    /// <summary>λ = log α − log σ in float32 as diffusers' tensors hold it; +∞ at σ = 0, which makes the final step return x₀.</summary>
    private static float Lambda(float alpha, float sigma) => MathF.Log(alpha) - MathF.Log(sigma);

    /// <summary>diffusers' _sigma_to_t: interpolate the training index linearly in log σ, clamped to the table.</summary>
    private double TimestepForSigma(double sigma)
    {
        var logSigma = Math.Log(Math.Max(sigma, 1e-10));
        // Last index whose log σ is at or below the target (0 if none), kept one short of the end.
        var low = 0;
        for (var t = 0; t < _trainingLogSigmas.Length; t++)
        {
            if (logSigma - _trainingLogSigmas[t] >= 0)
                low = t;
        }
        low = Math.Min(low, _trainingLogSigmas.Length - 2);
        var lowLog = _trainingLogSigmas[low];
        var highLog = _trainingLogSigmas[low + 1];
        var weight = Math.Clamp((lowLog - logSigma) / (lowLog - highLog), 0.0, 1.0);
        return ((1 - weight) * low) + (weight * (low + 1));
    }
}
