using Seedtex.Imaging;

namespace Seedtex.Cli.Tests;

public class BackdropCommandTests
{
    [Fact]
    public async Task Writes_a_wrapping_equirect_and_its_cube_cross()
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-backdrop").FullName;
        string sky = Path.Combine(dir, "sky.png"), cross = Path.Combine(dir, "cross.png"), ktx2 = Path.Combine(dir, "sky.ktx2"), hdr = Path.Combine(dir, "sky.hdr");
        var result = await SeedtexProcess.RunAsync("backdrop", "dusk over dunes", "--seed", "3", "--size", "256x128", "--steps", "8", "--guidance", "4",
            "--scheduler", "euler", "--model", SeedtexProcess.Model("sd15"), "-o", sky, "--cross", cross, "--cubemap", ktx2, "--hdr", hdr, "--face", "32");
        Assert.True(result.ExitCode == 0, result.StdErr);
        var equirect = PngFile.Read(sky);
        Assert.Equal((256, 128), (equirect.Width, equirect.Height));
        Assert.True(SeamMetric.Ratio(equirect.Rgba, 256, 128, Core.TileAxes.X) <= 1.15);
        var (linear, hdrWidth, hdrHeight) = RadianceHdrFile.Decode(await File.ReadAllBytesAsync(hdr));
        Assert.Equal((256, 128), (hdrWidth, hdrHeight));
        // The HDR is the same picture in linear light: sRGB-encode a pixel and it matches the PNG within rounding.
        float red = ColorSpace.LinearToSrgb(linear[(60 * 256 + 100) * 3]) * 255f;
        Assert.InRange(red - equirect.Rgba[(60 * 256 + 100) * 4], -3f, 3f);
        var cube = Ktx2File.Decode(await File.ReadAllBytesAsync(ktx2));
        Assert.Equal((6, 32, 6, Core.PixelFormat.Rgba8Srgb), (cube.FaceCount, cube.Width, cube.MipCount, cube.Format));
        Assert.True(CubeSeamMetric.Ratio(cube) <= 1.2, $"cube face edges {CubeSeamMetric.Ratio(cube):0.000}");
        var crossImage = PngFile.Read(cross);
        Assert.Equal((128, 96), (crossImage.Width, crossImage.Height));
        // The corner cells of the cross are empty; the middle row is all sky.
        Assert.Equal(0, crossImage.Rgba[3]);
        Assert.Equal(255, crossImage.Rgba[(48 * 128 + 5) * 4 + 3]);
    }

    [Theory]
    [InlineData("--size", "512x512", "is not 2:1")]
    [InlineData("--size", "wide", "is not WIDTHxHEIGHT")]
    [InlineData("--face", "100", "must be a power of two")]
    public async Task Bad_sizes_exit_2_and_write_nothing(string option, string value, string message)
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-backdrop").FullName;
        var options = new Dictionary<string, string> { ["--size"] = "256x128", ["--face"] = "32", ["--model"] = SeedtexProcess.Model("sd15"), ["-o"] = Path.Combine(dir, "sky.png") };
        options[option] = value;
        var args = new List<string> { "backdrop", "sky" };
        foreach (var (k, v) in options)
            args.AddRange([k, v]);
        var result = await SeedtexProcess.RunAsync(args, null);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains(message, result.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(dir));
    }
}
