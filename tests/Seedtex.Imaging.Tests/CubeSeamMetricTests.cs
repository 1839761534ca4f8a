using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class CubeSeamMetricTests
{
    /// <summary>A smooth sky: brightness from the direction's height and a sun, continuous over the sphere.</summary>
    private static TextureData SmoothEquirect(int width, int height)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                double lon = 2 * Math.PI * (x + 0.5) / width, lat = Math.PI * (0.5 - (y + 0.5) / height);
                double sun = Math.Max(0, Math.Cos(lat) * Math.Cos(lon - 1.0));
                int i = (y * width + x) * 4;
                rgba[i] = (byte)(60 + 150 * sun);
                rgba[i + 1] = (byte)(90 + 100 * Math.Sin(lat) * Math.Sin(lat));
                rgba[i + 2] = (byte)(200 - 80 * Math.Abs(Math.Sin(lat)));
                rgba[i + 3] = 255;
            }
        }
        return new TextureData(PixelFormat.Rgba8Srgb, width, height, 1, 1, rgba);
    }

    [Fact]
    public void A_smooth_sky_has_edges_like_its_interior()
    {
        var cube = EquirectToCube.Convert(SmoothEquirect(512, 256), 64, withMips: false);
        double ratio = CubeSeamMetric.Ratio(cube);
        Assert.InRange(ratio, 0.5, 1.2);
    }

    [Fact]
    public void Faces_swapped_around_show_up_as_seams()
    {
        var cube = EquirectToCube.Convert(SmoothEquirect(512, 256), 64, withMips: false);
        var pixels = cube.Pixels.ToArray();
        long face = cube.Level(1, 0).Offset;
        // Mirror face -X left to right: its edges no longer meet their neighbours.
        for (int y = 0; y < 64; y++)
            Array.Reverse(pixels, (int)face + y * 64 * 4, 64 * 4);
        // Reversing each row reversed the bytes inside every pixel too; put RGBA back in order.
        for (int i = (int)face; i < face + 64 * 64 * 4; i += 4)
            Array.Reverse(pixels, i, 4);
        double broken = CubeSeamMetric.Ratio(new TextureData(cube.Format, 64, 64, 1, 6, pixels));
        Assert.True(broken > 1.5 * CubeSeamMetric.Ratio(cube), $"mirrored face ratio {broken:0.00}");
    }
}
