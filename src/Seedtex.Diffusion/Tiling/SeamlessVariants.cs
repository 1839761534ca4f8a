using System.Text.Json;
using Seedtex.Core;
using Seedtex.Diffusion.Onnx;

namespace Seedtex.Diffusion.Tiling;

/// <summary>What one component of a variant got: the pad form used and how many Convs wrap.</summary>
public sealed record RewrittenComponent(string Component, PadForm Form, int ConvsRewritten);

/// <summary>
/// Seamless copies of a model folder, made once and kept on disk: <c>&lt;cacheRoot&gt;/variants/&lt;fingerprint[..16]&gt;-&lt;axes&gt;-&lt;form&gt;-r&lt;version&gt;/</c>
/// holds rewritten unet, vae_decoder and vae_encoder graphs and hard links (copies across file systems) of every
/// other file, external weight files included, so the variant is a complete diffusers ONNX folder that costs
/// only its small graph files.
/// </summary>
public static class SeamlessVariants
{
    /// <summary>Bumped whenever the rewrite changes what it writes, so variants made by an older one are not reused (2: zero Pads folded).</summary>
    public const int RewriteVersion = 2;

    /// <summary>Components whose Convs are rewritten; the text encoders have none and are linked as they are.</summary>
    public static IReadOnlyList<string> Components { get; } = ["unet", "vae_decoder", "vae_encoder"];

    /// <summary>Records, inside each variant, what was rewritten (a dot file, so model fingerprints skip it).</summary>
    public const string ManifestName = ".seedtex-variant.json";

    /// <summary>What a variant folder holds, written beside its graphs.</summary>
    internal sealed record VariantManifest(
        [property: System.Text.Json.Serialization.JsonPropertyName("axes")] string Axes,
        [property: System.Text.Json.Serialization.JsonPropertyName("components")] List<RewrittenComponent> Components);

    /// <summary>
    /// Pad wrap on the CPU provider, where it is exact and one node; Slice+Concat elsewhere (CUDA has no Pad-19 kernel
    /// and falls back to the CPU for it, OpenVINO rejects wrap).
    /// </summary>
    public static PadForm FormFor(ExecutionProvider provider) => provider == ExecutionProvider.Cpu ? PadForm.WrapPad : PadForm.SliceConcat;

    /// <summary>$SEEDTEX_CACHE, else ~/.cache/seedtex.</summary>
    public static string DefaultCacheRoot =>
        Environment.GetEnvironmentVariable("SEEDTEX_CACHE") is { Length: > 0 } root
            ? root
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache", "seedtex");

    /// <summary>
    /// Returns the folder of the model's seamless variant, creating it if needed. <see cref="TileAxes.None"/> returns
    /// <paramref name="modelFolder"/> itself. <paramref name="form"/> is a preference: a component whose opset cannot
    /// take Pad wrap gets Slice+Concat (the manifest says which). Safe when processes race: each builds in its own
    /// temp folder and the first rename wins.
    /// </summary>
    public static string GetOrCreate(string modelFolder, string fingerprint, TileAxes axes, PadForm form,
        string? cacheRoot = null, CancellationToken cancellationToken = default)
    {
        if (axes == TileAxes.None)
            return modelFolder;
        if (fingerprint.Length < 16 || !fingerprint.All(char.IsAsciiHexDigit))
            throw SeedtexException.Argument($"model fingerprint '{fingerprint}' is not a hex digest of at least 16 digits; pass ModelSet.Fingerprint");
        if (!Directory.Exists(modelFolder))
            throw SeedtexException.Model($"model folder {modelFolder} does not exist");

        string variants = Path.Combine(cacheRoot ?? DefaultCacheRoot, "variants");
        string name = $"{fingerprint[..16].ToLowerInvariant()}-{axes.ToString().ToLowerInvariant()}-{form.ToString().ToLowerInvariant()}-r{RewriteVersion}";
        string final = Path.Combine(variants, name);
        if (Directory.Exists(final))
            return final;

        Directory.CreateDirectory(variants);
        string temp = Path.Combine(variants, $".tmp-{name}-{Environment.ProcessId}-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(temp);
            var rewritten = Build(modelFolder, temp, axes, form, cancellationToken);
            File.WriteAllText(Path.Combine(temp, ManifestName), JsonSerializer.Serialize(new VariantManifest(axes.ToString(), rewritten), DiffusionJson.Default.VariantManifest));
            try
            {
                Directory.Move(temp, final);
            }
            catch (IOException) when (Directory.Exists(final))
            {
                // Another process finished the same variant first; theirs is as good as ours.
            }
            return final;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new SeedtexException(SeedtexErrorKind.Io, $"cannot write the seamless variant under {variants}: {e.Message}; set SEEDTEX_CACHE to a writable folder", e);
        }
        finally
        {
            if (Directory.Exists(temp))
                Directory.Delete(temp, recursive: true);
        }
    }

