using Seedtex.Core;

namespace Seedtex.Diffusion.Tests;

/// <summary>Broken tokenizer folders and files fail with InvalidModel errors that name the file and the problem.</summary>
public class TokenizerErrorTests
{
    private static string SmallVocab => File.ReadAllText(Path.Combine(TokenizerTestData.SmallFolder, "vocab.json"));

    private static string SmallMerges => File.ReadAllText(Path.Combine(TokenizerTestData.SmallFolder, "merges.txt"));

    private static SeedtexException AssertModelError(Action action, params string[] mentions)
    {
        var error = Assert.Throws<SeedtexException>(action);
        Assert.Equal(SeedtexErrorKind.InvalidModel, error.Kind);
        foreach (var mention in mentions)
            Assert.Contains(mention, error.Message, StringComparison.Ordinal);
        return error;
    }

    [Fact]
    public void Missing_folder_is_named()
    {
        var path = Path.Combine(Path.GetTempPath(), "seedtex-no-such-tokenizer-" + Guid.NewGuid().ToString("N"));
        AssertModelError(() => ClipTokenizer.Load(path), path);
    }

    [Theory]
    [InlineData("vocab.json")]
    [InlineData("merges.txt")]
    public void Missing_required_file_is_named(string file)
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.SmallFolder);
        File.Delete(folder.FilePath(file));
        AssertModelError(() => ClipTokenizer.Load(folder.Path), folder.FilePath(file));
    }

    [Fact]
    public void Vocab_that_is_not_json_is_named()
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.SmallFolder);
        File.WriteAllText(folder.FilePath("vocab.json"), "{\"a\": 1, ");
        AssertModelError(() => ClipTokenizer.Load(folder.Path), folder.FilePath("vocab.json"), "not valid JSON");
    }

    [Theory]
    [InlineData("[1, 2]", "not a JSON object")]
    [InlineData("{\"a\": \"one\"}", "\"a\"")]
    [InlineData("{\"a\": -1}", "\"a\"")]
    [InlineData("{\"a\": 1.5}", "\"a\"")]
    [InlineData("{\"a\": {\"b\": 1}}", "\"a\"")]
    public void Vocab_with_the_wrong_shape_is_rejected(string json, string mention)
    {
        AssertModelError(() => _ = new ClipTokenizer(json, SmallMerges), "vocab.json", mention);
    }

    [Theory]
    [InlineData("<|startoftext|>")]
    [InlineData("<|endoftext|>")]
    public void Vocab_without_a_special_token_is_rejected(string token)
    {
        var vocab = SmallVocab.Replace($"\"{token}\"", "\"something else\"", StringComparison.Ordinal);
        AssertModelError(() => _ = new ClipTokenizer(vocab, SmallMerges), token);
    }

    [Fact]
    public void Pad_token_missing_from_the_vocab_is_named()
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.SmallFolder);
        File.WriteAllText(folder.FilePath("special_tokens_map.json"), """{"pad_token": "<pad>"}""");
        AssertModelError(() => ClipTokenizer.Load(folder.Path), "<pad>", folder.FilePath("vocab.json"));
    }

    [Theory]
    [InlineData("special_tokens_map.json")]
    [InlineData("tokenizer_config.json")]
    public void Broken_optional_config_is_named(string file)
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.SmallFolder);
        File.WriteAllText(folder.FilePath(file), "{ pad_token: ");
        AssertModelError(() => ClipTokenizer.Load(folder.Path), folder.FilePath(file));
    }

    [Theory]
    [InlineData("#version: 0.2\nt h\nnotamerge\n", 3)]
    [InlineData("#version: 0.2\nt h e\n", 2)]
    [InlineData("t h\n h\n", 2)]
    public void Malformed_merge_line_is_named_with_its_number(string merges, int line)
    {
        AssertModelError(() => _ = new ClipTokenizer(SmallVocab, merges), "merges.txt", $"line {line} ");
    }

    [Fact]
    public void Merges_naming_tokens_outside_the_vocab_are_accepted_and_unknown_results_map_to_the_end_token()
    {
        // "q z" merges into "qz", which the vocab lacks: that symbol falls back to the end (unknown) token.
        var tokenizer = new ClipTokenizer(SmallVocab, "#version: 0.2\nq z</w>\n");
        Assert.Equal(1, tokenizer.MergeCount);
        Assert.Equal([tokenizer.EndTokenId], tokenizer.Encode("qz"));
    }

    [Fact]
    public void Merges_with_crlf_line_ends_and_no_header_read_the_same()
    {
        var crlf = new ClipTokenizer(SmallVocab, SmallMerges.Replace("#version: 0.2\n", "", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal));
        Assert.Equal(TokenizerTestData.Small.Encode("mossy cobblestone texture"), crlf.Encode("mossy cobblestone texture"));
    }

    [Fact]
    public void Files_saved_with_a_byte_order_mark_read_the_same()
    {
        using var folder = new TokenizerTestData.ScratchFolder(TokenizerTestData.SmallFolder);
        foreach (var file in new[] { "vocab.json", "merges.txt" })
            File.WriteAllText(folder.FilePath(file), File.ReadAllText(folder.FilePath(file)), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
        Assert.Equal(0xEF, File.ReadAllBytes(folder.FilePath("merges.txt"))[0]);

        var tokenizer = ClipTokenizer.Load(folder.Path);

        Assert.Equal(TokenizerTestData.Small.MergeCount, tokenizer.MergeCount);
        Assert.Equal(TokenizerTestData.Small.Encode("mossy cobblestone texture"), tokenizer.Encode("mossy cobblestone texture"));
    }

    [Fact]
    public void Window_too_small_for_start_and_end_is_an_argument_error()
    {
        var error = Assert.Throws<SeedtexException>(() => new ClipTokenizer(SmallVocab, SmallMerges, new ClipTokenizerOptions { MaxLength = 2 }));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, error.Kind);
    }

    [Fact]
    public void Unknown_long_prompt_policy_is_an_argument_error()
    {
        var error = Assert.Throws<SeedtexException>(() => TokenizerTestData.Small.Tokenize("sky", (LongPromptPolicy)7));
        Assert.Equal(SeedtexErrorKind.InvalidArgument, error.Kind);
    }
}
