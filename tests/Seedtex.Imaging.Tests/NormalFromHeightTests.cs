using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class NormalFromHeightTests
{
    private static float[] Ramp(int w, int h, Func<int, int, float> f)
    {
        var heights = new float[w * h];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
                heights[(y * w) + x] = f(x, y);
        return heights;
    }

    [Fact]
    public void Flat_height_points_straight_out()
    {
        var map = NormalFromHeight.Compute(new float[16], 4, 4, new NormalMapOptions());
        Assert.Equal(PixelFormat.Rgba8Unorm, map.Format);
        Assert.Equal(new byte[] { 128, 128, 255, 255 }, map.Pixels.Span[..4].ToArray());
    }

    [Fact]
    public void Height_rising_to_the_right_tilts_the_normal_left()
    {
        var map = NormalFromHeight.Compute(Ramp(8, 8, (x, _) => x * 0.1f), 8, 8, new NormalMapOptions(Wrap: false));
        var centre = map.Pixels.Span.Slice(((3 * 8) + 3) * 4, 4);
        Assert.True(centre[0] < 128);
        Assert.Equal(128, centre[1]);
    }

    [Fact]
    public void Green_convention_flips_between_opengl_and_directx()
    {
        var heights = Ramp(8, 8, (_, y) => y * 0.1f);
        var gl = NormalFromHeight.Compute(heights, 8, 8, new NormalMapOptions(Wrap: false, Convention: NormalMapConvention.OpenGl));
        var dx = NormalFromHeight.Compute(heights, 8, 8, new NormalMapOptions(Wrap: false, Convention: NormalMapConvention.DirectX));
        int centre = (((3 * 8) + 3) * 4) + 1;
        Assert.True(gl.Pixels.Span[centre] > 128);
        Assert.True(dx.Pixels.Span[centre] < 128);
        Assert.InRange(dx.Pixels.Span[centre], 254 - gl.Pixels.Span[centre], 256 - gl.Pixels.Span[centre]);
    }

    [Fact]
    public void Wrapping_sees_across_the_border_and_clamping_does_not()
    {
        // A ramp that jumps back at the right edge: wrapped, the left column sees a steep drop to its left neighbour.
        var heights = Ramp(8, 4, (x, _) => x * 0.1f);
        var wrapped = NormalFromHeight.Compute(heights, 8, 4, new NormalMapOptions(Strength: 2f, Wrap: true));
        var clamped = NormalFromHeight.Compute(heights, 8, 4, new NormalMapOptions(Strength: 2f, Wrap: false));
        Assert.True(wrapped.Pixels.Span[0] > 128);
        Assert.True(clamped.Pixels.Span[0] < 128);
    }
}
