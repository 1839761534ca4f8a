using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>Settings for maps derived from an albedo.</summary>
/// <param name="Wrap">Axes on which the albedo tiles: filters wrap there, so the maps tile too.</param>
/// <param name="DetailRadius">Blur radius (pixels) that separates shape from surface detail in the height map.</param>
public sealed record SurfaceMapOptions(TileAxes Wrap, int DetailRadius = 16, float NormalStrength = 2f, NormalMapConvention Convention = NormalMapConvention.OpenGl);

/// <summary>
/// Height, normal, roughness and ambient occlusion from an RGBA8 sRGB albedo, the way material tools derive them:
/// height is linear luminance with its low frequencies (lighting gradients) removed; normals are Sobel on height;
/// roughness grows with local contrast and darkness; AO darkens what lies below its surroundings. Every filter
/// wraps on the tiling axes, so maps of a tileable albedo tile.
/// </summary>
public static class SurfaceMaps
{
    public static TextureData Make(MapKind kind, TextureData albedo, SurfaceMapOptions options)
    {
        int w = albedo.Width, h = albedo.Height;
        float[] height = Height(albedo, options);
        return kind switch
        {
            MapKind.Height => Grey(height, w, h),
            MapKind.Normal => NormalFromHeight.Compute(height, w, h, new NormalMapOptions(options.NormalStrength, options.Wrap != TileAxes.None, options.Convention), withMips: true),
            MapKind.Roughness => Grey(Roughness(Luminance(albedo), w, h, options.Wrap), w, h),
            MapKind.AmbientOcclusion => Grey(AmbientOcclusion(height, w, h, options), w, h),
            _ => throw SeedtexException.Argument($"map {kind} is not one map; ask for normal, height, roughness or ao"),
        };
    }

    /// <summary>Linear luminance (Rec. 709) of level 0.</summary>
    public static float[] Luminance(TextureData albedo)
    {
        if (albedo.Format is not (PixelFormat.Rgba8Srgb or PixelFormat.Rgba8Unorm))
            throw SeedtexException.Argument($"maps are derived from an 8-bit albedo, not {albedo.Format}");
        var pixels = albedo.LevelPixels(0, 0).Span;
        bool srgb = albedo.Format == PixelFormat.Rgba8Srgb;
        var result = new float[albedo.Width * albedo.Height];
        for (int i = 0; i < result.Length; i++)
            result[i] = 0.2126f * Linear(pixels[i * 4], srgb) + 0.7152f * Linear(pixels[i * 4 + 1], srgb) + 0.0722f * Linear(pixels[i * 4 + 2], srgb);
        return result;
    }

    private static float Linear(byte value, bool srgb) => srgb ? ColorSpace.SrgbToLinear(value / 255f) : value / 255f;

    /// <summary>Luminance minus its blur (the detail band), stretched to [0, 1].</summary>
    public static float[] Height(TextureData albedo, SurfaceMapOptions options)
    {
        float[] luminance = Luminance(albedo);
        float[] shape = BoxBlur(luminance, albedo.Width, albedo.Height, options.DetailRadius, options.Wrap);
        var detail = new float[luminance.Length];
        for (int i = 0; i < detail.Length; i++)
            detail[i] = luminance[i] - shape[i];
        return Normalise(detail);
    }

    private static float[] Roughness(float[] luminance, int w, int h, TileAxes wrap)
    {
        float[] mean = BoxBlur(luminance, w, h, 3, wrap);
        var squares = luminance.Select(v => v * v).ToArray();
        float[] meanSquare = BoxBlur(squares, w, h, 3, wrap);
        var result = new float[luminance.Length];
        for (int i = 0; i < result.Length; i++)
        {
            float deviation = MathF.Sqrt(MathF.Max(0, meanSquare[i] - mean[i] * mean[i]));
            result[i] = Math.Clamp(0.45f + 0.4f * (1 - mean[i]) + 2.5f * deviation - 0.2f, 0f, 1f);
        }
        return result;
    }

    private static float[] AmbientOcclusion(float[] height, int w, int h, SurfaceMapOptions options)
    {
        float[] surroundings = BoxBlur(height, w, h, Math.Max(2, options.DetailRadius / 4), options.Wrap);
        var result = new float[height.Length];
        for (int i = 0; i < result.Length; i++)
            result[i] = Math.Clamp(1f - 2.5f * MathF.Max(0, surroundings[i] - height[i]), 0f, 1f);
        return result;
    }

    /// <summary>Separable box blur; wraps on the tiling axes and clamps on the others.</summary>
    public static float[] BoxBlur(float[] source, int w, int h, int radius, TileAxes wrap)
    {
        var rows = Blur1D(source, w, h, radius, wrap.HasFlag(TileAxes.X), horizontal: true);
        return Blur1D(rows, w, h, radius, wrap.HasFlag(TileAxes.Y), horizontal: false);
    }

    private static float[] Blur1D(float[] source, int w, int h, int radius, bool wrap, bool horizontal)
    {
        int length = horizontal ? w : h, lines = horizontal ? h : w;
        var result = new float[source.Length];
        float scale = 1f / (2 * radius + 1);
        for (int line = 0; line < lines; line++)
        {
            int Index(int k)
            {
                k = wrap ? ((k % length) + length) % length : Math.Clamp(k, 0, length - 1);
                return horizontal ? line * w + k : k * w + line;
            }
            float sum = 0;
            for (int k = -radius; k <= radius; k++)
                sum += source[Index(k)];
            for (int k = 0; k < length; k++)
            {
                result[Index(k)] = sum * scale;
                sum += source[Index(k + radius + 1)] - source[Index(k - radius)];
            }
        }
        return result;
    }

    private static float[] Normalise(float[] values)
    {
        float min = values.Min(), max = values.Max();
        float range = max - min > 1e-6f ? max - min : 1f;
        return [.. values.Select(v => (v - min) / range)];
    }

    private static TextureData Grey(float[] values, int w, int h)
    {
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba8Unorm, w, h, TextureData.FullMipCount(w, h), 1)];
        for (int i = 0; i < values.Length; i++)
        {
            byte v = ColorSpace.QuantizeUnorm8(values[i]);
            pixels[i * 4] = pixels[i * 4 + 1] = pixels[i * 4 + 2] = v;
            pixels[i * 4 + 3] = 255;
        }
        MipChain.FillLevels(PixelFormat.Rgba8Unorm, w, h, TextureData.FullMipCount(w, h), 1, pixels);
        return new TextureData(PixelFormat.Rgba8Unorm, w, h, TextureData.FullMipCount(w, h), 1, pixels);
    }
}
