using System.Diagnostics;

namespace Seedtex.Diffusion;

/// <summary>What <see cref="TokenizerBenchmark.Run"/> measured.</summary>
/// <param name="LoadMilliseconds">Median time to load the tokenizer folder (read files, index vocab and merges).</param>
/// <param name="FirstPromptMicroseconds">The first prompt on a fresh tokenizer, every word BPE-encoded from scratch.</param>
/// <param name="PromptMicroseconds">Mean time per prompt once its words are cached (the steady state in a game).</param>
/// <param name="PromptTokens">Content tokens in the benchmark prompt.</param>
public sealed record TokenizerBenchmarkResult(double LoadMilliseconds, double FirstPromptMicroseconds, double PromptMicroseconds, int PromptTokens);

/// <summary>Times <see cref="ClipTokenizer"/> on a tokenizer folder, for <c>seedtex bench</c>.</summary>
public static class TokenizerBenchmark
{
    // About one full window of tokens with CLIP's vocabulary: a typical long texture prompt.
    private const string Prompt =
        "seamless tileable texture of weathered medieval cobblestone street, moss growing between the stones, " +
        "puddles after rain, top-down view, photorealistic, highly detailed, 4k, pbr albedo, soft overcast lighting, " +
        "no shadows, no perspective, even colours, sharp focus, trending on artstation, octane render, 1024x1024";

    public static TokenizerBenchmarkResult Run(string tokenizerFolder, int loads = 5, int prompts = 2000)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(loads, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(prompts, 1);

        var loadTimes = new double[loads];
        ClipTokenizer? tokenizer = null;
        for (var i = 0; i < loads; i++)
        {
            var started = Stopwatch.GetTimestamp();
            tokenizer = ClipTokenizer.Load(tokenizerFolder);
            loadTimes[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(loadTimes);

        var first = Stopwatch.GetTimestamp();
        var tokens = tokenizer!.Tokenize(Prompt, LongPromptPolicy.Truncate).TokenCount;
        var firstMicroseconds = Stopwatch.GetElapsedTime(first).TotalMicroseconds;

        var warm = Stopwatch.GetTimestamp();
        for (var i = 0; i < prompts; i++)
            tokenizer.Tokenize(Prompt, LongPromptPolicy.Truncate);
        var perPrompt = Stopwatch.GetElapsedTime(warm).TotalMicroseconds / prompts;

        return new TokenizerBenchmarkResult(loadTimes[loads / 2], firstMicroseconds, perPrompt, tokens);
    }
}
