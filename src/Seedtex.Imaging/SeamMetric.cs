using Seedtex.Core;

namespace Seedtex.Imaging;

/// <summary>
/// How visible the seam is when an image is tiled: the mean colour step across the wrap-around edge (last column
/// to first, or last row to first) divided by the mean step between neighbouring columns (rows) inside the image.
/// About 1 means the edge looks like any other pair of neighbours; a texture with a hard seam scores far above 1.
/// RGB only; alpha is ignored.
/// </summary>
public static class SeamMetric
{
    /// <param name="rgba">Tightly packed RGBA8, rows top to bottom.</param>
    /// <param name="axis"><see cref="TileAxes.X"/> for the left/right seam, <see cref="TileAxes.Y"/> for top/bottom.</param>
    public static double Ratio(ReadOnlySpan<byte> rgba, int width, int height, TileAxes axis) => Ratio(rgba, width, height, axis, block: 1);

    /// <summary>
    /// The seam against the steps between <paramref name="block"/>-pixel blocks only (columns 8k-1 to 8k for a VAE's
    /// 8x8 latent pixels). The wrap-around edge of a latent-space image always falls on such a block edge, so a
    /// decoder that marks its block edges scores above 1 in <see cref="Ratio(ReadOnlySpan{byte}, int, int, TileAxes)"/>
    /// even when the wrap is exact; against block edges an exact wrap scores about 1.
    /// </summary>
    public static double RatioAgainstBlockEdges(ReadOnlySpan<byte> rgba, int width, int height, TileAxes axis, int block = 8) =>
        Ratio(rgba, width, height, axis, block);

    private static double Ratio(ReadOnlySpan<byte> rgba, int width, int height, TileAxes axis, int block)
    {
        if (axis is not (TileAxes.X or TileAxes.Y))
            throw SeedtexException.Argument($"seam axis must be X or Y, not {axis}");
        if (width < 3 || height < 3)
            throw SeedtexException.Argument($"image {width}x{height} is too small for a seam ratio; it needs at least 3x3");
        if (rgba.Length != width * height * 4)
            throw SeedtexException.Argument($"RGBA8 image holds {rgba.Length} bytes; {width}x{height} needs {width * height * 4}");
        if (block < 1 || (axis == TileAxes.X ? width : height) % block != 0 || (axis == TileAxes.X ? width : height) / block < 2)
            throw SeedtexException.Argument($"block {block} must divide the image's {(axis == TileAxes.X ? "width" : "height")} into at least two blocks");

        // Walk "along" the seam (rows for the x seam) and "across" it (columns for the x seam).
        int along = axis == TileAxes.X ? height : width;
        int across = axis == TileAxes.X ? width : height;
        int Offset(int a, int c) => axis == TileAxes.X ? ((a * width) + c) * 4 : ((c * width) + a) * 4;

        long seam = 0, interior = 0;
        int steps = 0;
        for (int a = 0; a < along; a++)
        {
            seam += Step(rgba, Offset(a, across - 1), Offset(a, 0));
            for (int c = block - 1; c < across - 1; c += block)
            {
                interior += Step(rgba, Offset(a, c), Offset(a, c + 1));
                steps++;
            }
        }
        double seamMean = (double)seam / along;
        double interiorMean = (double)interior / steps;
        // A flat image has no steps anywhere: no seam either.
        return interiorMean == 0 ? (seamMean == 0 ? 1 : double.PositiveInfinity) : seamMean / interiorMean;
    }

    private static int Step(ReadOnlySpan<byte> rgba, int p, int q) =>
        Math.Abs(rgba[p] - rgba[q]) + Math.Abs(rgba[p + 1] - rgba[q + 1]) + Math.Abs(rgba[p + 2] - rgba[q + 2]);
}
