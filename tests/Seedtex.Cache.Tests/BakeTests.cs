using System.Text.Json;
using Seedtex.Core;

namespace Seedtex.Cache.Tests;

public class BakeTests
{
    private static string Manifest(int assets, Func<int, int>? seedOf = null) => JsonSerializer.Serialize(new
    {
        defaults = new { size = 32, tiling = "xy", negative_prompt = "blurry" },
        assets = Enumerable.Range(0, assets).Select(i => new { id = $"asset_{i:00}", prompt = $"material number {i}", seed = seedOf?.Invoke(i) ?? i }),
    });

    private static (BakeManifest Manifest, string Pack) Write(TempFolder folder, string json)
    {
        File.WriteAllText(folder.File("assets.json"), json);
        return (BakeManifest.Load(folder.File("assets.json")), folder.File("build/assets.stxpack"));
    }

    [Fact]
    public async Task Baking_twice_runs_the_model_once_per_asset_and_a_changed_seed_regenerates_exactly_that_asset()
    {
        using var folder = new TempFolder();
        var generator = new PatternGenerator();
        var store = new DiskStore(folder.File("cache"));
        var baker = new Baker(generator, generator.KeyContext, store);

        var (manifest, pack) = Write(folder, Manifest(20));
        var first = await baker.RunAsync(manifest, pack, null, default);
        Assert.True(first.Succeeded && first.PackWritten);
        Assert.Equal(20, first.Generated);

        var second = await baker.RunAsync(manifest, pack, null, default);
        Assert.Equal(0, second.Generated);
        Assert.Equal(20, generator.Calls);
        Assert.All(second.Plan, p => Assert.Equal("pack:assets.stxpack", p.FoundIn));

        (manifest, _) = Write(folder, Manifest(20, i => i == 7 ? 700 : i));
        var third = await baker.RunAsync(manifest, pack, null, default);
        Assert.Equal(1, third.Generated);
        Assert.Equal(21, generator.Calls);
        Assert.Equal("asset_07", Assert.Single(third.Plan, p => p.FoundIn is null).Asset.Id);

        using var reader = PackReader.Open(pack);
        Assert.Equal(20, reader.Count);
        foreach (var item in third.Plan)
        {
            var hit = reader.TryGet(item.Key)!;
            Assert.Equal(PatternGenerator.Make(item.Resolved).Pixels.ToArray(), hit.Entry.Texture.Pixels.ToArray());
        }
        Assert.Equal(700, reader.TryGet(third.Plan[7].Key)!.Entry.Metadata.Request.Seed);
        Assert.Equal("asset_07", reader.TryGet(third.Plan[7].Key)!.Entry.Metadata.AssetId);
    }

    [Fact]
    public async Task Entries_in_the_disk_store_or_the_old_pack_are_enough_on_their_own()
    {
        using var folder = new TempFolder();
        var generator = new PatternGenerator();
        var (manifest, pack) = Write(folder, Manifest(5));
        await new Baker(generator, generator.KeyContext, new DiskStore(folder.File("cache"))).RunAsync(manifest, pack, null, default);

        // Another machine: empty disk store, but the committed pack.
        var fresh = new Baker(generator, generator.KeyContext, new DiskStore(folder.File("other-cache")));
        Assert.Equal(0, (await fresh.RunAsync(manifest, pack, null, default)).Generated);

        // Pack deleted: the disk store still has everything.
        File.Delete(pack);
        var again = await new Baker(generator, generator.KeyContext, new DiskStore(folder.File("cache"))).RunAsync(manifest, pack, null, default);
        Assert.Equal(0, again.Generated);
        Assert.All(again.Plan, p => Assert.Equal("disk", p.FoundIn));
        Assert.True(File.Exists(pack));
        Assert.Equal(5, generator.Calls);
    }

    [Fact]
    public async Task Failures_are_listed_finished_entries_stay_in_the_store_and_no_pack_is_written()
    {
        using var folder = new TempFolder();
        var generator = new PatternGenerator();
        generator.FailingPrompts.Add("material number 2");
        var store = new DiskStore(folder.File("cache"));
        var baker = new Baker(generator, generator.KeyContext, store);
        var (manifest, pack) = Write(folder, Manifest(5));

        var result = await baker.RunAsync(manifest, pack, null, default);
        Assert.False(result.Succeeded);
        Assert.False(result.PackWritten);
        var failure = Assert.Single(result.Failures);
        Assert.Equal("asset_02", failure.AssetId);
        Assert.Contains("material number 2", failure.Message, StringComparison.Ordinal);
        Assert.Equal(4, store.Stats().Entries);
        Assert.False(File.Exists(pack));
        Assert.False(Directory.Exists(Path.GetDirectoryName(pack))); // not even a temp pack was started

        generator.FailingPrompts.Clear();
        var retry = await baker.RunAsync(manifest, pack, null, default);
        Assert.True(retry.Succeeded);
        Assert.Equal(1, retry.Generated);
        Assert.Equal(6, generator.Calls);
    }

