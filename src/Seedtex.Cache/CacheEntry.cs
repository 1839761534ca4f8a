using Seedtex.Core;

namespace Seedtex.Cache;

/// <summary>What a cache stores under a key: the pixels in GPU-ready layout and where they came from.</summary>
public sealed record CacheEntry(TextureData Texture, CacheEntryMetadata Metadata);

/// <summary>
/// Where an entry came from, kept beside the pixels for `seedtex cache ls` and for debugging a surprising texture.
/// Times are UTC ticks, not DateTime, so no serializer can lose their kind.
/// </summary>
public sealed record CacheEntryMetadata
{
    /// <summary>The resolved request, without img2img source pixels (see <see cref="SourceSha256"/>).</summary>
    public required TextureRequest Request { get; init; }
    public required string ModelFingerprint { get; init; }
    /// <summary>Hex SHA-256 of the img2img source, empty for other kinds.</summary>
    public string SourceSha256 { get; init; } = "";
    /// <summary>The bake manifest's asset id, empty for entries made at run time.</summary>
    public string AssetId { get; init; } = "";
    public long CreatedUtcTicks { get; init; }
    /// <summary>How long the generator ran, in ticks.</summary>
    public long GenerationTicks { get; init; }

    public DateTime CreatedUtc => new(CreatedUtcTicks, DateTimeKind.Utc);
    public TimeSpan GenerationTime => TimeSpan.FromTicks(GenerationTicks);

    /// <summary>Metadata for an entry generated just now.</summary>
    public static CacheEntryMetadata Describe(TextureRequest resolved, string modelFingerprint, TimeSpan generationTime, string assetId = "") => new()
    {
        Request = resolved with { InitImage = null },
        ModelFingerprint = modelFingerprint,
        SourceSha256 = resolved.InitImage is { } source ? Convert.ToHexStringLower(CacheKey.SourceHash(source.Span)) : "",
        AssetId = assetId,
        CreatedUtcTicks = DateTime.UtcNow.Ticks,
        GenerationTicks = generationTime.Ticks,
    };
}