    /// <summary><see cref="GetOrCreate"/> off the caller's thread: a first call reads and writes every graph.</summary>
    public static Task<string> GetOrCreateAsync(string modelFolder, string fingerprint, TileAxes axes, PadForm form,
        string? cacheRoot = null, CancellationToken cancellationToken = default) =>
        Task.Run(() => GetOrCreate(modelFolder, fingerprint, axes, form, cacheRoot, cancellationToken), cancellationToken);

    /// <summary>Reads what a variant folder's manifest says was rewritten.</summary>
    public static IReadOnlyList<RewrittenComponent> Describe(string variantFolder)
    {
        var manifest = JsonSerializer.Deserialize(File.ReadAllText(Path.Combine(variantFolder, ManifestName)), DiffusionJson.Default.VariantManifest);
        return manifest?.Components ?? [];
    }

    private static List<RewrittenComponent> Build(string source, string target, TileAxes axes, PadForm form, CancellationToken cancellationToken)
    {
        var graphs = Components
            .Select(c => Path.Combine(c, "model.onnx"))
            .Where(relative => File.Exists(Path.Combine(source, relative)))
            .ToHashSet(StringComparer.Ordinal);
        if (graphs.Count == 0)
            throw SeedtexException.Model($"{source} has none of {string.Join(", ", Components)} with a model.onnx; is it a diffusers ONNX model folder?");

        LinkEverythingBut(source, target, graphs, cancellationToken);

        var result = new List<RewrittenComponent>();
        foreach (string relative in graphs.Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string component = Path.GetDirectoryName(relative)!;
            var model = OnnxModelFile.Load(Path.Combine(source, relative));
            var used = form == PadForm.WrapPad && WrapPadOpset.Obstacle(model) is null ? PadForm.WrapPad : PadForm.SliceConcat;
            int convs = GraphRewriter.MakeSeamless(model, axes, used, component);
            foreach (string location in OnnxModelFile.ExternalDataLocations(model))
            {
                if (!File.Exists(Path.Combine(target, component, location)))
                    throw SeedtexException.Model($"{component}/model.onnx keeps tensors in '{location}', which is not inside the model folder; move it beside model.onnx");
            }
            Directory.CreateDirectory(Path.Combine(target, component));
            OnnxModelFile.Save(model, Path.Combine(target, relative));
            result.Add(new RewrittenComponent(component, used, convs));
        }
        return result;
    }

    // Every file but the graphs being rewritten and dot files (fingerprint sidecars), with the same relative paths, so
    // external data and tokenizer files are where the loaders look. Symbolic links (as in a Hugging Face cache
    // snapshot) are followed to the real file.
    private static void LinkEverythingBut(string source, string target, HashSet<string> skip, CancellationToken cancellationToken)
    {
        foreach (string file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            cancellationToken.ThrowIfCancellationRequested();
            string relative = Path.GetRelativePath(source, file);
            if (skip.Contains(relative) || relative.Split(Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar).Any(part => part.StartsWith('.')))
                continue;
            string destination = Path.Combine(target, relative);
            Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
            string real = new FileInfo(file).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? file;
            FileLinks.LinkOrCopy(real, destination);
        }
    }
}
