using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class SurfaceMapsTests
{
    /// <summary>A tileable albedo: bricks-like bands and spots built from whole periods.</summary>
    private static TextureData Tileable(int size)
    {
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba8Srgb, size, size, 1, 1)];
        for (int y = 0; y < size; y++)
        {
            for (int x = 0; x < size; x++)
            {
                double u = 2 * Math.PI * x / size, v = 2 * Math.PI * y / size;
                double value = 0.5 + 0.25 * Math.Sin(4 * u) * Math.Cos(3 * v) + 0.2 * Math.Sin(11 * u + 7 * v);
                int i = (y * size + x) * 4;
                pixels[i] = (byte)(255 * Math.Clamp(value, 0, 1));
                pixels[i + 1] = (byte)(200 * Math.Clamp(value, 0, 1));
                pixels[i + 2] = (byte)(150 * Math.Clamp(1 - value, 0, 1));
                pixels[i + 3] = 255;
            }
        }
        return new TextureData(PixelFormat.Rgba8Srgb, size, size, 1, 1, pixels);
    }

    [Theory]
    [InlineData(MapKind.Height)]
    [InlineData(MapKind.Normal)]
    [InlineData(MapKind.Roughness)]
    [InlineData(MapKind.AmbientOcclusion)]
    public void Maps_of_a_tileable_albedo_tile_and_have_full_mips(MapKind kind)
    {
        // With wrapping filters a map has no edges at all: shifting the albedo around the torus shifts the map (to
        // within one step: the running sums start at a different pixel, so float rounding differs).
        var albedo = Tileable(128);
        var map = SurfaceMaps.Make(kind, albedo, new SurfaceMapOptions(TileAxes.XY));
        var shifted = SurfaceMaps.Make(kind, Roll(albedo, 37, 21), new SurfaceMapOptions(TileAxes.XY));
        Assert.Equal(TextureData.FullMipCount(128, 128), map.MipCount);
        var expected = Roll(map, 37, 21).LevelPixels(0, 0).ToArray();
        var actual = shifted.LevelPixels(0, 0).ToArray();
        Assert.All(expected.Zip(actual), p => Assert.InRange(p.First - p.Second, -1, 1));
        var level0 = map.LevelPixels(0, 0).Span;
        double x = SeamMetric.Ratio(level0, 128, 128, TileAxes.X), y = SeamMetric.Ratio(level0, 128, 128, TileAxes.Y);
        Assert.True(x <= 1.25 && y <= 1.25, $"{kind}: seam ratios x {x:0.000} y {y:0.000}");
    }

    /// <summary>Level 0 moved by (dx, dy) with wrap-around.</summary>
    private static TextureData Roll(TextureData texture, int dx, int dy)
    {
        int w = texture.Width, h = texture.Height;
        var source = texture.LevelPixels(0, 0).Span;
        var pixels = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
        {
            for (int x = 0; x < w; x++)
                source.Slice((y * w + x) * 4, 4).CopyTo(pixels.AsSpan(((((y + dy) % h) * w) + ((x + dx) % w)) * 4));
        }
        return new TextureData(texture.Format, w, h, 1, 1, pixels);
    }

    [Fact]
    public void Clamped_filters_break_the_tiling_that_wrapped_ones_keep()
    {
        var albedo = Tileable(128);
        var wrapped = SurfaceMaps.Make(MapKind.AmbientOcclusion, albedo, new SurfaceMapOptions(TileAxes.XY)).LevelPixels(0, 0).ToArray();
        var clamped = SurfaceMaps.Make(MapKind.AmbientOcclusion, albedo, new SurfaceMapOptions(TileAxes.None)).LevelPixels(0, 0).ToArray();
        Assert.NotEqual(wrapped, clamped);
        Assert.True(SeamMetric.Ratio(clamped, 128, 128, TileAxes.X) > SeamMetric.Ratio(wrapped, 128, 128, TileAxes.X));
    }

    [Fact]
    public void DirectX_convention_flips_the_green_channel()
    {
        var albedo = Tileable(64);
        var gl = SurfaceMaps.Make(MapKind.Normal, albedo, new SurfaceMapOptions(TileAxes.XY)).LevelPixels(0, 0).Span;
        var dx = SurfaceMaps.Make(MapKind.Normal, albedo, new SurfaceMapOptions(TileAxes.XY, Convention: NormalMapConvention.DirectX)).LevelPixels(0, 0).Span;
        for (int i = 0; i < 64 * 64; i++)
        {
            Assert.Equal(gl[i * 4], dx[i * 4]);
            Assert.InRange(gl[i * 4 + 1] + dx[i * 4 + 1], 254, 256);
        }
    }

    [Fact]
    public void Map_names_parse_and_unknown_ones_are_named()
    {
        Assert.Equal(MapKind.Normal | MapKind.AmbientOcclusion, MapKinds.Parse("normal, ao"));
        var e = Assert.Throws<SeedtexException>(() => MapKinds.Parse("normal,specular"));
        Assert.Contains("unknown map 'specular'; valid maps: normal, height, roughness, ao", e.Message, StringComparison.Ordinal);
    }
}
