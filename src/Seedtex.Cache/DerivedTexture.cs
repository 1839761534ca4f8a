using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>A texture derived from a parent entry, its key, and the tier it came from (null: derived just now).</summary>
public sealed record DerivedTexture(CacheKey Key, TextureData Texture, string? CacheTier)
{
    public bool CacheHit => CacheTier is not null;
}
