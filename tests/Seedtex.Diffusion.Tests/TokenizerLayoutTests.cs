namespace Seedtex.Diffusion.Tests;

/// <summary>How encoded prompts are laid out as text-encoder windows: start/end/padding, truncation, chunks,
/// and the pad token and window size a tokenizer folder asks for.</summary>
public class TokenizerLayoutTests
{
    private const int Start = 49406;
    private const int End = 49407;

    // 100 content tokens with CLIP's vocabulary: "a" is one token (320) and "," another (267).
    private static readonly string HundredTokens = string.Join(", ", Enumerable.Repeat("a", 50));

    [Fact]
    public void Short_prompt_is_start_tokens_end_then_padding_with_the_end_token()
    {
        var prompt = TokenizerTestData.Clip.Tokenize("a photo of a cat", LongPromptPolicy.Truncate);

        int[] expected = [Start, 320, 1125, 539, 320, 2368, End, .. Enumerable.Repeat(End, 70)];
        Assert.Equal(expected, prompt.Ids.ToArray());
        Assert.Equal(1, prompt.ChunkCount);
        Assert.Equal(77, prompt.ChunkLength);
        Assert.Equal(5, prompt.TokenCount);
        Assert.False(prompt.Truncated);
    }

    [Fact]
    public void Empty_prompt_is_one_window_of_start_end_and_padding()
    {
        foreach (var policy in new[] { LongPromptPolicy.Truncate, LongPromptPolicy.Chunk })
        {
            var prompt = TokenizerTestData.Clip.Tokenize("  ", policy);
            Assert.Equal([Start, .. Enumerable.Repeat(End, 76)], prompt.Ids.ToArray());
            Assert.Equal(0, prompt.TokenCount);
            Assert.False(prompt.Truncated);
        }
    }

    [Fact]
    public void Truncate_keeps_the_first_75_tokens_and_flags_the_loss()
    {
        var content = TokenizerTestData.Clip.Encode(HundredTokens);
        Assert.Equal(99, content.Count);

        var prompt = TokenizerTestData.Clip.Tokenize(HundredTokens, LongPromptPolicy.Truncate);

        Assert.Equal(77, prompt.Ids.Length);
        Assert.True(prompt.Truncated);
        Assert.Equal(99, prompt.TokenCount);
        Assert.Equal([Start, .. content.Take(75), End], prompt.Ids.ToArray());
    }

    [Fact]
    public void Exactly_75_tokens_fit_without_truncation()
    {
        var text = string.Join(" ", Enumerable.Repeat("a", 75));
        var prompt = TokenizerTestData.Clip.Tokenize(text, LongPromptPolicy.Truncate);

        Assert.False(prompt.Truncated);
        Assert.Equal([Start, .. Enumerable.Repeat(320, 75), End], prompt.Ids.ToArray());
    }

    [Fact]
    public void Chunk_splits_into_75_token_windows_each_with_start_end_and_padding()
    {
        var content = TokenizerTestData.Clip.Encode(HundredTokens);
        var prompt = TokenizerTestData.Clip.Tokenize(HundredTokens, LongPromptPolicy.Chunk);

        Assert.Equal(2, prompt.ChunkCount);
        Assert.Equal(154, prompt.Ids.Length);
        Assert.False(prompt.Truncated);
        Assert.Equal(99, prompt.TokenCount);
        Assert.Equal([Start, .. content.Take(75), End], prompt.Chunk(0).ToArray());
        Assert.Equal([Start, .. content.Skip(75), End, .. Enumerable.Repeat(End, 77 - 26)], prompt.Chunk(1).ToArray());
        Assert.Equal(prompt.Ids.Span[77..].ToArray(), prompt.Chunk(1).ToArray());
    }

    [Fact]
    public void Chunk_of_a_150_token_prompt_is_two_full_windows()
    {
        var text = string.Join(" ", Enumerable.Repeat("a", 150));
        var prompt = TokenizerTestData.Clip.Tokenize(text, LongPromptPolicy.Chunk);

        Assert.Equal(2, prompt.ChunkCount);
        int[] window = [Start, .. Enumerable.Repeat(320, 75), End];
        Assert.Equal([.. window, .. window], prompt.Ids.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => prompt.Chunk(2).Length);
    }

