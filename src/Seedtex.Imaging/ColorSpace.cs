namespace Seedtex.Imaging;

/// <summary>
/// sRGB transfer functions and 8-bit rounding, written in the same float order as shaders/color.glsl so the CPU
/// and GPU paths give the same bytes.
/// </summary>
public static class ColorSpace
{
    public static float SrgbToLinear(float v) => v <= 0.04045f ? v / 12.92f : MathF.Pow((v + 0.055f) / 1.055f, 2.4f);

    public static float LinearToSrgb(float l) => l <= 0.0031308f ? l * 12.92f : (1.055f * MathF.Pow(l, 1f / 2.4f)) - 0.055f;

    /// <summary>floor(clamp(v, 0, 1) * 255 + 0.5): round half up to the nearest 8-bit step.</summary>
    public static byte QuantizeUnorm8(float v)
    {
        float scaled = Math.Clamp(v, 0f, 1f) * 255f;
        return (byte)MathF.Floor(scaled + 0.5f);
    }

    /// <summary>An 8-bit value as the float a UNORM image load returns.</summary>
    public static float Unorm8ToFloat(byte b) => b / 255f;
}
