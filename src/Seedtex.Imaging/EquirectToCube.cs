using System.Numerics;
using System.Runtime.InteropServices;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// CPU twin of shaders/equirect_to_cube.comp: an equirectangular (2:1) panorama to the six faces of a cubemap in
/// Vulkan/KTX order +X, -X, +Y, -Y, +Z, -Z. +Y is up; the panorama's centre column looks down -Z and its top row
/// is straight up. Sampling is bilinear at pixel centres, in linear light for sRGB data, wrapping around in
/// longitude and clamping at the poles.
/// </summary>
public static class EquirectToCube
{
    public const int FaceCount = 6;

    /// <summary>
    /// The (unnormalised) direction through a point of a face, where <paramref name="s"/> and <paramref name="t"/>
    /// run from -1 to 1 across the face with t growing down the rows: the inverse of Vulkan's face selection.
    /// </summary>
    public static Vector3 FaceDirection(int face, float s, float t) => face switch
    {
        0 => new Vector3(1f, -t, -s),
        1 => new Vector3(-1f, -t, s),
        2 => new Vector3(s, 1f, t),
        3 => new Vector3(s, -1f, -t),
        4 => new Vector3(s, -t, 1f),
        5 => new Vector3(-s, -t, -1f),
        _ => throw new ArgumentOutOfRangeException(nameof(face), face, "cube faces are 0..5"),
    };

    /// <summary>Panorama coordinates in [0, 1] (u across, v down) of a unit direction.</summary>
    public static Vector2 PanoramaCoordinates(Vector3 unitDirection) => new(
        (MathF.Atan2(unitDirection.X, -unitDirection.Z) / (2f * MathF.PI)) + 0.5f,
        MathF.Acos(Math.Clamp(unitDirection.Y, -1f, 1f)) / MathF.PI);

    public const int MinFaceSize = 16;
    public const int MaxFaceSize = 4096;

    /// <summary>Throws a clear error unless <paramref name="faceSize"/> is a power of two from 16 to 4096 (mips halve down to 1).</summary>
    public static void CheckFaceSize(int faceSize, string name = "cube face size")
    {
        if (faceSize < MinFaceSize || faceSize > MaxFaceSize || (faceSize & (faceSize - 1)) != 0)
            throw SeedtexException.Argument($"{name} {faceSize} must be a power of two from {MinFaceSize} to {MaxFaceSize} (e.g. 256)");
    }

    /// <summary>
    /// Builds a cubemap with faces of <paramref name="faceSize"/> pixels from level 0 of
    /// <paramref name="panorama"/> (Rgba8Srgb or Rgba16Float), with a full mip chain when asked.
    /// </summary>
    public static TextureData Convert(TextureData panorama, int faceSize, bool withMips)
    {
        if (panorama.IsCubemap)
            throw SeedtexException.Argument("the panorama is already a cubemap; pass an equirectangular 2:1 image");
        if (faceSize <= 0)
            throw SeedtexException.Argument($"cube face size {faceSize} must be positive");
        var format = panorama.Format;
        if (format is not (PixelFormat.Rgba8Srgb or PixelFormat.Rgba16Float))
            throw SeedtexException.Argument($"cubemap conversion reads Rgba8Srgb or Rgba16Float panoramas, not {format}");
        int mipCount = withMips ? TextureData.FullMipCount(faceSize, faceSize) : 1;
        var pixels = new byte[TextureData.ByteCount(format, faceSize, faceSize, mipCount, FaceCount)];
        var result = new TextureData(format, faceSize, faceSize, mipCount, FaceCount, pixels);
        var source = panorama.LevelPixels(0, 0).Span;
        for (int face = 0; face < FaceCount; face++)
        {
            var level = result.Level(face, 0);
            var destination = pixels.AsSpan((int)level.Offset, (int)level.Length);
            if (format == PixelFormat.Rgba8Srgb)
                FillFace(new Rgba8Pixels(source, srgb: true), panorama.Width, panorama.Height, face, faceSize, destination, format);
            else
                FillFace(new HalfPixels(MemoryMarshal.Cast<byte, Half>(source)), panorama.Width, panorama.Height, face, faceSize, destination, format);
        }
        MipChain.FillLevels(format, faceSize, faceSize, mipCount, FaceCount, pixels);
        return result;
    }

    private static void FillFace<TPixels>(TPixels source, int width, int height, int face, int size, Span<byte> destination, PixelFormat format)
        where TPixels : IPixelSource, allows ref struct
    {
        var halves = MemoryMarshal.Cast<byte, Half>(destination);
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                var d = Vector3.Normalize(FaceDirection(face, ((x + 0.5f) / size * 2f) - 1f, ((y + 0.5f) / size * 2f) - 1f));
                var uv = PanoramaCoordinates(d);
                var c = Bilinear(source, width, height, (uv.X * width) - 0.5f, (uv.Y * height) - 0.5f);
                int i = (y * size) + x;
                if (format == PixelFormat.Rgba8Srgb)
                {
                    MipChain.StoreRgba8(c, srgb: true, destination.Slice(i * 4, 4));
                }
                else
                {
                    halves[i * 4] = (Half)c.X;
                    halves[(i * 4) + 1] = (Half)c.Y;
                    halves[(i * 4) + 2] = (Half)c.Z;
                    halves[(i * 4) + 3] = (Half)c.W;
                }
            }
        }
    }

    private static Vector4 Bilinear<TPixels>(TPixels source, int width, int height, float px, float py)
        where TPixels : IPixelSource, allows ref struct
    {
        float x0f = MathF.Floor(px), y0f = MathF.Floor(py);
        float fx = px - x0f, fy = py - y0f;
        int x0 = (int)x0f, y0 = (int)y0f;
        Vector4 At(TPixels s, int x, int y) =>
            s.Linear((Math.Clamp(y, 0, height - 1) * width) + (((x % width) + width) % width));
        var top = Mix(At(source, x0, y0), At(source, x0 + 1, y0), fx);
        var bottom = Mix(At(source, x0, y0 + 1), At(source, x0 + 1, y0 + 1), fx);
        return Mix(top, bottom, fy);
    }

    // GLSL mix(): a * (1 - t) + b * t.
    private static Vector4 Mix(Vector4 a, Vector4 b, float t) => (a * (1f - t)) + (b * t);
}
