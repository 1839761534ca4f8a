using Seedtex.Core;

namespace Seedtex.Core.Tests;

public class TextureDataTests
{
    [Fact]
    public void Full_chain_of_a_non_square_texture_has_the_right_levels_and_offsets()
    {
        Assert.Equal(11, TextureData.FullMipCount(1024, 512));
        long bytes = TextureData.ByteCount(PixelFormat.Rgba8Srgb, 8, 4, 4, 1);
        Assert.Equal((8 * 4 + 4 * 2 + 2 * 1 + 1 * 1) * 4, bytes);
        var texture = new TextureData(PixelFormat.Rgba8Srgb, 8, 4, 4, 6, new byte[bytes * 6]);
        var level = texture.Level(2, 3);
        Assert.Equal((1, 1), (level.Width, level.Height));
        Assert.Equal(bytes * 2 + (32 + 8 + 2) * 4, level.Offset);
        Assert.True(texture.IsCubemap);
    }

    [Fact]
    public void Wrong_byte_count_and_bad_shapes_are_rejected()
    {
        Assert.Equal(SeedtexErrorKind.Corrupt, Assert.Throws<SeedtexException>(() => new TextureData(PixelFormat.Rgba8Unorm, 4, 4, 1, 1, new byte[63])).Kind);
        Assert.Throws<SeedtexException>(() => new TextureData(PixelFormat.Rgba8Unorm, 4, 4, 4, 1, new byte[1000]));
        Assert.Throws<SeedtexException>(() => new TextureData(PixelFormat.Rgba8Unorm, 4, 4, 1, 2, new byte[128]));
        Assert.Throws<SeedtexException>(() => new TextureData(PixelFormat.Rgba8Unorm, 0, 4, 1, 1, Array.Empty<byte>()));
    }
}
