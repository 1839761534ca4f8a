using Seedtex.Diffusion.Onnx;
using Seedtex.Vulkan;

namespace Seedtex.Runtime;

/// <summary>What <see cref="SeedtexService.CreateAsync"/> needs: a model, where to cache, how to run.</summary>
public sealed record SeedtexOptions
{
    /// <summary>Model folder in the diffusers ONNX layout.</summary>
    public required string ModelFolder { get; init; }

    /// <summary>Local disk cache folder (content-addressed store).</summary>
    public required string CacheFolder { get; init; }

    /// <summary>Baked packs, looked up after memory and before disk.</summary>
    public IReadOnlyList<string> Packs { get; init; } = [];

    /// <summary>Memory tier size in bytes (LRU by bytes).</summary>
    public long MemoryCacheBytes { get; init; } = 256L << 20;

    /// <summary>Disk store cap in bytes; the least recently used entries go first.</summary>
    public long DiskCacheBytes { get; init; } = 8L << 30;

    /// <summary>
    /// Execution providers and threads for ONNX Runtime. Threads 0 here means <see cref="DefaultInferenceThreads"/>:
    /// all cores but one, because a game's main and render threads need a core while a texture generates. Set
    /// Threads to the core count for a tool that has the machine to itself.
    /// </summary>
    public SessionSettings Sessions { get; init; } = new();

    /// <summary>All cores but one, at least one.</summary>
    public static int DefaultInferenceThreads => Math.Max(1, Environment.ProcessorCount - 1);

    /// <summary>
    /// A Vulkan device to deliver results on (the engine's, through <see cref="GpuContext.Adopt"/>, or Seedtex's own);
    /// null for CPU pixels only. The service does not dispose it. See <see cref="SeedtexService.AttachGpu"/>.
    /// </summary>
    public GpuContext? Gpu { get; init; }

    /// <summary>How long a queued request waits before it moves up one priority level, so a bake never starves.</summary>
    public TimeSpan AgingInterval { get; init; } = TimeSpan.FromSeconds(10);
}
