using System.Globalization;
using System.Text;

namespace Seedtex.Diffusion;

/// <summary>
/// Splits cleaned text into the words BPE works on, matching CLIP's pattern
/// <c>&lt;\|startoftext\|&gt;|&lt;\|endoftext\|&gt;|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+</c>
/// (case-insensitive). A hand-written scan instead of .NET's Regex: Regex judges UTF-16 units, so a letter
/// outside the BMP (𠀀, 𝒜) would fall into the punctuation class and split words differently from Python.
/// One pass, no backtracking.
/// </summary>
internal static class ClipPreTokenizer
{
    public const string StartText = "<|startoftext|>";
    public const string EndText = "<|endoftext|>";

    // Tried in the pattern's order; the first that matches wins.
    private static readonly string[] Literals = [StartText, EndText, "'s", "'t", "'re", "'ve", "'m", "'ll", "'d"];

    private enum CharClass { Space, Letter, Number, Other }

    /// <summary>Appends each word of <paramref name="text"/> as (start, length) in UTF-16 units.</summary>
    public static void Split(string text, List<(int Start, int Length)> words)
    {
        var i = 0;
        while (i < text.Length)
        {
            var literal = MatchLiteral(text, i);
            if (literal > 0)
            {
                words.Add((i, literal));
                i += literal;
                continue;
            }

            var kind = Classify(text, i, out var used);
            switch (kind)
            {
                case CharClass.Space:
                    i += used;
                    break;
                case CharClass.Number:
                    words.Add((i, used)); // one digit per word, as [\p{N}]
                    i += used;
                    break;
                default:
                    var start = i;
                    i += used;
                    while (i < text.Length)
                    {
                        if (Classify(text, i, out used) != kind)
                            break;
                        i += used;
                    }
                    words.Add((start, i - start));
                    break;
            }
        }
    }

    private static int MatchLiteral(string text, int at)
    {
        if (text[at] is not ('<' or '\''))
            return 0;
        foreach (var literal in Literals)
        {
            if (MatchesIgnoringCase(text, at, literal))
                return literal.Length;
        }
        return 0;
    }

    // The text is already lowercase; under Python regex's simple case folding the only other character that
    // matches one of these ASCII letters is ſ (U+017F, folds to 's').
    private static bool MatchesIgnoringCase(string text, int at, string literal)
    {
        if (at + literal.Length > text.Length)
            return false;
        for (var k = 0; k < literal.Length; k++)
        {
            var c = text[at + k];
            if (c != literal[k] && !(literal[k] == 's' && c == '\u017F'))
                return false;
        }
        return true;
    }

    private static CharClass Classify(string text, int at, out int used)
    {
        if (Rune.DecodeFromUtf16(text.AsSpan(at), out var rune, out used) != System.Buffers.OperationStatus.Done)
            return CharClass.Other; // lone surrogate
        if (ClipTextCleaner.IsPythonSpace(rune.Value))
            return CharClass.Space;
        return Rune.GetUnicodeCategory(rune) switch
        {
            UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter => CharClass.Letter,
            UnicodeCategory.DecimalDigitNumber or UnicodeCategory.LetterNumber or UnicodeCategory.OtherNumber => CharClass.Number,
            _ => CharClass.Other,
        };
    }
}
