namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// The sigma (k-diffusion) form shared by the Euler samplers, as diffusers' Euler schedulers build it: σ(t)
/// interpolated at the spaced timesteps with np.interp semantics (linear between integer t, clamped at the ends),
/// σ = 0 appended, UNet input divided by √(σ²+1), noise scaled by σ.
/// </summary>
public abstract class EulerSchedulerBase : SchedulerBase
{
    private readonly float[] _trainingSigmas;
    private float[] _sigmas = [];

    protected EulerSchedulerBase(SchedulerConfig config) : base(config, Schedulers.TimestepSpacing.Linspace)
    {
        _trainingSigmas = TrainingNoiseSchedule.Sigmas(AlphasCumprod);
    }

    /// <summary>σ per step index, plus the final 0: <see cref="SchedulerBase.StepCount"/> + 1 values.</summary>
    public IReadOnlyList<float> Sigmas => _sigmas;

    /// <summary>max σ for linspace/trailing spacing, √(max σ² + 1) for leading (diffusers' rule).</summary>
    public override float InitNoiseSigma
    {
        get
        {
            var max = _sigmas.Length == 0 ? _trainingSigmas[^1] : _sigmas.Max();
            return Config.TimestepSpacing == TimestepSpacing.Leading ? MathF.Sqrt((max * max) + 1) : max;
        }
    }

    public override void ScaleModelInput(ReadOnlySpan<float> sample, Span<float> destination, int stepIndex)
    {
        base.ScaleModelInput(sample, destination, stepIndex);
        var sigma = _sigmas[stepIndex];
        var divisor = MathF.Sqrt((sigma * sigma) + 1);
        for (var i = 0; i < destination.Length; i++)
            destination[i] /= divisor;
    }

    /// <summary>σ at step index i (the last index + 1 is 0).</summary>
    protected float SigmaAt(int stepIndex) => _sigmas[stepIndex];

    protected override float[] BuildSchedule(int steps)
    {
        var timesteps = TimestepSpacingRule.Descending(Config, steps, roundLinspace: false);
        _sigmas = new float[steps + 1];
        var result = new float[steps];
        for (var i = 0; i < steps; i++)
        {
            result[i] = (float)timesteps[i];
            _sigmas[i] = (float)Interpolate(result[i]);
        }
        return result;
    }

    protected override void AddNoiseCore(ReadOnlySpan<float> original, ReadOnlySpan<float> noise, int stepIndex, Span<float> destination)
    {
        var sigma = _sigmas[stepIndex];
        for (var i = 0; i < destination.Length; i++)
            destination[i] = original[i] + (noise[i] * sigma);
    }

    /// <summary>The clean-latent estimate x₀ for this prediction type at noise level σ.</summary>
    protected float PredictOriginal(float modelOutput, float sample, float sigma, float vOutputScale, float vSampleDivisor) =>
        Config.PredictionType switch
        {
            PredictionType.Epsilon => sample - (sigma * modelOutput),
            PredictionType.VPrediction => (modelOutput * vOutputScale) + (sample / vSampleDivisor),
            _ => modelOutput,
        };

    /// <summary>The v-prediction coefficients −σ/√(σ²+1) and σ²+1, in float32 as torch forms them.</summary>
    protected static (float OutputScale, float SampleDivisor) VPredictionTerms(float sigma)
    {
        var sigmaSquaredPlusOne = (sigma * sigma) + 1;
        return (-sigma / MathF.Sqrt(sigmaSquaredPlusOne), sigmaSquaredPlusOne);
    }

    private double Interpolate(double timestep)
    {
        // np.interp(t, arange(N), sigmas): clamps outside [0, N−1], linear in between.
        var last = _trainingSigmas.Length - 1;
        if (timestep <= 0)
            return _trainingSigmas[0];
        if (timestep >= last)
            return _trainingSigmas[last];
        var low = (int)Math.Floor(timestep);
        double lowSigma = _trainingSigmas[low];
        double highSigma = _trainingSigmas[low + 1];
        return ((highSigma - lowSigma) * (timestep - low)) + lowSigma;
    }
}
