using Seedtex.Core;
using Seedtex.Imaging;
using Seedtex.Vulkan;
using StbImageSharp;

namespace Seedtex.Samples.HeadlessHost;

/// <summary>Makes the ground texture and the sky cubemap with Seedtex, inside the host's device.</summary>
public static class SceneInputs
{
    public const int PatternSize = 256;

    /// <summary>
    /// The ground texture. From a PNG it is the cache-hit path (CPU pixels, CPU mips, one staging upload). Without one
    /// it is the generation path: a decoder-shaped tensor is written into GPU-visible memory (where the VAE decoder's
    /// output is bound) and converted on the GPU with mips.
    /// </summary>
    public static GpuTexture Ground(GpuContext context, string? pngPath)
    {
        if (pngPath != null)
            return TextureUploader.Upload(context, MipChain.WithFullChain(LoadPng(pngPath)));
        using var tensor = GpuTensorBuffer.Allocate(context, new TensorShape(1, 3, PatternSize, PatternSize), TensorElementType.Float32);
        WritePattern(tensor.AsSpan<float>());
        return new ImageConverter(context).TensorToTexture(tensor, PixelFormat.Rgba8Srgb, withMips: true);
    }

    /// <summary>The sky cubemap (faces of half the panorama's height, with mips) from an equirectangular PNG or a default gradient.</summary>
    public static GpuTexture Sky(GpuContext context, string? pngPath)
    {
        var panorama = pngPath != null ? LoadPng(pngPath) : GradientSky(512, 256);
        using var source = TextureUploader.Upload(context, panorama);
        return new ImageConverter(context).EquirectToCube(source, Math.Max(1, panorama.Height / 2), withMips: true);
    }

    public static TextureData LoadPng(string path)
    {
        byte[] bytes;
        try
        {
            bytes = File.ReadAllBytes(path);
        }
        catch (IOException e)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot read {path}: {e.Message}", e);
        }
        ImageResult image;
        try
        {
            image = ImageResult.FromMemory(bytes, ColorComponents.RedGreenBlueAlpha);
        }
        catch (InvalidOperationException e)
        {
            throw new SeedtexException(SeedtexErrorKind.Corrupt, $"{path} is not a readable image: {e.Message}", e);
        }
        return new TextureData(PixelFormat.Rgba8Srgb, image.Width, image.Height, 1, 1, image.Data);
    }

    // Smooth tileable stripes in the decoder's [-1, 1] range, one plane per channel.
    private static void WritePattern(Span<float> nchw)
    {
        int plane = PatternSize * PatternSize;
        for (int y = 0; y < PatternSize; y++)
            for (int x = 0; x < PatternSize; x++)
            {
                float u = (float)x / PatternSize, v = (float)y / PatternSize;
                int i = (y * PatternSize) + x;
                nchw[i] = 0.6f * MathF.Sin(2f * MathF.PI * u);
                nchw[plane + i] = 0.6f * MathF.Cos(2f * MathF.PI * v);
                nchw[(2 * plane) + i] = 0.6f * MathF.Sin(2f * MathF.PI * (u + v));
            }
    }

    private static TextureData GradientSky(int width, int height)
    {
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            float up = 1f - ((y + 0.5f) / height * 2f); // +1 at the zenith, -1 straight down
            float sky = MathF.Max(up, 0f);
            byte r = ColorSpace.QuantizeUnorm8(up >= 0 ? 0.75f - (0.5f * sky) : 0.35f);
            byte g = ColorSpace.QuantizeUnorm8(up >= 0 ? 0.85f - (0.4f * sky) : 0.3f);
            byte b = ColorSpace.QuantizeUnorm8(up >= 0 ? 0.95f - (0.1f * sky) : 0.25f);
            for (int x = 0; x < width; x++)
            {
                int i = ((y * width) + x) * 4;
                pixels[i] = r;
                pixels[i + 1] = g;
                pixels[i + 2] = b;
                pixels[i + 3] = 255;
            }
        }
        return new TextureData(PixelFormat.Rgba8Srgb, width, height, 1, 1, pixels);
    }
}
