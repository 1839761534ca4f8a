using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>Which way the green channel of a tangent-space normal map points.</summary>
public enum NormalMapConvention
{
    /// <summary>Green up (+Y towards the top of the image): OpenGL, Unity, Godot, Blender.</summary>
    OpenGl,
    /// <summary>Green down: DirectX, Unreal.</summary>
    DirectX,
}

/// <summary>
/// How a height field becomes a normal map. <see cref="Strength"/> scales the raw 3x3 Sobel gradient (a height step
/// of 1 across the window reads 4); <see cref="Wrap"/> samples across the opposite border so tileable heights give
/// a tileable normal map.
/// </summary>
public readonly record struct NormalMapOptions(float Strength = 1f, bool Wrap = true, NormalMapConvention Convention = NormalMapConvention.OpenGl);

/// <summary>CPU twin of shaders/normal_from_height.comp: height field to an RGBA8 UNORM tangent-space normal map.</summary>
public static class NormalFromHeight
{
    /// <summary>
    /// Computes the normal map of <paramref name="heights"/> (row-major, <paramref name="width"/> x
    /// <paramref name="height"/>) as <see cref="PixelFormat.Rgba8Unorm"/>, alpha 255, with a full mip chain when asked.
    /// </summary>
    public static TextureData Compute(ReadOnlySpan<float> heights, int width, int height, NormalMapOptions options, bool withMips = false)
    {
        if (width <= 0 || height <= 0 || heights.Length != width * height)
            throw SeedtexException.Argument($"height field has {heights.Length} values; {width}x{height} needs {(long)width * height}");
        if (!float.IsFinite(options.Strength))
            throw SeedtexException.Argument($"normal map strength {options.Strength} must be a finite number");
        int mipCount = withMips ? TextureData.FullMipCount(width, height) : 1;
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba8Unorm, width, height, mipCount, 1)];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                float At(ReadOnlySpan<float> h, int px, int py) => h[(Border(py, height, options.Wrap) * width) + Border(px, width, options.Wrap)];
                float tl = At(heights, x - 1, y - 1), t = At(heights, x, y - 1), tr = At(heights, x + 1, y - 1);
                float l = At(heights, x - 1, y), r = At(heights, x + 1, y);
                float bl = At(heights, x - 1, y + 1), b = At(heights, x, y + 1), br = At(heights, x + 1, y + 1);
                float gx = (tr + (2f * r) + br) - (tl + (2f * l) + bl);
                float gy = (bl + (2f * b) + br) - (tl + (2f * t) + tr);
                // Rows grow downwards, so with green up a height rising down the image tilts the normal up.
                float green = options.Convention == NormalMapConvention.DirectX ? -gy : gy;
                var n = System.Numerics.Vector3.Normalize(new(-gx * options.Strength, green * options.Strength, 1f));
                int i = ((y * width) + x) * 4;
                pixels[i] = ColorSpace.QuantizeUnorm8((n.X * 0.5f) + 0.5f);
                pixels[i + 1] = ColorSpace.QuantizeUnorm8((n.Y * 0.5f) + 0.5f);
                pixels[i + 2] = ColorSpace.QuantizeUnorm8((n.Z * 0.5f) + 0.5f);
                pixels[i + 3] = 255;
            }
        }
        MipChain.FillLevels(PixelFormat.Rgba8Unorm, width, height, mipCount, 1, pixels);
        return new TextureData(PixelFormat.Rgba8Unorm, width, height, mipCount, 1, pixels);
    }

    private static int Border(int i, int size, bool wrap) => wrap ? ((i % size) + size) % size : Math.Clamp(i, 0, size - 1);
}