    [Fact]
    public async Task Progress_counts_up_with_an_estimate_and_plan_alone_generates_nothing()
    {
        using var folder = new TempFolder();
        var generator = new PatternGenerator();
        var baker = new Baker(generator, generator.KeyContext, new DiskStore(folder.File("cache")));
        var (manifest, pack) = Write(folder, Manifest(4));

        var plan = baker.Plan(manifest, pack);
        Assert.Equal(4, plan.Count(p => p.FoundIn is null));
        Assert.Equal(0, generator.Calls);

        var reports = new List<BakeProgress>();
        await baker.RunAsync(manifest, pack, new SynchronousProgress<BakeProgress>(reports.Add), default);
        Assert.Equal([0, 1, 2, 3, 4], reports.Select(r => r.Done));
        Assert.All(reports, r => Assert.Equal(4, r.Total));
        Assert.Null(reports[0].Remaining);
        Assert.NotNull(reports[2].Remaining);
        Assert.Equal("asset_01", reports[1].CurrentAssetId);
    }

    [Fact]
    public void Manifest_defaults_apply_and_assets_override_them()
    {
        var manifest = BakeManifest.Parse("""
            {
              "pack": "out/game.stxpack",
              "defaults": { "size": 64, "tiling": "xy", "steps": 12, "outputs": ["albedo", "normal"] },
              "assets": [
                { "id": "bricks", "prompt": "red bricks", "seed": 1 },
                { "id": "sky.dusk", "prompt": "dusk", "seed": 2, "size": [128, 64], "kind": "backdrop", "tiling": "x", "guidance": 5.5, "format": "rgba16_float" }
              ]
            }
            """, "/game/assets.json");
        Assert.Equal("/game/out/game.stxpack", manifest.PackPath);
        var bricks = manifest.Assets[0].Request;
        Assert.Equal((64, 64, 12, TileAxes.XY, PipelineKind.TextToImage), (bricks.Width, bricks.Height, bricks.Steps, bricks.Tiling, bricks.Kind));
        Assert.Equal(TextureOutputs.Albedo | TextureOutputs.Normal, bricks.Outputs);
        Assert.True(float.IsNaN(bricks.Guidance));
        var sky = manifest.Assets[1].Request;
        Assert.Equal((128, 64, TileAxes.X, PipelineKind.Backdrop, 5.5f, PixelFormat.Rgba16Float), (sky.Width, sky.Height, sky.Tiling, sky.Kind, sky.Guidance, sky.Format));
    }

    [Theory]
    [InlineData("""{"assets":[{"id":"../evil","prompt":"p","seed":1}]}""", "id '../evil'")]
    [InlineData("""{"assets":[{"id":"Bricks Red","prompt":"p","seed":1}]}""", "id 'Bricks Red'")]
    [InlineData("""{"assets":[{"id":"a","prompt":"p","seed":1},{"id":"a","prompt":"q","seed":2}]}""", "used twice")]
    [InlineData("""{"assets":[{"id":"a","prompt":"p","seed":1,"sede":2}]}""", "unknown field 'sede'")]
    [InlineData("""{"assets":[{"id":"a","seed":1}]}""", "\"prompt\" is required")]
    [InlineData("""{"assets":[{"id":"a","prompt":"p"}]}""", "\"seed\" is required")]
    [InlineData("""{"assets":[{"id":"a","prompt":"p","seed":1,"size":100000}]}""", "'size' must be an integer from 8 to 16384")]
    [InlineData("""{"assets":[{"id":"a","prompt":"p","seed":1,"tiling":"diagonal"}]}""", "'tiling' must be one of none, x, y, xy")]
    [InlineData("""{"pack":"../outside.stxpack","assets":[]}""", "leaves the manifest's folder")]
    [InlineData("""{"pack":"/etc/x.stxpack","assets":[]}""", "leaves the manifest's folder")]
    [InlineData("""{"defaults":{"seed":3},"assets":[]}""", "belongs to each asset")]
    [InlineData("""[1,2]""", "must be a JSON object")]
    [InlineData("""{"assets":[}""", "not valid JSON")]
    public void Bad_manifests_are_refused_with_the_problem_named(string json, string expected)
    {
        var e = Assert.Throws<SeedtexException>(() => BakeManifest.Parse(json, "/game/assets.json"));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, e.Kind);
        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.Contains("/game/assets.json", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_derived_output_the_baker_cannot_make_is_refused_before_anything_is_generated()
    {
        using var folder = new TempFolder();
        var generator = new PatternGenerator();
        var (manifest, pack) = Write(folder, """{"assets":[{"id":"a","prompt":"p","seed":1,"outputs":["albedo","normal"]}]}""");
        var e = Assert.Throws<SeedtexException>(() => new Baker(generator, generator.KeyContext, new DiskStore(folder.File("cache"))).Plan(manifest, pack));
        Assert.Contains("asset 'a' lists Normal", e.Message, StringComparison.Ordinal);
        Assert.Equal(0, generator.Calls);
    }

    private sealed class SynchronousProgress<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
