using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Tiling;

namespace Seedtex.Diffusion.Tests.Tiling;

/// <summary>The on-disk cache of seamless model folders.</summary>
public sealed class TilingVariantTests : IDisposable
{
    private readonly string _cacheRoot = Directory.CreateTempSubdirectory("seedtex-variants-").FullName;

    public void Dispose() => Directory.Delete(_cacheRoot, recursive: true);

    [Fact]
    public void Variant_is_a_complete_model_folder_whose_graphs_wrap()
    {
        string source = TestModels.Folder("sd-turbo");
        string fingerprint = ModelFingerprint.Compute(source);
        string variant = SeamlessVariants.GetOrCreate(source, fingerprint, TileAxes.XY, PadForm.WrapPad, _cacheRoot);

        Assert.Equal(Path.Combine(_cacheRoot, "variants", $"{fingerprint[..16]}-xy-wrappad-r{SeamlessVariants.RewriteVersion}"), variant);
        var sourceFiles = RelativeFiles(source);
        Assert.Equal(sourceFiles, RelativeFiles(variant));
        foreach (string file in sourceFiles)
        {
            bool rewritten = SeamlessVariants.Components.Any(c => file == $"{c}/model.onnx");
            Assert.Equal(!rewritten, File.ReadAllBytes(Path.Combine(source, file)).AsSpan().SequenceEqual(File.ReadAllBytes(Path.Combine(variant, file))));
        }
        var described = SeamlessVariants.Describe(variant);
        Assert.Equal(["unet", "vae_decoder", "vae_encoder"], described.Select(d => d.Component));
        Assert.All(described, d => Assert.Equal(PadForm.WrapPad, d.Form));
        Assert.Equal([14, 7, 7], described.Select(d => d.ConvsRewritten));
        Assert.DoesNotContain(Directory.EnumerateDirectories(Path.Combine(_cacheRoot, "variants")), d => Path.GetFileName(d).StartsWith(".tmp", StringComparison.Ordinal));

        // Made once: a second call returns the same folder without writing (the graph files keep their times).
        var written = File.GetLastWriteTimeUtc(Path.Combine(variant, "unet", "model.onnx"));
        Assert.Equal(variant, SeamlessVariants.GetOrCreate(source, fingerprint, TileAxes.XY, PadForm.WrapPad, _cacheRoot));
        Assert.Equal(written, File.GetLastWriteTimeUtc(Path.Combine(variant, "unet", "model.onnx")));

        // And ModelSet opens it as it opens any model.
        using var models = ModelSet.Load(variant, TestModels.Cpu);
        Assert.Equal(ModelSet.Load(source, TestModels.Cpu).Family, models.Family);
    }

    [Fact]
    public void Axes_and_forms_get_their_own_folders_and_none_is_the_model_itself()
    {
        string source = TestModels.Folder("sd15");
        string fingerprint = ModelFingerprint.Compute(source);
        Assert.Equal(source, SeamlessVariants.GetOrCreate(source, fingerprint, TileAxes.None, PadForm.WrapPad, _cacheRoot));
        string x = SeamlessVariants.GetOrCreate(source, fingerprint, TileAxes.X, PadForm.SliceConcat, _cacheRoot);
        string y = SeamlessVariants.GetOrCreate(source, fingerprint, TileAxes.Y, PadForm.SliceConcat, _cacheRoot);
        Assert.NotEqual(x, y);
        Assert.EndsWith($"-x-sliceconcat-r{SeamlessVariants.RewriteVersion}", x, StringComparison.Ordinal);
        Assert.All(SeamlessVariants.Describe(x), d => Assert.Equal(PadForm.SliceConcat, d.Form));
    }

    [Fact]
    public void Racing_processes_end_with_one_complete_variant()
    {
        string source = TestModels.Folder("sd15");
        string fingerprint = ModelFingerprint.Compute(source);
        using var start = new Barrier(4);
        var racers = Enumerable.Range(0, 4).Select(_ => Task.Factory.StartNew(() =>
        {
            start.SignalAndWait();
            return SeamlessVariants.GetOrCreate(source, fingerprint, TileAxes.XY, PadForm.SliceConcat, _cacheRoot);
        }, TaskCreationOptions.LongRunning)).ToArray();
        var folders = racers.Select(t => t.GetAwaiter().GetResult()).ToList();

        Assert.Single(folders.Distinct());
        Assert.Single(Directory.EnumerateDirectories(Path.Combine(_cacheRoot, "variants")));
        Assert.Equal(RelativeFiles(source), RelativeFiles(folders[0]));
    }

