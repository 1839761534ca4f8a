namespace Seedtex.Core;

/// <summary>Where one mip level of one face lives inside <see cref="TextureData.Pixels"/>.</summary>
public readonly record struct MipLevel(int Face, int Level, int Width, int Height, long Offset, long Length);

/// <summary>
/// A CPU texture in GPU-ready layout: faces (1, or 6 for a cubemap) each with a full or partial mip chain,
/// tightly packed, face-major then level (face 0 level 0, face 0 level 1, ..., face 1 level 0, ...).
/// The layout is what a cache hit hands to an upload without any decode.
/// </summary>
public sealed class TextureData
{
    public TextureData(PixelFormat format, int width, int height, int mipCount, int faceCount, ReadOnlyMemory<byte> pixels)
    {
        if (width <= 0 || height <= 0)
            throw SeedtexException.Argument($"texture size {width}x{height} must be positive");
        if (faceCount is not (1 or 6))
            throw SeedtexException.Argument($"texture face count {faceCount} must be 1 or 6");
        if (mipCount < 1 || mipCount > FullMipCount(width, height))
            throw SeedtexException.Argument($"mip count {mipCount} must be between 1 and {FullMipCount(width, height)} for {width}x{height}");
        long expected = ByteCount(format, width, height, mipCount, faceCount);
        if (pixels.Length != expected)
            throw new SeedtexException(SeedtexErrorKind.Corrupt, $"texture {width}x{height} {format} with {mipCount} mips x {faceCount} faces needs {expected} bytes, got {pixels.Length}");
        Format = format;
        Width = width;
        Height = height;
        MipCount = mipCount;
        FaceCount = faceCount;
        Pixels = pixels;
    }

    public PixelFormat Format { get; }
    public int Width { get; }
    public int Height { get; }
    public int MipCount { get; }
    public int FaceCount { get; }
    public ReadOnlyMemory<byte> Pixels { get; }
    public bool IsCubemap => FaceCount == 6;

    public static int FullMipCount(int width, int height) => 1 + (int)Math.Log2(Math.Max(width, height));

    public static long ByteCount(PixelFormat format, int width, int height, int mipCount, int faceCount)
    {
        long perFace = 0;
        for (int level = 0; level < mipCount; level++)
            perFace += (long)Math.Max(1, width >> level) * Math.Max(1, height >> level) * format.BytesPerPixel();
        return perFace * faceCount;
    }

    public MipLevel Level(int face, int level)
    {
        if ((uint)face >= (uint)FaceCount || (uint)level >= (uint)MipCount)
            throw new ArgumentOutOfRangeException(nameof(level), $"face {face} level {level} outside {FaceCount} faces x {MipCount} mips");
        long offset = ByteCount(Format, Width, Height, MipCount, 1) * face;
        for (int l = 0; l < level; l++)
            offset += (long)Math.Max(1, Width >> l) * Math.Max(1, Height >> l) * Format.BytesPerPixel();
        int w = Math.Max(1, Width >> level), h = Math.Max(1, Height >> level);
        return new MipLevel(face, level, w, h, offset, (long)w * h * Format.BytesPerPixel());
    }

    public ReadOnlyMemory<byte> LevelPixels(int face, int level)
    {
        var m = Level(face, level);
        return Pixels.Slice((int)m.Offset, (int)m.Length);
    }
}
