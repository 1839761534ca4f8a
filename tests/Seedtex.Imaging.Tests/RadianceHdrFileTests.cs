using System.Text;
using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Imaging.Tests;

public class RadianceHdrFileTests
{
    [Fact]
    public void Round_trip_keeps_values_to_rgbe_precision()
    {
        int w = 150, h = 3; // over 128 columns: two literal packets per component
        var rgb = new float[w * h * 3];
        var random = new Random(5);
        for (int i = 0; i < rgb.Length; i++)
            rgb[i] = (float)(random.NextDouble() * Math.Pow(10, random.Next(-3, 3)));
        rgb[0] = rgb[1] = rgb[2] = 0;
        byte[] file = RadianceHdrFile.Encode(rgb, w, h);
        Assert.StartsWith("#?RADIANCE\nFORMAT=32-bit_rle_rgbe\n", Encoding.ASCII.GetString(file), StringComparison.Ordinal);
        Assert.Contains("\n-Y 3 +X 150\n", Encoding.ASCII.GetString(file), StringComparison.Ordinal);

        var (back, bw, bh) = RadianceHdrFile.Decode(file);
        Assert.Equal((w, h), (bw, bh));
        Assert.Equal(0f, back[0]);
        for (int p = 1; p < w * h; p++)
        {
            float max = Math.Max(rgb[p * 3], Math.Max(rgb[p * 3 + 1], rgb[p * 3 + 2]));
            for (int c = 0; c < 3; c++)
                Assert.True(Math.Abs(back[p * 3 + c] - rgb[p * 3 + c]) <= max / 128f, $"pixel {p} channel {c}: {rgb[p * 3 + c]} -> {back[p * 3 + c]}");
        }
    }

    [Fact]
    public void Damaged_files_and_bad_sizes_are_typed_errors()
    {
        var rgb = new float[16 * 2 * 3];
        byte[] file = RadianceHdrFile.Encode(rgb, 16, 2);
        Assert.Equal(SeedtexErrorKind.Corrupt, Assert.Throws<SeedtexException>(() => RadianceHdrFile.Decode(file.AsSpan(0, file.Length - 5))).Kind);
        Assert.Equal(SeedtexErrorKind.Corrupt, Assert.Throws<SeedtexException>(() => RadianceHdrFile.Decode("P6\n"u8)).Kind);
        Assert.Equal(SeedtexErrorKind.InvalidArgument, Assert.Throws<SeedtexException>(() => RadianceHdrFile.Encode(new float[12], 2, 2)).Kind);
    }
}