    [Fact]
    public void External_data_is_linked_beside_the_rewritten_graph_and_runs()
    {
        // A model folder whose unet keeps its weights in a side file, as real 2 GB UNets do.
        string source = Directory.CreateTempSubdirectory("seedtex-external-model-").FullName;
        try
        {
            Directory.CreateDirectory(Path.Combine(source, "unet"));
            Directory.CreateDirectory(Path.Combine(source, "tokenizer"));
            File.Copy(TilingGraphs.Path("external", "model.onnx"), Path.Combine(source, "unet", "model.onnx"));
            File.Copy(TilingGraphs.Path("external", "weights.bin"), Path.Combine(source, "unet", "weights.bin"));
            File.WriteAllText(Path.Combine(source, "tokenizer", "vocab.json"), "{}");

            string variant = SeamlessVariants.GetOrCreate(source, new string('a', 64), TileAxes.Y, PadForm.SliceConcat, _cacheRoot);

            string graph = Path.Combine(variant, "unet", "model.onnx");
            Assert.True(new FileInfo(graph).Length < 2048, "the weights must stay outside the rewritten graph");
            Assert.Equal(File.ReadAllBytes(Path.Combine(source, "unet", "weights.bin")), File.ReadAllBytes(Path.Combine(variant, "unet", "weights.bin")));
            Assert.True(File.Exists(Path.Combine(variant, "tokenizer", "vocab.json")));

            var expected = TilingGraphs.Cases.Single(c => c.Graph == "conv3x3.onnx" && c.Axes == "y");
            using var session = TilingGraphs.Open(graph);
            var (output, _) = TilingGraphs.Run(session, ("x", expected.Input, expected.InputShape));
            Assert.True(TilingGraphs.MaxAbsDifference(expected.Output, output) < 1e-4f);
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    [Fact]
    public void Folder_without_graphs_or_with_a_bad_fingerprint_is_refused_and_leaves_nothing()
    {
        string empty = Directory.CreateTempSubdirectory("seedtex-empty-model-").FullName;
        try
        {
            var e = Assert.Throws<SeedtexException>(() => SeamlessVariants.GetOrCreate(empty, new string('b', 64), TileAxes.XY, PadForm.WrapPad, _cacheRoot));
            Assert.Equal(SeedtexErrorKind.InvalidModel, e.Kind);
            Assert.Contains("unet, vae_decoder, vae_encoder", e.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_cacheRoot, "variants")));

            var bad = Assert.Throws<SeedtexException>(() => SeamlessVariants.GetOrCreate(TestModels.Folder("sd15"), "not-hex", TileAxes.XY, PadForm.WrapPad, _cacheRoot));
            Assert.Equal(SeedtexErrorKind.InvalidArgument, bad.Kind);
        }
        finally
        {
            Directory.Delete(empty, recursive: true);
        }
    }

    [Fact]
    public void A_graph_that_cannot_be_rewritten_names_its_node_and_leaves_no_partial_variant()
    {
        string source = TestModels.CopyToTemp("sd15");
        try
        {
            File.Copy(TilingGraphs.Path("bad_same_strided.onnx"), Path.Combine(source, "vae_encoder", "model.onnx"), overwrite: true);
            var e = Assert.Throws<SeedtexException>(() => SeamlessVariants.GetOrCreate(source, new string('c', 64), TileAxes.XY, PadForm.SliceConcat, _cacheRoot));
            Assert.Contains("vae_encoder", e.Message, StringComparison.Ordinal);
            Assert.Contains("'same_strided'", e.Message, StringComparison.Ordinal);
            Assert.Empty(Directory.EnumerateFileSystemEntries(Path.Combine(_cacheRoot, "variants")));
        }
        finally
        {
            Directory.Delete(source, recursive: true);
        }
    }

    [Fact]
    public void Benchmark_times_each_component_in_each_form_it_can_use()
    {
        var results = TilingBenchmark.Run(TestModels.Folder("sd15"), runs: 1);
        Assert.Equal(["unet/WrapPad", "unet/SliceConcat", "vae_decoder/WrapPad", "vae_decoder/SliceConcat", "vae_encoder/WrapPad", "vae_encoder/SliceConcat"],
            results.Select(r => $"{r.Component}/{r.Form}"));
        Assert.Equal([14, 14, 7, 7, 7, 7], results.Select(r => r.ConvsRewritten));
        Assert.All(results, r => Assert.True(r.GraphBytes > new FileInfo(Path.Combine(TestModels.Folder("sd15"), r.Component, "model.onnx")).Length));
    }

    private static List<string> RelativeFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace('\\', '/'))
            .Where(f => !f.Split('/').Any(p => p.StartsWith('.')))
            .Order(StringComparer.Ordinal)];
}
