namespace Seedtex.Core;

/// <summary>The stage a generation is in, for progress bars and logs.</summary>
public enum GenerationStage
{
    Queued,
    EncodingPrompt,
    Denoising,
    Decoding,
    PostProcessing,
    Done,
}

/// <summary>
/// Progress of one generation: denoising step <see cref="Step"/> of <see cref="TotalSteps"/>, and on the steps a
/// <see cref="IPreviewProgress"/> asked for, a cheap picture of the latent (RGBA8, one pixel per latent pixel).
/// </summary>
public readonly record struct GenerationProgress(GenerationStage Stage, int Step, int TotalSteps, TimeSpan Elapsed, TextureData? Preview = null);

/// <summary>A progress sink that also wants a latent preview every <see cref="PreviewEvery"/> denoising steps (0: none).</summary>
public interface IPreviewProgress : IProgress<GenerationProgress>
{
    int PreviewEvery { get; }
}

/// <summary>
/// Something that turns a request into pixels with one model: the diffusion pipeline, or a test double in
/// unit tests of the layers above it. The cache, the bake step and the runtime service depend on this,
/// not on the pipeline, so they stay below Seedtex.Diffusion in the layer table.
/// </summary>
public interface ITextureGenerator
{
    /// <summary>Content fingerprint of the model (hex SHA-256 over its files); part of every cache key.</summary>
    string ModelFingerprint { get; }

    /// <summary>What, beside the request, decides this generator's pixels: the model and the pipeline's policies.</summary>
    CacheKeyContext KeyContext { get; }

    /// <summary>
    /// The request with every "model default" field (steps 0, guidance NaN, empty scheduler) replaced by the value
    /// this model will actually use, and validated. Cache keys are made from the resolved request, so asking for
    /// the default and asking for its value explicitly hit the same entry.
    /// </summary>
    TextureRequest Resolve(TextureRequest request);

    Task<TextureData> GenerateAsync(TextureRequest request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken);
}
