using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>
/// One place entries can live: memory, a baked pack, the local disk store, later a shared remote store.
/// <see cref="LayeredCache"/> asks tiers in order and the first hit wins.
/// </summary>
public interface ICacheTier
{
    /// <summary>Short name for logs and hit reports ("memory", "pack:assets.stxpack", "disk").</summary>
    string Name { get; }

    /// <summary>True for tiers that only serve (packs); <see cref="PutAsync"/> is then never called.</summary>
    bool IsReadOnly { get; }

    /// <summary>
    /// The entry under <paramref name="key"/>, or null on a miss. A tier that finds a damaged entry either
    /// reports it and returns null, or throws a <see cref="SeedtexException"/> of kind Corrupt; it never returns it.
    /// </summary>
    ValueTask<CacheHit?> TryGetAsync(CacheKey key, CancellationToken cancellationToken);

    ValueTask PutAsync(CacheKey key, CacheEntry entry, CancellationToken cancellationToken);
}

/// <summary>A found entry and the tier it came from.</summary>
/// <param name="PixelsBorrowed">
/// True when the pixels are a view into memory the tier owns (a memory-mapped pack): valid only while that tier
/// is open, so they are not copied into other tiers.
/// </param>
public sealed record CacheHit(CacheEntry Entry, string TierName, bool PixelsBorrowed = false);

/// <summary>A damaged entry or file a tier found and refused to serve.</summary>
public sealed record CacheProblem(string TierName, string Location, string Reason);
