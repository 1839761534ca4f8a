using System.Numerics;
using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// How visible a cubemap's face edges are: the mean absolute RGB difference between each border pixel and its
/// neighbour across the edge on the adjoining face, divided by the mean difference between neighbouring pixels
/// inside the faces. About 1 means the edges look like any other pixel boundary.
/// </summary>
public static class CubeSeamMetric
{
    public static double Ratio(TextureData cube)
    {
        if (!cube.IsCubemap || cube.Format.BytesPerPixel() != 4)
            throw SeedtexException.Argument($"the cube seam metric needs an 8-bit cubemap; got {cube.FaceCount} face(s) of {cube.Format}");
        int n = cube.Width;
        double edge = 0, interior = 0;
        long edgePairs = 0, interiorPairs = 0;
        for (int face = 0; face < 6; face++)
        {
            var pixels = cube.LevelPixels(face, 0).Span;
            for (int y = 0; y < n; y++)
            {
                for (int x = 0; x < n; x++)
                {
                    if (x + 1 < n)
                    {
                        interior += Difference(pixels, y * n + x, pixels, y * n + x + 1);
                        interiorPairs++;
                    }
                    if (y + 1 < n)
                    {
                        interior += Difference(pixels, y * n + x, pixels, (y + 1) * n + x);
                        interiorPairs++;
                    }
                    foreach (var (dx, dy) in new[] { (-1, 0), (1, 0), (0, -1), (0, 1) })
                    {
                        int ox = x + dx, oy = y + dy;
                        if (ox >= 0 && ox < n && oy >= 0 && oy < n)
                            continue;
                        // Step one pixel past the edge in direction space and see where that lands.
                        var direction = EquirectToCube.FaceDirection(face, (2f * (ox + 0.5f) / n) - 1f, (2f * (oy + 0.5f) / n) - 1f);
                        var (otherFace, px, py) = Locate(direction, n);
                        edge += Difference(pixels, y * n + x, cube.LevelPixels(otherFace, 0).Span, py * n + px);
                        edgePairs++;
                    }
                }
            }
        }
        return (edge / edgePairs) / (interior / interiorPairs);
    }

    /// <summary>Vulkan's cube face selection: the face a direction hits and the pixel there.</summary>
    private static (int Face, int X, int Y) Locate(Vector3 d, int n)
    {
        Vector3 a = Vector3.Abs(d);
        (int face, float sc, float tc, float ma) = a.X >= a.Y && a.X >= a.Z
            ? (d.X > 0 ? (0, -d.Z, -d.Y, a.X) : (1, d.Z, -d.Y, a.X))
            : a.Y >= a.Z
                ? (d.Y > 0 ? (2, d.X, d.Z, a.Y) : (3, d.X, -d.Z, a.Y))
                : (d.Z > 0 ? (4, d.X, -d.Y, a.Z) : (5, -d.X, -d.Y, a.Z));
        int Pixel(float c) => Math.Clamp((int)(((c / ma) + 1f) * 0.5f * n), 0, n - 1);
        return (face, Pixel(sc), Pixel(tc));
    }

    private static double Difference(ReadOnlySpan<byte> a, int i, ReadOnlySpan<byte> b, int j) =>
        (Math.Abs(a[i * 4] - b[j * 4]) + Math.Abs(a[i * 4 + 1] - b[j * 4 + 1]) + Math.Abs(a[i * 4 + 2] - b[j * 4 + 2])) / 3.0;
}
