using System.Numerics;
using System.Runtime.InteropServices;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// CPU twin of shaders/mip_downsample.comp. Each level is a box filter over the exact footprint of the smaller
/// pixel (2x2 for even sizes; up to 3x3 with fractional weights for odd sizes, so edge rows are never dropped).
/// sRGB-encoded 8-bit colour is averaged in linear light and re-encoded; other formats are averaged directly.
/// </summary>
public static class MipChain
{
    /// <summary>A copy of <paramref name="texture"/> (level 0 of each face is used) with a full mip chain.</summary>
    public static TextureData WithFullChain(TextureData texture)
    {
        int mipCount = TextureData.FullMipCount(texture.Width, texture.Height);
        var pixels = new byte[TextureData.ByteCount(texture.Format, texture.Width, texture.Height, mipCount, texture.FaceCount)];
        var result = new TextureData(texture.Format, texture.Width, texture.Height, mipCount, texture.FaceCount, pixels);
        for (int face = 0; face < texture.FaceCount; face++)
        {
            var target = result.Level(face, 0);
            texture.LevelPixels(face, 0).Span.CopyTo(pixels.AsSpan((int)target.Offset, (int)target.Length));
        }
        FillLevels(texture.Format, texture.Width, texture.Height, mipCount, texture.FaceCount, pixels);
        return result;
    }

    /// <summary>
    /// Computes levels 1..mipCount-1 of every face in place, from each face's level 0, in
    /// <see cref="TextureData"/>'s face-major layout.
    /// </summary>
    public static void FillLevels(PixelFormat format, int width, int height, int mipCount, int faceCount, Span<byte> pixels)
    {
        long faceBytes = TextureData.ByteCount(format, width, height, mipCount, 1);
        for (int face = 0; face < faceCount; face++)
        {
            long offset = faceBytes * face;
            for (int level = 1; level < mipCount; level++)
            {
                int sw = Math.Max(1, width >> (level - 1)), sh = Math.Max(1, height >> (level - 1));
                int dw = Math.Max(1, width >> level), dh = Math.Max(1, height >> level);
                int sourceBytes = sw * sh * format.BytesPerPixel();
                var source = pixels.Slice((int)offset, sourceBytes);
                var destination = pixels.Slice((int)offset + sourceBytes, dw * dh * format.BytesPerPixel());
                Downsample(format, source, sw, sh, destination, dw, dh);
                offset += sourceBytes;
            }
        }
    }

    /// <summary>One level from the level above it.</summary>
    public static void Downsample(PixelFormat format, ReadOnlySpan<byte> source, int sourceWidth, int sourceHeight, Span<byte> destination, int width, int height)
    {
        if (destination.Length != width * height * format.BytesPerPixel() || source.Length != sourceWidth * sourceHeight * format.BytesPerPixel())
            throw SeedtexException.Argument($"mip buffers do not match {sourceWidth}x{sourceHeight} -> {width}x{height} {format}");
        var filtered = new Vector4[width * height];
        switch (format)
        {
            case PixelFormat.Rgba8Srgb:
            case PixelFormat.Rgba8Unorm:
                bool srgb = format == PixelFormat.Rgba8Srgb;
                Filter(new Rgba8Pixels(source, srgb), sourceWidth, sourceHeight, width, height, filtered);
                for (int i = 0; i < filtered.Length; i++)
                    StoreRgba8(filtered[i], srgb, destination.Slice(i * 4, 4));
                break;
            case PixelFormat.Rgba16Float:
                Filter(new HalfPixels(MemoryMarshal.Cast<byte, Half>(source)), sourceWidth, sourceHeight, width, height, filtered);
                var halves = MemoryMarshal.Cast<byte, Half>(destination);
                for (int i = 0; i < filtered.Length * 4; i++)
                    halves[i] = (Half)filtered[i / 4][i % 4];
                break;
            case PixelFormat.Rgba32Float:
                Filter(new FloatPixels(MemoryMarshal.Cast<byte, float>(source)), sourceWidth, sourceHeight, width, height, filtered);
                MemoryMarshal.Cast<Vector4, byte>(filtered).CopyTo(destination);
                break;
            default:
                throw SeedtexException.Argument($"no mip filter for {format}");
        }
    }

    /// <summary>Encodes one linear-light (or plain, when <paramref name="srgb"/> is false) pixel to RGBA8.</summary>
    public static void StoreRgba8(Vector4 value, bool srgb, Span<byte> pixel)
    {
        pixel[0] = ColorSpace.QuantizeUnorm8(srgb ? ColorSpace.LinearToSrgb(value.X) : value.X);
        pixel[1] = ColorSpace.QuantizeUnorm8(srgb ? ColorSpace.LinearToSrgb(value.Y) : value.Y);
        pixel[2] = ColorSpace.QuantizeUnorm8(srgb ? ColorSpace.LinearToSrgb(value.Z) : value.Z);
        pixel[3] = ColorSpace.QuantizeUnorm8(value.W);
    }

    /// <summary>The source pixels under destination pixel <paramref name="d"/> along one axis (same maths as the shader).</summary>
    internal static (int First, float W0, float W1, float W2) Footprint(int d, int sourceSize, int size)
    {
        float scale = (float)sourceSize / size;
        float lo = d * scale;
        float hi = (d + 1) * scale;
        float start = MathF.Floor(lo);
        float span = hi - lo;
        return ((int)start,
            (MathF.Min(hi, start + 1f) - lo) / span,
            Math.Clamp(hi - (start + 1f), 0f, 1f) / span,
            Math.Clamp(hi - (start + 2f), 0f, 1f) / span);
    }

    private static void Filter<TPixels>(TPixels source, int sw, int sh, int dw, int dh, Span<Vector4> output)
        where TPixels : IPixelSource, allows ref struct
    {
        Span<float> wx = stackalloc float[3];
        Span<float> wy = stackalloc float[3];
        for (int y = 0; y < dh; y++)
        {
            var fy = Footprint(y, sh, dh);
            wy[0] = fy.W0; wy[1] = fy.W1; wy[2] = fy.W2;
            for (int x = 0; x < dw; x++)
            {
                var fx = Footprint(x, sw, dw);
                wx[0] = fx.W0; wx[1] = fx.W1; wx[2] = fx.W2;
                var sum = Vector4.Zero;
                for (int j = 0; j < 3; j++)
                {
                    if (wy[j] == 0f)
                        continue;
                    var row = Vector4.Zero;
                    int sy = Math.Clamp(fy.First + j, 0, sh - 1);
                    for (int i = 0; i < 3; i++)
                    {
                        if (wx[i] != 0f)
                            row += wx[i] * source.Linear((sy * sw) + Math.Clamp(fx.First + i, 0, sw - 1));
                    }
                    sum += wy[j] * row;
                }
                output[(y * dw) + x] = sum;
            }
        }
    }
}
