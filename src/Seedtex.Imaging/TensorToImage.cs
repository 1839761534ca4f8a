using System.Numerics;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// CPU twin of shaders/tensor_to_image.comp: a decoder output tensor (NCHW, batch 0, 3 or 4 channels, values in
/// [-1, 1]) to RGBA pixels. Stable Diffusion decoders produce display-referred sRGB values, so
/// <see cref="PixelFormat.Rgba8Srgb"/> stores v = clamp((x + 1) / 2, 0, 1) as floor(v * 255 + 0.5) unchanged and
/// <see cref="PixelFormat.Rgba16Float"/> stores the linearised value. A missing alpha channel becomes opaque.
/// </summary>
public static class TensorToImage
{
    /// <summary>Converts float32 or float16 tensor data to tightly packed RGBA8 (sRGB-encoded values).</summary>
    public static void ToRgba8<T>(ReadOnlySpan<T> nchw, int channels, int width, int height, Span<byte> rgba)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int plane = Validate(nchw.Length, channels, width, height);
        if (rgba.Length != plane * 4)
            throw SeedtexException.Argument($"RGBA8 destination holds {rgba.Length} bytes; {width}x{height} needs {plane * 4}");
        for (int i = 0; i < plane; i++)
        {
            rgba[(i * 4) + 0] = ColorSpace.QuantizeUnorm8(ToUnit(nchw[i]));
            rgba[(i * 4) + 1] = ColorSpace.QuantizeUnorm8(ToUnit(nchw[plane + i]));
            rgba[(i * 4) + 2] = ColorSpace.QuantizeUnorm8(ToUnit(nchw[(2 * plane) + i]));
            rgba[(i * 4) + 3] = channels >= 4 ? ColorSpace.QuantizeUnorm8(ToUnit(nchw[(3 * plane) + i])) : (byte)255;
        }
    }

    /// <summary>Converts float32 or float16 tensor data to linear RGBA half floats.</summary>
    public static void ToRgba16Float<T>(ReadOnlySpan<T> nchw, int channels, int width, int height, Span<Half> rgba)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int plane = Validate(nchw.Length, channels, width, height);
        if (rgba.Length != plane * 4)
            throw SeedtexException.Argument($"RGBA16F destination holds {rgba.Length} halves; {width}x{height} needs {plane * 4}");
        for (int i = 0; i < plane; i++)
        {
            for (int c = 0; c < 3; c++)
                rgba[(i * 4) + c] = (Half)ColorSpace.SrgbToLinear(ToUnit(nchw[(c * plane) + i]));
            rgba[(i * 4) + 3] = channels >= 4 ? (Half)ToUnit(nchw[(3 * plane) + i]) : Half.One;
        }
    }

    /// <summary>
    /// Converts a tensor to a <see cref="TextureData"/> of <paramref name="format"/> (Rgba8Srgb or Rgba16Float),
    /// with a full mip chain when <paramref name="withMips"/> is set.
    /// </summary>
    public static TextureData ToTexture<T>(ReadOnlySpan<T> nchw, int channels, int width, int height, PixelFormat format, bool withMips)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        int mipCount = withMips ? TextureData.FullMipCount(width, height) : 1;
        var pixels = new byte[TextureData.ByteCount(format, width, height, mipCount, 1)];
        int level0 = width * height * format.BytesPerPixel();
        switch (format)
        {
            case PixelFormat.Rgba8Srgb:
                ToRgba8(nchw, channels, width, height, pixels.AsSpan(0, level0));
                break;
            case PixelFormat.Rgba16Float:
                ToRgba16Float(nchw, channels, width, height, System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(pixels.AsSpan(0, level0)));
                break;
            default:
                throw SeedtexException.Argument($"tensor conversion writes Rgba8Srgb or Rgba16Float, not {format}");
        }
        MipChain.FillLevels(format, width, height, mipCount, 1, pixels);
        return new TextureData(format, width, height, mipCount, 1, pixels);
    }

    private static float ToUnit<T>(T x)
        where T : unmanaged, IBinaryFloatingPointIeee754<T>
    {
        float shifted = (float.CreateTruncating(x) + 1f) * 0.5f;
        return Math.Clamp(shifted, 0f, 1f);
    }

    private static int Validate(int length, int channels, int width, int height)
    {
        if (width <= 0 || height <= 0)
            throw SeedtexException.Argument($"tensor size {width}x{height} must be positive");
        if (channels is not (3 or 4))
            throw SeedtexException.Argument($"tensor has {channels} channels; RGB (3) or RGBA (4) expected");
        int plane = width * height;
        if (length < channels * plane)
            throw SeedtexException.Argument($"tensor holds {length} values; [1,{channels},{height},{width}] needs {channels * plane}");
        return plane;
    }
}
