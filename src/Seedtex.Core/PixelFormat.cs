namespace Seedtex.Core;

/// <summary>Pixel formats Seedtex produces. Names follow Vulkan's so a GPU upload needs no translation table.</summary>
public enum PixelFormat
{
    /// <summary>4 x 8-bit, sRGB-encoded colour (sample through an _SRGB view).</summary>
    Rgba8Srgb = 1,
    /// <summary>4 x 8-bit, linear data (normal, roughness, AO maps).</summary>
    Rgba8Unorm = 2,
    /// <summary>4 x IEEE half float, linear (HDR backdrops).</summary>
    Rgba16Float = 3,
    /// <summary>4 x float, linear.</summary>
    Rgba32Float = 4,
}

public static class PixelFormatInfo
{
    public static int BytesPerPixel(this PixelFormat format) => format switch
    {
        PixelFormat.Rgba8Srgb or PixelFormat.Rgba8Unorm => 4,
        PixelFormat.Rgba16Float => 8,
        PixelFormat.Rgba32Float => 16,
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, "unknown pixel format"),
    };
}
