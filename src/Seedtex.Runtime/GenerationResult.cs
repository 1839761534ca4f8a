using Seedtex.Core;
using Seedtex.Vulkan;

namespace Seedtex.Runtime;

/// <summary>
/// A finished request: the texture (GPU-ready layout, mips included), the key it is stored under, where it came
/// from and how long it took. <see cref="CacheTier"/> is null when the texture was generated for this request.
/// </summary>
public sealed record GenerationResult(CacheKey Key, TextureData Texture, string? CacheTier, TimeSpan Elapsed)
{
    public bool CacheHit => CacheTier is not null;

    /// <summary>
    /// The texture on the attached GPU device (SHADER_READ_ONLY_OPTIMAL, every mip and face), for results delivered
    /// through <see cref="SeedtexService.Pump"/> when a device is attached; the receiver owns and disposes it.
    /// </summary>
    public GpuTexture? GpuTexture { get; init; }
}
