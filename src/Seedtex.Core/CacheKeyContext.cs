namespace Seedtex.Core;

/// <summary>
/// What a cache key needs from the model and pipeline beside the request itself.
/// </summary>
/// <param name="ModelFingerprint">Hex SHA-256 over the model's files (<see cref="ITextureGenerator.ModelFingerprint"/>).</param>
/// <param name="SchedulerSettings">
/// The scheduler's settings in a canonical text form (or their hash). Empty when the model fingerprint already
/// covers them, as it does when the scheduler config is a file in the model folder.
/// </param>
/// <param name="LongPromptPolicy">What the pipeline does with prompts longer than the text encoder's window ("truncate", "chunk").</param>
/// <param name="RngKind">Which noise generator turns the seed into latents.</param>
public sealed record CacheKeyContext(
    string ModelFingerprint,
    string SchedulerSettings = "",
    string LongPromptPolicy = CacheKeyContext.TruncateLongPrompts,
    string RngKind = CacheKeyContext.TorchCpuRng)
{
    public const string TruncateLongPrompts = "truncate";
    public const string TorchCpuRng = "torch-cpu-mt19937";

    /// <summary>The context for a generator with the pipeline's default policies.</summary>
    public static CacheKeyContext For(ITextureGenerator generator) => new(generator.ModelFingerprint);
}
