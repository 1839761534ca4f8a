namespace Seedtex.Diffusion.Tests;

/// <summary>The fake UNet and source latent of make_scheduler_reference.py, on a 2×4×4×4 latent.</summary>
internal static class ReferenceModel
{
    public const int LatentLength = 2 * 4 * 4 * 4;

    /// <summary>out[k] = 0.1·x[k] + float32(0.05·sin(0.01·t + 0.37·k)).</summary>
    public static void Predict(ReadOnlySpan<float> input, float timestep, Span<float> output)
    {
        for (var k = 0; k < input.Length; k++)
            output[k] = (input[k] * 0.1f) + (float)(0.05 * Math.Sin((0.01 * timestep) + (0.37 * k)));
    }

    /// <summary>float32(0.8·cos(0.23·k)): the clean latent image-to-image cases start from.</summary>
    public static float[] SourceLatent()
    {
        var source = new float[LatentLength];
        for (var k = 0; k < source.Length; k++)
            source[k] = (float)(0.8 * Math.Cos(0.23 * k));
        return source;
    }
}
