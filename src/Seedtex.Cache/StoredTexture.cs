using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// Checks the texture shape a stored header claims before anything is allocated for it, so a damaged or hostile
/// file cannot ask for gigabytes.
/// </summary>
internal static class StoredTexture
{
    /// <summary>Largest texture a stored entry may hold; bigger claims are corrupt, not allocations.</summary>
    public const long MaxPayloadBytes = 1L << 30;
    public const int MaxDimension = 16384;

    /// <summary>The pixel byte count the shape needs, or a Corrupt error naming <paramref name="where"/>.</summary>
    public static long CheckShape(string where, int format, int width, int height, int mipCount, int faceCount)
    {
        if (!Enum.IsDefined((PixelFormat)format))
            throw Corrupt(where, $"pixel format {format} is unknown");
        if (width is < 1 or > MaxDimension || height is < 1 or > MaxDimension)
            throw Corrupt(where, $"size {width}x{height} is outside 1..{MaxDimension}");
        if (faceCount is not (1 or 6))
            throw Corrupt(where, $"face count {faceCount} is not 1 or 6");
        if (mipCount < 1 || mipCount > TextureData.FullMipCount(width, height))
            throw Corrupt(where, $"mip count {mipCount} does not fit {width}x{height}");
        long bytes = TextureData.ByteCount((PixelFormat)format, width, height, mipCount, faceCount);
        if (bytes > MaxPayloadBytes)
            throw Corrupt(where, $"texture of {bytes} bytes is over the {MaxPayloadBytes}-byte limit");
        return bytes;
    }

    public static SeedtexException Corrupt(string where, string problem) =>
        new(SeedtexErrorKind.Corrupt, $"{where}: {problem}");
}
