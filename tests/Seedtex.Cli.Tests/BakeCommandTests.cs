using System.Text.Json;

namespace Seedtex.Cli.Tests;

/// <summary>The bake step end to end: real processes, the real pipeline on the sd15 test model, a real disk cache and pack.</summary>
public class BakeCommandTests
{
    private static string Manifest(string dir, int changedSeedAsset = -1)
    {
        var assets = Enumerable.Range(0, 20).Select(i => new Dictionary<string, object>
        {
            ["id"] = $"material_{i:00}",
            ["prompt"] = $"material number {i}, weathered",
            ["seed"] = i == changedSeedAsset ? 1000 + i : i,
        });
        var manifest = new Dictionary<string, object>
        {
            ["pack"] = "build/assets.stxpack",
            ["defaults"] = new Dictionary<string, object> { ["size"] = 64, ["steps"] = 1, ["guidance"] = 1.0, ["scheduler"] = "euler" },
            ["assets"] = assets,
        };
        string path = Path.Combine(dir, "assets.json");
        File.WriteAllText(path, JsonSerializer.Serialize(manifest));
        return path;
    }

    private static Task<ProcessResult> Bake(string manifest, string cache, params string[] extra) =>
        SeedtexProcess.RunAsync(["bake", manifest, "--cache-dir", cache, "--model", SeedtexProcess.Model("sd15"), .. extra], null);

    [Fact]
    public async Task Baking_twice_generates_each_asset_once_and_a_changed_seed_regenerates_only_that_asset()
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-bake").FullName;
        Directory.CreateDirectory(Path.Combine(dir, "build"));
        string cache = Path.Combine(dir, "cache");
        string manifest = Manifest(dir);

        var first = await Bake(manifest, cache);
        Assert.True(first.ExitCode == 0, first.StdErr + first.StdOut);
        Assert.Contains("20 generated, 0 from cache", first.StdOut, StringComparison.Ordinal);
        string pack = Path.Combine(dir, "build", "assets.stxpack");
        byte[] packBytes = await File.ReadAllBytesAsync(pack);

        var second = await Bake(manifest, cache);
        Assert.True(second.ExitCode == 0, second.StdErr);
        Assert.Contains("0 generated, 20 from cache", second.StdOut, StringComparison.Ordinal);
        Assert.Equal(packBytes, await File.ReadAllBytesAsync(pack));

        Manifest(dir, changedSeedAsset: 7);
        var dry = await Bake(manifest, cache, "--dry-run");
        Assert.Equal(0, dry.ExitCode);
        Assert.Contains("1 of 20 entries would be made", dry.StdOut, StringComparison.Ordinal);
        Assert.Contains("material_07", dry.StdOut, StringComparison.Ordinal);

        var third = await Bake(manifest, cache);
        Assert.True(third.ExitCode == 0, third.StdErr);
        Assert.Contains("1 generated, 19 from cache", third.StdOut, StringComparison.Ordinal);
        Assert.NotEqual(packBytes, await File.ReadAllBytesAsync(pack));
    }

    [Fact]
    public async Task A_manifest_that_escapes_its_folder_is_rejected_before_anything_runs()
    {
        string dir = Directory.CreateTempSubdirectory("seedtex-bake").FullName;
        string manifest = Path.Combine(dir, "bad.json");
        await File.WriteAllTextAsync(manifest, """{ "pack": "../outside.stxpack", "assets": [ { "id": "a", "prompt": "x", "seed": 1 } ] }""");
        var result = await Bake(manifest, Path.Combine(dir, "cache"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("outside.stxpack", result.StdErr, StringComparison.Ordinal);
        Assert.False(File.Exists(Path.Combine(Path.GetDirectoryName(dir)!, "outside.stxpack")));
    }
}
