using Seedtex.Core;
using Seedtex.Diffusion.Models;
using Seedtex.Diffusion.Pipelines;

namespace Seedtex.Runtime;

/// <summary>
/// The diffusion pipeline behind <see cref="ITextureGenerator"/>: generates, converts the decoded tensor to the
/// request's pixel format and adds the full mip chain, so what comes out is what the cache stores and a GPU uploads.
/// This is the CPU path; the GPU layer does the same conversion with compute shaders when a device is attached.
/// </summary>
public sealed class DiffusionTextureGenerator : ITextureGenerator, IDisposable
{
    private readonly StableDiffusionPipeline _pipeline;
    private readonly bool _ownsModel;
    // Seamless variants of the model, opened on the first request that tiles another way than Model does.
    private readonly Dictionary<TileAxes, (ModelSet Model, StableDiffusionPipeline Pipeline)> _otherTilings = [];
    private readonly Lock _otherTilingsLock = new();
    private int _generationCount;

    /// <param name="model">The loaded model.</param>
    /// <param name="ownsModel">Dispose the model with the generator (for callers that open a model just for it).</param>
    public DiffusionTextureGenerator(ModelSet model, bool ownsModel = false)
    {
        Model = model;
        _ownsModel = ownsModel;
        _pipeline = new StableDiffusionPipeline(model);
    }

    public ModelSet Model { get; }

    public string ModelFingerprint => Model.Fingerprint;

    public CacheKeyContext KeyContext => new(
        Model.Fingerprint,
        LongPromptPolicy: Model.SupportsLongPrompts ? CacheKeyContext.ChunkLongPrompts : CacheKeyContext.TruncateLongPrompts);

    /// <summary>Generations run so far (cache hits never get here): what bake and single-flight tests count.</summary>
    public int GenerationCount => _generationCount;

    public TextureRequest Resolve(TextureRequest request)
    {
        // Tiling only picks which graphs run (PipelineFor); every other check is the loaded model's.
        var resolved = request.Kind == PipelineKind.Backdrop
            ? _pipeline.Resolve(request)
            : _pipeline.Resolve(request with { Tiling = Model.Tiling }) with { Tiling = request.Tiling };
        if (resolved.Format is not (PixelFormat.Rgba8Srgb or PixelFormat.Rgba16Float))
            throw SeedtexException.Argument($"a generated colour texture is Rgba8Srgb or Rgba16Float, not {resolved.Format}");
        return resolved;
    }

    public async Task<TextureData> GenerateAsync(TextureRequest request, IProgress<GenerationProgress>? progress, CancellationToken cancellationToken)
    {
        var resolved = Resolve(request);
        var pipeline = await Task.Run(() => PipelineFor(resolved), cancellationToken).ConfigureAwait(false);
        using var image = await pipeline.GenerateAsync(resolved, progress, cancellationToken).ConfigureAwait(false);
        Interlocked.Increment(ref _generationCount);
        progress?.Report(new GenerationProgress(GenerationStage.PostProcessing, resolved.Steps, resolved.Steps, image.Timings.Total));
        return image.ToTexture(resolved.Format, withMips: true);
    }

    private StableDiffusionPipeline PipelineFor(TextureRequest resolved)
    {
        // Backdrops wrap in x inside the pipeline itself.
        if (resolved.Kind == PipelineKind.Backdrop || resolved.Tiling == Model.Tiling)
            return _pipeline;
        lock (_otherTilingsLock)
        {
            if (!_otherTilings.TryGetValue(resolved.Tiling, out var entry))
            {
                var model = Model.LoadWithTiling(resolved.Tiling);
                entry = (model, new StableDiffusionPipeline(model));
                _otherTilings[resolved.Tiling] = entry;
            }
            return entry.Pipeline;
        }
    }

    public void Dispose()
    {
        foreach (var (model, pipeline) in _otherTilings.Values)
        {
            pipeline.Dispose();
            model.Dispose();
        }
        _pipeline.Dispose();
        if (_ownsModel)
            Model.Dispose();
    }
}
