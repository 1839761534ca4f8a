using System.Numerics;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class EquirectToCubeTests
{
    [Fact]
    public void Face_directions_follow_vulkan_cube_selection()
    {
        Assert.Equal(new Vector3(1, 0, 0), EquirectToCube.FaceDirection(0, 0, 0));
        Assert.Equal(new Vector3(0, 1, 0), EquirectToCube.FaceDirection(2, 0, 0));
        Assert.Equal(new Vector3(0, 0, -1), EquirectToCube.FaceDirection(5, 0, 0));
        // Top row of the +Z face leans up; the right column of +Z leans towards +X.
        Assert.True(EquirectToCube.FaceDirection(4, 0, -1).Y > 0);
        Assert.True(EquirectToCube.FaceDirection(4, 1, 0).X > 0);
        // The +Y face's top row points towards -Z.
        Assert.True(EquirectToCube.FaceDirection(2, 0, -1).Z < 0);
    }

    [Fact]
    public void Panorama_centre_looks_down_minus_z_and_top_row_is_up()
    {
        var forward = EquirectToCube.PanoramaCoordinates(new Vector3(0, 0, -1));
        Assert.Equal(0.5f, forward.X, 5);
        Assert.Equal(0.5f, forward.Y, 5);
        Assert.Equal(0f, EquirectToCube.PanoramaCoordinates(Vector3.UnitY).Y, 5);
        Assert.Equal(0.75f, EquirectToCube.PanoramaCoordinates(Vector3.UnitX).X, 5);
    }

    [Fact]
    public void Each_face_centre_samples_the_panorama_where_its_direction_points()
    {
        // Columns coded by longitude: each of 8 column bands has its own grey level; rows constant.
        const int w = 64, h = 32;
        var pixels = new byte[w * h * 4];
        for (int y = 0; y < h; y++)
            for (int x = 0; x < w; x++)
            {
                pixels.AsSpan(((y * w) + x) * 4, 3).Fill((byte)(((x / 8) * 30) + 10));
                pixels[(((y * w) + x) * 4) + 3] = 255;
            }
        var cube = EquirectToCube.Convert(new TextureData(PixelFormat.Rgba8Srgb, w, h, 1, 1, pixels), 16, withMips: true);
        Assert.Equal(6, cube.FaceCount);
        Assert.Equal(5, cube.MipCount);
        // +X looks at u = 0.75 -> column 48 -> band 6; -Z at u = 0.5 -> band 4; +Z at u = 0, the seam: band 0 just left of its centre, band 7 just right.
        byte At(int face, int x, int y) => cube.LevelPixels(face, 0).Span[((y * 16) + x) * 4];
        Assert.Equal(6 * 30 + 10, At(0, 4, 8));
        Assert.Equal(4 * 30 + 10, At(5, 5, 8));
        Assert.Equal(0 * 30 + 10, At(4, 6, 8));
        Assert.Equal(7 * 30 + 10, At(4, 9, 8));
    }

    [Fact]
    public void A_cubemap_is_not_a_panorama()
    {
        var cube = new TextureData(PixelFormat.Rgba8Srgb, 4, 4, 1, 6, new byte[4 * 4 * 4 * 6]);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => EquirectToCube.Convert(cube, 4, false)).Kind);
    }
}
