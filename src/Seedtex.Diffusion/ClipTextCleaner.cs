using System.Globalization;
using System.Text;

namespace Seedtex.Diffusion;

/// <summary>
/// CLIP's text cleanup before splitting: optional ftfy-style fixes, HTML unescaping twice, whitespace collapsed
/// and trimmed, then Python's <c>str.lower()</c>. Each step copies Python's exact rules (its whitespace set,
/// its lowercase special cases) because a prompt that cleans differently gets different tokens.
/// </summary>
internal static class ClipTextCleaner
{
    public static string Clean(string text, ClipTokenizerOptions options)
    {
        if (options.FixText)
            text = FixTypography(text);
        if (options.DecodeHtmlEntities)
            text = HtmlCharacterReferences.Decode(HtmlCharacterReferences.Decode(text));
        return ToLowerLikePython(CollapseWhitespace(text));
    }

    /// <summary>The characters Python's <c>str.isspace()</c> and <c>re</c>'s <c>\s</c> accept: more than
    /// char.IsWhiteSpace (the information separators U+001C–U+001F count).</summary>
    public static bool IsPythonSpace(int c) =>
        c is (>= 0x09 and <= 0x0D) or (>= 0x1C and <= 0x20) or 0x85 or 0xA0 or 0x1680 or (>= 0x2000 and <= 0x200A)
            or 0x2028 or 0x2029 or 0x202F or 0x205F or 0x3000;

    private static string FixTypography(string text)
    {
        var fixedText = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            switch (c)
            {
                case >= '\uFB00' and <= '\uFB06':
                    fixedText.Append(Ligatures[c - '\uFB00']);
                    break;
                case >= '\uFF01' and <= '\uFF5E':
                    fixedText.Append((char)(c - 0xFEE0)); // fullwidth ASCII → ASCII
                    break;
                case '\u3000':
                    fixedText.Append(' ');
                    break;
                case '\u02BC' or (>= '\u2018' and <= '\u201B'):
                    fixedText.Append('\'');
                    break;
                case >= '\u201C' and <= '\u201F':
                    fixedText.Append('"');
                    break;
                default:
                    fixedText.Append(c);
                    break;
            }
        }
        return fixedText.ToString();
    }

    private static readonly string[] Ligatures = ["ff", "fi", "fl", "ffi", "ffl", "\u017Ft", "st"];

    private static string CollapseWhitespace(string text)
    {
        var collapsed = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (IsPythonSpace(c))
            {
                pendingSpace = collapsed.Length > 0;
                continue;
            }
            if (pendingSpace)
                collapsed.Append(' ');
            pendingSpace = false;
            collapsed.Append(c);
        }
        return collapsed.ToString();
    }

    // Rune.ToLowerInvariant is Unicode's simple mapping; Python's lower() adds the full mapping of
    // U+0130 (İ → i + combining dot) and the Greek final-sigma rule.
    private static string ToLowerLikePython(string text)
    {
        var lower = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (Rune.DecodeFromUtf16(text.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                lower.Append(text[i]); // a lone surrogate stays as it is; UTF-8 encoding replaces it later
                i++;
                continue;
            }
            switch (rune.Value)
            {
                case 0x130:
                    lower.Append("i\u0307");
                    break;
                case 0x3A3:
                    lower.Append(IsFinalSigma(text, i, used) ? '\u03C2' : '\u03C3');
                    break;
                default:
                    lower.Append(Rune.ToLowerInvariant(rune).ToString());
                    break;
            }
            i += used;
        }
        return lower.ToString();
    }

    // Final_Sigma (Unicode 3.13): a cased letter before it, no cased letter after it, skipping case-ignorables.
    private static bool IsFinalSigma(string text, int index, int length)
    {
        var before = index;
        Rune previous = default;
        var hasPrevious = false;
        while (before > 0 && Rune.DecodeLastFromUtf16(text.AsSpan(0, before), out previous, out var used) == System.Buffers.OperationStatus.Done)
        {
            before -= used;
            hasPrevious = true;
            if (!IsCaseIgnorable(previous))
                break;
        }
        if (!hasPrevious || IsCaseIgnorable(previous) || !IsCased(previous))
            return false;

        var after = index + length;
        while (after < text.Length && Rune.DecodeFromUtf16(text.AsSpan(after), out var next, out var used) == System.Buffers.OperationStatus.Done)
        {
            if (!IsCaseIgnorable(next))
                return !IsCased(next);
            after += used;
        }
        return true;
    }

    // Approximations of the Cased and Case_Ignorable properties from the general categories .NET exposes.
    private static bool IsCased(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
        || Rune.ToLowerInvariant(r) != r || Rune.ToUpperInvariant(r) != r;

    private static bool IsCaseIgnorable(Rune r) =>
        Rune.GetUnicodeCategory(r) is UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.Format
            or UnicodeCategory.ModifierLetter or UnicodeCategory.ModifierSymbol
        || r.Value is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x5F4 or 0x2018 or 0x2019 or 0x2024 or 0x2027
            or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;
}
