using System.Numerics;

namespace Seedtex.Imaging;

/// <summary>Reads pixel i of a tightly packed RGBA image as linear-light floats, whatever the storage format.</summary>
internal interface IPixelSource
{
    Vector4 Linear(int index);
}

internal readonly ref struct Rgba8Pixels(ReadOnlySpan<byte> pixels, bool srgb) : IPixelSource
{
    private readonly ReadOnlySpan<byte> _pixels = pixels;

    public Vector4 Linear(int index)
    {
        var p = _pixels.Slice(index * 4, 4);
        float r = ColorSpace.Unorm8ToFloat(p[0]), g = ColorSpace.Unorm8ToFloat(p[1]), b = ColorSpace.Unorm8ToFloat(p[2]);
        return srgb
            ? new Vector4(ColorSpace.SrgbToLinear(r), ColorSpace.SrgbToLinear(g), ColorSpace.SrgbToLinear(b), ColorSpace.Unorm8ToFloat(p[3]))
            : new Vector4(r, g, b, ColorSpace.Unorm8ToFloat(p[3]));
    }
}

internal readonly ref struct HalfPixels(ReadOnlySpan<Half> pixels) : IPixelSource
{
    private readonly ReadOnlySpan<Half> _pixels = pixels;

    public Vector4 Linear(int index) =>
        new((float)_pixels[index * 4], (float)_pixels[(index * 4) + 1], (float)_pixels[(index * 4) + 2], (float)_pixels[(index * 4) + 3]);
}

internal readonly ref struct FloatPixels(ReadOnlySpan<float> pixels) : IPixelSource
{
    private readonly ReadOnlySpan<float> _pixels = pixels;

    public Vector4 Linear(int index) =>
        new(_pixels[index * 4], _pixels[(index * 4) + 1], _pixels[(index * 4) + 2], _pixels[(index * 4) + 3]);
}
