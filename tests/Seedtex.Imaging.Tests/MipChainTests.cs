using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class MipChainTests
{
    private static TextureData Rgba8(PixelFormat format, int width, int height, Func<int, int, byte> value)
    {
        var pixels = new byte[width * height * 4];
        for (int y = 0; y < height; y++)
            for (int x = 0; x < width; x++)
            {
                byte v = value(x, y);
                pixels.AsSpan(((y * width) + x) * 4, 3).Fill(v);
                pixels[(((y * width) + x) * 4) + 3] = 255;
            }
        return new TextureData(format, width, height, 1, 1, pixels);
    }

    [Fact]
    public void Srgb_black_and_white_average_in_linear_light()
    {
        var checker = Rgba8(PixelFormat.Rgba8Srgb, 2, 2, (x, y) => (byte)((x + y) % 2 == 0 ? 0 : 255));
        var chain = MipChain.WithFullChain(checker);
        Assert.Equal(2, chain.MipCount);
        // Linear 0.5 is sRGB 0.7354 -> 188, not the 128 a naive average of the bytes gives.
        Assert.Equal(188, chain.LevelPixels(0, 1).Span[0]);
        Assert.Equal(255, chain.LevelPixels(0, 1).Span[3]);
    }

    [Fact]
    public void Unorm_data_averages_the_stored_values()
    {
        var checker = Rgba8(PixelFormat.Rgba8Unorm, 2, 2, (x, y) => (byte)((x + y) % 2 == 0 ? 0 : 255));
        Assert.Equal(128, MipChain.WithFullChain(checker).LevelPixels(0, 1).Span[0]);
    }

    [Fact]
    public void Odd_sizes_weigh_every_source_pixel()
    {
        // 3x1 -> 1x1 covers all three source pixels equally: (0 + 30 + 60) / 3 = 30.
        var row = Rgba8(PixelFormat.Rgba8Unorm, 3, 1, (x, _) => (byte)(x * 30));
        var chain = MipChain.WithFullChain(row);
        Assert.Equal(2, chain.MipCount);
        Assert.Equal(1, chain.Level(0, 1).Width);
        Assert.Equal(30, chain.LevelPixels(0, 1).Span[0]);

        // 5 -> 2: pixel 0 covers [0, 2.5): weights 0.4, 0.4, 0.2 over values 0, 50, 100 -> 40.
        var five = Rgba8(PixelFormat.Rgba8Unorm, 5, 1, (x, _) => (byte)(x * 50));
        Assert.Equal(40, MipChain.WithFullChain(five).LevelPixels(0, 1).Span[0]);
    }

    [Fact]
    public void Full_chain_ends_at_one_pixel_for_every_face()
    {
        var pixels = new byte[TextureData.ByteCount(PixelFormat.Rgba16Float, 8, 8, 1, 6)];
        var halves = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(pixels.AsSpan());
        for (int i = 0; i < halves.Length; i++)
            halves[i] = (Half)(i / (8 * 8 * 4));
        var cube = new TextureData(PixelFormat.Rgba16Float, 8, 8, 1, 6, pixels);
        var chain = MipChain.WithFullChain(cube);
        Assert.Equal(4, chain.MipCount);
        for (int face = 0; face < 6; face++)
        {
            var last = System.Runtime.InteropServices.MemoryMarshal.Cast<byte, Half>(chain.LevelPixels(face, 3).Span);
            Assert.Equal((Half)face, last[0]);
        }
    }
}