    [Fact]
    public void Sd2_style_pad_token_from_special_tokens_map_is_used()
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.ClipFolder);
        File.WriteAllText(folder.FilePath("special_tokens_map.json"),
            """{"bos_token": {"content": "<|startoftext|>"}, "eos_token": "<|endoftext|>", "pad_token": "!"}""");

        var tokenizer = ClipTokenizer.Load(folder.Path);
        var prompt = tokenizer.Tokenize("a cat", LongPromptPolicy.Truncate);

        Assert.Equal(0, tokenizer.PadTokenId); // "!" is CLIP's first byte symbol
        Assert.Equal([Start, 320, 2368, End, .. Enumerable.Repeat(0, 73)], prompt.Ids.ToArray());
    }

    [Fact]
    public void Pad_token_and_length_come_from_tokenizer_config_when_the_map_is_absent()
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.ClipFolder);
        File.Delete(folder.FilePath("special_tokens_map.json"));
        File.WriteAllText(folder.FilePath("tokenizer_config.json"),
            """{"model_max_length": 16, "pad_token": {"content": "!", "lstrip": false, "__type": "AddedToken"}}""");

        var tokenizer = ClipTokenizer.Load(folder.Path);
        var prompt = tokenizer.Tokenize(HundredTokens, LongPromptPolicy.Chunk);

        Assert.Equal(16, tokenizer.MaxLength);
        Assert.Equal(0, tokenizer.PadTokenId);
        Assert.Equal(8, prompt.ChunkCount); // 99 tokens in windows of 14: seven full, one with a single token
        Assert.Equal([Start, TokenizerTestData.Clip.Encode(HundredTokens)[98], End, .. Enumerable.Repeat(0, 13)], prompt.Chunk(7).ToArray());
    }

    [Fact]
    public void Folder_without_config_files_pads_with_the_end_token_at_77()
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.SmallFolder);
        File.Delete(folder.FilePath("special_tokens_map.json"));
        File.WriteAllText(folder.FilePath("tokenizer_config.json"), """{"model_max_length": 1000000000000000019884624838656}""");

        var tokenizer = ClipTokenizer.Load(folder.Path);

        Assert.Equal(77, tokenizer.MaxLength);
        Assert.Equal(tokenizer.EndTokenId, tokenizer.PadTokenId);
        Assert.Equal(721, tokenizer.EndTokenId);
        Assert.Equal(720, tokenizer.StartTokenId);
    }

    [Fact]
    public void Tokenizer_built_from_file_text_matches_the_loaded_one()
    {
        var vocab = File.ReadAllText(Path.Combine(TokenizerTestData.SmallFolder, "vocab.json"));
        var merges = File.ReadAllText(Path.Combine(TokenizerTestData.SmallFolder, "merges.txt"));
        var tokenizer = new ClipTokenizer(vocab, merges, new ClipTokenizerOptions { MaxLength = 10, PadToken = "!" });

        var prompt = tokenizer.Tokenize("Mossy stone", LongPromptPolicy.Truncate);

        Assert.Equal(10, prompt.Ids.Length);
        Assert.Equal(TokenizerTestData.Small.Encode("Mossy stone"), prompt.Ids.Span[1..(1 + prompt.TokenCount)].ToArray());
        Assert.Equal(0, prompt.Ids.Span[^1]);
    }

    [Fact]
    public void FixText_off_keeps_curly_quotes_as_their_own_tokens()
    {
        var vocab = File.ReadAllText(Path.Combine(TokenizerTestData.ClipFolder, "vocab.json"));
        var merges = File.ReadAllText(Path.Combine(TokenizerTestData.ClipFolder, "merges.txt"));
        var raw = new ClipTokenizer(vocab, merges, new ClipTokenizerOptions { FixText = false });

        Assert.Equal(TokenizerTestData.Clip.Encode("don't"), TokenizerTestData.Clip.Encode("don\u2019t"));
        Assert.NotEqual(raw.Encode("don't"), raw.Encode("don\u2019t"));
    }

    [Fact]
    public void DecodeHtmlEntities_off_leaves_references_as_text_like_hf()
    {
        var vocab = File.ReadAllText(Path.Combine(TokenizerTestData.ClipFolder, "vocab.json"));
        var merges = File.ReadAllText(Path.Combine(TokenizerTestData.ClipFolder, "merges.txt"));
        var hfStyle = new ClipTokenizer(vocab, merges, new ClipTokenizerOptions { DecodeHtmlEntities = false });

        Assert.Equal(TokenizerTestData.Clip.Encode("salt & pepper"), TokenizerTestData.Clip.Encode("salt &amp; pepper"));
        Assert.Equal(
            [.. hfStyle.Encode("salt"), .. hfStyle.Encode("&"), .. hfStyle.Encode("amp"), .. hfStyle.Encode(";"), .. hfStyle.Encode("pepper")],
            hfStyle.Encode("salt &amp; pepper"));
        Assert.NotEqual(hfStyle.Encode("&"), hfStyle.Encode("&amp;"));
    }

    [Fact]
    public void Ids_widen_to_int64_for_encoders_that_take_them()
    {
        var prompt = TokenizerTestData.Clip.Tokenize("a photo of a cat", LongPromptPolicy.Chunk);
        var wide = new long[prompt.Ids.Length];
        prompt.CopyIdsTo(wide);

        Assert.Equal(prompt.Ids.ToArray().Select(id => (long)id), wide);
        Assert.Throws<ArgumentOutOfRangeException>(() => prompt.CopyIdsTo(new long[76]));
    }

    [Fact]
    public async Task LoadAsync_gives_the_same_tokenizer()
    {
        var tokenizer = await ClipTokenizer.LoadAsync(TokenizerTestData.SmallFolder);
        Assert.Equal(TokenizerTestData.Small.Encode("sunset sky"), tokenizer.Encode("sunset sky"));
    }

    [Fact]
    public void Benchmark_reports_positive_times_for_a_real_prompt()
    {
        var result = TokenizerBenchmark.Run(TokenizerTestData.SmallFolder, loads: 1, prompts: 3);
        Assert.True(result.LoadMilliseconds > 0);
        Assert.True(result.PromptMicroseconds > 0);
        Assert.True(result.PromptTokens > 40, $"{result.PromptTokens} tokens");
    }
}
