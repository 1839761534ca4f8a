using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class SeamMetricTests
{
    private static byte[] Image(int width, int height, Func<int, int, (byte R, byte G, byte B)> colour)
    {
        var rgba = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
        {
            for (int x = 0; x < width; x++)
            {
                var (r, g, b) = colour(x, y);
                rgba[((y * width) + x) * 4] = r;
                rgba[(((y * width) + x) * 4) + 1] = g;
                rgba[(((y * width) + x) * 4) + 2] = b;
                rgba[(((y * width) + x) * 4) + 3] = (byte)(x * 7); // alpha is ignored
            }
        }
        return rgba;
    }

    [Fact]
    public void Horizontal_gradient_has_a_seam_as_tall_as_its_range_in_x_and_none_in_y()
    {
        // 0, 4, ..., 252: every inner step is 4 per channel, the wrap step is 252.
        var rgba = Image(64, 16, (x, _) => ((byte)(4 * x), (byte)(4 * x), 0));
        Assert.Equal(63.0, SeamMetric.Ratio(rgba, 64, 16, TileAxes.X), 12);
        Assert.Equal(1.0, SeamMetric.Ratio(rgba, 64, 16, TileAxes.Y)); // flat along y
    }

    /// <summary>Seeded noise, box-blurred with wrap-around over a period of <paramref name="period"/> columns and rows: smooth and tileable at that period.</summary>
    private static byte[] BlurredNoise(int width, int height, int period)
    {
        var random = new Random(5);
        var noise = new double[period, period];
        for (int y = 0; y < period; y++)
        {
            for (int x = 0; x < period; x++)
                noise[y, x] = random.NextDouble();
        }
        const int radius = 3;
        return Image(width, height, (x, y) =>
        {
            double sum = 0;
            for (int dy = -radius; dy <= radius; dy++)
            {
                for (int dx = -radius; dx <= radius; dx++)
                    sum += noise[(y + dy + period) % period, (x + dx + period) % period];
            }
            byte v = (byte)Math.Round(255 * Math.Clamp((((sum / 49) - 0.5) * 4) + 0.5, 0, 1));
            return (v, (byte)(255 - v), (byte)(v / 2));
        });
    }

    [Fact]
    public void Smooth_periodic_texture_tiles_with_a_ratio_near_one()
    {
        var tileable = BlurredNoise(96, 96, 96);
        Assert.InRange(SeamMetric.Ratio(tileable, 96, 96, TileAxes.X), 0.85, 1.15);
        Assert.InRange(SeamMetric.Ratio(tileable, 96, 96, TileAxes.Y), 0.85, 1.15);

        // The same kind of texture cut off short of its period: the edges no longer meet.
        var cut = BlurredNoise(96, 96, 128);
        Assert.InRange(SeamMetric.Ratio(cut, 96, 96, TileAxes.X), 2, 5);
        Assert.InRange(SeamMetric.Ratio(cut, 96, 96, TileAxes.Y), 2, 5);
    }

    [Fact]
    public void Seam_on_the_exact_edge_counts_once_per_row()
    {
        // Flat grey except the last column is white: one inner step of 3*55 per row among 9, plus the wrap step.
        var rgba = Image(10, 4, (x, _) => x == 9 ? ((byte)255, (byte)255, (byte)255) : ((byte)200, (byte)200, (byte)200));
        // seam mean 165, interior mean 165 / 9.
        Assert.Equal(9.0, SeamMetric.Ratio(rgba, 10, 4, TileAxes.X), 12);
    }

    [Theory]
    [InlineData(TileAxes.XY)]
    [InlineData(TileAxes.None)]
    public void Axis_must_be_one_axis(TileAxes axis)
    {
        var e = Assert.Throws<SeedtexException>(() => SeamMetric.Ratio(new byte[4 * 4 * 4], 4, 4, axis));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, e.Kind);
    }

    [Fact]
    public void Wrong_buffer_size_is_refused()
    {
        var e = Assert.Throws<SeedtexException>(() => SeamMetric.Ratio(new byte[10], 4, 4, TileAxes.X));
        Assert.Contains("64", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Against_block_edges_an_exact_wrap_of_a_blocky_image_scores_one()
    {
        // Flat 8x8 blocks with their own grey each, as a decoder that marks latent pixels would draw them; the
        // image wraps exactly (the seam is just another block edge).
        const int size = 64;
        var rgba = Image(size, size, (x, y) =>
        {
            byte grey = (byte)(((x / 8) * 37 + (y / 8) * 11) % 200);
            return (grey, grey, grey);
        });
        double plain = SeamMetric.Ratio(rgba, size, size, TileAxes.X);
        double blocks = SeamMetric.RatioAgainstBlockEdges(rgba, size, size, TileAxes.X);
        Assert.True(plain > 5, $"every step sits on a block edge, so against all columns the seam looks {plain:F2}x worse");
        Assert.InRange(blocks, 0.5, 1.6);
        Assert.Equal(SeamMetric.Ratio(rgba, size, size, TileAxes.X), SeamMetric.RatioAgainstBlockEdges(rgba, size, size, TileAxes.X, block: 1));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    [InlineData(64)]
    public void A_block_that_does_not_split_the_image_into_blocks_is_refused(int block)
    {
        var rgba = new byte[64 * 64 * 4];
        var e = Assert.Throws<SeedtexException>(() => SeamMetric.RatioAgainstBlockEdges(rgba, 64, 64, TileAxes.X, block));
        Assert.Contains("block", e.Message);
    }
}
