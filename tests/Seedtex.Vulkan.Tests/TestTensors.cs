namespace Seedtex.Vulkan.Tests;

/// <summary>Deterministic decoder-like tensors that also hit the rounding boundaries and the clamp.</summary>
internal static class TestTensors
{
    public static float[] Create(int channels, int width, int height, int seed)
    {
        var random = new Random(seed);
        var values = new float[channels * width * height];
        for (int i = 0; i < values.Length; i++)
        {
            values[i] = (i % 7) switch
            {
                // x = (2k + 1) / 255 - 1 puts v * 255 on k + 0.5: the round-half-up boundary.
                0 => ((2f * random.Next(0, 255)) + 1f) / 255f - 1f,
                1 => (random.NextSingle() * 2.4f) - 1.2f, // beyond [-1, 1]: clamped
                2 => random.Next(0, 256) / 127.5f - 1f,
                _ => (random.NextSingle() * 2f) - 1f,
            };
        }
        return values;
    }
}
