namespace Seedtex.Diffusion.Schedulers;

/// <summary>
/// The noise levels the model was trained with: betas → alphas_cumprod (ᾱ) and the matching sigmas
/// √((1−ᾱ)/ᾱ), computed with torch's float32 arithmetic as diffusers does it.
/// </summary>
public static class TrainingNoiseSchedule
{
    /// <summary>ᾱ[t] for t in [0, N): float32 betas, 1 − β in float32, and a running product accumulated in double
    /// and stored as float per element (what torch.cumprod does on the CPU).</summary>
    public static float[] AlphasCumprod(SchedulerConfig config)
    {
        var betas = Betas(config);
        var alphasCumprod = new float[betas.Length];
        var product = 1.0;
        for (var t = 0; t < betas.Length; t++)
        {
            product *= 1.0f - betas[t];
            alphasCumprod[t] = (float)product;
        }
        return alphasCumprod;
    }

    /// <summary>σ[t] = √((1−ᾱ)/ᾱ) in float32, ascending with t.</summary>
    public static float[] Sigmas(ReadOnlySpan<float> alphasCumprod)
    {
        var sigmas = new float[alphasCumprod.Length];
        for (var t = 0; t < sigmas.Length; t++)
            sigmas[t] = MathF.Sqrt((1.0f - alphasCumprod[t]) / alphasCumprod[t]);
        return sigmas;
    }

    private static float[] Betas(SchedulerConfig config)
    {
        if (config.TrainedBetas is { } trained)
            return [.. trained];

        var count = config.NumTrainTimesteps;
        if (config.BetaSchedule == BetaSchedule.Linear)
            return TorchLinspace((float)config.BetaStart, (float)config.BetaEnd, count);

        var roots = TorchLinspace((float)Math.Sqrt(config.BetaStart), (float)Math.Sqrt(config.BetaEnd), count);
        for (var i = 0; i < roots.Length; i++)
            roots[i] *= roots[i];
        return roots;
    }

    /// <summary>
    /// torch.linspace in float32, bit for bit as torch 1.13's AVX2 kernel computes it: the first half counts up from
    /// start and the second half down from end, with the base product fused (FMA) as GCC compiles it. Values in the
    /// 16-wide vector part come in blocks of 8 whose base uses the block's first index and whose other lanes add
    /// k·step unfused (so a block straddling the halfway point keeps counting up); the tail is computed per value.
    /// </summary>
    private static float[] TorchLinspace(float start, float end, int count)
    {
        var values = new float[count];
        var step = (end - start) / (count - 1);
        var halfway = count / 2;
        var vectorEnd = count / 16 * 16;
        for (var block = 0; block < vectorEnd; block += 8)
        {
            var baseValue = Base(block);
            values[block] = baseValue;
            for (var k = 1; k < 8; k++)
                values[block + k] = baseValue + (k * step);
        }
        for (var i = vectorEnd; i < count; i++)
            values[i] = Base(i);
        return values;

        float Base(int index) => index < halfway
            ? MathF.FusedMultiplyAdd(step, index, start)
            : MathF.FusedMultiplyAdd(-step, count - index - 1, end);
    }
}
