namespace Seedtex.Diffusion;

/// <summary>
/// A prompt as CLIP text-encoder input: <see cref="ChunkCount"/> windows of <see cref="ChunkLength"/> ids
/// laid out one after another in <see cref="Ids"/>. Every window is
/// <c>[start, up to ChunkLength − 2 content ids, end, pad, pad, …]</c>.
/// </summary>
public sealed class TokenizedPrompt
{
    private readonly int[] _ids;

    internal TokenizedPrompt(int[] ids, int chunkLength, int tokenCount, bool truncated)
    {
        _ids = ids;
        ChunkLength = chunkLength;
        TokenCount = tokenCount;
        Truncated = truncated;
    }

    /// <summary>All windows' ids, contiguous: length <see cref="ChunkCount"/> × <see cref="ChunkLength"/>.</summary>
    public ReadOnlyMemory<int> Ids => _ids;

    /// <summary>Ids per window (the tokenizer's MaxLength, 77 for Stable Diffusion).</summary>
    public int ChunkLength { get; }

    /// <summary>How many windows: 1 unless <see cref="LongPromptPolicy.Chunk"/> split a long prompt.</summary>
    public int ChunkCount => _ids.Length / ChunkLength;

    /// <summary>Content tokens the prompt produced (without start, end and padding), counted before any truncation.</summary>
    public int TokenCount { get; }

    /// <summary>True when <see cref="LongPromptPolicy.Truncate"/> dropped tokens: the caller should warn.</summary>
    public bool Truncated { get; }

    /// <summary>Copies <see cref="Ids"/> widened to 64 bits, for text encoders exported with int64 input_ids.</summary>
    public void CopyIdsTo(Span<long> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(destination.Length, _ids.Length, nameof(destination));
        for (var i = 0; i < _ids.Length; i++)
            destination[i] = _ids[i];
    }

    /// <summary>The ids of one window.</summary>
    public ReadOnlySpan<int> Chunk(int index)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(index, ChunkCount);
        return _ids.AsSpan(index * ChunkLength, ChunkLength);
    }
}
