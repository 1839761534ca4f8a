using System.Diagnostics;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>Where a bake is: <see cref="Done"/> of <see cref="Total"/> assets to generate, and the one being made now.</summary>
public readonly record struct BakeProgress(int Done, int Total, string CurrentAssetId, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>
/// One entry of a bake, resolved and keyed, and the tier that already holds it (null: must be made). An asset gives
/// one item for its albedo (<see cref="Output"/> Albedo, <see cref="Resolved"/> asking for the albedo alone, the
/// entry the runtime asks for) and one per derived output it lists, keyed on the albedo's key.
/// </summary>
public sealed record BakePlanItem(BakeAsset Asset, TextureRequest Resolved, CacheKey Key, string? FoundIn)
{
    public TextureOutputs Output { get; init; } = TextureOutputs.Albedo;

    /// <summary>The albedo's key, for a derived output.</summary>
    public CacheKey? Parent { get; init; }
}

public sealed record BakeFailure(string AssetId, string Message);

/// <param name="Generated">How many times the model ran.</param>
/// <param name="PackWritten">False when any asset failed: the previous pack stays as it was.</param>
public sealed record BakeResult(IReadOnlyList<BakePlanItem> Plan, int Generated, IReadOnlyList<BakeFailure> Failures, string PackPath, bool PackWritten)
{
    public bool Succeeded => Failures.Count == 0;
}

/// <summary>
/// Bakes a manifest into a pack, incrementally: only assets no tier holds are generated. Each finished texture
/// goes into the disk store at once, so a bake that fails or is cancelled part way keeps what it made; the pack
/// is written (atomically) only when every asset is available. Derived outputs an asset lists (maps, cubemaps)
/// are made by <paramref name="derivedOutputs"/> from the albedo and go into the pack beside it.
/// </summary>
public sealed class Baker(ITextureGenerator generator, CacheKeyContext keyContext, DiskStore store, IDerivedOutputs? derivedOutputs = null)
{
    /// <summary>Resolves and keys every asset and looks each up in the previous pack at <paramref name="packPath"/> and the disk store.</summary>
    public IReadOnlyList<BakePlanItem> Plan(BakeManifest manifest, string packPath)
    {
        using var previous = OpenPrevious(packPath);
        return PlanWith(manifest, previous);
    }

    public async Task<BakeResult> RunAsync(BakeManifest manifest, string packPath, IProgress<BakeProgress>? progress, CancellationToken cancellationToken)
    {
        packPath = Path.GetFullPath(packPath);
        var previous = OpenPrevious(packPath);
        try
        {
            var plan = PlanWith(manifest, previous);
            var missing = plan.Where(p => p.FoundIn is null).DistinctBy(p => p.Key).ToList();
            var failures = new List<BakeFailure>();
            var clock = Stopwatch.StartNew();
            int generated = 0;
            // Albedos come before the outputs derived from them (PlanWith keeps that order).
            for (int i = 0; i < missing.Count; i++)
            {
                var item = missing[i];
                TimeSpan? remaining = i == 0 ? null : clock.Elapsed / i * (missing.Count - i);
                progress?.Report(new BakeProgress(i, missing.Count, item.Asset.Id, clock.Elapsed, remaining));
                var started = clock.Elapsed;
                try
                {
                    TextureData texture;
                    if (item.Parent is { } parent)
                    {
                        var albedo = TryPack(previous, parent) ?? store.TryGet(parent);
                        if (albedo is null)
                            continue; // its albedo failed, and that failure is already listed
                        texture = await Task.Run(() => derivedOutputs!.Derive(item.Output, albedo.Entry.Texture, item.Resolved), cancellationToken).ConfigureAwait(false);
                    }
                    else
                    {
                        texture = await generator.GenerateAsync(item.Resolved, null, cancellationToken).ConfigureAwait(false);
                        generated++;
                    }
                    var metadata = CacheEntryMetadata.Describe(item.Resolved, keyContext.ModelFingerprint, clock.Elapsed - started, item.Asset.Id);
                    store.Put(item.Key, new CacheEntry(texture, metadata));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(new BakeFailure(item.Asset.Id, item.Parent is null ? e.Message : $"{item.Output}: {e.Message}"));
                }
            }
            progress?.Report(new BakeProgress(missing.Count, missing.Count, "", clock.Elapsed, TimeSpan.Zero));
            if (failures.Count > 0)
                return new BakeResult(plan, generated, failures, packPath, PackWritten: false);

            WritePack(plan, packPath, ref previous);
            return new BakeResult(plan, generated, failures, packPath, PackWritten: true);
        }
        finally
        {
            previous?.Dispose();
        }
    }

    private void WritePack(IReadOnlyList<BakePlanItem> plan, string packPath, ref PackReader? previous)
    {
        var keys = plan.Select(p => p.Key).Distinct().Order().ToList();
        using var writer = PackWriter.Create(packPath, keys.Count);
        foreach (var key in keys)
        {
            var hit = TryPack(previous, key) ?? store.TryGet(key)
                ?? throw new SeedtexException(SeedtexErrorKind.Io, $"entry {key} left the disk store {store.Root} during the bake (a gc with a small --max-size?); bake again");
            writer.Add(key, hit.Entry);
        }
        // Release the old mapping before the new file replaces it (Windows cannot replace a mapped file).
        previous?.Dispose();
        previous = null;
        writer.Commit();
    }

    private List<BakePlanItem> PlanWith(BakeManifest manifest, PackReader? previous)
    {
        var albedos = manifest.Assets.Select(asset =>
        {
            TextureRequest resolved;
            try
            {
                resolved = generator.Resolve(asset.Request with { Outputs = TextureOutputs.Albedo });
            }
            catch (SeedtexException e)
            {
                throw new SeedtexException(e.Kind, $"{manifest.ManifestPath}: asset '{asset.Id}': {e.Message}", e);
            }
            return Found(new BakePlanItem(asset, resolved, CacheKey.Compute(resolved, keyContext), null), previous);
        }).ToList();
        var derived = albedos.SelectMany(albedo => DerivedItems(manifest, albedo)).Select(item => Found(item, previous));
        return [.. albedos, .. derived];
    }

    private IEnumerable<BakePlanItem> DerivedItems(BakeManifest manifest, BakePlanItem albedo)
    {
        foreach (var output in albedo.Asset.Request.Outputs.Derived())
        {
            if (derivedOutputs is null)
                throw SeedtexException.Argument($"{manifest.ManifestPath}: asset '{albedo.Asset.Id}' lists {output}, which this bake cannot make; bake with the seedtex CLI or drop it from \"outputs\"");
            string name, settings;
            try
            {
                (name, settings) = (derivedOutputs.Name(output), derivedOutputs.Settings(output, albedo.Resolved));
            }
            catch (SeedtexException e)
            {
                throw new SeedtexException(e.Kind, $"{manifest.ManifestPath}: asset '{albedo.Asset.Id}': {e.Message}", e);
            }
            yield return albedo with { Key = CacheKey.Derive(albedo.Key, name, settings), Output = output, Parent = albedo.Key };
        }
    }

    private BakePlanItem Found(BakePlanItem item, PackReader? previous) => item with
    {
        FoundIn = TryPack(previous, item.Key) is not null ? previous!.Name
            : store.TryGet(item.Key) is not null ? store.Name
            : null,
    };

    private static CacheHit? TryPack(PackReader? pack, CacheKey key)
    {
        try
        {
            return pack?.TryGet(key);
        }
        catch (SeedtexException e) when (e.Kind == SeedtexErrorKind.Corrupt)
        {
            return null; // regenerate it; the new pack replaces the damaged one
        }
    }

    /// <summary>The pack a previous bake wrote, as a source of entries; a missing or damaged one is simply not used.</summary>
    private static PackReader? OpenPrevious(string packPath)
    {
        if (!File.Exists(packPath))
            return null;
        try
        {
            return PackReader.Open(packPath);
        }
        catch (SeedtexException)
        {
            return null;
        }
    }
}
