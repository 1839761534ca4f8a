using Seedtex.Core;
using Seedtex.Imaging;

namespace Seedtex.Cli.Tests;

/// <summary>`seedtex generate --tile`: the written PNG repeats with a smaller seam than the untiled one.</summary>
public sealed class GenerateTileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("seedtex-cli-tile").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task Tile_xy_lowers_the_seam_ratio_and_is_recorded_in_the_png()
    {
        var environment = new Dictionary<string, string> { ["SEEDTEX_CACHE"] = Path.Combine(_dir, "cache") };
        double[] none = new double[3], tiled = new double[3];
        for (int seed = 1; seed <= 3; seed++)
        {
            foreach (string tile in new[] { "none", "xy" })
            {
                string output = Path.Combine(_dir, $"{tile}{seed}.png");
                var result = await SeedtexProcess.RunAsync(["generate", "mossy stone brick wall", "--seed", $"{seed}", "--steps", "4", "--guidance", "5",
                    "--size", "96", "--model", SeedtexProcess.Model("sd15"), "--threads", "2", "--tile", tile, "-o", output], environment);
                Assert.True(result.ExitCode == 0, result.StdErr);
                var png = PngFile.Read(output);
                double ratio = (SeamMetric.Ratio(png.Rgba, 96, 96, TileAxes.X) + SeamMetric.Ratio(png.Rgba, 96, 96, TileAxes.Y)) / 2;
                (tile == "xy" ? tiled : none)[seed - 1] = ratio;
                Assert.Equal(tile == "xy", png.Text["parameters"].Contains("Tiling: xy", StringComparison.Ordinal));
            }
        }
        Assert.True(tiled.Average() < none.Average(), $"tiled {string.Join(", ", tiled)} vs untiled {string.Join(", ", none)}");
        Assert.Single(Directory.GetDirectories(Path.Combine(_dir, "cache", "variants")));
    }

    [Fact]
    public async Task Unknown_tile_value_is_a_usage_error()
    {
        var result = await SeedtexProcess.RunAsync("generate", "bricks", "--tile", "diagonal", "--model", SeedtexProcess.Model("sd15"), "-o", Path.Combine(_dir, "x.png"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("'diagonal'", result.StdErr, StringComparison.Ordinal);
        Assert.Empty(Directory.GetFiles(_dir));
    }
}
