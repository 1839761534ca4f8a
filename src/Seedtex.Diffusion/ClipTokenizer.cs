using System.Buffers;
using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using System.Text;
using Seedtex.Core;

namespace Seedtex.Diffusion;

/// <summary>
/// CLIP's byte-level BPE tokenizer, giving the same ids as OpenAI's CLIP and Hugging Face's slow
/// CLIPTokenizer for the files a diffusers model ships in its tokenizer/ folder (vocab.json, merges.txt,
/// special_tokens_map.json, tokenizer_config.json).
/// </summary>
/// <remarks>
/// Steps: text cleanup (<see cref="ClipTokenizerOptions.FixText"/>, HTML references decoded twice unless
/// <see cref="ClipTokenizerOptions.DecodeHtmlEntities"/> is off,
/// whitespace collapsed and trimmed; lowercased with Python's rules), CLIP's word split, each word's UTF-8
/// bytes mapped to GPT-2's byte alphabet with "&lt;/w&gt;" on the last symbol, merges applied lowest rank first.
/// A symbol missing from the vocabulary becomes the end token, as HF uses it for unknowns.
/// Thread-safe: one instance may serve every thread; words seen before come from a cache.
/// </remarks>
public sealed class ClipTokenizer
{
    /// <summary>CLIP's context length: start token, 75 content tokens, end token.</summary>
    public const int DefaultMaxLength = 77;

    // Enough for every word of a long game's prompts; past it new words are encoded but not remembered,
    // so a stream of random text cannot grow memory without bound.
    private const int MaxCachedWords = 50_000;

    private readonly Dictionary<string, int> _vocab;
    private readonly BpeMergeTable _merges;
    private readonly int[] _symbolToId;
    private readonly ClipTokenizerOptions _options;
    private readonly ConcurrentDictionary<string, int[]> _wordCache = new(StringComparer.Ordinal);
    private int _cachedWordCount; // our own count: ConcurrentDictionary.Count takes every lock, costing more than the BPE

    /// <summary>Builds a tokenizer from the text of vocab.json and merges.txt.</summary>
    /// <exception cref="SeedtexException">InvalidModel when either text is malformed or the vocabulary lacks a
    /// special token; InvalidArgument when <paramref name="options"/> is out of range.</exception>
    public ClipTokenizer(string vocabJson, string mergesText, ClipTokenizerOptions? options = null)
        : this(Encoding.UTF8.GetBytes(vocabJson ?? throw new ArgumentNullException(nameof(vocabJson))),
            mergesText ?? throw new ArgumentNullException(nameof(mergesText)), options ?? new ClipTokenizerOptions(), "vocab.json", "merges.txt")
    {
    }

    private ClipTokenizer(byte[] vocabUtf8, string mergesText, ClipTokenizerOptions options, string vocabSource, string mergesSource)
    {
        if (options.MaxLength < 3)
            throw SeedtexException.Argument($"MaxLength {options.MaxLength} leaves no room for a token; CLIP uses {DefaultMaxLength}.");

        _vocab = TokenizerFiles.ParseVocabulary(vocabUtf8, vocabSource);
        StartTokenId = RequireToken(ClipPreTokenizer.StartText, vocabSource);
        EndTokenId = RequireToken(ClipPreTokenizer.EndText, vocabSource);
        PadTokenId = options.PadToken is null ? EndTokenId : RequireToken(options.PadToken, vocabSource);
        MaxLength = options.MaxLength;
        _options = options;

        _merges = BpeMergeTable.Parse(mergesText, mergesSource);
        var symbols = _merges.Symbols;
        _symbolToId = new int[symbols.Count];
        for (var i = 0; i < symbols.Count; i++)
            _symbolToId[i] = _vocab.TryGetValue(symbols[i], out var id) ? id : EndTokenId;

        _wordCache[ClipPreTokenizer.StartText] = [StartTokenId];
        _wordCache[ClipPreTokenizer.EndText] = [EndTokenId];
    }

    /// <summary>Loads a diffusers/HF tokenizer folder. The pad token comes from special_tokens_map.json, else
    /// tokenizer_config.json, else is the end token; MaxLength from tokenizer_config.json's model_max_length
    /// (when it is a usable window size, 3–2048), else 77.</summary>
    /// <exception cref="SeedtexException">InvalidModel naming the missing or broken file.</exception>
    public static ClipTokenizer Load(string tokenizerFolder)
    {
        ArgumentException.ThrowIfNullOrEmpty(tokenizerFolder);
        if (!Directory.Exists(tokenizerFolder))
        {
            throw SeedtexException.Model(
                $"Tokenizer folder '{tokenizerFolder}' does not exist. A diffusers model keeps vocab.json and merges.txt in its tokenizer/ folder.");
        }
        var vocabPath = Path.Combine(tokenizerFolder, "vocab.json");
        var mergesPath = Path.Combine(tokenizerFolder, "merges.txt");
        var vocab = TokenizerFiles.ReadRequired(vocabPath);
        var merges = Encoding.UTF8.GetString(TokenizerFiles.ReadRequired(mergesPath)); // a leading BOM survives as U+FEFF; the parser drops it
        return new ClipTokenizer(vocab, merges, TokenizerFiles.ReadOptions(tokenizerFolder), vocabPath, mergesPath);
    }

