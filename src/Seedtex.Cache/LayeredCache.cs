using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// The cache a caller talks to: tiers asked in order (memory, then baked packs, then the disk store, later a
/// remote store) and the first hit wins. A hit from a lower tier is copied into the writable tiers above it, so
/// the next ask is served from memory. Damaged entries are reported and count as misses.
/// </summary>
public sealed class LayeredCache : IDisposable
{
    private readonly ICacheTier[] _tiers;
    private readonly Action<CacheProblem>? _onProblem;

    /// <param name="tiersInLookupOrder">Fastest first. Disposable tiers (packs) are disposed with this cache.</param>
    /// <param name="onProblem">Told about damaged entries (which tier, which file or key, what was wrong).</param>
    public LayeredCache(IEnumerable<ICacheTier> tiersInLookupOrder, Action<CacheProblem>? onProblem = null)
    {
        _tiers = [.. tiersInLookupOrder];
        _onProblem = onProblem;
    }

    public IReadOnlyList<ICacheTier> Tiers => _tiers;

    /// <summary>Memory (bounded by <paramref name="memoryBytes"/>), the given packs, then the disk store at <paramref name="diskRoot"/>.</summary>
    public static LayeredCache Open(string diskRoot, IEnumerable<string> packPaths, long memoryBytes, long diskMaxBytes = long.MaxValue,
        Action<CacheProblem>? onProblem = null)
    {
        var tiers = new List<ICacheTier> { new MemoryTier(memoryBytes) };
        try
        {
            foreach (string pack in packPaths)
                tiers.Add(PackReader.Open(pack));
        }
        catch
        {
            foreach (var tier in tiers.OfType<IDisposable>())
                tier.Dispose();
            throw;
        }
        tiers.Add(new DiskStore(diskRoot, diskMaxBytes, onProblem));
        return new LayeredCache(tiers, onProblem);
    }

    public async ValueTask<CacheHit?> TryGetAsync(CacheKey key, CancellationToken cancellationToken)
    {
        for (int i = 0; i < _tiers.Length; i++)
        {
            CacheHit? hit;
            try
            {
                hit = await _tiers[i].TryGetAsync(key, cancellationToken).ConfigureAwait(false);
            }
            catch (SeedtexException e) when (e.Kind == SeedtexErrorKind.Corrupt)
            {
                _onProblem?.Invoke(new CacheProblem(_tiers[i].Name, key.ToString(), e.Message));
                continue;
            }
            if (hit is null)
                continue;
            // Borrowed pixels (a mapped pack) live only as long as their tier, and are as fast as memory already.
            if (!hit.PixelsBorrowed)
            {
                for (int upper = 0; upper < i; upper++)
                {
                    if (!_tiers[upper].IsReadOnly)
                        await _tiers[upper].PutAsync(key, hit.Entry, cancellationToken).ConfigureAwait(false);
                }
            }
            return hit;
        }
        return null;
    }

    /// <summary>Stores a new entry in every writable tier.</summary>
    public async ValueTask PutAsync(CacheKey key, CacheEntry entry, CancellationToken cancellationToken)
    {
        foreach (var tier in _tiers)
        {
            if (!tier.IsReadOnly)
                await tier.PutAsync(key, entry, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// A texture made from a cached parent (a normal map, a cubemap), stored under
    /// <see cref="CacheKey.Derive"/>(<paramref name="parent"/>, <paramref name="output"/>, <paramref name="settings"/>):
    /// the stored one when a tier has it, else <paramref name="derive"/>'s result (run on the thread pool, so the
    /// caller's thread never does the work), stored for next time. A cancelled derivation stores nothing.
    /// </summary>
    public async ValueTask<DerivedTexture> GetOrDeriveAsync(CacheKey parent, string output, string settings, CacheEntryMetadata metadata,
        Func<TextureData> derive, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(metadata);
        ArgumentNullException.ThrowIfNull(derive);
        var key = CacheKey.Derive(parent, output, settings);
        var hit = await TryGetAsync(key, cancellationToken).ConfigureAwait(false);
        if (hit is not null)
            return new DerivedTexture(key, hit.Entry.Texture, hit.TierName);
        var texture = await Task.Run(derive, cancellationToken).ConfigureAwait(false);
        cancellationToken.ThrowIfCancellationRequested();
        await PutAsync(key, new CacheEntry(texture, metadata), CancellationToken.None).ConfigureAwait(false);
        return new DerivedTexture(key, texture, null);
    }

    public void Dispose()
    {
        foreach (var tier in _tiers.OfType<IDisposable>())
            tier.Dispose();
    }
}
