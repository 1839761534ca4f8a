namespace Seedtex.Diffusion.Tests;

/// <summary>Every case in tokenizer_cases.json, encoded with the real CLIP vocabulary and with the small learnt
/// one, must give exactly the ids the plain Python reference (tests/reference/clip_bpe.py) gave.</summary>
public class TokenizerReferenceTests
{
    public static TheoryData<int> CaseIndices()
    {
        var data = new TheoryData<int>();
        for (var i = 0; i < TokenizerTestData.Cases.Value.Count; i++)
            data.Add(i);
        return data;
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Clip_vocabulary_gives_the_reference_ids(int index)
    {
        var testCase = TokenizerTestData.Cases.Value[index];
        Assert.Equal(testCase.ClipIds, TokenizerTestData.Clip.Encode(testCase.Text));
    }

    [Theory]
    [MemberData(nameof(CaseIndices))]
    public void Small_vocabulary_gives_the_reference_ids(int index)
    {
        var testCase = TokenizerTestData.Cases.Value[index];
        Assert.Equal(testCase.SmallIds, TokenizerTestData.Small.Encode(testCase.Text));
    }

    [Fact]
    public void Case_file_covers_the_edge_cases_it_promises()
    {
        var cases = TokenizerTestData.Cases.Value;
        Assert.True(cases.Count >= 200, $"only {cases.Count} cases");
        Assert.Contains(cases, c => c.Text.Length == 0);
        Assert.Contains(cases, c => c.ClipIds.Length > 150);
        Assert.Contains(cases, c => c.Text.Contains("&amp;", StringComparison.Ordinal));
        Assert.Contains(cases, c => c.Text.Contains("🔥", StringComparison.Ordinal));
    }

    [Fact]
    public void Well_known_clip_ids_come_out()
    {
        // "a photo of a cat" with CLIP ViT-L/14's tokenizer, as printed in many public examples.
        var prompt = TokenizerTestData.Clip.Tokenize("a photo of a cat", LongPromptPolicy.Truncate);
        Assert.Equal([49406, 320, 1125, 539, 320, 2368, 49407], prompt.Chunk(0)[..7].ToArray());
        Assert.Equal(49408, TokenizerTestData.Clip.VocabularySize);
        Assert.Equal(48894, TokenizerTestData.Clip.MergeCount);
    }

    [Fact]
    public void Threads_sharing_one_fresh_tokenizer_all_get_the_reference_ids()
    {
        var tokenizer = ClipTokenizer.Load(TokenizerTestData.ClipFolder);
        var cases = TokenizerTestData.Cases.Value;
        var mismatches = 0;
        // Every thread walks all cases from a different starting point, so words enter the cache concurrently.
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, thread =>
        {
            for (var k = 0; k < cases.Count; k++)
            {
                var testCase = cases[(k + thread * 61) % cases.Count];
                if (!tokenizer.Encode(testCase.Text).SequenceEqual(testCase.ClipIds))
                    Interlocked.Increment(ref mismatches);
            }
        });
        Assert.Equal(0, mismatches);
    }

    [Fact]
    public void Repeated_encoding_gives_the_same_ids_from_the_word_cache()
    {
        var tokenizer = ClipTokenizer.Load(TokenizerTestData.ClipFolder);
        var first = tokenizer.Encode("mossy cobblestone, mossy cobblestone");
        var second = tokenizer.Encode("mossy cobblestone, mossy cobblestone");
        Assert.Equal(first, second);
        Assert.Equal(first.Take(first.Count / 2), first.Skip(first.Count / 2 + 1));
    }
}
