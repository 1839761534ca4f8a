using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// Lays the six faces of an RGBA8 cubemap out as the usual horizontal cross (4 x 3 faces: +Y on top; -X, +Z, +X, -Z
/// across the middle; -Y below), the picture people look at to check a sky's edges. Empty cells are transparent.
/// </summary>
public static class CubemapCross
{
    // (face, column, row) in Vulkan face order +X, -X, +Y, -Y, +Z, -Z.
    private static readonly (int Face, int Column, int Row)[] Cells = [(0, 2, 1), (1, 0, 1), (2, 1, 0), (3, 1, 2), (4, 1, 1), (5, 3, 1)];

    public static (byte[] Rgba, int Width, int Height) Compose(TextureData cube)
    {
        if (!cube.IsCubemap || cube.Format.BytesPerPixel() != 4)
            throw SeedtexException.Argument($"a cube cross needs an 8-bit cubemap; got {cube.FaceCount} face(s) of {cube.Format}");
        int face = cube.Width, width = 4 * face, height = 3 * face;
        var rgba = new byte[width * height * 4];
        foreach (var (index, column, row) in Cells)
        {
            var pixels = cube.LevelPixels(index, 0).Span;
            for (int y = 0; y < face; y++)
                pixels.Slice(y * face * 4, face * 4).CopyTo(rgba.AsSpan(((row * face + y) * width + column * face) * 4));
        }
        return (rgba, width, height);
    }
}
