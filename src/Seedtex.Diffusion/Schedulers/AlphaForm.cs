namespace Seedtex.Diffusion.Schedulers;

/// <summary>Forward noising in ᾱ form, shared by the schedulers that index ᾱ by timestep (DDIM, LCM).</summary>
internal static class AlphaForm
{
    /// <summary>x_t = √ᾱ·x₀ + √(1 − ᾱ)·ε (diffusers' DDPM-style add_noise).</summary>
    public static void AddNoise(float alphaCumprod, ReadOnlySpan<float> original, ReadOnlySpan<float> noise, Span<float> destination)
    {
        var signal = MathF.Sqrt(alphaCumprod);
        var noiseScale = MathF.Sqrt(1 - alphaCumprod);
        for (var i = 0; i < destination.Length; i++)
            destination[i] = (signal * original[i]) + (noiseScale * noise[i]);
    }
}
