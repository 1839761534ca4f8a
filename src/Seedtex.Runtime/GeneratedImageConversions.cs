using Microsoft.ML.OnnxRuntime.Tensors;
using Seedtex.Core;
using Seedtex.Diffusion.Pipelines;
using Seedtex.Imaging;

namespace Seedtex.Runtime;

/// <summary>A decoded image (float32 or float16 tensor) to the CPU pixel formats the tools and the cache use.</summary>
public static class GeneratedImageConversions
{
    /// <summary>Tightly packed RGBA8, sRGB-encoded, rows top to bottom.</summary>
    public static byte[] ToRgba8(this GeneratedImage image)
    {
        var rgba = new byte[image.Width * image.Height * 4];
        if (image.Pixels.Type == TensorElementType.Float16)
            TensorToImage.ToRgba8<Half>(image.Pixels.AsSpan<Half>(), 3, image.Width, image.Height, rgba);
        else
            TensorToImage.ToRgba8<float>(image.Pixels.AsSpan<float>(), 3, image.Width, image.Height, rgba);
        return rgba;
    }

    /// <summary>A texture of <paramref name="format"/> (Rgba8Srgb or Rgba16Float), with a full mip chain when asked.</summary>
    public static TextureData ToTexture(this GeneratedImage image, PixelFormat format, bool withMips) =>
        image.Pixels.Type == TensorElementType.Float16
            ? TensorToImage.ToTexture<Half>(image.Pixels.AsSpan<Half>(), 3, image.Width, image.Height, format, withMips)
            : TensorToImage.ToTexture<float>(image.Pixels.AsSpan<float>(), 3, image.Width, image.Height, format, withMips);
}
