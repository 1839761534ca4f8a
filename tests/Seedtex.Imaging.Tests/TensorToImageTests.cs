using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class TensorToImageTests
{
    [Fact]
    public void Maps_minus_one_to_one_onto_bytes_with_round_half_up_and_clamps_outside()
    {
        // One pixel per value; three identical planes.
        float[] values = [-1f, 1f, 0f, -2f, 3f, (2f * 100 + 1) / 255f - 1f];
        var nchw = values.Concat(values).Concat(values).ToArray();
        var rgba = new byte[values.Length * 4];
        TensorToImage.ToRgba8<float>(nchw, 3, values.Length, 1, rgba);
        byte[] expected = [0, 255, 128, 0, 255, 101]; // 0.5 * 255 + 0.5 = 128; (201/510) * 255 = 100.5 -> 101
        for (int i = 0; i < values.Length; i++)
        {
            Assert.Equal(expected[i], rgba[i * 4]);
            Assert.Equal(expected[i], rgba[(i * 4) + 2]);
            Assert.Equal(255, rgba[(i * 4) + 3]);
        }
    }

    [Fact]
    public void Half_input_gives_the_same_bytes_as_the_same_values_in_float()
    {
        var random = new Random(3);
        var halves = Enumerable.Range(0, 4 * 5 * 7).Select(_ => (Half)((random.NextSingle() * 2f) - 1f)).ToArray();
        var floats = halves.Select(h => (float)h).ToArray();
        var a = new byte[5 * 7 * 4];
        var b = new byte[5 * 7 * 4];
        TensorToImage.ToRgba8<Half>(halves, 4, 5, 7, a);
        TensorToImage.ToRgba8<float>(floats, 4, 5, 7, b);
        Assert.Equal(b, a);
        Assert.NotEqual(255, a[3]); // alpha comes from channel 3
    }

    [Fact]
    public void Linear_output_decodes_srgb()
    {
        float[] nchw = [0f, 0f, 0f];
        var rgba = new Half[4];
        TensorToImage.ToRgba16Float<float>(nchw, 3, 1, 1, rgba);
        Assert.Equal(0.2140, (double)(float)rgba[0], 3); // sRGB 0.5 is 21.4% linear
        Assert.Equal(Half.One, rgba[3]);
    }

    [Fact]
    public void Wrong_channel_count_or_short_tensor_is_an_argument_error()
    {
        var rgba = new byte[16];
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => TensorToImage.ToRgba8<float>(new float[8], 2, 2, 2, rgba)).Kind);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => TensorToImage.ToRgba8<float>(new float[5], 3, 2, 2, rgba)).Kind);
    }
}
