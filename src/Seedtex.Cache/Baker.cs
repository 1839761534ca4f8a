using System.Diagnostics;
using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>Where a bake is: <see cref="Done"/> of <see cref="Total"/> assets to generate, and the one being made now.</summary>
public readonly record struct BakeProgress(int Done, int Total, string CurrentAssetId, TimeSpan Elapsed, TimeSpan? Remaining);

/// <summary>One asset of a bake, resolved and keyed, and the tier that already holds it (null: must be generated).</summary>
public sealed record BakePlanItem(BakeAsset Asset, TextureRequest Resolved, CacheKey Key, string? FoundIn);

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
/// is written (atomically) only when every asset is available.
/// </summary>
public sealed class Baker(ITextureGenerator generator, CacheKeyContext keyContext, DiskStore store)
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
            for (int i = 0; i < missing.Count; i++)
            {
                var item = missing[i];
                TimeSpan? remaining = i == 0 ? null : clock.Elapsed / i * (missing.Count - i);
                progress?.Report(new BakeProgress(i, missing.Count, item.Asset.Id, clock.Elapsed, remaining));
                var started = clock.Elapsed;
                try
                {
                    var texture = await generator.GenerateAsync(item.Resolved, null, cancellationToken).ConfigureAwait(false);
                    generated++;
                    var metadata = CacheEntryMetadata.Describe(item.Resolved, keyContext.ModelFingerprint, clock.Elapsed - started, item.Asset.Id);
                    store.Put(item.Key, new CacheEntry(texture, metadata));
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    failures.Add(new BakeFailure(item.Asset.Id, e.Message));
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

    private List<BakePlanItem> PlanWith(BakeManifest manifest, PackReader? previous) =>
        manifest.Assets.Select(asset =>
        {
            TextureRequest resolved;
            try
            {
                resolved = generator.Resolve(asset.Request);
            }
            catch (SeedtexException e)
            {
                throw new SeedtexException(e.Kind, $"{manifest.ManifestPath}: asset '{asset.Id}': {e.Message}", e);
            }
            var key = CacheKey.Compute(resolved, keyContext);
            string? foundIn = TryPack(previous, key) is not null ? previous!.Name
                : store.TryGet(key) is not null ? store.Name
                : null;
            return new BakePlanItem(asset, resolved, key, foundIn);
        }).ToList();

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