    /// <summary><see cref="Load"/> off the calling thread (reading and indexing 49k merges takes tens of milliseconds).</summary>
    public static Task<ClipTokenizer> LoadAsync(string tokenizerFolder, CancellationToken cancellationToken = default) =>
        Task.Run(() => Load(tokenizerFolder), cancellationToken);

    /// <summary>Id of <c>&lt;|startoftext|&gt;</c>, first in every window.</summary>
    public int StartTokenId { get; }

    /// <summary>Id of <c>&lt;|endoftext|&gt;</c>, after the content of every window; also stands for unknown symbols.</summary>
    public int EndTokenId { get; }

    /// <summary>Id that fills each window after the end token.</summary>
    public int PadTokenId { get; }

    /// <summary>Ids per window, start and end included (77 for Stable Diffusion).</summary>
    public int MaxLength { get; }

    /// <summary>Content tokens one window holds: <see cref="MaxLength"/> − 2.</summary>
    public int WindowTokenCount => MaxLength - 2;

    /// <summary>Entries in vocab.json (49408 for CLIP).</summary>
    public int VocabularySize => _vocab.Count;

    /// <summary>Merge rules read from merges.txt.</summary>
    public int MergeCount => _merges.MergeCount;

    /// <summary>The BPE ids of <paramref name="text"/>, without start, end or padding.</summary>
    public IReadOnlyList<int> Encode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var ids = new List<int>();
        AppendIds(text, ids);
        return ids;
    }

    /// <summary>
    /// <paramref name="text"/> as text-encoder input: one window of <see cref="MaxLength"/> ids
    /// (<c>[start, tokens…, end, pad…]</c>), or with <see cref="LongPromptPolicy.Chunk"/> as many windows as the
    /// prompt needs, laid out one after another. An empty prompt is one window of start, end and padding.
    /// </summary>
    public TokenizedPrompt Tokenize(string text, LongPromptPolicy policy)
    {
        ArgumentNullException.ThrowIfNull(text);
        var content = new List<int>();
        AppendIds(text, content);

        var window = WindowTokenCount;
        var chunkCount = policy switch
        {
            LongPromptPolicy.Truncate => 1,
            LongPromptPolicy.Chunk => Math.Max(1, (content.Count + window - 1) / window),
            _ => throw SeedtexException.Argument($"Unknown long-prompt policy {policy}; use Truncate or Chunk."),
        };

        var ids = new int[chunkCount * MaxLength];
        Array.Fill(ids, PadTokenId);
        var contentSpan = CollectionsMarshal.AsSpan(content);
        for (var chunk = 0; chunk < chunkCount; chunk++)
        {
            var from = chunk * window;
            var slice = contentSpan.Slice(from, Math.Clamp(content.Count - from, 0, window));
            var target = ids.AsSpan(chunk * MaxLength, MaxLength);
            target[0] = StartTokenId;
            slice.CopyTo(target[1..]);
            target[1 + slice.Length] = EndTokenId;
        }
        return new TokenizedPrompt(ids, MaxLength, content.Count, truncated: content.Count > window * chunkCount);
    }

    private void AppendIds(string text, List<int> ids)
    {
        var cleaned = ClipTextCleaner.Clean(text, _options);
        var words = new List<(int Start, int Length)>();
        ClipPreTokenizer.Split(cleaned, words);
        var cache = _wordCache.GetAlternateLookup<ReadOnlySpan<char>>();
        foreach (var (start, length) in words)
        {
            var word = cleaned.AsSpan(start, length);
            if (!cache.TryGetValue(word, out var wordIds))
            {
                wordIds = EncodeWord(word);
                if (Volatile.Read(ref _cachedWordCount) < MaxCachedWords && cache.TryAdd(word, wordIds))
                    Interlocked.Increment(ref _cachedWordCount);
            }
            ids.AddRange(wordIds);
        }
    }

    private int[] EncodeWord(ReadOnlySpan<char> word)
    {
        // Lone surrogates become U+FFFD's three bytes, the UTF-8 encoder's usual replacement.
        var byteCount = Encoding.UTF8.GetByteCount(word);
        var bytes = ArrayPool<byte>.Shared.Rent(byteCount);
        var symbols = ArrayPool<int>.Shared.Rent(byteCount);
        try
        {
            Encoding.UTF8.GetBytes(word, bytes);
            var count = _merges.Encode(bytes.AsSpan(0, byteCount), symbols);
            var wordIds = new int[count];
            for (var i = 0; i < count; i++)
                wordIds[i] = _symbolToId[symbols[i]];
            return wordIds;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(bytes);
            ArrayPool<int>.Shared.Return(symbols);
        }
    }

    private int RequireToken(string token, string vocabSource) =>
        _vocab.TryGetValue(token, out var id)
            ? id
            : throw SeedtexException.Model(
                $"{vocabSource} has no \"{token}\" token, which a CLIP tokenizer needs. Use the vocab.json that came with the model's text encoder.");
}
